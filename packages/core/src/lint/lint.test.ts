import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/environments.js';
import { RENDER_TARGETS, renderEnvironment } from '../targets/render-targets.js';
import { ciliumNetworkPolicies } from '../templates/cilium-network-policy.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { LINT_DISABLE_ANNOTATION, lintManifests, parseRuleIdList, unknownLintRuleIds } from './lint.js';
import { LINTED_KINDS } from './manifest-objects.js';
import { LINT_RULES } from './rules.js';

type Spec = Record<string, unknown>;

function policy(spec: Spec, name = 'p', namespace = 'shop', annotations?: Record<string, string>) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec: { podSelector: {}, ...spec },
  };
}

function pod(name: string, namespace: string, labels: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels } };
}

const dnsTo = [
  {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  },
];

/** A `policy.networking.k8s.io/v1beta1` ClusterNetworkPolicy. */
function cnp(name: string, spec: Spec) {
  return { apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name }, spec };
}

/** A `cilium.io/v2` CiliumNetworkPolicy in namespace shop. */
function cilium(spec: Spec, name = 'c') {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: 'shop' }, spec: { endpointSelector: {}, ...spec } };
}

const namespaceNamed = (name: string) => ({ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
const tcp = (number: number) => ({ tcp: { destinationPort: { number } } });
const adminShop = { tier: 'Admin', priority: 10, subject: namespaceNamed('shop') };
const ciliumNamespaceLabel = 'k8s:io.kubernetes.pod.namespace';

/** (rule id, path) pairs of a lint run, for exact assertions. */
function hits(objects: unknown[], options?: Parameters<typeof lintManifests>[1]) {
  return lintManifests(objects, options).findings.map((f) => `${f.ruleId} ${f.path}`);
}

describe('lintManifests on the generated policy set', () => {
  for (const target of RENDER_TARGETS) {
    for (const environment of ENVIRONMENTS) {
      it(`finds nothing in the ${environment.name} environment's ${target.name} render, and checks every object of it`, () => {
        const policies = renderEnvironment(target.name, environment);
        const result = lintManifests(policies);
        expect(policies.length).toBeGreaterThan(0);
        expect(result.policies.map((ref) => ref.kind)).toEqual(policies.map((policy) => policy.kind));
        expect(result.otherObjects).toEqual([]);
        expect(result.findings).toEqual([]);
      });
    }
  }

  it('finds nothing in the Cilium render with an FQDN allow-list of names and domain patterns', () => {
    const policies = ciliumNetworkPolicies({}, { fqdnEgress: { names: ['api.example.com'], patterns: ['*.example.org'] } });
    expect(lintManifests(policies).findings).toEqual([]);
  });

  it('reports the pattern the render accepts only with allowBroadPatterns (NP020), so the opt-in stays visible', () => {
    const policies = ciliumNetworkPolicies({}, { fqdnEgress: { patterns: ['*.com'], allowBroadPatterns: true } });
    expect(hits(policies)).toEqual(['NP020 spec.egress[1].toFQDNs[0].matchPattern']);
  });

  it('finds nothing when the policy set sits next to workloads its selectors match', () => {
    const objects = [
      ...namespaceIsolation({ targetNamespaces: ['shop'] }),
      pod('web', 'shop', { app: 'web' }),
      pod('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }),
    ];
    expect(lintManifests(objects).findings).toEqual([]);
  });
});

describe('each rule', () => {
  const cases: { id: string; bad: unknown[]; path: string; good: unknown[] }[] = [
    {
      id: 'NP001',
      bad: [
        policy({
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }, { podSelector: { matchLabels: { app: 'prometheus' } } }] }],
        }),
      ],
      path: 'spec.ingress[0].from[0]',
      good: [
        policy({
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
                  podSelector: { matchLabels: { app: 'prometheus' } },
                },
              ],
            },
          ],
        }),
      ],
    },
    {
      id: 'NP002',
      bad: [policy({ policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'UDP', port: 53 }] }] })],
      path: 'spec.egress[0].ports[0]',
      good: [
        policy({ policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] }),
        policy({ policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'UDP', port: 53 }] }, { to: dnsTo, ports: [{ protocol: 'TCP', port: 53 }] }] }, 'split'),
      ],
    },
    {
      id: 'NP003',
      bad: [policy({ policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'TCP', port: 53 }] }, { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] })],
      path: 'spec.egress[1]',
      good: [policy({ policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] })],
    },
    {
      id: 'NP004',
      bad: [policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: 'monitoring' } }, podSelector: {} }] }] })],
      path: 'spec.ingress[0].from[0].namespaceSelector.matchLabels.name',
      good: [policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }] }] })],
    },
    {
      id: 'NP005',
      bad: [policy({ egress: [] }, 'deny-egress')],
      path: 'spec.policyTypes',
      good: [policy({ policyTypes: ['Egress'] }, 'deny-egress')],
    },
    {
      id: 'NP006',
      bad: [policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 80 }, {}] }] })],
      path: 'spec.ingress[0].ports[1]',
      good: [policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'UDP' }] }] })],
    },
    {
      id: 'NP007',
      bad: [
        policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] }, 'allow-same-namespace'),
        policy({ policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] }, 'deny-egress'),
      ],
      path: 'spec.ingress[0].from[0]',
      good: [
        policy({ policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] }, 'allow-same-namespace'),
        policy({ policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] }, 'deny-egress'),
      ],
    },
    {
      id: 'NP008',
      bad: [policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 'http', endPort: 8090 }] }] })],
      path: 'spec.ingress[0].ports[0].endPort',
      good: [policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8080, endPort: 8090 }] }] })],
    },
    {
      id: 'NP009',
      bad: [policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } }] }] })],
      path: 'spec.ingress[0].from[0].namespaceSelector',
      good: [policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }] }] })],
    },
    {
      id: 'NP010',
      bad: [policy({ policyTypes: ['Ingress'] }, 'default-deny', 'kube-system')],
      path: 'metadata.namespace',
      good: [policy({ policyTypes: ['Ingress'] }, 'default-deny', 'kube-systems')],
    },
    {
      id: 'NP011',
      bad: [policy({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }), pod('web', 'shop', { app: 'web' })],
      path: 'spec.podSelector',
      good: [policy({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }), pod('web', 'shop', { app: 'web' })],
    },
    {
      id: 'NP012',
      bad: [policy({ policyTypes: ['Ingress'] }, 'p', 'shop', { 'k8s-security-pro.io/opt-ins': 'allowMonitoring.ports[0].opensEveryPort' })],
      path: 'metadata.annotations["k8s-security-pro.io/opt-ins"]',
      good: [policy({ policyTypes: ['Ingress'] })],
    },
    {
      id: 'NP013',
      bad: [cnp('guard', { ...adminShop, priority: 1001, ingress: [{ action: 'Deny', from: [namespaceNamed('dev')] }] })],
      path: 'spec.priority',
      good: [cnp('guard', { ...adminShop, ingress: [{ action: 'Deny', from: [namespaceNamed('dev')] }] })],
    },
    {
      id: 'NP014',
      bad: [
        cnp('team-a', { tier: 'Admin', priority: 10, subject: { namespaces: { matchLabels: { team: 'a' } } }, ingress: [{ action: 'Deny', from: [namespaceNamed('dev')] }] }),
        cnp('prod', { tier: 'Admin', priority: 10, subject: { namespaces: { matchLabels: { env: 'prod' } } }, ingress: [{ action: 'Accept', from: [namespaceNamed('monitoring')] }] }),
      ],
      path: 'spec.priority',
      good: [
        cnp('team-a', { tier: 'Admin', priority: 10, subject: { namespaces: { matchLabels: { team: 'a' } } }, ingress: [{ action: 'Deny', from: [namespaceNamed('dev')] }] }),
        cnp('prod', { tier: 'Admin', priority: 20, subject: { namespaces: { matchLabels: { env: 'prod' } } }, ingress: [{ action: 'Accept', from: [namespaceNamed('monitoring')] }] }),
      ],
    },
    {
      id: 'NP015',
      bad: [cnp('guard', { ...adminShop, egress: [{ action: 'Deny', to: [{ namespaces: {} }] }, { action: 'Accept', to: [namespaceNamed('monitoring')], protocols: [tcp(9090)] }] })],
      path: 'spec.egress[1]',
      good: [cnp('guard', { ...adminShop, egress: [{ action: 'Accept', to: [namespaceNamed('monitoring')], protocols: [tcp(9090)] }, { action: 'Deny', to: [{ namespaces: {} }] }] })],
    },
    {
      id: 'NP016',
      bad: [cnp('egress', { ...adminShop, egress: [{ action: 'Accept', to: [{ networks: ['0.0.0.0/0'] }], protocols: [tcp(443)] }] })],
      path: 'spec.egress[0].to[0].networks[0]',
      good: [cnp('egress', { ...adminShop, egress: [{ action: 'Accept', to: [{ networks: ['203.0.113.0/24'] }], protocols: [tcp(443)] }] })],
    },
    {
      id: 'NP017',
      bad: [cnp('baseline', { tier: 'Baseline', priority: 10, subject: namespaceNamed('shop'), ingress: [{ action: 'Accept', from: [{ namespaces: {} }] }] })],
      path: 'spec.ingress[0].from[0]',
      good: [cnp('baseline', { tier: 'Baseline', priority: 10, subject: namespaceNamed('shop'), ingress: [{ action: 'Accept', from: [namespaceNamed('shop')] }] })],
    },
    {
      id: 'NP018',
      bad: [cnp('quarantine', { tier: 'Admin', priority: 5, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [namespaceNamed('quarantine')] }] })],
      path: 'spec.subject',
      good: [
        cnp('quarantine', {
          tier: 'Admin',
          priority: 5,
          subject: { namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } },
          ingress: [{ action: 'Deny', from: [namespaceNamed('quarantine')] }],
        }),
      ],
    },
    {
      id: 'NP019',
      bad: [cnp('metrics', { ...adminShop, ingress: [{ action: 'Accept', from: [namespaceNamed('monitoring')], protocols: [{ destinationNamedPort: 'metrics' }] }] })],
      path: 'spec.ingress[0].protocols[0].destinationNamedPort',
      good: [cnp('metrics', { ...adminShop, ingress: [{ action: 'Accept', from: [namespaceNamed('monitoring')], protocols: [tcp(9090)] }] })],
    },
    {
      id: 'NP020',
      bad: [cilium({ egress: [{ toFQDNs: [{ matchPattern: '*' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] })],
      path: 'spec.egress[0].toFQDNs[0].matchPattern',
      good: [cilium({ egress: [{ toFQDNs: [{ matchPattern: '*.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] })],
    },
    {
      id: 'NP021',
      bad: [cilium({ egress: [{ toEntities: ['world'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] })],
      path: 'spec.egress[0].toEntities[0]',
      good: [cilium({ egress: [{ toCIDRSet: [{ cidr: '203.0.113.0/24' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] })],
    },
    {
      id: 'NP022',
      bad: [cilium({ ingress: [{ fromEndpoints: [{ matchExpressions: [{ key: ciliumNamespaceLabel, operator: 'Exists' }] }] }] })],
      path: 'spec.ingress[0].fromEndpoints[0]',
      good: [cilium({ ingress: [{ fromEndpoints: [{ matchExpressions: [{ key: ciliumNamespaceLabel, operator: 'Exists' }] }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] })],
    },
    {
      id: 'NP023',
      bad: [cilium({ egress: [{ toEndpoints: [{}], toPorts: [{ ports: [{ port: '0', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] }] })],
      path: 'spec.egress[0].toPorts[0]',
      good: [cilium({ egress: [{ toEndpoints: [{}], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] }] })],
    },
  ];

  it('has a case for every rule', () => {
    expect(cases.map((c) => c.id)).toEqual(LINT_RULES.map((rule) => rule.id));
  });

  for (const { id, bad, path, good } of cases) {
    it(`${id} fires on its known-bad policy at ${path}`, () => {
      expect(hits(bad).filter((hit) => hit.startsWith(id))).toEqual([`${id} ${path}`]);
    });
    it(`${id} stays quiet on the known-good version`, () => {
      expect(hits(good)).toEqual([]);
    });
    it(`${id} can be turned off by --disable and by the policy annotation`, () => {
      expect(hits(bad, { disabledRules: [id.toLowerCase()] }).filter((hit) => hit.startsWith(id))).toEqual([]);
      const annotated = bad.map((object) =>
        LINTED_KINDS.some((linted) => linted.kind === (object as { kind: string }).kind)
          ? { ...(object as object), metadata: { ...(object as { metadata: object }).metadata, annotations: { [LINT_DISABLE_ANNOTATION]: `NP099, ${id}` } } }
          : object,
      );
      expect(hits(annotated).filter((hit) => hit.startsWith(id))).toEqual([]);
    });
  }
});

describe('rule details', () => {
  it('NP002 accepts DNS on a port range that includes 53 over TCP', () => {
    const p = policy({ policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 50, endPort: 60 }] }] });
    expect(hits([p])).toEqual([]);
  });

  it('NP003 reports ingress rules without `from` as a note, not a warning', () => {
    const result = lintManifests([policy({ policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 443 }] }] })]);
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.path])).toEqual([['NP003', 'note', 'spec.ingress[0]']]);
  });

  it('NP004 also catches a `name` key in matchExpressions', () => {
    const p = policy({
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'name', operator: 'In', values: ['db'] }] }, podSelector: {} }] }],
    });
    expect(hits([p])).toEqual(['NP004 spec.egress[0].to[0].namespaceSelector.matchExpressions[0]']);
  });

  it('NP005 says that egress stays open when the policy has an empty egress list', () => {
    const [finding] = lintManifests([policy({ egress: [] })]).findings;
    expect(finding?.message).toContain('Egress is NOT isolated');
  });

  it('NP008 rejects a range that ends below its start', () => {
    const p = policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 9000, endPort: 8000, protocol: 'TCP' }] }] });
    expect(hits([p])).toEqual(['NP008 spec.ingress[0].ports[0].endPort']);
  });

  it('NP011 checks peers against the workloads of the namespaces they select', () => {
    const p = policy({
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }] }],
    });
    expect(hits([p, pod('web', 'shop', { app: 'web' }), pod('grafana', 'monitoring', { app: 'grafana' })])).toEqual([
      'NP011 spec.ingress[0].from[0].podSelector',
    ]);
    expect(hits([p, pod('web', 'shop', { app: 'web' }), pod('prom', 'monitoring', { app: 'prometheus' })])).toEqual([]);
    // Without the monitoring namespace's workloads in the input, nothing can be concluded.
    expect(hits([p, pod('web', 'shop', { app: 'web' })])).toEqual([]);
  });

  it('NP011 applies matchExpressions as Kubernetes does (NotIn matches pods without the key)', () => {
    const notIn = policy({ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, policyTypes: ['Ingress'] });
    expect(hits([notIn, pod('web', 'shop', { app: 'web' })])).toEqual([]);
    expect(hits([notIn, pod('db', 'shop', { tier: 'db' })])).toEqual(['NP011 spec.podSelector']);
  });

  it('NP011 reads pod labels from workload templates', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: 'api' } } } },
    };
    expect(hits([policy({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }), deployment])).toEqual([]);
  });

  it('treats a policy without a namespace as being in "default"', () => {
    const p = policy({ policyTypes: ['Ingress'] });
    delete (p.metadata as { namespace?: string }).namespace;
    expect(lintManifests([p]).policies[0]).toMatchObject({ namespace: 'default', name: 'p', objectIndex: 0 });
  });
});

describe('cluster-tier and Cilium rule details', () => {
  const anp = (name: string, spec: Spec) => ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec });

  it('reads v1alpha1 AdminNetworkPolicy in its own field names (Allow, ports, namedPort)', () => {
    const policy = anp('metrics', {
      priority: 10,
      subject: namespaceNamed('shop'),
      ingress: [{ action: 'Allow', from: [namespaceNamed('monitoring')], ports: [{ namedPort: 'metrics' }] }],
    });
    const result = lintManifests([policy]);
    expect(result.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(['NP019 spec.ingress[0].ports[0].namedPort']);
    expect(result.policies).toEqual([{ kind: 'AdminNetworkPolicy', namespace: undefined, name: 'metrics', objectIndex: 0 }]);
  });

  it('NP013 names the field and skips the other rules on that policy', () => {
    const broken = cnp('guard', { ...adminShop, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] });
    const [finding, ...rest] = lintManifests([broken]).findings;
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'NP013', severity: 'error', path: 'spec.ingress[0].action' });
    expect(finding?.message).toContain('use Accept, Deny or Pass');
  });

  it('NP014 stays quiet for subjects pinned to different namespaces, for other tiers and for one shared action', () => {
    const deny = (name: string, subject: Spec, priority = 10, tier = 'Admin') =>
      cnp(name, { tier, priority, subject, ingress: [{ action: 'Deny', from: [namespaceNamed('dev')] }] });
    const accept = (name: string, subject: Spec) => cnp(name, { tier: 'Admin', priority: 10, subject, ingress: [{ action: 'Accept', from: [namespaceNamed('monitoring')] }] });
    expect(hits([deny('a', namespaceNamed('shop')), accept('b', namespaceNamed('billing'))])).toEqual([]);
    expect(hits([deny('a', { namespaces: {} }), deny('b', namespaceNamed('shop'))]).filter((h) => h.startsWith('NP014'))).toEqual([]);
    expect(hits([deny('a', { namespaces: { matchLabels: { team: 'a' } } }, 10, 'Baseline'), accept('b', { namespaces: { matchLabels: { team: 'a' } } })])).toEqual([]);
  });

  it('NP015 finds a rule shadowed by a higher-priority policy over the same pods, and notes a merely redundant one', () => {
    const first = cnp('block-all', { tier: 'Admin', priority: 5, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }] }] });
    const later = cnp('allow-db', { ...adminShop, egress: [{ action: 'Accept', to: [{ networks: ['10.1.0.0/16'] }], protocols: [tcp(5432)] }] });
    const result = lintManifests([first, later]);
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.policy.name, f.path])).toEqual([['NP015', 'warning', 'allow-db', 'spec.egress[0]']]);
    expect(result.findings[0]?.message).toContain('egress rule 0 of ClusterNetworkPolicy/block-all (priority 5)');
    const twice = cnp('twice', { ...adminShop, ingress: [{ action: 'Deny', from: [namespaceNamed('dev')] }, { action: 'Deny', from: [namespaceNamed('dev')], protocols: [tcp(80)] }] });
    expect(lintManifests([twice]).findings.map((f) => [f.ruleId, f.severity, f.path])).toEqual([['NP015', 'note', 'spec.ingress[1]']]);
  });

  it('NP015 does not call a rule shadowed when the earlier one covers only part of its ports', () => {
    const partial = cnp('p', { ...adminShop, egress: [{ action: 'Accept', to: [{ networks: ['0.0.0.0/0'] }], protocols: [tcp(443)] }, { action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] });
    expect(hits([partial]).filter((h) => h.startsWith('NP015'))).toEqual([]);
  });

  it('NP018 ignores a Deny of a few addresses for every namespace (the metadata endpoint)', () => {
    const metadata = cnp('metadata', { tier: 'Admin', priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] });
    expect(hits([metadata])).toEqual([]);
  });

  it('reads CiliumClusterwideNetworkPolicy and every entry of specs, where {} selects the whole cluster', () => {
    const ccnp = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'open' },
      specs: [{ endpointSelector: { matchLabels: { app: 'web' } }, egress: [{ toFQDNs: [{ matchPattern: 'example.*' }] }] }, { endpointSelector: {}, ingress: [{ fromEndpoints: [{}] }] }],
    };
    const result = lintManifests([ccnp]);
    expect(result.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(['NP020 specs[0].egress[0].toFQDNs[0].matchPattern', 'NP022 specs[1].ingress[0].fromEndpoints[0]']);
    expect(result.policies[0]).toMatchObject({ kind: 'CiliumClusterwideNetworkPolicy', namespace: undefined });
  });

  it('NP021 covers 0.0.0.0/0 CIDRs and fromEntities on ingress, never deny sections', () => {
    const open = cilium({ ingress: [{ fromEntities: ['all'] }], egress: [{ toCIDR: ['::/0'] }], egressDeny: [{ toEntities: ['world'] }] });
    expect(hits([open])).toEqual(['NP021 spec.ingress[0].fromEntities[0]', 'NP021 spec.egress[0].toCIDR[0]']);
  });

  it('NP023 refuses DNS rules on ingress and HTTP on UDP, and accepts DNS on UDP 53 as the template renders it', () => {
    const refused = cilium({
      ingress: [{ fromEndpoints: [{}], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }] }],
      egress: [{ toEndpoints: [{}], toPorts: [{ ports: [{ port: '80', protocol: 'UDP' }], rules: { http: [{}] } }] }],
    });
    const findings = lintManifests([refused]).findings;
    expect(findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(['NP023 spec.ingress[0].toPorts[0]', 'NP023 spec.egress[0].toPorts[0]']);
    expect(findings[0]?.message).toContain('"DNS rules are not allowed on ingress"');
    expect(findings[1]?.message).toContain('"L7 rules can only apply to TCP (not UDP) except for DNS rules"');
    const dns = cilium({ egress: [{ toEndpoints: [{}], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }], rules: { dns: [{ matchPattern: '*' }] } }] }] });
    expect(hits([dns])).toEqual([]);
  });

  it('counts every kind it does not check, as context or skipped, and never reads another API group\'s NetworkPolicy', () => {
    const calico = { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'shop' }, spec: { selector: 'all()' } };
    const alpha2 = { ...cnp('old', adminShop), apiVersion: 'policy.networking.k8s.io/v1alpha2' };
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    const result = lintManifests([calico, alpha2, configMap, configMap, pod('web', 'shop', { app: 'web' }), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
    expect(result.policies).toEqual([]);
    expect(result.otherObjects).toEqual([
      { kind: 'NetworkPolicy (projectcalico.org/v3)', count: 1, use: 'skipped' },
      { kind: 'ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2)', count: 1, use: 'skipped' },
      { kind: 'ConfigMap (v1)', count: 2, use: 'skipped' },
      { kind: 'Pod', count: 1, use: 'context' },
      { kind: 'Namespace', count: 1, use: 'context' },
    ]);
  });
});

describe('rule id helpers', () => {
  it('parses comma lists case-insensitively and reports unknown ids', () => {
    expect(parseRuleIdList(' np003, NP005,,')).toEqual(['NP003', 'NP005']);
    expect(unknownLintRuleIds(['NP003', 'NP999'])).toEqual(['NP999']);
  });

  it('NP012 reports each opt-in a set from template #14 was rendered with, saying what it opens', () => {
    const policies = namespaceIsolation({
      isolateSystemNamespaces: true,
      denyEgressExceptDns: { allowedEgress: [{ cidr: '0.0.0.0/0', opensBroadNetwork: true, ports: [{ port: 443 }] }] },
    });
    const egress = policies.filter((p) => p.metadata.name === 'deny-egress-except-dns');
    const messages = lintManifests(egress).findings.filter((f) => f.ruleId === 'NP012').map((f) => f.message);
    expect(messages).toEqual([
      'opt-in isolateSystemNamespaces is in use: a system namespace is isolated, which can cut DNS, the CNI or the control plane off. Check that it is still needed; without it the guardrails refuse the value.',
      'opt-in denyEgressExceptDns.allowedEgress[0].opensBroadNetwork is in use: a CIDR broader than /16 (IPv4) or /48 (IPv6) is allowed, up to every address. Check that it is still needed; without it the guardrails refuse the value.',
    ]);
    expect(lintManifests(namespaceIsolation()).findings.filter((f) => f.ruleId === 'NP012')).toEqual([]);
  });
});
