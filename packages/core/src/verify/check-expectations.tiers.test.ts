import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { clusterModelFromObjects } from '../analyzer/cluster-model.js';
import { ENVIRONMENTS } from '../environments/environments.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { checkExpectations } from './check-expectations.js';
import { compileExpectations, type ExpectationSpec } from './expectations-document.js';

// Admin- and Baseline-tier rules tell ports and addresses apart too: "any port" and "any
// address" must be cut at their edges, or one probe decides a range the tier splits.
const TOPOLOGY = parseAllDocuments(readFileSync(new URL('../../../../examples/reference-cluster.yaml', import.meta.url), 'utf8')).map((d) => d.toJS() as unknown);
const templatePolicies = () => ENVIRONMENTS.flatMap((environment) => namespaceIsolation(environment.values));
const namespaced = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const clusterPolicy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name }, spec });

function check(objects: readonly unknown[], expectation: ExpectationSpec) {
  const { model } = clusterModelFromObjects([...TOPOLOGY, ...objects]);
  const document = { apiVersion: 'k8s-security.dev/v1alpha1', kind: 'ReachabilityExpectations', metadata: { name: 'tiers' }, expectations: [expectation] };
  return checkExpectations(model, 'tiers', compileExpectations(document).expectations).results[0]!;
}

const brokenPorts = (result: ReturnType<typeof check>) => [...new Set(result.counterExamples.map((example) => `${example.to} ${example.ports.join(',')} ${example.allowed ? 'allowed' : 'denied'}`))];

describe('checkExpectations with admin and baseline tiers', () => {
  it('finds a port an Admin Accept opens through the namespace isolation, on a port no pod declares', () => {
    const accept = clusterPolicy('dev-debug', {
      tier: 'Admin',
      priority: 10,
      subject: { namespaces: namespaced('production') },
      ingress: [{ name: 'debug', action: 'Accept', from: [{ namespaces: namespaced('dev') }], protocols: [{ tcp: { destinationPort: { number: 7000 } } }] }],
    });
    const productionIsolation = templatePolicies().filter((policy) => policy.metadata.namespace === 'production');
    const result = check([...productionIsolation, accept], { id: 'dev-not-to-production', from: { namespace: 'dev' }, to: { namespace: 'production' }, expect: 'denied' });
    expect(result.status).toBe('fail');
    expect(brokenPorts(result)).toEqual(['production/app 7000/TCP allowed', 'production/db 7000/TCP allowed']);
    expect(result.counterExamples[0]!.decidedBy).toEqual(['ClusterNetworkPolicy/dev-debug ingress rule 0']);
  });

  it('finds an outside network an Admin Accept opens through the egress isolation', () => {
    const accept = clusterPolicy('partner', {
      tier: 'Admin',
      priority: 10,
      subject: { namespaces: namespaced('production') },
      egress: [{ action: 'Accept', to: [{ networks: ['203.0.113.0/24'] }] }],
    });
    const result = check([...templatePolicies(), accept], { id: 'nothing-outside', from: { namespace: 'production' }, to: { ipBlock: { cidr: '0.0.0.0/0' } }, expect: 'denied' });
    expect(result.status).toBe('fail');
    expect(new Set(result.counterExamples.map((example) => example.to))).toEqual(new Set(['203.0.113.0']));
  });

  it('finds a port range a Baseline Deny closes where no NetworkPolicy selects the pods', () => {
    const deny = clusterPolicy('default', {
      tier: 'Baseline',
      priority: 0,
      subject: { namespaces: namespaced('production') },
      ingress: [{ action: 'Deny', from: [{ namespaces: namespaced('dev') }], protocols: [{ tcp: { destinationPort: { range: { start: 7000, end: 7999 } } } }] }],
    });
    const result = check([deny], { id: 'dev-reaches-production', from: { namespace: 'dev' }, to: { namespace: 'production' }, expect: 'allowed' });
    expect(result.status).toBe('fail');
    expect(brokenPorts(result)).toEqual(['production/app 7000-7999/TCP denied', 'production/db 7000-7999/TCP denied']);
  });

  it('finds the ports between an Admin Deny and the rest, on every protocol the rule names', () => {
    const deny = clusterPolicy('no-udp-high', {
      tier: 'Admin',
      priority: 10,
      subject: { namespaces: namespaced('production') },
      ingress: [{ action: 'Deny', from: [{ namespaces: namespaced('dev') }], protocols: [{ udp: { destinationPort: { range: { start: 40000, end: 65535 } } } }] }],
    });
    const result = check([deny], { id: 'dev-reaches-production', from: { namespace: 'dev' }, to: { namespace: 'production' }, expect: 'allowed' });
    expect(brokenPorts(result)).toEqual(['production/app 40000-65535/UDP denied', 'production/db 40000-65535/UDP denied']);
  });
});
