/**
 * Seeded random scenarios for the analyzer-vs-dataplane differential: a small fixed set of pods
 * with varied labels (the same in every scenario, so the dataplane builds them once), and one to
 * three random NetworkPolicies drawn from the features the spec has: pod and
 * namespace selectors (matchLabels and matchExpressions), both combined, ipBlock with except,
 * numbered, named and ranged ports over TCP and UDP, empty rules, and policyTypes given or
 * left out. The same seed always gives the same scenario.
 */
import { clusterModelFromObjects, externalEndpoint, type ClusterModel } from '@k8s-security-pro/core';
import { seededRandom } from '@k8s-security-pro/core/testing';

/** One scenario: the cluster (labels included), the policies as API objects, and its seed. */
export interface Scenario {
  readonly seed: number;
  readonly model: ClusterModel;
  readonly policies: readonly Record<string, unknown>[];
}

const NAMESPACES = ['x', 'y', 'z'] as const;
const PODS = ['a', 'b'] as const;
const ROLES = ['web', 'db', 'cache'] as const;
const TIERS = ['front', 'back'] as const;
export const SCENARIO_OUTSIDE_IP = '203.0.113.20';
/** Draws the pods' and namespaces' labels: some pods without a role, one namespace without a tier. */
const TOPOLOGY_SEED = 7;

/** Builds the scenario for `seed`. */
export function randomScenario(seed: number): Scenario {
  // The cluster's labels come from a fixed stream: every scenario shares them, only policies vary.
  let random = seededRandom(TOPOLOGY_SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;

  const namespaces = NAMESPACES.map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ns: name, ...(chance(0.7) ? { tier: pick(TIERS) } : {}) } },
  }));
  const pods = NAMESPACES.flatMap((namespace, n) =>
    PODS.map((name, p) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace, name, labels: { pod: name, ...(chance(0.8) ? { role: pick(ROLES) } : {}) } },
      spec: {
        containers: [
          {
            name: 'main',
            ports: [
              { containerPort: 80, protocol: 'TCP', name: 'http' },
              { containerPort: 81, protocol: 'TCP', name: 'alt' },
              { containerPort: 53, protocol: 'UDP', name: 'dns' },
            ],
          },
        ],
      },
      status: { podIP: `10.244.${n + 1}.${10 + p}` },
    })),
  );

  random = seededRandom(seed);
  const podSelector = (): Record<string, unknown> =>
    pick([
      () => ({}),
      () => ({ matchLabels: { pod: pick(PODS) } }),
      () => ({ matchLabels: { role: pick(ROLES) } }),
      () => ({ matchExpressions: [{ key: 'role', operator: pick(['In', 'NotIn']), values: [pick(ROLES), pick(ROLES)] }] }),
      () => ({ matchExpressions: [{ key: 'role', operator: pick(['Exists', 'DoesNotExist']) }] }),
    ])();
  const namespaceSelector = (): Record<string, unknown> =>
    pick([
      () => ({}),
      () => ({ matchLabels: { ns: pick(NAMESPACES) } }),
      () => ({ matchLabels: { tier: pick(TIERS) } }),
      () => ({ matchExpressions: [{ key: 'tier', operator: pick(['In', 'NotIn']), values: [pick(TIERS)] }] }),
      () => ({ matchExpressions: [{ key: 'tier', operator: pick(['Exists', 'DoesNotExist']) }] }),
    ])();
  const peer = (): Record<string, unknown> =>
    pick([
      () => ({ podSelector: podSelector() }),
      () => ({ namespaceSelector: namespaceSelector() }),
      () => ({ namespaceSelector: namespaceSelector(), podSelector: podSelector() }),
      () => ({ ipBlock: { cidr: '10.244.0.0/16', except: [`10.244.${1 + Math.floor(random() * 3)}.0/24`] } }),
      () => ({ ipBlock: { cidr: pick(['203.0.113.0/24', '10.244.2.0/24', '10.244.1.11/32']) } }),
    ])();
  const port = (): Record<string, unknown> =>
    pick([
      () => ({ port: 80 }),
      () => ({ protocol: 'TCP', port: 'http' }),
      () => ({ protocol: 'TCP', port: 81 }),
      () => ({ protocol: 'TCP', port: 80, endPort: 81 }),
      () => ({ protocol: 'UDP', port: 53 }),
      () => ({ protocol: 'UDP', port: 'dns' }),
      () => ({ protocol: 'UDP' }),
    ])();
  const rule = (peerKey: 'from' | 'to'): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    if (chance(0.8)) result[peerKey] = Array.from({ length: 1 + Math.floor(random() * 2) }, peer);
    if (chance(0.6)) result['ports'] = Array.from({ length: 1 + Math.floor(random() * 2) }, port);
    return result;
  };

  const policies = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => {
    const types = pick([['Ingress'], ['Egress'], ['Ingress', 'Egress'], undefined]);
    const hasIngress = types ? types.includes('Ingress') : true;
    const hasEgress = types ? types.includes('Egress') : chance(0.5);
    const spec: Record<string, unknown> = { podSelector: podSelector() };
    if (types) spec['policyTypes'] = types;
    if (hasIngress && chance(0.85)) spec['ingress'] = Array.from({ length: 1 + Math.floor(random() * 2) }, () => rule('from'));
    if (hasEgress && chance(0.85)) spec['egress'] = Array.from({ length: 1 + Math.floor(random() * 2) }, () => rule('to'));
    return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `random-${i}`, namespace: pick(NAMESPACES) }, spec };
  });

  const { model } = clusterModelFromObjects([...namespaces, ...pods, ...policies]);
  const outside = externalEndpoint(SCENARIO_OUTSIDE_IP, [{ port: 80 }, { port: 53, protocol: 'UDP' }]);
  return { seed, model: { ...model, endpoints: [...model.endpoints, outside] }, policies };
}
