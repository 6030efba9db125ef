/**
 * Puts NetworkPolicies from any route into one comparable form: only NetworkPolicy objects,
 * server defaults applied (port protocol TCP), keys sorted, policies ordered by namespace/name.
 */
import { parseAllDocuments } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface NormalisedPolicy {
  readonly id: string;
  readonly object: Json;
}

export function networkPoliciesIn(yamlText: string): Record<string, unknown>[] {
  return parseAllDocuments(yamlText)
    .map((document) => document.toJS() as Record<string, unknown> | null)
    .filter((object): object is Record<string, unknown> => object?.kind === 'NetworkPolicy');
}

/**
 * The Helm route adds Helm's standard labels and names Helm as the manager; the other routes
 * keep the project's. Checks those labels on every policy, then puts the project's back, so the
 * routes compare on everything else. Throws naming the policy when a Helm label is off.
 */
export function withProjectLabels(policies: readonly Record<string, unknown>[], release: string, chartLabel: string): Record<string, unknown>[] {
  return policies.map((policy) => {
    const metadata = policy.metadata as { name: string; labels?: Record<string, string> };
    const { 'helm.sh/chart': chart, 'app.kubernetes.io/instance': instance, ...labels } = metadata.labels ?? {};
    const wanted = { chart: chartLabel, instance: release, managedBy: 'Helm' };
    const found = { chart, instance, managedBy: labels['app.kubernetes.io/managed-by'] };
    if (JSON.stringify(found) !== JSON.stringify(wanted)) {
      throw new Error(`${metadata.name}: Helm labels ${JSON.stringify(found)}, expected ${JSON.stringify(wanted)}`);
    }
    return { ...policy, metadata: { ...metadata, labels: { ...labels, 'app.kubernetes.io/managed-by': 'k8s-security-pro' } } };
  });
}

export function normalisePolicies(objects: readonly unknown[]): NormalisedPolicy[] {
  return objects
    .map((object) => withServerDefaults(sortKeys(JSON.parse(JSON.stringify(object)) as Json)))
    .map((object) => {
      const metadata = (object as { metadata: { namespace?: string; name: string } }).metadata;
      return { id: `${metadata.namespace ?? ''}/${metadata.name}`, object };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key]!)]));
  }
  return value;
}

/** The API server defaults a port's protocol to TCP; compare what it would store. */
function withServerDefaults(object: Json): Json {
  const spec = (object as { spec?: { ingress?: { ports?: Json[] }[]; egress?: { ports?: Json[] }[] } }).spec;
  for (const rule of [...(spec?.ingress ?? []), ...(spec?.egress ?? [])]) {
    rule.ports = rule.ports?.map((port) => sortKeys({ protocol: 'TCP', ...(port as Record<string, Json>) }));
  }
  return object;
}

/** The first place where two JSON values differ, as `path: expected X, got Y`; undefined when equal. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return undefined;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found) return found;
    }
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const found = firstDifference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path || '(root)'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** Compares two routes' policy lists; the message names the first differing policy and field. */
export function compareRoutes(expectedName: string, expected: NormalisedPolicy[], actualName: string, actual: NormalisedPolicy[]): string | undefined {
  const expectedIds = expected.map((p) => p.id);
  const actualIds = actual.map((p) => p.id);
  const ids = firstDifference(expectedIds, actualIds);
  if (ids) return `${actualName} renders other policies than ${expectedName}: ${ids}`;
  for (let i = 0; i < expected.length; i++) {
    const field = firstDifference(expected[i]!.object, actual[i]!.object);
    if (field) return `${actualName} differs from ${expectedName} in ${expected[i]!.id} at ${field}`;
  }
  return undefined;
}
