/**
 * Preparation: a {@link ClusterModel} validated and indexed once (endpoints sorted by id, IPs
 * parsed, policies compiled and sorted, every rule peer numbered). Models are immutable, so the
 * result is cached per model object, together with its grouping.
 */
import { parseIp } from '../model/kubernetes-names.js';
import { NAMESPACE_NAME_LABEL, type NetworkPolicyType } from '../model/network-policy.js';
import { AnalyzerInputError } from './analyzer-input-error.js';
import { compareText, type ClusterEndpoint, type ClusterModel, type EndpointId } from './cluster-model.js';
import { compilePolicy, compileProtocol, ipBlockContains, type CompiledPeer, type CompiledPolicy, type Labels, type ParsedIp } from './compiled-policy.js';
import type { Grouping } from './reachability-grouping.js';
import { compileClusterPolicy, type CompiledClusterPolicy } from './compiled-cluster-policy.js';

/** The cluster policies selecting an endpoint in one direction, in evaluation order. */
export interface ClusterTiers {
  readonly admin: readonly CompiledClusterPolicy[];
  readonly baseline: readonly CompiledClusterPolicy[];
}

export interface PreparedModel {
  /** Sorted by id. */
  readonly endpoints: readonly ClusterEndpoint[];
  readonly indexById: ReadonlyMap<string, number>;
  readonly ips: readonly (ParsedIp | undefined)[];
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
  /** Sorted by ref. */
  readonly policies: readonly CompiledPolicy[];
  readonly policiesByNamespace: ReadonlyMap<string, readonly CompiledPolicy[]>;
  /** Every peer of every governed rule. */
  readonly peers: readonly CompiledPeer[];
  /** The namespace of the policy that owns each peer, by peer id. */
  readonly peerNamespaces: readonly string[];
  /** Admin tier first, each tier by priority then ref. */
  readonly clusterPolicies: readonly CompiledClusterPolicy[];
  groups?: Grouping;
}

const preparedModels = new WeakMap<ClusterModel, PreparedModel>();

function endpointRef(endpoint: ClusterEndpoint): string {
  return `${endpoint.kind} ${endpoint.id}`;
}

/** Validates and indexes a model once; models are immutable, so the result is cached per object. */
export function prepare(model: ClusterModel): PreparedModel {
  const cached = preparedModels.get(model);
  if (cached) return cached;

  // A hand-built model may leave a port's protocol out; the API server would default it to TCP.
  const endpoints = model.endpoints
    .map((endpoint) =>
      endpoint.ports.every((port) => port.protocol !== undefined)
        ? endpoint
        : { ...endpoint, ports: endpoint.ports.map((port) => ({ ...port, protocol: port.protocol ?? 'TCP' })) },
    )
    .sort((a, b) => compareText(a.id, b.id));
  const indexById = new Map<string, number>();
  const namespaceLabels = new Map<string, Labels>();
  for (const namespace of model.namespaces) {
    namespaceLabels.set(namespace.name, { [NAMESPACE_NAME_LABEL]: namespace.name, ...namespace.labels });
  }
  const ips = endpoints.map((endpoint, index) => {
    if (indexById.has(endpoint.id)) {
      throw new AnalyzerInputError(endpointRef(endpoint), 'id', `two endpoints share the id ${endpoint.id}: ids must be unique`);
    }
    indexById.set(endpoint.id, index);
    if (endpoint.kind !== 'External') {
      if (!endpoint.namespace) {
        throw new AnalyzerInputError(endpointRef(endpoint), 'namespace', 'every endpoint except external ones needs a namespace');
      }
      if (!namespaceLabels.has(endpoint.namespace)) namespaceLabels.set(endpoint.namespace, { [NAMESPACE_NAME_LABEL]: endpoint.namespace });
    } else if (endpoint.namespace !== undefined) {
      throw new AnalyzerInputError(endpointRef(endpoint), 'namespace', 'external endpoints belong to no namespace: remove it, or use a Pod');
    }
    endpoint.ports.forEach((port, index) => {
      if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
        throw new AnalyzerInputError(endpointRef(endpoint), `ports[${index}].port`, `must be a port number from 1 to 65535, got ${String(port.port)}`);
      }
      compileProtocol(port.protocol, endpointRef(endpoint), `ports[${index}].protocol`);
    });
    if (endpoint.ip === undefined) return undefined;
    const ip = parseIp(endpoint.ip);
    if (!ip) throw new AnalyzerInputError(endpointRef(endpoint), 'ip', `"${endpoint.ip}" is not an IP address`);
    return ip;
  });

  const peers: CompiledPeer[] = [];
  const peerNamespaces: string[] = [];
  let peerCount = 0;
  const policies = model.policies.map((policy, index) => compilePolicy(policy, `policies[${index}]`, () => peerCount++));
  // Peers of a direction a policy does not govern are dropped, so ids can have gaps.
  for (const policy of policies) {
    for (const rules of [policy.ingress, policy.egress]) {
      for (const rule of rules ?? []) {
        for (const peer of rule.peers ?? []) {
          peers.push(peer);
          peerNamespaces[peer.id] = policy.namespace;
        }
      }
    }
  }
  policies.sort((a, b) => compareText(a.ref, b.ref));
  // Same-priority policies are ambiguous upstream; ordering them by ref keeps verdicts reproducible.
  const clusterPolicies = (model.clusterPolicies ?? [])
    .map((raw, index) => compileClusterPolicy(raw, `clusterPolicies[${index}]`, () => peerCount++))
    .sort((a, b) => (a.tier === b.tier ? 0 : a.tier === 'Admin' ? -1 : 1) || a.priority - b.priority || compareText(a.ref, b.ref));
  clusterPolicies.forEach((policy, index) => {
    if (index > 0 && clusterPolicies[index - 1]!.ref === policy.ref) {
      throw new AnalyzerInputError(policy.ref, 'metadata.name', 'two cluster policies share this kind and name: keep one');
    }
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers ?? []) {
        peers.push(peer);
        peerNamespaces[peer.id] = '';
      }
    }
  });
  const policiesByNamespace = new Map<string, CompiledPolicy[]>();
  policies.forEach((policy, index) => {
    if (index > 0 && policies[index - 1]!.ref === policy.ref) {
      throw new AnalyzerInputError(`NetworkPolicy ${policy.ref}`, 'metadata.name', 'two policies share this namespace and name: keep one');
    }
    if (!namespaceLabels.has(policy.namespace)) namespaceLabels.set(policy.namespace, { [NAMESPACE_NAME_LABEL]: policy.namespace });
    const list = policiesByNamespace.get(policy.namespace) ?? [];
    list.push(policy);
    policiesByNamespace.set(policy.namespace, list);
  });

  const prepared: PreparedModel = { endpoints, indexById, ips, namespaceLabels, policies, policiesByNamespace, peers, peerNamespaces, clusterPolicies };
  preparedModels.set(model, prepared);
  return prepared;
}

export function rulesOf(policy: CompiledPolicy, direction: NetworkPolicyType) {
  return direction === 'Ingress' ? policy.ingress : policy.egress;
}

/** Policies of the endpoint's namespace that govern `direction` and select it; `external` for externals. */
export function selectingPolicies(prepared: PreparedModel, endpoint: ClusterEndpoint, direction: NetworkPolicyType): readonly CompiledPolicy[] | 'external' {
  if (endpoint.namespace === undefined) return 'external';
  const candidates = prepared.policiesByNamespace.get(endpoint.namespace) ?? [];
  return candidates.filter((policy) => rulesOf(policy, direction) !== undefined && policy.podSelector.matches(endpoint.labels));
}

const NO_TIERS: ClusterTiers = { admin: [], baseline: [] };

/** Cluster policies whose subject holds the endpoint and that have rules for `direction`; none for externals. */
export function selectingClusterPolicies(prepared: PreparedModel, endpoint: ClusterEndpoint, direction: NetworkPolicyType): ClusterTiers {
  if (endpoint.namespace === undefined || prepared.clusterPolicies.length === 0) return NO_TIERS;
  const namespaceLabels = prepared.namespaceLabels.get(endpoint.namespace)!;
  const selecting = prepared.clusterPolicies.filter(
    (policy) =>
      (direction === 'Ingress' ? policy.ingress : policy.egress).length > 0 &&
      policy.subjectNamespaces.matches(namespaceLabels) &&
      (policy.subjectPods === undefined || policy.subjectPods.matches(endpoint.labels)),
  );
  if (selecting.length === 0) return NO_TIERS;
  return { admin: selecting.filter((policy) => policy.tier === 'Admin'), baseline: selecting.filter((policy) => policy.tier === 'Baseline') };
}

export function peerMatchesEndpoint(prepared: PreparedModel, peer: CompiledPeer, index: number): boolean {
  if (peer.kind === 'ipBlock') {
    const ip = prepared.ips[index];
    return ip !== undefined && ipBlockContains(peer, ip);
  }
  const endpoint = prepared.endpoints[index]!;
  if (endpoint.namespace === undefined) return false;
  const namespaceOk =
    peer.namespaceSelector === undefined
      ? endpoint.namespace === prepared.peerNamespaces[peer.id]
      : peer.namespaceSelector.matches(prepared.namespaceLabels.get(endpoint.namespace)!);
  return namespaceOk && (peer.podSelector === undefined || peer.podSelector.matches(endpoint.labels));
}

export function checkPort(port: number, objectRef: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AnalyzerInputError(objectRef, 'port', `must be a port number from 1 to 65535, got ${String(port)}`);
  }
}

export function endpointIndex(prepared: PreparedModel, id: EndpointId, field: 'from' | 'to'): number {
  const index = prepared.indexById.get(id);
  if (index === undefined) {
    throw new AnalyzerInputError('query', field, `no endpoint "${id}" in the model: use <namespace>/<name> for pods and workloads, or the bare IP of an external endpoint`);
  }
  return index;
}
