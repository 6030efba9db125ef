/**
 * "No accepted value weakens isolation", as a tested claim. fast-check draws option sets from
 * pools that hold every hostile value of the guardrails issue (0.0.0.0/0, the pod range, entries
 * without port, negative-only selectors, peers in other environments, public DNS resolvers...)
 * next to ordinary ones. Every set the options schema accepts without an opt-in is rendered,
 * installed on the reference topology (examples/reference-cluster.yaml) and judged by the
 * analyzer against template #14's threat model for `production`:
 *
 * - while any ingress layer (1-4) is on, no outside address and no pod reaches a production pod,
 *   but production's own and those a positive requirement (label, In, Exists) of an enabled
 *   peer's selector names in the peer's namespace: the decoys beside the ingress controller and
 *   Prometheus stay out, and so does every other environment;
 * - while layer 5 is on, production reaches no pod outside itself and no outside address, but
 *   the DNS pods its selector positively names, on 53;
 * - while layer 2 is on, production's own pods still reach each other.
 *
 * Layers that are off are not opt-ins (NOTES states them), so the claims are conditioned on them.
 * The guarantee on CIDRs needs clusterCidrs: every drawn set carries the topology's pod range.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { clusterModelFromObjects, externalEndpoint, type ClusterModel, type Protocol } from '../analyzer/cluster-model.js';
import { evaluateConnection } from '../analyzer/reachability.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { ENVIRONMENT_NAMESPACES } from './guardrails.js';
import { optInsInUse } from './opt-ins.js';
import type { LabelSelector } from '../model/network-policy.js';
import { validateNamespaceIsolationOptions, type NamespaceIsolationOptions } from './namespace-isolation-options.js';

type Selector = LabelSelector;

const TOPOLOGY = parseAllDocuments(readFileSync(new URL('../../../../examples/reference-cluster.yaml', import.meta.url), 'utf8')).map(
  (document) => document.toJS() as unknown,
);
/** The reference topology's pods live in 10.244.0.0/24; a kubeadm-style service range beside it. */
const CLUSTER_CIDRS = ['10.244.0.0/16', '10.96.0.0/12'];
/** An address no pool CIDR covers: the "outside world" of the threat model. */
const OUTSIDE_IP = '198.51.100.10';
const TARGET = 'production';
const PROBE_PORTS: readonly [number, Protocol][] = [
  [80, 'TCP'],
  [5432, 'TCP'],
  [8080, 'TCP'],
  [9090, 'TCP'],
  [53, 'UDP'],
];

/** Mostly `safe`, sometimes `hostile`: enough sets pass the guardrails to be judged. */
const mostly = <T>(safe: readonly T[], hostile: readonly T[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...safe), weight: 9 }, { arbitrary: fc.constantFrom(...hostile), weight: 1 });
const optIn = fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: fc.constant(true), weight: 1 });

const selector = mostly<Selector>(
  [
    { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    { matchLabels: { 'k8s-app': 'kube-dns' } },
    { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'Exists' as const }] },
    { matchExpressions: [{ key: 'app', operator: 'In' as const, values: ['web', 'grafana'] }] },
    { matchLabels: { app: 'default-backend' }, matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['x'] }] },
  ],
  [
    { matchExpressions: [{ key: 'sidecar', operator: 'DoesNotExist' as const }] },
    { matchExpressions: [{ key: 'app', operator: 'NotIn' as const, values: ['x'] }] },
  ],
);
const HOSTILE_NAMESPACES = ['dev', 'staging', 'production', 'payments', 'tools', 'kube-sytem'];
const namespaceOf = (usual: string) => mostly([usual, 'ingress-nginx', 'monitoring', 'kube-system'], HOSTILE_NAMESPACES);
const portEntry = fc.record(
  {
    entry: mostly<Record<string, unknown>>(
      [{ port: 80 }, { port: 443 }, { port: 5432, protocol: 'TCP' }, { port: 9090 }, { port: 8000, endPort: 8100 }, { port: 53, protocol: 'UDP' }, { port: 'http' }, { port: 'metrics' }],
      [{}, { protocol: 'UDP' }, { protocol: 'SCTP' }, { port: 1, endPort: 65535 }, { port: 1024, endPort: 9100 }, { port: '9090' }, { port: 'a--b' }],
    ),
    opensEveryPort: optIn,
    opensWidePortRange: optIn,
  },
  { requiredKeys: ['entry'] },
).map(({ entry, ...optIns }) => ({ ...entry, ...Object.fromEntries(Object.entries(optIns).filter(([, value]) => value !== undefined)) }));
const numericPortEntry = portEntry.filter((entry) => typeof entry.port !== 'string' || /^[0-9]+$/.test(entry.port));
const cidr = mostly(
  ['10.20.0.0/24', '192.168.0.0/16', '203.0.113.0/24', '172.16.5.0/24', 'fd00::/64'],
  ['0.0.0.0/0', '::/0', '10.0.0.0/8', '10.244.0.0/16', '10.244.0.0/24', '10.244.0.11/32', '10.96.0.0/12', '10.20.0.1/24', '1::2::3/64'],
);
const cidrEntry = fc.oneof(cidr, fc.record({ cidr, opensBroadNetwork: optIn, opensClusterNetwork: optIn }, { requiredKeys: ['cidr'] }));
const layerSwitch = mostly([true], [false]);

const optionsArbitrary = fc.record({
  targetNamespaces: mostly([[TARGET], [TARGET, 'payments']], [[TARGET, 'monitoring'], [TARGET, 'kube-system']]),
  clusterCidrs: fc.constant(CLUSTER_CIDRS),
  acknowledgeNoIsolation: optIn,
  defaultDenyIngress: fc.record({ enabled: layerSwitch }),
  allowSameNamespace: fc.record({ enabled: layerSwitch }),
  allowIngressController: fc.record(
    {
      enabled: layerSwitch,
      namespace: namespaceOf('ingress-nginx'),
      podSelector: selector,
      // An empty list means every port: refused unless the controller's opensEveryPort is drawn.
      ports: fc.oneof({ arbitrary: fc.array(portEntry, { minLength: 1, maxLength: 2 }), weight: 5 }, { arbitrary: fc.constant([]), weight: 1 }),
      opensEveryPort: optIn,
      nodeCidrs: fc.array(cidrEntry, { maxLength: 2 }),
    },
    { requiredKeys: ['enabled'] },
  ),
  allowMonitoring: fc.record(
    { enabled: layerSwitch, namespace: namespaceOf('monitoring'), podSelector: selector, ports: fc.array(portEntry, { minLength: 1, maxLength: 2 }) },
    { requiredKeys: ['enabled'] },
  ),
  denyEgressExceptDns: fc.record(
    {
      enabled: layerSwitch,
      dns: fc.record({ namespace: namespaceOf('kube-system'), podSelector: selector, opensCustomNamespace: optIn }, { requiredKeys: [] }),
      nodeLocalDns: fc.record(
        { enabled: fc.boolean(), ip: mostly(['169.254.20.10', '169.254.25.10'], ['8.8.8.8', '10.244.0.11']), opensNonLinkLocalIp: optIn },
        { requiredKeys: ['enabled'] },
      ),
      apiServer: fc.record(
        { enabled: fc.boolean(), cidrs: fc.array(cidrEntry, { minLength: 1, maxLength: 2 }), ports: fc.array(numericPortEntry, { minLength: 1, maxLength: 1 }) },
        { requiredKeys: ['enabled'] },
      ),
      allowedEgress: fc.array(
        fc.record(
          {
            cidr,
            except: mostly([[]], [['10.244.0.0/16'], ['10.244.0.0/16', '10.96.0.0/12'], ['10.21.0.0/24']]),
            ports: fc.array(numericPortEntry, { minLength: 1, maxLength: 2 }),
            opensBroadNetwork: optIn,
            opensClusterNetwork: optIn,
          },
          { requiredKeys: ['cidr', 'ports'] },
        ),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: ['enabled'] },
  ),
});


const DEFAULT_PEERS: Record<string, { namespace: string; podSelector: Selector }> = {
  allowIngressController: { namespace: 'ingress-nginx', podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } },
  allowMonitoring: { namespace: 'monitoring', podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } },
  dns: { namespace: 'kube-system', podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
};

/**
 * Whether a pod with `labels` is named by a positive requirement of `selector` (its matchLabels,
 * an In or an Exists): only such pods of a peer namespace may get the peer's access. A pod the
 * selector matches through NotIn or DoesNotExist alone is a decoy that slipped in.
 */
function positivelyNamed(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  const byLabels = Object.keys(selector.matchLabels ?? {}).length > 0 && Object.entries(selector.matchLabels!).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).some(
    (e) => (e.operator === 'Exists' && e.key in labels) || (e.operator === 'In' && labels[e.key] !== undefined && e.values!.includes(labels[e.key]!)),
  );
  return byLabels || byExpression;
}

/** Every way `policies` break the threat model on the reference topology; empty when none. */
export function threatModelViolations(options: Record<string, unknown>, policies: readonly unknown[]): string[] {
  const { model: loaded } = clusterModelFromObjects([...TOPOLOGY, ...policies]);
  const model: ClusterModel = { ...loaded, endpoints: [...loaded.endpoints, externalEndpoint(OUTSIDE_IP, [{ port: 443 }, { port: 53, protocol: 'UDP' }])] };
  const on = (key: string) => (options[key] as { enabled: boolean }).enabled;
  const peerOf = (key: string, given: { namespace?: string; podSelector?: Selector } = {}) => ({
    namespace: given.namespace ?? DEFAULT_PEERS[key]!.namespace,
    podSelector: given.podSelector ?? DEFAULT_PEERS[key]!.podSelector,
  });
  const ingressPeers = ['allowIngressController', 'allowMonitoring'].filter(on).map((key) => peerOf(key, options[key] as object));
  const dnsPeer = peerOf('dns', (options.denyEgressExceptDns as { dns?: object }).dns);
  const pods = model.endpoints.filter((endpoint) => endpoint.namespace !== undefined);
  const targets = pods.filter((pod) => pod.namespace === TARGET);
  const violations: string[] = [];
  const expectDenied = (from: string, to: string, port: number, protocol: Protocol) => {
    if (evaluateConnection(model, from, to, port, protocol).allowed) violations.push(`${from} -> ${to} ${port}/${protocol} is allowed`);
  };

  if (['defaultDenyIngress', 'allowSameNamespace', 'allowIngressController', 'allowMonitoring'].some(on)) {
    const admitted = (pod: (typeof pods)[number]) =>
      pod.namespace === TARGET ||
      (!ENVIRONMENT_NAMESPACES.includes(pod.namespace!) && ingressPeers.some((peer) => peer.namespace === pod.namespace && positivelyNamed(peer.podSelector, pod.labels)));
    const sources = [...pods.filter((pod) => !admitted(pod)).map((pod) => pod.id), OUTSIDE_IP];
    for (const source of sources) for (const target of targets) for (const [port, protocol] of PROBE_PORTS) expectDenied(source, target.id, port, protocol);
  }
  if (on('denyEgressExceptDns')) {
    const dnsServer = (id: string) => pods.some((pod) => pod.id === id && pod.namespace === dnsPeer.namespace && positivelyNamed(dnsPeer.podSelector, pod.labels));
    for (const destination of [...pods.filter((pod) => pod.namespace !== TARGET).map((pod) => pod.id), OUTSIDE_IP]) {
      for (const [port, protocol] of PROBE_PORTS) {
        if (port === 53 && dnsServer(destination)) continue;
        expectDenied(`${TARGET}/app`, destination, port, protocol);
      }
      expectDenied(`${TARGET}/app`, destination, 443, 'TCP');
    }
  }
  if (on('allowSameNamespace') && !evaluateConnection(model, `${TARGET}/app`, `${TARGET}/db`, 5432, 'TCP').allowed) {
    violations.push(`${TARGET}/app -> ${TARGET}/db 5432/TCP is denied`);
  }
  return violations;
}

describe('the guardrails, on random option sets', () => {
  it('keep the threat model on the reference topology for every set accepted without an opt-in (800 sets a run)', () => {
    const tally = { refused: 0, optedIn: 0, judged: 0 };
    fc.assert(
      fc.property(optionsArbitrary, (options) => {
        const result = validateNamespaceIsolationOptions(options);
        if (!result.ok) return void tally.refused++;
        if (optInsInUse(result.options).length > 0) return void tally.optedIn++;
        tally.judged++;
        expect(threatModelViolations(options, namespaceIsolation(options as NamespaceIsolationOptions))).toEqual([]);
      }),
      { numRuns: 800 },
    );
    console.log(`guardrails property: ${JSON.stringify(tally)}`);
    // The pools must reach all three outcomes often enough for the claim to mean something.
    expect(tally.judged, JSON.stringify(tally)).toBeGreaterThanOrEqual(50);
    expect(tally.refused, JSON.stringify(tally)).toBeGreaterThanOrEqual(100);
    expect(tally.optedIn, JSON.stringify(tally)).toBeGreaterThanOrEqual(20);
  });

  it('would catch a weakening: the judge reports what an opted-in pod-range node CIDR opens', () => {
    const options = {
      targetNamespaces: [TARGET],
      clusterCidrs: CLUSTER_CIDRS,
      allowIngressController: { enabled: true, nodeCidrs: [{ cidr: '10.244.0.0/16', opensClusterNetwork: true }] },
      defaultDenyIngress: { enabled: true },
      allowSameNamespace: { enabled: true },
      allowMonitoring: { enabled: true },
      denyEgressExceptDns: { enabled: true },
    };
    expect(threatModelViolations(options, namespaceIsolation(options))).toContain(`dev/db -> ${TARGET}/db 8080/TCP is allowed`);
  });

  it('would catch a set with egress open to every address', () => {
    const options = {
      targetNamespaces: [TARGET],
      defaultDenyIngress: { enabled: true },
      allowSameNamespace: { enabled: true },
      allowIngressController: { enabled: true },
      allowMonitoring: { enabled: true },
      denyEgressExceptDns: { enabled: true, allowedEgress: [{ cidr: '0.0.0.0/0', opensBroadNetwork: true, ports: [{ port: 443 }] }] },
    };
    expect(threatModelViolations(options, namespaceIsolation(options))).toContain(`${TARGET}/app -> ${OUTSIDE_IP} 443/TCP is allowed`);
  });
});
