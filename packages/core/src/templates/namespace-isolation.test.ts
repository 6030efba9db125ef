import { seededRandom as random } from '../seeded-random.js';
import { describe, expect, it } from 'vitest';
import { NAMESPACE_ISOLATION } from '../catalog/namespace-isolation.js';
import { ENVIRONMENTS } from '../environments/environments.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer } from '../model/network-policy.js';
import type { NamespaceIsolationOptions } from '../options/namespace-isolation-options.js';
import {
  NAMESPACE_ISOLATION_APPLY_ORDER,
  NAMESPACE_ISOLATION_LABELS,
  NAMESPACE_ISOLATION_LAYERS,
  namespaceIsolation,
  type NamespaceIsolationLayerKey,
} from './namespace-isolation.js';

const LAYER_NAMES = [
  'default-deny-ingress',
  'allow-same-namespace',
  'allow-ingress-controller',
  'allow-monitoring',
  'deny-egress-except-dns',
] as const;

/** The one policy called `name` in `namespace`; fails when there is not exactly one. */
function policyNamed(policies: readonly NetworkPolicy[], name: string, namespace = 'production'): NetworkPolicy {
  const found = policies.filter((p) => p.metadata.name === name && p.metadata.namespace === namespace);
  expect(found, `${namespace}/${name}`).toHaveLength(1);
  return found[0]!;
}

const namespaceNamed = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const DNS_PEER = { namespaceSelector: namespaceNamed('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
const DNS_PORTS = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];

describe('namespaceIsolation with the default options', () => {
  const policies = namespaceIsolation();

  it('renders the five layers into the production namespace', () => {
    expect(policies).toHaveLength(5);
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([...LAYER_NAMES].sort());
    for (const policy of policies) {
      expect(policy.apiVersion).toBe('networking.k8s.io/v1');
      expect(policy.kind).toBe('NetworkPolicy');
      expect(policy.metadata.namespace).toBe('production');
    }
  });

  it('layer 1 denies all ingress: every pod selected, Ingress type, no ingress rule at all', () => {
    expect(policyNamed(policies, 'default-deny-ingress').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
  });

  it('layer 2 allows ingress from the same namespace and mirrors it as egress to the same namespace', () => {
    const spec = policyNamed(policies, 'allow-same-namespace').spec;
    expect(spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    // A peer with only a podSelector means "pods of this namespace"; a namespaceSelector here would widen it.
    expect(spec.ingress![0]!.from![0]).not.toHaveProperty('namespaceSelector');
    expect(spec.egress![0]!.to![0]).not.toHaveProperty('namespaceSelector');
  });

  it('layer 3 allows the ingress-nginx controller pods, namespace AND pods in one peer, on TCP 80, 443, 8080 and 8443', () => {
    expect(policyNamed(policies, 'allow-ingress-controller').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: namespaceNamed('ingress-nginx'),
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
            },
          ],
          ports: [80, 443, 8080, 8443].map((port) => ({ protocol: 'TCP', port })),
        },
      ],
    });
  });

  it('layer 3 opens every port of the targets only with allowIngressController.opensEveryPort', () => {
    const opened = namespaceIsolation({ allowIngressController: { opensEveryPort: true } });
    expect(policyNamed(opened, 'allow-ingress-controller').spec.ingress![0]).not.toHaveProperty('ports');
    expect(() => namespaceIsolation({ allowIngressController: { ports: [] } })).toThrow(/allowIngressController\.ports: the list is empty/);
  });

  it('layer 4 allows Prometheus in monitoring, namespace AND pods in one peer, on 9090/TCP only', () => {
    expect(policyNamed(policies, 'allow-monitoring').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: namespaceNamed('monitoring'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
          ports: [{ protocol: 'TCP', port: 9090 }],
        },
      ],
    });
  });

  it('layer 5 denies egress except DNS to the kube-dns pods in kube-system on UDP and TCP 53', () => {
    expect(policyNamed(policies, 'deny-egress-except-dns').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [DNS_PEER], ports: DNS_PORTS }],
    });
  });

  it('states policyTypes on every policy', () => {
    for (const policy of policies) {
      expect(policy.spec.policyTypes, policy.metadata.name).toBeDefined();
      expect(policy.spec.policyTypes!.length, policy.metadata.name).toBeGreaterThan(0);
      // Each direction with rules is listed in policyTypes, so no rule is silently ignored.
      if (policy.spec.ingress) expect(policy.spec.policyTypes).toContain('Ingress');
      if (policy.spec.egress) expect(policy.spec.policyTypes).toContain('Egress');
    }
  });

  it('labels every policy as part of the namespace-isolation component', () => {
    for (const policy of policies) {
      expect(policy.metadata.labels).toEqual({
        'app.kubernetes.io/component': 'namespace-isolation',
        'app.kubernetes.io/managed-by': 'k8s-security-pro',
        'app.kubernetes.io/name': 'k8s-security',
        'app.kubernetes.io/part-of': 'k8s-security-pro',
      });
      expect(Object.keys(policy.metadata.labels!)).toEqual(Object.keys(policy.metadata.labels!).sort());
    }
    expect(NAMESPACE_ISOLATION_LABELS['app.kubernetes.io/component']).toBe('namespace-isolation');
  });

  it('annotates every policy with its template, layer, CIS 5.3.2 and MITRE T1021/T1046', () => {
    for (const layer of NAMESPACE_ISOLATION_LAYERS) {
      const annotations = policyNamed(policies, layer.policyName).metadata.annotations;
      expect(annotations).toEqual({
        'k8s-security-pro.io/cis-benchmark': '5.3.2',
        'k8s-security-pro.io/description': layer.summary,
        'k8s-security-pro.io/layer': String(layer.number),
        'k8s-security-pro.io/mitre-attack': 'T1021,T1046',
        'k8s-security-pro.io/template': '14-namespace-isolation',
      });
    }
    expect(NAMESPACE_ISOLATION.cis.map((c) => c.id)).toEqual(['5.3.2']);
  });

  it('numbers the layers 1 to 5 in template order', () => {
    expect(NAMESPACE_ISOLATION_LAYERS.map((l) => [l.number, l.policyName])).toEqual(LAYER_NAMES.map((name, i) => [i + 1, name]));
  });
});

describe('namespaceIsolation apply order', () => {
  it('lists every allow layer before any deny layer', () => {
    const policies = namespaceIsolation({ targetNamespaces: ['a', 'b', 'c'] });
    const effects = policies.map((p) => NAMESPACE_ISOLATION_LAYERS.find((l) => l.policyName === p.metadata.name)!.effect);
    const firstDeny = effects.indexOf('deny');
    expect(firstDeny).toBe(9);
    expect(effects.slice(0, firstDeny).every((effect) => effect === 'allow')).toBe(true);
    expect(effects.slice(firstDeny).every((effect) => effect === 'deny')).toBe(true);
  });

  it('keeps template order inside each group', () => {
    expect(NAMESPACE_ISOLATION_APPLY_ORDER.map((l) => l.number)).toEqual([2, 3, 4, 1, 5]);
    expect(namespaceIsolation().map((p) => p.metadata.name)).toEqual([
      'allow-same-namespace',
      'allow-ingress-controller',
      'allow-monitoring',
      'default-deny-ingress',
      'deny-egress-except-dns',
    ]);
  });
});

describe('namespaceIsolation with several target namespaces', () => {
  const policies = namespaceIsolation({ targetNamespaces: ['payments', 'orders'] });

  it('renders the full set into each namespace and nothing elsewhere', () => {
    expect(policies).toHaveLength(10);
    for (const namespace of ['payments', 'orders']) {
      expect(policies.filter((p) => p.metadata.namespace === namespace).map((p) => p.metadata.name).sort()).toEqual(
        [...LAYER_NAMES].sort(),
      );
    }
  });

  it('keeps each namespace\'s same-namespace rule local to that namespace', () => {
    const spec = policyNamed(policies, 'allow-same-namespace', 'orders').spec;
    expect(spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
  });

  it('gives identical specs to every namespace', () => {
    for (const name of LAYER_NAMES) {
      expect(policyNamed(policies, name, 'orders').spec).toEqual(policyNamed(policies, name, 'payments').spec);
    }
  });
});

describe('namespaceIsolation layer toggles', () => {
  const keys = NAMESPACE_ISOLATION_LAYERS.map((l) => [l.key, l.policyName] as const);

  it.each(keys)('renders no policy for %s when it is disabled', (key: NamespaceIsolationLayerKey, policyName) => {
    const policies = namespaceIsolation({ targetNamespaces: ['a', 'b'], [key]: { enabled: false } });
    expect(policies.map((p) => p.metadata.name)).not.toContain(policyName);
    expect(policies).toHaveLength(8);
  });

  it('drops the egress mirror of layer 2 when layer 5 is off: Ingress only, no egress section', () => {
    const policies = namespaceIsolation({ denyEgressExceptDns: { enabled: false } });
    expect(policyNamed(policies, 'allow-same-namespace').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }] }],
    });
    expect(policies.some((p) => p.spec.policyTypes?.includes('Egress'))).toBe(false);
  });

  it('renders nothing when every layer is off and that is acknowledged, and refuses it otherwise', () => {
    const off = { enabled: false };
    const allOff = { defaultDenyIngress: off, allowSameNamespace: off, allowIngressController: off, allowMonitoring: off, denyEgressExceptDns: off };
    expect(namespaceIsolation({ ...allOff, acknowledgeNoIsolation: true })).toEqual([]);
    expect(() => namespaceIsolation(allOff)).toThrow(/every layer is off, so nothing is isolated.*acknowledgeNoIsolation: true/);
  });
});

describe('namespaceIsolation option extras', () => {
  it('adds the node CIDRs as separate ipBlock peers for a hostNetwork ingress controller', () => {
    const policies = namespaceIsolation({ allowIngressController: { nodeCidrs: ['10.0.0.0/24', 'fd00::/64'] } });
    expect(policyNamed(policies, 'allow-ingress-controller').spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: namespaceNamed('ingress-nginx'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } },
          { ipBlock: { cidr: '10.0.0.0/24' } },
          { ipBlock: { cidr: 'fd00::/64' } },
        ],
        ports: [80, 443, 8080, 8443].map((port) => ({ protocol: 'TCP', port })),
      },
    ]);
  });

  it('limits the ingress controller to its ports, named and numbered', () => {
    const policies = namespaceIsolation({
      allowIngressController: {
        namespace: 'traefik',
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
        ports: [{ port: 8080 }, { port: 'https', protocol: 'TCP' }],
      },
    });
    expect(policyNamed(policies, 'allow-ingress-controller').spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: namespaceNamed('traefik'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }],
        ports: [
          { protocol: 'TCP', port: 8080 },
          { protocol: 'TCP', port: 'https' },
        ],
      },
    ]);
  });

  it('renders monitoring port ranges with endPort and named ports as given', () => {
    const policies = namespaceIsolation({
      allowMonitoring: {
        podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['prometheus', 'vmagent'] }] },
        ports: [{ port: 9100, endPort: 9110 }, { port: 'metrics' }, { port: 8125, protocol: 'UDP' }],
      },
    });
    expect(policyNamed(policies, 'allow-monitoring').spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: namespaceNamed('monitoring'),
            podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['prometheus', 'vmagent'] }] },
          },
        ],
        ports: [
          { protocol: 'TCP', port: 9100, endPort: 9110 },
          { protocol: 'TCP', port: 'metrics' },
          { protocol: 'UDP', port: 8125 },
        ],
      },
    ]);
  });

  it('adds NodeLocal DNSCache as UDP and TCP 53 to its one address', () => {
    const egress = policyNamed(namespaceIsolation({ denyEgressExceptDns: { nodeLocalDns: { enabled: true, ip: '169.254.25.10' } } }), 'deny-egress-except-dns')
      .spec.egress;
    expect(egress).toEqual([
      { to: [DNS_PEER], ports: DNS_PORTS },
      { to: [{ ipBlock: { cidr: '169.254.25.10/32' } }], ports: DNS_PORTS },
    ]);
  });

  it('adds API server egress bound to its CIDRs on its real ports', () => {
    const egress = policyNamed(
      namespaceIsolation({ denyEgressExceptDns: { apiServer: { enabled: true, cidrs: ['10.0.0.10/32', '10.0.0.11/32'], ports: [{ port: 6444 }] } } }),
      'deny-egress-except-dns',
    ).spec.egress;
    expect(egress).toEqual([
      { to: [DNS_PEER], ports: DNS_PORTS },
      { to: [{ ipBlock: { cidr: '10.0.0.10/32' } }, { ipBlock: { cidr: '10.0.0.11/32' } }], ports: [{ protocol: 'TCP', port: 6444 }] },
    ]);
  });

  it('uses 6443/TCP for the API server when no port is given', () => {
    const egress = policyNamed(namespaceIsolation({ denyEgressExceptDns: { apiServer: { enabled: true, cidrs: ['10.0.0.10/32'] } } }), 'deny-egress-except-dns')
      .spec.egress;
    expect(egress![1]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] });
  });

  it('adds each allowedEgress entry as its own rule, with except when given', () => {
    const egress = policyNamed(
      namespaceIsolation({
        denyEgressExceptDns: {
          allowedEgress: [
            { cidr: '10.20.0.0/16', except: ['10.20.5.0/24', '10.20.6.0/24'], ports: [{ port: 443 }] },
            { cidr: '203.0.113.0/24', ports: [{ port: 5432, protocol: 'TCP' }, { port: 30000, endPort: 30100, protocol: 'UDP' }] },
          ],
        },
      }),
      'deny-egress-except-dns',
    ).spec.egress;
    expect(egress).toEqual([
      { to: [DNS_PEER], ports: DNS_PORTS },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.5.0/24', '10.20.6.0/24'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      {
        to: [{ ipBlock: { cidr: '203.0.113.0/24' } }],
        ports: [
          { protocol: 'TCP', port: 5432 },
          { protocol: 'UDP', port: 30000, endPort: 30100 },
        ],
      },
    ]);
  });

  it('orders the egress rules DNS, NodeLocal DNS, API server, then the allow-list', () => {
    const egress = policyNamed(
      namespaceIsolation({
        denyEgressExceptDns: {
          nodeLocalDns: { enabled: true },
          apiServer: { enabled: true, cidrs: ['10.0.0.10/32'] },
          allowedEgress: [{ cidr: '10.20.0.0/16', ports: [{ port: 443 }] }],
        },
      }),
      'deny-egress-except-dns',
    ).spec.egress!;
    expect(egress.map((rule) => rule.to![0]!.ipBlock?.cidr ?? 'dns-pods')).toEqual([
      'dns-pods',
      '169.254.20.10/32',
      '10.0.0.10/32',
      '10.20.0.0/16',
    ]);
  });

  it('binds DNS to a custom DNS namespace and selector, still both in one peer', () => {
    const selector = { matchExpressions: [{ key: 'k8s-app', operator: 'In' as const, values: ['kube-dns', 'coredns'] }] };
    const egress = policyNamed(namespaceIsolation({ denyEgressExceptDns: { dns: { namespace: 'dns', podSelector: selector, opensCustomNamespace: true } } }), 'deny-egress-except-dns')
      .spec.egress;
    expect(egress).toEqual([{ to: [{ namespaceSelector: namespaceNamed('dns'), podSelector: selector }], ports: DNS_PORTS }]);
  });

  it('sorts selector labels by key', () => {
    const spec = policyNamed(
      namespaceIsolation({ allowMonitoring: { podSelector: { matchLabels: { z: '1', a: '2', m: '3' } } } }),
      'allow-monitoring',
    ).spec;
    expect(Object.keys(spec.ingress![0]!.from![0]!.podSelector!.matchLabels!)).toEqual(['a', 'm', 'z']);
  });

  it('does not let a change to one rendered policy leak into another', () => {
    const policies = namespaceIsolation({ targetNamespaces: ['a', 'b'] });
    const a = policyNamed(policies, 'deny-egress-except-dns', 'a');
    const b = policyNamed(policies, 'deny-egress-except-dns', 'b');
    (a.spec.egress![0]!.ports as Array<{ port?: number }>)[0]!.port = 5353;
    expect(b.spec.egress![0]!.ports![0]!.port).toBe(53);
    expect(policyNamed(namespaceIsolation(), 'deny-egress-except-dns').spec.egress![0]!.ports![0]!.port).toBe(53);
  });

  it('renders every built-in environment without error', () => {
    for (const environment of ENVIRONMENTS) {
      const policies = namespaceIsolation(environment.values);
      expect(policies.length, environment.name).toBe(5);
    }
  });
});


function randomOptions(next: () => number): NamespaceIsolationOptions {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const maybe = <T>(value: T): T | undefined => (next() < 0.5 ? value : undefined);
  const some = <T>(items: readonly T[], min = 0): T[] => {
    const count = min + Math.floor(next() * (items.length - min + 1));
    return [...items].sort(() => next() - 0.5).slice(0, count);
  };
  // The model's read-only LabelSelector is accepted as an option as it is.
  const selectors: readonly LabelSelector[] = [
    { matchLabels: { app: 'x' } },
    { matchLabels: { 'app.kubernetes.io/name': 'prometheus', tier: 'ops' } },
    { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns', 'coredns'] }] },
    { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
    { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['d'] }] },
  ];
  const ports = [
    { port: 80 },
    { port: 'metrics' },
    { port: 9100, endPort: 9200 },
    { port: 53, protocol: 'UDP' as const },
    { protocol: 'SCTP' as const, opensEveryPort: true },
  ];
  const numericPorts = [{ port: 443 }, { port: 5432, protocol: 'TCP' as const }, { port: 30000, endPort: 30010, protocol: 'UDP' as const }];
  const toggle = () => (next() < 0.8 ? undefined : { enabled: false });
  const layer = <T extends object>(extra: T) => ({ ...(next() < 0.8 ? {} : { enabled: false }), ...extra });
  return {
    targetNamespaces: some(['production', 'payments', 'orders', 'dev', 'team-a'], 1),
    // Some cases turn every layer off; that is what this opt-in accepts.
    acknowledgeNoIsolation: true,
    ...(maybe(true) && { defaultDenyIngress: toggle() }),
    ...(maybe(true) && { allowSameNamespace: toggle() }),
    allowIngressController: layer({
      ...(maybe(true) && { namespace: pick(['ingress-nginx', 'traefik', 'gateway']) }),
      ...(maybe(true) && { podSelector: pick(selectors) }),
      // An empty list means every port, which needs the controller's own opt-in.
      ...(maybe(true) && ((list) => ({ ports: list, ...(list.length === 0 && { opensEveryPort: true }) }))(some(ports))),
      ...(maybe(true) && { nodeCidrs: some(['10.0.0.0/24', '192.168.0.0/16', 'fd00::/64']) }),
    }),
    allowMonitoring: layer({
      ...(maybe(true) && { namespace: pick(['monitoring', 'observability']) }),
      ...(maybe(true) && { podSelector: pick(selectors) }),
      ...(maybe(true) && { ports: some(ports, 1) }),
    }),
    denyEgressExceptDns: layer({
      ...(maybe(true) && { dns: { ...pick([{ namespace: 'kube-system' }, { namespace: 'dns', opensCustomNamespace: true }]), podSelector: pick(selectors) } }),
      ...(maybe(true) && { nodeLocalDns: { enabled: next() < 0.5, ...(maybe(true) && { ip: '169.254.25.10' }) } }),
      ...(maybe(true) && {
        apiServer: next() < 0.5 ? { enabled: true, cidrs: some(['10.0.0.10/32', '10.0.0.11/32', 'fd00::1/128'], 1), ports: some(numericPorts, 1) } : { enabled: false },
      }),
      ...(maybe(true) && {
        allowedEgress: some([
          { cidr: '10.20.0.0/16', except: ['10.20.1.0/24'], ports: some(numericPorts, 1) },
          { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'], ports: [{ port: 443 }], opensBroadNetwork: true },
          { cidr: '2001:db8::/32', ports: [{ port: 443 }], opensBroadNetwork: true },
        ]),
      }),
    }),
  };
}

function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** Every peer of every rule of `policy`, with where it was found. */
function peersOf(policy: NetworkPolicy): Array<[string, NetworkPolicyPeer]> {
  const where = `${policy.metadata.namespace}/${policy.metadata.name}`;
  return [
    ...(policy.spec.ingress ?? []).flatMap((rule, r) => (rule.from ?? []).map((peer, p) => [`${where} ingress[${r}].from[${p}]`, peer] as [string, NetworkPolicyPeer])),
    ...(policy.spec.egress ?? []).flatMap((rule, r) => (rule.to ?? []).map((peer, p) => [`${where} egress[${r}].to[${p}]`, peer] as [string, NetworkPolicyPeer])),
  ];
}

describe('namespaceIsolation over many option combinations', () => {
  const next = random(0x5eed14);
  const cases = Array.from({ length: 300 }, () => randomOptions(next));
  const rendered = cases.map((options) => ({ options, policies: namespaceIsolation(options) }));

  it('generates varied cases: every layer both on and off, and the opt-ins both used and not', () => {
    const names = rendered.map(({ policies }) => new Set(policies.map((p) => p.metadata.name)));
    for (const name of LAYER_NAMES) {
      expect(names.some((set) => set.has(name)), `${name} on`).toBe(true);
      expect(names.some((set) => !set.has(name)), `${name} off`).toBe(true);
    }
    const ipBlocks = rendered.filter(({ policies }) => policies.some((p) => peersOf(p).some(([, peer]) => peer.ipBlock)));
    expect(ipBlocks.length).toBeGreaterThan(30);
    expect(rendered.length - ipBlocks.length).toBeGreaterThan(30);
  });

  it('never renders an empty namespaceSelector, which would open the peer to every namespace', () => {
    for (const { policies } of rendered) {
      for (const policy of policies) {
        for (const [where, peer] of peersOf(policy)) {
          if (peer.namespaceSelector !== undefined) expect(isEmptySelector(peer.namespaceSelector), where).toBe(false);
        }
      }
    }
  });

  it('selects namespaces only by kubernetes.io/metadata.name, always with a non-empty pod selector in the same peer', () => {
    for (const { policies } of rendered) {
      for (const policy of policies) {
        for (const [where, peer] of peersOf(policy)) {
          if (peer.namespaceSelector === undefined) continue;
          expect(Object.keys(peer.namespaceSelector.matchLabels ?? {}), where).toEqual(['kubernetes.io/metadata.name']);
          expect(peer.namespaceSelector.matchExpressions, where).toBeUndefined();
          expect(peer.podSelector && !isEmptySelector(peer.podSelector), where).toBe(true);
        }
      }
    }
  });

  it('never renders a ports-only egress rule, or an ingress rule open to every source', () => {
    for (const { policies } of rendered) {
      for (const policy of policies) {
        for (const [index, rule] of (policy.spec.egress ?? []).entries()) {
          expect(rule.to?.length, `${policy.metadata.namespace}/${policy.metadata.name} egress[${index}]`).toBeGreaterThan(0);
        }
        for (const [index, rule] of (policy.spec.ingress ?? []).entries()) {
          expect(rule.from?.length, `${policy.metadata.namespace}/${policy.metadata.name} ingress[${index}]`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('binds DNS to the DNS pods on UDP and TCP 53 whenever layer 5 is on', () => {
    for (const { options, policies } of rendered) {
      for (const policy of policies.filter((p) => p.metadata.name === 'deny-egress-except-dns')) {
        const dns = policy.spec.egress![0]!;
        expect(dns.ports).toEqual(DNS_PORTS);
        expect(dns.to).toHaveLength(1);
        expect(dns.to![0]!.namespaceSelector).toEqual(namespaceNamed(options.denyEgressExceptDns?.dns?.namespace ?? 'kube-system'));
        expect(dns.to![0]!.podSelector).toEqual(options.denyEgressExceptDns?.dns?.podSelector ?? { matchLabels: { 'k8s-app': 'kube-dns' } });
        // Any other rule on port 53 goes to an explicit address, never to every address.
        for (const rule of policy.spec.egress!.slice(1)) {
          expect(rule.to!.every((peer) => peer.ipBlock !== undefined)).toBe(true);
        }
      }
    }
  });

  it('states policyTypes on every policy and pairs layer 2\'s egress mirror with layer 5', () => {
    for (const { policies } of rendered) {
      for (const policy of policies) {
        expect(policy.spec.policyTypes?.length, policy.metadata.name).toBeGreaterThan(0);
      }
      const layer5 = policies.some((p) => p.metadata.name === 'deny-egress-except-dns');
      for (const same of policies.filter((p) => p.metadata.name === 'allow-same-namespace')) {
        expect(same.spec.policyTypes).toEqual(layer5 ? ['Ingress', 'Egress'] : ['Ingress']);
        expect(same.spec.egress !== undefined).toBe(layer5);
      }
    }
  });

  it('always lists allow layers before deny layers', () => {
    for (const { policies } of rendered) {
      const effects = policies.map((p) => NAMESPACE_ISOLATION_LAYERS.find((l) => l.policyName === p.metadata.name)!.effect);
      const firstDeny = effects.indexOf('deny');
      if (firstDeny >= 0) expect(effects.slice(firstDeny)).not.toContain('allow');
    }
  });

  it('is deterministic: the same options give equal policies', () => {
    for (const { options, policies } of rendered.slice(0, 50)) {
      expect(namespaceIsolation(options)).toEqual(policies);
    }
  });
});

describe('namespaceIsolation snapshot', () => {
  it('matches the recorded default set (a backstop; the shapes are asserted above)', () => {
    expect(namespaceIsolation()).toMatchSnapshot();
  });
});
