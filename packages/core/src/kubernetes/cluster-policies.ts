/**
 * Reading the cluster-scoped policy kinds of `sigs.k8s.io/network-policy-api`:
 * `policy.networking.k8s.io/v1beta1` ClusterNetworkPolicy (v0.3.0), and the v1alpha1
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy that earlier releases (and np-guard) use.
 * The v1alpha1 kinds are rewritten into the v1beta1 shape, so everything downstream reads one form:
 * ANP becomes tier Admin, BANP tier Baseline (priority 0: there is one per cluster), `Allow` becomes
 * `Accept`, and `ports` become `protocols`.
 */
import { CLUSTER_NETWORK_POLICY_API_VERSION } from '../model/cluster-network-policy.js';
import { isRecord, kindOf } from './object-fields.js';
/** The API version of AdminNetworkPolicy and BaselineAdminNetworkPolicy. */
export const ADMIN_NETWORK_POLICY_API = 'policy.networking.k8s.io/v1alpha1';

/** Kinds of cluster-scoped network policy, with the API version each is read in. */
export const CLUSTER_POLICY_KINDS: Readonly<Record<string, string>> = {
  ClusterNetworkPolicy: CLUSTER_NETWORK_POLICY_API_VERSION,
  AdminNetworkPolicy: ADMIN_NETWORK_POLICY_API,
  BaselineAdminNetworkPolicy: ADMIN_NETWORK_POLICY_API,
};

/** Whether the object is one of {@link CLUSTER_POLICY_KINDS} (any API version). */
export function isClusterPolicyKind(object: unknown): boolean {
  const kind = kindOf(object);
  return kind !== undefined && Object.hasOwn(CLUSTER_POLICY_KINDS, kind);
}

/** A field the rewrite could not read; the caller names the object. */
export class ClusterPolicyFieldError extends Error {
  constructor(
    readonly field: string,
    readonly fix: string,
  ) {
    super(`${field}: ${fix}`);
  }
}

const V1ALPHA1_ACTIONS: Readonly<Record<string, string>> = { Allow: 'Accept', Deny: 'Deny', Pass: 'Pass' };

/** v1alpha1 `ports` entries as v1beta1 `protocols` entries. */
function protocolsOf(ports: unknown, field: string): unknown[] | undefined {
  if (ports === undefined || ports === null) return undefined;
  if (!Array.isArray(ports)) throw new ClusterPolicyFieldError(field, 'must be a list, e.g. [{portNumber: {protocol: TCP, port: 80}}]');
  return ports.map((entry, index) => {
    const at = `${field}[${index}]`;
    if (!isRecord(entry)) throw new ClusterPolicyFieldError(at, 'must be an object with portNumber, portRange or namedPort');
    const key = (protocol: unknown): string => {
      const text = protocol === undefined || protocol === null ? 'TCP' : protocol;
      if (text !== 'TCP' && text !== 'UDP' && text !== 'SCTP') throw new ClusterPolicyFieldError(`${at}.protocol`, `"${String(protocol)}" is not a protocol: use TCP, UDP or SCTP`);
      return text.toLowerCase();
    };
    if (isRecord(entry['portNumber'])) {
      const { protocol, port } = entry['portNumber'];
      return { [key(protocol)]: { destinationPort: { number: port } } };
    }
    if (isRecord(entry['portRange'])) {
      const { protocol, start, end } = entry['portRange'];
      return { [key(protocol)]: { destinationPort: { range: { start, end } } } };
    }
    if (typeof entry['namedPort'] === 'string') return { destinationNamedPort: entry['namedPort'] };
    throw new ClusterPolicyFieldError(at, 'set one of portNumber, portRange or namedPort');
  });
}

/** A v1alpha1 peer as a v1beta1 peer. Early v1alpha1 (v0.1.1) wraps namespace selectors in `namespaceSelector`. */
function peerOf(peer: unknown, field: string): unknown {
  if (!isRecord(peer)) return peer;
  const namespacesOf = (raw: unknown, at: string): unknown => {
    if (!isRecord(raw) || !('namespaceSelector' in raw || 'sameLabels' in raw || 'notSameLabels' in raw)) return raw;
    if (raw['sameLabels'] !== undefined || raw['notSameLabels'] !== undefined) {
      throw new ClusterPolicyFieldError(at, 'sameLabels and notSameLabels (v1alpha1 before v0.1.2) are not supported: list the namespaces with namespaceSelector');
    }
    return raw['namespaceSelector'] ?? {};
  };
  const copy: Record<string, unknown> = { ...peer };
  if ('namespaces' in peer) copy['namespaces'] = namespacesOf(peer['namespaces'], `${field}.namespaces`);
  if (isRecord(peer['pods']) && 'namespaces' in peer['pods']) {
    const { namespaces, ...pods } = peer['pods'];
    copy['pods'] = { ...pods, namespaceSelector: namespacesOf(namespaces, `${field}.pods.namespaces`) };
  }
  return copy;
}

function rulesOf(rules: unknown, direction: 'ingress' | 'egress'): unknown {
  if (!Array.isArray(rules)) return rules;
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  return rules.map((rule, index) => {
    const field = `spec.${direction}[${index}]`;
    if (!isRecord(rule)) return rule;
    const { ports, action, ...rest } = rule;
    const protocols = protocolsOf(ports, `${field}.ports`);
    const peers = rule[peerKey];
    return {
      ...rest,
      action: typeof action === 'string' && Object.hasOwn(V1ALPHA1_ACTIONS, action) ? V1ALPHA1_ACTIONS[action] : action,
      ...(Array.isArray(peers) ? { [peerKey]: peers.map((peer, i) => peerOf(peer, `${field}.${peerKey}[${i}]`)) } : {}),
      ...(protocols ? { protocols } : {}),
    };
  });
}

/**
 * The `spec` of a cluster policy in the v1beta1 shape: ClusterNetworkPolicy as it is,
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy rewritten (see the module comment).
 * Fields it does not rewrite are passed on for the caller to validate.
 *
 * @throws {ClusterPolicyFieldError} for a v1alpha1 field with no v1beta1 meaning.
 */
export function clusterPolicySpec(object: Record<string, unknown>): unknown {
  const spec = object['spec'];
  const kind = kindOf(object);
  if (kind === 'ClusterNetworkPolicy' || !isRecord(spec)) return spec;
  return {
    tier: kind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline',
    priority: kind === 'AdminNetworkPolicy' ? spec['priority'] : 0,
    subject: spec['subject'],
    ...(spec['ingress'] !== undefined ? { ingress: rulesOf(spec['ingress'], 'ingress') } : {}),
    ...(spec['egress'] !== undefined ? { egress: rulesOf(spec['egress'], 'egress') } : {}),
  };
}
