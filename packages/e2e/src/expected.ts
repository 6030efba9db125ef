/**
 * What the API server should hold: the core model's policy set, with the defaults and the
 * wire-format trimming the server applies when it stores a NetworkPolicy.
 */
import { namespaceIsolation, type NamespaceIsolationOptions, type NetworkPolicySpec } from '@k8s-security-pro/core';

/**
 * A spec as the API server stores and returns it (k8s.io/api networking/v1 defaulting and JSON
 * encoding): a port without a protocol gets `TCP`, a spec without `policyTypes` gets `Ingress`
 * (plus `Egress` when it has egress rules), and empty lists and empty `matchLabels` maps are
 * omitted. Empty selectors (`{}`, "everything") are kept: they mean something.
 */
export function asStoredByServer(spec: NetworkPolicySpec): NetworkPolicySpec {
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  if (!Array.isArray(copy['policyTypes']) || copy['policyTypes'].length === 0) {
    copy['policyTypes'] = Array.isArray(copy['egress']) && copy['egress'].length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  return trim(copy, '') as NetworkPolicySpec;
}

function trim(value: unknown, key: string): unknown {
  // List items are trimmed as their list's key, so the items of `ports` are known to be ports.
  if (Array.isArray(value)) return value.map((item) => trim(item, key));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length === 0) continue;
    if ((k === 'matchLabels' || k === 'annotations' || k === 'labels') && isEmptyObject(v)) continue;
    out[k] = trim(v, k);
  }
  if (key === 'ports' && out['protocol'] === undefined) out['protocol'] = 'TCP';
  return out;
}

function isEmptyObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

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
