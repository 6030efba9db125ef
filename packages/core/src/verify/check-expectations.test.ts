import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { clusterModelFromObjects, type ClusterModel } from '../analyzer/cluster-model.js';
import { ENVIRONMENTS } from '../environments/environments.js';
import type { NetworkPolicy } from '../model/network-policy.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { checkExpectations } from './check-expectations.js';
import { compileExpectations, type ExpectationSpec } from './expectations-document.js';
import { threatModelExpectations } from './threat-model.js';

const TOPOLOGY = parseAllDocuments(readFileSync(new URL('../../../../examples/reference-cluster.yaml', import.meta.url), 'utf8')).map((d) => d.toJS() as unknown);

function modelWith(policies: readonly unknown[]): ClusterModel {
  return clusterModelFromObjects([...TOPOLOGY, ...policies]).model;
}

const templatePolicies = (): NetworkPolicy[] => ENVIRONMENTS.flatMap((environment) => namespaceIsolation(environment.values));

function check(model: ClusterModel, expectations: readonly ExpectationSpec[]) {
  const { expectations: compiled } = compileExpectations({ apiVersion: 'k8s-security.dev/v1alpha1', kind: 'ReachabilityExpectations', metadata: { name: 'test' }, expectations });
  return checkExpectations(model, 'test', compiled);
}

describe('checkExpectations', () => {
  it.each(ENVIRONMENTS.map((environment) => [environment.name, environment] as const))('finds every assertion of the %s threat model holding on the reference cluster', (_name, environment) => {
    const document = threatModelExpectations(environment);
    const report = checkExpectations(modelWith(templatePolicies()), document.metadata.name, compileExpectations(document).expectations);
    expect(report.results.filter((result) => result.status !== 'pass').map((result) => `${result.id}: ${result.observed}`)).toEqual([]);
    expect(report.passed).toBe(document.expectations.length);
    expect(report.passed).toBeGreaterThanOrEqual(8);
  });

  it('breaks the production threat model with counter-examples when Prometheus may scrape every port', () => {
    const weakened = templatePolicies().map((policy) =>
      policy.metadata.namespace === 'production' && policy.metadata.name === 'allow-monitoring'
        ? { ...policy, spec: { ...policy.spec, ingress: policy.spec.ingress!.map((rule) => ({ from: rule.from })) } }
        : policy,
    );
    const document = threatModelExpectations(ENVIRONMENTS.find((environment) => environment.name === 'prod')!);
    const report = checkExpectations(modelWith(weakened), document.metadata.name, compileExpectations(document).expectations);
    const broken = report.results.filter((result) => result.status === 'fail');
    expect(broken.map((result) => result.id)).toEqual(['production-monitoring']);
    const example = broken[0]!.counterExamples[0]!;
    expect(example).toEqual({
      from: 'monitoring/prometheus',
      to: 'production/app',
      ports: ['1-9089/TCP', '9091-65535/TCP', '1-65535/UDP', '1-65535/SCTP'],
      allowed: true,
      explanation: expect.stringContaining('production/allow-monitoring ingress rule 0') as string,
      decidedBy: ['production/allow-monitoring ingress rule 0'],
    });
    expect(broken[0]!.violations).toBe(2);
  });

  it('finds an open port that no fixed probe list would try, and names it', () => {
    const leak = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'debug-port', namespace: 'production' },
      spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 31337 }] }] },
    };
    const report = check(modelWith([...templatePolicies(), leak]), [{ id: 'system-not-to-prod', from: { namespace: 'kube-system' }, to: { namespace: 'production' }, expect: 'denied' }]);
    const [result] = report.results;
    expect(result!.status).toBe('fail');
    expect(result!.violations).toBe(4);
    expect(result!.pairs).toBe(4);
    expect(result!.counterExamples[0]).toMatchObject({ from: 'kube-system/coredns', to: 'production/app', ports: ['31337/TCP'], allowed: true, decidedBy: ['production/debug-port ingress rule 0'] });
  });

  it('probes one outside address per part of an ipBlock, so an opened range is found', () => {
    const open = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'to-partner', namespace: 'production' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 443 }] }] },
    };
    const assertion: ExpectationSpec = { id: 'nothing-outside', from: { namespace: 'production' }, to: { ipBlock: { cidr: '0.0.0.0/0' } }, expect: 'denied' };
    expect(check(modelWith(templatePolicies()), [assertion]).results[0]!.status).toBe('pass');
    const result = check(modelWith([...templatePolicies(), open]), [assertion]).results[0]!;
    expect(result.status).toBe('fail');
    expect(result.counterExamples.map((counter) => `${counter.from} -> ${counter.to} ${counter.ports.join(',')}`)).toEqual([
      'production/app -> 198.51.100.0 443/TCP',
      'production/db -> 198.51.100.0 443/TCP',
    ]);
  });

  it('reports an assertion whose selectors match nothing as vacuous, not as passing', () => {
    const report = check(modelWith(templatePolicies()), [
      { id: 'typo', from: { namespace: 'dev', podSelector: { matchLabels: { app: 'wbe' } } }, to: { namespace: 'production' }, expect: 'denied' },
      { id: 'missing-named-port', from: { namespace: 'monitoring' }, to: { namespace: 'production' }, ports: ['scrape/TCP'], expect: 'allowed' },
    ]);
    expect(report.results.map((result) => result.status)).toEqual(['vacuous', 'vacuous']);
    expect(report.results[0]!.observed).toMatch(/"from" \(pods app=wbe of dev\) matches no endpoint/);
    expect(report.results[1]!.observed).toMatch(/no destination declares the named ports scrape\/TCP/);
    expect(report.passed).toBe(0);
  });

  it('holds allowed on named ports resolved on each destination', () => {
    const report = check(modelWith(templatePolicies()), [
      { id: 'prometheus-metrics', from: { namespace: 'monitoring', podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }, to: { namespace: 'production', podSelector: { matchLabels: { app: 'web' } } }, ports: ['metrics/TCP'], expect: 'allowedOnly' },
      { id: 'grafana-not', from: { namespace: 'monitoring', podSelector: { matchLabels: { app: 'grafana' } } }, to: { namespace: 'production' }, ports: ['metrics/TCP'], expect: 'allowed' },
    ]);
    expect(report.results.map((result) => result.status)).toEqual(['pass', 'fail']);
  });
});
