import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/environments.js';
import { CiliumOptionsError } from '../options/fqdn-egress.js';
import { NamespaceIsolationOptionsError } from '../options/namespace-isolation-options.js';
import { ciliumNetworkPolicies, ciliumNetworkPolicyFrom, type CiliumNetworkPolicy } from './cilium-network-policy.js';
import { namespaceIsolation } from './namespace-isolation.js';

function named(policies: readonly CiliumNetworkPolicy[], name: string): CiliumNetworkPolicy {
  const found = policies.filter((policy) => policy.metadata.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

describe('ciliumNetworkPolicies', () => {
  it('renders one CiliumNetworkPolicy per NetworkPolicy, same names, namespaces, metadata and apply order', () => {
    for (const environment of ENVIRONMENTS) {
      const plain = namespaceIsolation(environment.values);
      const cilium = ciliumNetworkPolicies(environment.values);
      expect(cilium.map((p) => [p.kind, p.apiVersion])).toEqual(plain.map(() => ['CiliumNetworkPolicy', 'cilium.io/v2']));
      expect(cilium.map((p) => p.metadata)).toEqual(plain.map((p) => p.metadata));
    }
  });

  it('isolates ingress with an empty rule in layer 1, and egress only where the NetworkPolicy does', () => {
    const policies = ciliumNetworkPolicies();
    expect(named(policies, 'default-deny-ingress').spec).toMatchObject({ endpointSelector: {}, enableDefaultDeny: { ingress: true, egress: false }, ingress: [{}] });
    expect(named(policies, 'default-deny-ingress').spec.egress).toBeUndefined();
    expect(named(policies, 'allow-monitoring').spec.enableDefaultDeny).toEqual({ ingress: true, egress: false });
    expect(named(policies, 'deny-egress-except-dns').spec.enableDefaultDeny).toEqual({ ingress: false, egress: true });
  });

  it('translates the same-namespace peer to an empty endpoint selector and other namespaces to the Cilium namespace label', () => {
    const policies = ciliumNetworkPolicies();
    expect(named(policies, 'allow-same-namespace').spec.ingress).toEqual([{ fromEndpoints: [{}] }]);
    expect(named(policies, 'allow-same-namespace').spec.egress).toEqual([{ toEndpoints: [{}] }]);
    expect(named(policies, 'deny-egress-except-dns').spec.egress![0]).toEqual({
      toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns', 'k8s:io.kubernetes.pod.namespace': 'kube-system' } }],
      toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }],
    });
  });

  it('puts CIDR peers into their own rule with the same ports, keeping except and port ranges', () => {
    const policies = ciliumNetworkPolicies({
      targetNamespaces: ['team'],
      allowIngressController: { nodeCidrs: ['10.0.0.0/16'], ports: [{ port: 8443 }] },
      denyEgressExceptDns: { allowedEgress: [{ cidr: '192.168.0.0/16', except: ['192.168.1.0/24'], ports: [{ port: 9100, endPort: 9110 }] }] },
    });
    const controller = named(policies, 'allow-ingress-controller').spec.ingress!;
    expect(controller).toHaveLength(2);
    expect(controller[1]).toEqual({ fromCIDRSet: [{ cidr: '10.0.0.0/16' }], toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }] });
    expect(named(policies, 'deny-egress-except-dns').spec.egress!.at(-1)).toEqual({
      toCIDRSet: [{ cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] }],
      toPorts: [{ ports: [{ port: '9100', endPort: 9110, protocol: 'TCP' }] }],
    });
  });

  it('adds the FQDN allow-list to layer 5 only, with the DNS rule that sends lookups through the DNS proxy', () => {
    const policies = ciliumNetworkPolicies({}, { fqdnEgress: { names: ['API.example.com'], patterns: ['*.example.org'] } });
    const egress = named(policies, 'deny-egress-except-dns').spec.egress!;
    expect(egress[0]!.toPorts![0]!.rules).toEqual({ dns: [{ matchPattern: '*' }] });
    expect(egress.at(-1)).toEqual({
      toFQDNs: [{ matchName: 'api.example.com' }, { matchPattern: '*.example.org' }],
      toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }],
    });
    expect(JSON.stringify(policies.filter((p) => p.metadata.name !== 'deny-egress-except-dns'))).not.toMatch(/toFQDNs|"dns"/);
  });

  it('translates an empty namespace selector to every namespace, not to the policy\'s own', () => {
    const policy = ciliumNetworkPolicyFrom({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'any-namespace', namespace: 'team' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'probe' } } }] }] },
    });
    expect(policy.spec.ingress).toEqual([{ fromEndpoints: [{ matchLabels: { app: 'probe' }, matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'Exists' }] }] }]);
  });

  it('without an allow-list renders no DNS proxy rule', () => {
    expect(JSON.stringify(ciliumNetworkPolicies())).not.toMatch(/toFQDNs|"rules"/);
  });

  it('refuses bad namespace-isolation options and bad Cilium options with their own errors', () => {
    expect(() => ciliumNetworkPolicies({ targetNamespaces: ['Bad_Name'] })).toThrow(NamespaceIsolationOptionsError);
    expect(() => ciliumNetworkPolicies({}, { fqdnEgress: { patterns: ['*'] } })).toThrow(CiliumOptionsError);
  });
});
