/**
 * What the API server should hold: the core model's policy set, with the defaults and the
 * wire-format trimming the server applies when it stores a NetworkPolicy.
 */
import { asStoredByServer, namespaceIsolation, type NamespaceIsolationOptions, type NetworkPolicySpec } from '@k8s-security-pro/core';

/** What one policy of the model should look like once stored. */
export interface ExpectedPolicy {
  readonly spec: NetworkPolicySpec;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Policy name → what the server should store, for the namespace-isolation set of `options`, in one namespace. */
export function expectedPolicies(options: NamespaceIsolationOptions, namespace: string): Map<string, ExpectedPolicy> {
  return new Map(
    namespaceIsolation(options)
      .filter((policy) => policy.metadata.namespace === namespace)
      .map((policy) => [
        policy.metadata.name,
        { spec: asStoredByServer(policy.spec), labels: policy.metadata.labels ?? {}, annotations: policy.metadata.annotations ?? {} },
      ]),
  );
}

/**
 * Helm's way of layering values (`-f a.yaml -f b.yaml`): maps merge key by key, anything else
 * (lists included) is replaced by the later value.
 */
export function mergeValues<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = key in out ? mergeValues(out[key], value) : value;
  }
  return out as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
