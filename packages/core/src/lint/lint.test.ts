import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/environments.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { LINT_DISABLE_ANNOTATION, lintManifests, parseRuleIdList, unknownLintRuleIds } from './lint.js';
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

/** (rule id, path) pairs of a lint run, for exact assertions. */
function hits(objects: unknown[], options?: Parameters<typeof lintManifests>[1]) {
  return lintManifests(objects, options).findings.map((f) => `${f.ruleId} ${f.path}`);
}

describe('lintManifests on the generated policy set', () => {
  for (const environment of ENVIRONMENTS) {
    it(`finds nothing in the ${environment.name} environment's policies`, () => {
      const policies = namespaceIsolation(environment.values);
      const result = lintManifests(policies);
      expect(result.policies).toHaveLength(policies.length);
      expect(result.findings).toEqual([]);
    });
  }

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
        (object as { kind: string }).kind === 'NetworkPolicy'
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
