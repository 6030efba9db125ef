import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/environments.js';
import { clusterNetworkPolicies } from '../templates/cluster-network-policies.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { AUDIT_CHECK_LIST, CNI_ENFORCEMENT_NOTE, type AuditResult } from './audit-model.js';
import { auditNamespaces } from './namespace-audit.js';

function policy(name: string, namespace: string, spec: Record<string, unknown>) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector: {}, ...spec } };
}

function pod(namespace: string, name: string, labels: Record<string, string>, ports: { containerPort: number; protocol?: string; name?: string }[] = []) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'main', ports }] } };
}

const dnsTo = [
  {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  },
];
const denyIngress = (namespace: string) => policy('default-deny-ingress', namespace, { policyTypes: ['Ingress'] });

/** `AUD001 pass` style lines for one namespace, in check order. */
function verdicts(result: AuditResult, namespace: string): string[] {
  const audit = result.namespaces.find((entry) => entry.namespace === namespace);
  if (!audit) throw new Error(`${namespace} was not audited`);
  return audit.checks.map((check) => `${check.checkId} ${check.passed ? 'pass' : 'fail'}`);
}

function checkOf(result: AuditResult, namespace: string, checkId: string) {
  const found = result.namespaces.find((entry) => entry.namespace === namespace)?.checks.find((check) => check.checkId === checkId);
  if (!found) throw new Error(`no ${checkId} for ${namespace}`);
  return found;
}

describe('auditNamespaces on the generated policy set', () => {
  for (const environment of ENVIRONMENTS) {
    it(`passes every check in the ${environment.name} environment`, () => {
      const result = auditNamespaces(namespaceIsolation(environment.values));
      expect(result.namespaces.map((entry) => entry.namespace)).toEqual(environment.values.targetNamespaces);
      for (const namespace of environment.values.targetNamespaces ?? []) {
        expect(verdicts(result, namespace)).toEqual(AUDIT_CHECK_LIST.map((check) => `${check.id} pass`));
      }
    });
  }

  it('names the policies behind each verdict', () => {
    const result = auditNamespaces(namespaceIsolation({ targetNamespaces: ['shop'] }));
    expect(checkOf(result, 'shop', 'AUD001').policies).toContain('shop/default-deny-ingress');
    expect(checkOf(result, 'shop', 'AUD002').policies).toContain('shop/deny-egress-except-dns');
    expect(checkOf(result, 'shop', 'AUD003').policies).toEqual(['shop/allow-same-namespace']);
    expect(checkOf(result, 'shop', 'AUD004').policies).toEqual(['shop/deny-egress-except-dns']);
  });

  it('lists the specific pods of other namespaces that can reach it, on their ports', () => {
    const objects = [
      ...namespaceIsolation({ targetNamespaces: ['shop'] }),
      pod('monitoring', 'prometheus-0', { 'app.kubernetes.io/name': 'prometheus' }),
      pod('monitoring', 'grafana-0', { app: 'grafana' }),
      pod('kube-system', 'coredns-1', { 'k8s-app': 'kube-dns' }, [{ containerPort: 53, protocol: 'UDP', name: 'dns' }]),
    ];
    const result = auditNamespaces(objects);
    expect(verdicts(result, 'shop')).toEqual(AUDIT_CHECK_LIST.map((check) => `${check.id} pass`));
    const reach = checkOf(result, 'shop', 'AUD005');
    expect(reach.message).toContain('monitoring/prometheus-0 (TCP 9090)');
    expect(reach.message).not.toContain('grafana');
    expect(reach.policies).toEqual(['shop/allow-monitoring']);
    expect(checkOf(result, 'shop', 'AUD004').message).toContain('kube-system/coredns-1');
    expect(result.notes.some((note) => note.includes('no DNS pods'))).toBe(false);
  });
});

describe('auditNamespaces cross-namespace reach', () => {
  it('folds pods that selectors cannot tell apart into one entry, with a count', () => {
    const objects = [
      ...namespaceIsolation({ targetNamespaces: ['shop'] }),
      pod('monitoring', 'prometheus-0', { 'app.kubernetes.io/name': 'prometheus', 'statefulset.kubernetes.io/pod-name': 'prometheus-0' }),
      pod('monitoring', 'prometheus-1', { 'app.kubernetes.io/name': 'prometheus', 'statefulset.kubernetes.io/pod-name': 'prometheus-1' }),
    ];
    const reach = checkOf(auditNamespaces(objects), 'shop', 'AUD005');
    expect(reach.message).toContain('monitoring/prometheus-0 and 1 like it (TCP 9090)');
  });

  it('keeps pods apart by IP when a policy has an ipBlock', () => {
    const objects = [
      denyIngress('shop'),
      policy('allow-office', 'shop', { policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.9.0.0/16' } }] }] }),
      { ...pod('tools', 'scanner-a', { app: 'scanner' }), status: { podIP: '10.9.0.5' } },
      { ...pod('tools', 'scanner-b', { app: 'scanner' }), status: { podIP: '10.8.0.5' } },
    ];
    const reach = checkOf(auditNamespaces(objects), 'shop', 'AUD005');
    expect(reach.message).toContain('tools/scanner-a (TCP 47123)');
    expect(reach.message).not.toContain('scanner-b');
    expect(reach.policies).toEqual(['shop/allow-office']);
  });
});

describe('auditNamespaces semantics', () => {
  it('fails default deny for an allow-all policy, although a policy exists (what CIS 5.3.2 scanners miss)', () => {
    const result = auditNamespaces([policy('allow-all', 'shop', { policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] })]);
    expect(verdicts(result, 'shop')).toEqual(['AUD001 fail', 'AUD002 fail', 'AUD003 pass', 'AUD004 fail', 'AUD005 fail', 'AUD006 pass']);
    expect(checkOf(result, 'shop', 'AUD001')).toMatchObject({ severity: 'error', policies: ['shop/allow-all'] });
    expect(checkOf(result, 'shop', 'AUD001').message).toContain('allowed by shop/allow-all ingress[0]');
  });

  it('fails default deny when an ipBlock lets every outside address in, even though other namespaces stay out', () => {
    const result = auditNamespaces([denyIngress('shop'), policy('allow-internet', 'shop', { policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })]);
    const check = checkOf(result, 'shop', 'AUD001');
    expect(check.passed).toBe(false);
    expect(check.message).toContain('from 203.0.113.53 it is allowed by shop/allow-internet ingress[0]');
  });

  it('fails default deny when the deny policy selects only some labels, since a new pod is not covered', () => {
    const result = auditNamespaces([policy('deny-web', 'shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] })]);
    expect(checkOf(result, 'shop', 'AUD001').passed).toBe(false);
    expect(checkOf(result, 'shop', 'AUD001').message).toContain('not isolated for ingress');
  });

  it('fails intra-namespace traffic when ingress is denied and nothing allows the namespace', () => {
    const result = auditNamespaces([denyIngress('shop')]);
    expect(verdicts(result, 'shop')).toEqual(['AUD001 pass', 'AUD002 fail', 'AUD003 fail', 'AUD004 fail', 'AUD005 pass', 'AUD006 pass']);
  });

  it('fails intra-namespace traffic when egress is isolated without the egress mirror', () => {
    const objects = [
      denyIngress('shop'),
      policy('allow-same-namespace', 'shop', { policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] }),
      policy('deny-egress', 'shop', { policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] }),
    ];
    const result = auditNamespaces(objects);
    expect(verdicts(result, 'shop')).toEqual(['AUD001 pass', 'AUD002 pass', 'AUD003 fail', 'AUD004 pass', 'AUD005 pass', 'AUD006 pass']);
    expect(checkOf(result, 'shop', 'AUD003').message).toContain('egress denied (isolated by shop/deny-egress)');
  });

  it('fails DNS on UDP-only rules and on ports-only rules', () => {
    const udpOnly = auditNamespaces([policy('dns', 'shop', { policyTypes: ['Egress'], egress: [{ to: dnsTo, ports: [{ protocol: 'UDP', port: 53 }] }] })]);
    expect(checkOf(udpOnly, 'shop', 'AUD004')).toMatchObject({ passed: false, policies: ['shop/dns'] });
    expect(checkOf(udpOnly, 'shop', 'AUD004').message).toMatch(/^TCP 53 to kube-system\/k8s-security-audit-dns is denied/);

    const portsOnly = auditNamespaces([policy('dns', 'shop', { policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] })]);
    expect(checkOf(portsOnly, 'shop', 'AUD004').passed).toBe(false);
    expect(checkOf(portsOnly, 'shop', 'AUD004').message).toContain('port 53 is open beyond the DNS pods, to another namespace on UDP 53');
    expect(checkOf(portsOnly, 'shop', 'AUD004').message).toContain('203.0.113.53 on TCP 53');
  });

  it('fails cross-namespace reach for an empty namespaceSelector', () => {
    const objects = [
      denyIngress('shop'),
      policy('allow-prometheus', 'shop', { policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 9090 }] }] }),
    ];
    const result = auditNamespaces(objects);
    expect(checkOf(result, 'shop', 'AUD001').passed).toBe(true);
    const reach = checkOf(result, 'shop', 'AUD005');
    expect(reach.passed).toBe(false);
    expect(reach.message).toContain('any pod in k8s-security-audit-elsewhere (TCP 9090)');
    expect(reach.policies).toEqual(['shop/allow-prometheus']);
  });
});

describe('auditNamespaces scope', () => {
  const objects = [denyIngress('shop'), denyIngress('kube-system'), denyIngress('legacy')];

  it('leaves system namespaces out with the reason, and adds the CIS 5.3.1 note', () => {
    const result = auditNamespaces(objects);
    expect(result.namespaces.map((entry) => entry.namespace)).toEqual(['legacy', 'shop']);
    expect(result.skipped).toEqual([{ namespace: 'kube-system', reason: expect.stringContaining('system namespace') }]);
    expect(result.notes).toContain(CNI_ENFORCEMENT_NOTE);
  });

  it('audits what include names, even a system namespace or one absent from the input, and drops what exclude names', () => {
    const result = auditNamespaces(objects, { include: ['kube-system', 'empty'], exclude: ['legacy'] });
    expect(result.namespaces.map((entry) => entry.namespace)).toEqual(['empty', 'kube-system', 'shop']);
    expect(result.skipped).toEqual([{ namespace: 'legacy', reason: 'excluded by --exclude' }]);
    expect(verdicts(result, 'empty')[0]).toBe('AUD001 fail');
  });

  it('maps the checks to the catalog controls of every framework', () => {
    const controls = Object.fromEntries(AUDIT_CHECK_LIST.map((check) => [check.id, check.controls]));
    expect(controls['AUD001']).toEqual(['PCI-DSS 1.3.1', 'PCI-DSS 11.4.5', 'PCI-DSS 11.4.6', 'SOC2 CC6.1', 'SOC2 CC6.6', 'HIPAA 164.312(a)(1)', 'HIPAA 164.312(e)(1)', 'CIS 5.3.2', 'MITRE T1021', 'MITRE T1046']);
    expect(controls['AUD003']).toEqual([]);
    expect(controls['AUD004']).toEqual(['PCI-DSS 1.3.2', 'CIS 5.3.2']);
    expect(controls['AUD006']).toEqual(['CIS 5.3.2']);
    expect(controls['AUD005']).toEqual(['PCI-DSS 1.2.5', 'PCI-DSS 1.3.1', 'PCI-DSS 11.4.5', 'PCI-DSS 11.4.6', 'SOC2 CC6.1', 'SOC2 CC6.6', 'HIPAA 164.312(a)(1)', 'MITRE T1021', 'MITRE T1046']);
  });

  it('reports the opt-ins a namespace was rendered with (AUD006), and passes without them', () => {
    const opted = namespaceIsolation({
      targetNamespaces: ['shop'],
      denyEgressExceptDns: { allowedEgress: [{ cidr: '0.0.0.0/0', opensBroadNetwork: true, ports: [{ port: 443 }] }] },
    });
    const finding = checkOf(auditNamespaces(opted), 'shop', 'AUD006');
    expect(finding).toMatchObject({ passed: false, severity: 'note' });
    expect(finding.message).toBe(
      'opt-ins in use: denyEgressExceptDns.allowedEgress[0].opensBroadNetwork (a CIDR broader than /16 (IPv4) or /48 (IPv6) is allowed, up to every address). ' +
        'Fix: check each is still needed; without it the guardrails refuse the value.',
    );
    expect(finding.policies).toContain('shop/deny-egress-except-dns');
    expect(checkOf(auditNamespaces(namespaceIsolation({ targetNamespaces: ['shop'] })), 'shop', 'AUD006').passed).toBe(true);
  });
});

describe('auditNamespaces with the cluster tiers', () => {
  const namespaceObject = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const tiersOnly = [...clusterNetworkPolicies({ targetNamespaces: ['production'] }), namespaceObject('production')];

  it('fails every check but opt-ins for a namespace with no policies at all', () => {
    expect(verdicts(auditNamespaces([namespaceObject('production')]), 'production')).toEqual([
      'AUD001 fail',
      'AUD002 fail',
      'AUD003 pass',
      'AUD004 fail',
      'AUD005 fail',
      'AUD006 pass',
    ]);
  });

  it('counts the Baseline tier as isolation: egress, intra-namespace traffic and DNS pass without a NetworkPolicy', () => {
    const result = auditNamespaces(tiersOnly);
    expect(verdicts(result, 'production')).toEqual(['AUD001 fail', 'AUD002 pass', 'AUD003 pass', 'AUD004 pass', 'AUD005 fail', 'AUD006 pass']);
    expect(checkOf(result, 'production', 'AUD002').message).toContain(
      'denied by the Baseline tier (ClusterNetworkPolicy/k8s-security-baseline-production egress[2] "layer-5-deny-other-egress")',
    );
    expect(checkOf(result, 'production', 'AUD002').policies).toEqual(['ClusterNetworkPolicy/k8s-security-baseline-production']);
  });

  it('says why the tiers alone leave ingress from outside the cluster open', () => {
    const result = auditNamespaces(tiersOnly);
    const message = checkOf(result, 'production', 'AUD001').message;
    expect(message).toContain('denied by the Baseline tier (ClusterNetworkPolicy/k8s-security-baseline-production ingress[3] "layer-1-deny-other-ingress")');
    expect(message).toContain('from 203.0.113.53 it is not isolated for ingress');
    expect(message).toContain('ClusterNetworkPolicy ingress rules can name only namespaces and pods');
    expect(checkOf(result, 'production', 'AUD005').message).toContain('open to outside the cluster (203.0.113.53)');
  });

  it('lets the Admin tier override a namespace policy that opens the namespace to another environment', () => {
    const allowAll = policy('allow-all', 'production', { policyTypes: ['Ingress'], ingress: [{}] });
    const objects = [...namespaceIsolation({ targetNamespaces: ['production'] }), allowAll, pod('dev', 'app', { app: 'x' })];
    const open = checkOf(auditNamespaces(objects), 'production', 'AUD005');
    expect(open.message).toContain('any pod in dev');
    const guarded = checkOf(auditNamespaces([...objects, ...clusterNetworkPolicies({ targetNamespaces: ['production'] })]), 'production', 'AUD005');
    expect(guarded.message).not.toContain('dev');
  });
});
