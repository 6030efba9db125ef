/**
 * The probe model the audit asks the reachability evaluator about: the cluster plus synthetic
 * pods with fresh labels (two per audited namespace, one per other namespace), the DNS pods if
 * the input has none, and one address outside the cluster.
 */
import { AnalyzerInputError } from '../analyzer/analyzer-input-error.js';
import { externalEndpoint, type ClusterEndpoint, type ClusterModel } from '../analyzer/cluster-model.js';
import { NAMESPACE_NAME_LABEL, type NetworkPolicyProtocol } from '../model/network-policy.js';
import { alikeEndpoints } from './alike-endpoints.js';
import type { AuditOptions } from './audit-model.js';
import type { NamespaceReach } from './cross-namespace-reach.js';
import { sortedUnique } from './sorted-unique.js';

/** Labels no selector in a real cluster would target: what "a new pod" looks like. */
const FRESH_LABELS = { 'audit.k8s-security-pro.io/probe': 'fresh' };
/** Names of the probe pods: the new pod of each namespace, its peer there, the stand-in DNS pod. */
export const PROBE = 'k8s-security-audit-probe';
export const PEER = 'k8s-security-audit-peer';
export const DNS_PROBE = 'k8s-security-audit-dns';
/** A namespace no policy names: stands for "any other namespace". */
export const ELSEWHERE_NAMESPACE = 'k8s-security-audit-elsewhere';
/** TEST-NET-3 (RFC 5737): an address outside any cluster. */
export const OUTSIDE_IP = '203.0.113.53';
/** An unremarkable high port: default deny must hold on ports no rule mentions. */
export const ARBITRARY_PORT = 47123;

function probe(namespace: string, name: string, ports: ClusterEndpoint['ports'] = [{ port: ARBITRARY_PORT, protocol: 'TCP' }]): ClusterEndpoint {
  return { id: `${namespace}/${name}`, kind: 'Pod', namespace, name, labels: FRESH_LABELS, ports };
}

/** Ports named in the ingress rules of a namespace's policies: where selective access usually is. */
function ingressPortsOf(model: ClusterModel, namespace: string): ClusterEndpoint['ports'] {
  const ports = new Map<string, ClusterEndpoint['ports'][number]>([[`${ARBITRARY_PORT}/TCP`, { port: ARBITRARY_PORT, protocol: 'TCP' }]]);
  let nextNamedPort = 40000;
  for (const policy of model.policies) {
    if (policy.metadata.namespace !== namespace) continue;
    for (const rule of policy.spec.ingress ?? []) {
      for (const entry of rule.ports ?? []) {
        const protocol: NetworkPolicyProtocol = entry.protocol ?? 'TCP';
        if (typeof entry.port === 'number') ports.set(`${entry.port}/${protocol}`, { port: entry.port, protocol });
        else if (typeof entry.port === 'string' && !ports.has(`${entry.port}/${protocol}`)) {
          ports.set(`${entry.port}/${protocol}`, { port: nextNamedPort++, protocol, name: entry.port });
        }
      }
    }
  }
  return [...ports.values()];
}

/** Namespaces that policies name by `kubernetes.io/metadata.name`, so probes can stand in them. */
function namespacesNamedBySelectors(model: ClusterModel): string[] {
  const names: string[] = [];
  for (const policy of model.policies) {
    for (const rule of [...(policy.spec.ingress ?? []), ...(policy.spec.egress ?? [])]) {
      const peers = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
      for (const peer of peers ?? []) {
        const name = peer.namespaceSelector?.matchLabels?.[NAMESPACE_NAME_LABEL];
        if (typeof name === 'string') names.push(name);
      }
    }
  }
  return names;
}

/** The cluster with the probes, as the checks of every namespace read it. */
export interface ProbeModel {
  readonly model: ClusterModel;
  /** The probe model with one endpoint per set of alike pods, for the all-sources scan of AUD005. */
  readonly reachModel: ClusterModel;
  /** How many pods each endpoint of `reachModel` stands for. */
  readonly alike: ReadonlyMap<string, number>;
  /** AUD005's findings per audited namespace. */
  readonly reach: ReadonlyMap<string, NamespaceReach>;
  readonly endpointsById: ReadonlyMap<string, ClusterEndpoint>;
  readonly dnsPod: string;
  readonly outsideId: string;
  readonly notes: string[];
}

/**
 * The part of the probe model that decides AUD001-AUD004 for `namespace`: a verdict depends only
 * on the two endpoints and the policies of their namespaces, so the rest of the cluster is left
 * out and each evaluation stays cheap however large the cluster is.
 */
export function checkModelFor(probes: ProbeModel, namespace: string): ClusterModel {
  const ids = [`${namespace}/${PROBE}`, `${namespace}/${PEER}`, `${ELSEWHERE_NAMESPACE}/${PROBE}`, probes.outsideId, probes.dnsPod];
  const endpoints = ids.map((id) => probes.endpointsById.get(id)!);
  const namespaces = new Set(endpoints.map((endpoint) => endpoint.namespace));
  return {
    namespaces: probes.model.namespaces,
    endpoints,
    policies: probes.model.policies.filter((policy) => namespaces.has(policy.metadata.namespace)),
    // Cluster policies select by namespace labels, so all of them stay.
    ...(probes.model.clusterPolicies ? { clusterPolicies: probes.model.clusterPolicies } : {}),
  };
}

/** The cluster plus probes: two fresh pods per audited namespace, one per other namespace, DNS if absent, one outside address. */
export function withProbes(model: ClusterModel, audited: readonly string[], options: AuditOptions): Omit<ProbeModel, 'reach'> {
  const notes: string[] = [];
  const dnsNamespace = options.dnsNamespace ?? 'kube-system';
  const dnsApps = options.dnsAppLabels ?? ['kube-dns', 'coredns'];
  const realDns = model.endpoints.find((e) => e.namespace === dnsNamespace && dnsApps.includes(e.labels['k8s-app'] ?? ''));
  const endpoints = [...model.endpoints];
  const namespaceLabels = new Map(model.namespaces.map((ns) => [ns.name, ns.labels]));
  const addNamespace = (name: string) => {
    if (!namespaceLabels.has(name)) namespaceLabels.set(name, { [NAMESPACE_NAME_LABEL]: name });
  };

  let dnsPod = realDns?.id;
  if (!dnsPod) {
    const dns: ClusterEndpoint = {
      id: `${dnsNamespace}/${DNS_PROBE}`,
      kind: 'Pod',
      namespace: dnsNamespace,
      name: DNS_PROBE,
      labels: { 'k8s-app': dnsApps[0] ?? 'kube-dns' },
      ports: [
        { port: 53, protocol: 'UDP', name: 'dns' },
        { port: 53, protocol: 'TCP', name: 'dns-tcp' },
      ],
    };
    endpoints.push(dns);
    addNamespace(dnsNamespace);
    dnsPod = dns.id;
    notes.push(`the input has no DNS pods: assumed pods labelled k8s-app=${dns.labels['k8s-app']} in ${dnsNamespace}, listening on UDP and TCP 53`);
  }
  const others = sortedUnique([...namespaceLabels.keys(), ...namespacesNamedBySelectors(model), ELSEWHERE_NAMESPACE]);
  for (const namespace of others) {
    addNamespace(namespace);
    if (!audited.includes(namespace)) endpoints.push(probe(namespace, PROBE));
  }
  for (const namespace of audited) {
    addNamespace(namespace);
    endpoints.push(probe(namespace, PROBE, ingressPortsOf(model, namespace)), probe(namespace, PEER));
  }
  const outside = externalEndpoint(OUTSIDE_IP, [
    { port: ARBITRARY_PORT, protocol: 'TCP' },
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ]);
  endpoints.push(outside);
  const ids = new Set<string>();
  for (const endpoint of endpoints) {
    if (ids.has(endpoint.id)) throw new AnalyzerInputError(`endpoint ${endpoint.id}`, 'metadata.name', 'the name is reserved for the audit probes: rename the object');
    ids.add(endpoint.id);
  }
  const namespaces = [...namespaceLabels].map(([name, labels]) => ({ name, labels }));
  const { representatives, alike } = alikeEndpoints(model, new Set(endpoints.slice(model.endpoints.length).map((e) => e.id)), endpoints);
  const clusterPolicies = model.clusterPolicies ? { clusterPolicies: model.clusterPolicies } : {};
  return {
    model: { namespaces, endpoints, policies: model.policies, ...clusterPolicies },
    reachModel: { namespaces, endpoints: representatives, policies: model.policies, ...clusterPolicies },
    alike,
    endpointsById: new Map(endpoints.map((endpoint) => [endpoint.id, endpoint])),
    dnsPod,
    outsideId: outside.id,
    notes,
  };
}
