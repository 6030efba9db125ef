/**
 * The reachability summary between namespaces that the evidence bundle carries, and the
 * environment-isolation assertions derived from it. Every verdict comes from the core analyzer:
 * the cluster's own endpoints on their declared ports, plus one fresh pod per namespace (labels
 * no policy selects, listening on an arbitrary port) and one address outside the cluster, so a
 * namespace without pods in the input is still judged for the pods it may get later.
 */
import {
  NAMESPACE_NAME_LABEL,
  externalEndpoint,
  iterateEndpointPairs,
  summarizeByNamespace,
  type ClusterEndpoint,
  type ClusterModel,
} from '@k8s-security-pro/core';
import type { AssertionResult, ReachabilityPair } from './bundle-model.js';

const PROBE_NAME = 'k8s-security-evidence-probe';
const PROBE_LABELS = { 'evidence.k8s-security-pro.io/probe': 'fresh' };
/** An unremarkable high port: isolation must hold on ports no rule mentions. */
const ARBITRARY_PORT = 47123;
/** TEST-NET-3 (RFC 5737): stands for any address outside the cluster. */
export const OUTSIDE_IP = '203.0.113.53';
export const OUTSIDE_GROUP = `outside the cluster (${OUTSIDE_IP})`;
const MAX_EXAMPLES = 20;

export const REACHABILITY_METHOD =
  `Every ordered pair of endpoints judged by the k8s-security analyzer (Kubernetes NetworkPolicy semantics): the pods and workloads of the input on their declared container ports, ` +
  `plus one new pod per namespace with labels no policy selects (TCP ${ARBITRARY_PORT}) and the address ${OUTSIDE_IP} for "outside the cluster". ` +
  'Counts are connections (source, destination, port); a pair with 0 allowed is isolated.';

function probe(namespace: string): ClusterEndpoint {
  return { id: `${namespace}/${PROBE_NAME}`, kind: 'Pod', namespace, name: PROBE_NAME, labels: PROBE_LABELS, ports: [{ port: ARBITRARY_PORT, protocol: 'TCP' }] };
}

function displayEndpoint(endpoint: ClusterEndpoint): string {
  if (endpoint.kind === 'External') return OUTSIDE_GROUP;
  return endpoint.name === PROBE_NAME ? `a new pod in ${endpoint.namespace}` : endpoint.id;
}

function groupOf(endpoint: ClusterEndpoint): string {
  return endpoint.namespace ?? OUTSIDE_GROUP;
}

/** The model with a fresh probe pod in every namespace (environments included) and the outside address. */
export function withEvidenceProbes(model: ClusterModel, extraNamespaces: readonly string[]): ClusterModel {
  const labels = new Map(model.namespaces.map((namespace) => [namespace.name, namespace.labels]));
  for (const endpoint of model.endpoints) if (endpoint.namespace && !labels.has(endpoint.namespace)) labels.set(endpoint.namespace, { [NAMESPACE_NAME_LABEL]: endpoint.namespace });
  for (const policy of model.policies) {
    const namespace = policy.metadata.namespace ?? 'default';
    if (!labels.has(namespace)) labels.set(namespace, { [NAMESPACE_NAME_LABEL]: namespace });
  }
  for (const namespace of extraNamespaces) if (!labels.has(namespace)) labels.set(namespace, { [NAMESPACE_NAME_LABEL]: namespace });
  const ids = new Set(model.endpoints.map((endpoint) => endpoint.id));
  const probes = [...labels.keys()].sort().map(probe).filter((endpoint) => !ids.has(endpoint.id));
  const outside = externalEndpoint(OUTSIDE_IP, [{ port: ARBITRARY_PORT, protocol: 'TCP' }]);
  return {
    namespaces: [...labels].map(([name, namespaceLabels]) => ({ name, labels: namespaceLabels })),
    endpoints: [...model.endpoints, ...probes, ...(ids.has(outside.id) ? [] : [outside])],
    policies: model.policies,
  };
}

/**
 * Counts allowed connections per ordered pair of groups (namespaces, then the outside world).
 * The totals come from the core's per-group-pair count, and the examples from the pairs with an
 * allowed port, visited only until every group pair has its examples: a cluster of thousands
 * of workloads costs groups squared plus some pairs, not every connection.
 */
export function namespaceReachability(probed: ClusterModel): { groups: string[]; pairs: ReachabilityPair[] } {
  const byId = new Map(probed.endpoints.map((endpoint) => [endpoint.id, endpoint]));
  const summary = summarizeByNamespace(probed);
  const groupName = (group: string) => (summary.externals.has(group) ? OUTSIDE_GROUP : group);
  const counts = new Map<string, { allowed: number; total: number; examples: string[] }>();
  for (const pair of summary.pairs) {
    const key = JSON.stringify([groupName(pair.from), groupName(pair.to)]);
    const count = counts.get(key) ?? { allowed: 0, total: 0, examples: [] };
    count.allowed += pair.allowed;
    count.total += pair.connections;
    counts.set(key, count);
  }
  let missing = 0;
  for (const count of counts.values()) missing += Math.min(count.allowed, MAX_EXAMPLES);
  for (const pair of iterateEndpointPairs(probed)) {
    if (missing === 0) break;
    const from = byId.get(pair.from)!;
    const to = byId.get(pair.to)!;
    if (from.kind === 'External' && to.kind === 'External') continue;
    const count = counts.get(JSON.stringify([groupOf(from), groupOf(to)]))!;
    pair.verdicts.forEach((verdict, k) => {
      if (!verdict.allowed || count.examples.length >= MAX_EXAMPLES) return;
      count.examples.push(`${displayEndpoint(from)} -> ${displayEndpoint(to)} ${pair.ports[k]!.protocol} ${pair.ports[k]!.port}`);
      missing--;
    });
  }
  const namespaces = [...new Set(probed.endpoints.flatMap((endpoint) => (endpoint.namespace ? [endpoint.namespace] : [])))].sort();
  const groups = [...namespaces, OUTSIDE_GROUP];
  const pairs: ReachabilityPair[] = [];
  for (const from of groups) {
    for (const to of groups) {
      const count = counts.get(JSON.stringify([from, to]));
      if (!count || count.total === 0) continue;
      const level = count.allowed === 0 ? 'none' : count.allowed === count.total ? 'all' : 'partial';
      pairs.push({ from, to, allowed: count.allowed, total: count.total, level, allowedExamples: count.examples });
    }
  }
  return { groups, pairs };
}

/**
 * The environment-isolation assertions: no connection from one environment to another, and none
 * from outside the cluster into an environment. `verify` plugs its own assertions in beside these.
 */
export function environmentAssertions(environments: readonly string[], pairs: readonly ReachabilityPair[]): AssertionResult[] {
  const pairOf = (from: string, to: string) => pairs.find((pair) => pair.from === from && pair.to === to);
  const assertions: AssertionResult[] = [];
  const assert = (id: string, statement: string, from: string, to: string) => {
    const pair = pairOf(from, to);
    const allowed = pair?.allowed ?? 0;
    const observed =
      pair === undefined
        ? 'no connection to judge between these groups'
        : allowed === 0
          ? `all ${pair.total} connections checked are denied`
          : `${allowed} of ${pair.total} connections checked are allowed, e.g. ${pair.allowedExamples.slice(0, 3).join('; ')}`;
    assertions.push({ id, producer: 'analyzer', statement, expected: 'denied', status: allowed === 0 ? 'pass' : 'fail', observed });
  };
  for (const from of environments) {
    for (const to of environments) {
      if (from !== to) assert(`isolation:${from}->${to}`, `No pod of ${from} can open a connection to a pod of ${to}.`, from, to);
    }
  }
  for (const to of environments) assert(`isolation:outside->${to}`, `No address outside the cluster can open a connection to a pod of ${to}.`, OUTSIDE_GROUP, to);
  return assertions;
}
