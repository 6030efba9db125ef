/**
 * The defaults and trimming the API server applies when it stores a NetworkPolicy, so a policy
 * read from manifests and the same policy read back from a cluster compare (and digest) equal.
 */
import type { NetworkPolicySpec } from './network-policy.js';

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
