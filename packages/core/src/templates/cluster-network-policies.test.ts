import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/environments.js';
import { NamespaceIsolationOptionsError } from '../options/namespace-isolation-options.js';
import { ADMIN_TIER_PRIORITY, adminTierScope, clusterNetworkPolicies } from './cluster-network-policies.js';
import { RENDER_TARGETS, renderEnvironment } from '../targets/render-targets.js';

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof NamespaceIsolationOptionsError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected the options to be refused');
}

describe('clusterNetworkPolicies', () => {
  it('renders the production Admin guardrail against the other built-in environments, then the Baseline default', () => {
    const [admin, baseline, ...rest] = clusterNetworkPolicies();
    expect(rest).toEqual([]);
    expect(admin!.metadata.name).toBe('k8s-security-environment-prod');
    expect(admin!.spec).toEqual({
      tier: 'Admin',
      priority: ADMIN_TIER_PRIORITY,
      subject: { namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['production'] }] } },
      ingress: [
        {
          name: 'deny-from-other-environments',
          action: 'Deny',
          from: [{ namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['dev', 'staging'] }] } }],
        },
      ],
      egress: [
        {
          name: 'deny-to-other-environments',
          action: 'Deny',
          to: [{ namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['dev', 'staging'] }] } }],
        },
      ],
    });
    expect(baseline!.metadata.name).toBe('k8s-security-baseline-production');
    expect(baseline!.spec.tier).toBe('Baseline');
    expect(baseline!.spec.ingress!.map((rule) => `${rule.action} ${rule.name}`)).toEqual([
      'Accept layer-2-allow-same-namespace',
      'Accept layer-3-allow-ingress-controller',
      'Accept layer-4-allow-monitoring',
      'Deny layer-1-deny-other-ingress',
    ]);
    expect(baseline!.spec.egress!.map((rule) => `${rule.action} ${rule.name}`)).toEqual([
      'Accept layer-5-allow-dns',
      'Accept layer-2-allow-same-namespace',
      'Deny layer-5-deny-other-egress',
    ]);
    expect(baseline!.spec.ingress![2]!.protocols).toEqual([{ tcp: { destinationPort: { number: 9090 } } }]);
  });

  it('keeps the ingress deny while any ingress layer is on, as a selecting NetworkPolicy would isolate', () => {
    const [, baseline] = clusterNetworkPolicies({ defaultDenyIngress: { enabled: false }, allowIngressController: { enabled: false }, allowMonitoring: { enabled: false } });
    expect(baseline!.spec.ingress!.map((rule) => rule.name)).toEqual(['layer-2-allow-same-namespace', 'layer-1-deny-other-ingress']);
    expect(baseline!.spec.egress!.map((rule) => rule.name)).toContain('layer-2-allow-same-namespace');
  });

  it('renders no Baseline policy when every layer is off, and no Admin policy without other environments', () => {
    const off = { enabled: false };
    const policies = clusterNetworkPolicies(
      { acknowledgeNoIsolation: true, defaultDenyIngress: off, allowSameNamespace: off, allowIngressController: off, allowMonitoring: off, denyEgressExceptDns: off },
      { environment: 'solo', otherEnvironmentNamespaces: [] },
    );
    expect(policies).toEqual([]);
  });

  it('writes an ipBlock minus its exceptions as the exact remaining networks, and ranges and open ports as ranges', () => {
    const [, baseline] = clusterNetworkPolicies({
      denyEgressExceptDns: {
        allowedEgress: [{ cidr: '10.20.0.0/22', except: ['10.20.1.0/24'], ports: [{ port: 8000, endPort: 8080, protocol: 'TCP' }] }],
      },
    });
    const rule = baseline!.spec.egress!.find((r) => r.name === 'layer-5-allowed-egress-0')!;
    expect(rule.to).toEqual([{ networks: ['10.20.0.0/24', '10.20.2.0/23'] }]);
    expect(rule.protocols).toEqual([{ tcp: { destinationPort: { range: { start: 8000, end: 8080 } } } }]);
  });

  it('refuses a named port and node CIDRs, naming the option and the fix', () => {
    expect(
      problems(() =>
        clusterNetworkPolicies({
          allowMonitoring: { ports: [{ port: 'metrics', protocol: 'TCP' }] },
          allowIngressController: { nodeCidrs: ['10.0.0.0/24'] },
        }),
      ),
    ).toEqual([
      'allowIngressController.nodeCidrs: ClusterNetworkPolicy ingress sources are namespaces and pods only, so node CIDRs cannot be allowed in the Baseline tier. Fix: leave nodeCidrs empty for this target, or render the networkpolicy target',
      'allowMonitoring.ports[0].port: "metrics" is a container port name, and ClusterNetworkPolicy v1beta1 (standard channel) matches port numbers only. Fix: give the port number, or render the networkpolicy target',
    ]);
  });

  it('walls each built-in environment off from the namespaces of the others', () => {
    expect(ENVIRONMENTS.map((environment) => adminTierScope(environment.name))).toEqual([
      { environment: 'dev', otherEnvironmentNamespaces: ['production', 'staging'] },
      { environment: 'staging', otherEnvironmentNamespaces: ['dev', 'production'] },
      { environment: 'prod', otherEnvironmentNamespaces: ['dev', 'staging'] },
    ]);
    expect(() => adminTierScope('qa')).toThrow('unknown environment "qa": choose one of "dev", "staging", "prod"');
  });
});

describe('RENDER_TARGETS', () => {
  it('renders every environment for every target, with only the kinds the target declares', () => {
    for (const target of RENDER_TARGETS) {
      for (const environment of ENVIRONMENTS) {
        const objects = renderEnvironment(target.name, environment);
        expect(objects.length, `${target.name} ${environment.name}`).toBeGreaterThan(0);
        for (const object of objects) expect({ apiVersion: object.apiVersion, kind: object.kind }).toEqual({ apiVersion: target.apiVersion, kind: target.kind });
      }
    }
  });

  it('walls each environment off from the others through renderEnvironment', () => {
    const [admin] = renderEnvironment('cluster-network-policy', ENVIRONMENTS[0]!);
    expect(admin!.metadata.name).toBe('k8s-security-environment-dev');
  });

  it('names the targets there are when asked for another', () => {
    expect(() => renderEnvironment('calico', ENVIRONMENTS[0]!)).toThrow('"calico" is not a render target: use one of network-policy, cilium, cluster-network-policy');
  });
});
