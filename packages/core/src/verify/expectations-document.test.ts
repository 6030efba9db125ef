import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/environments.js';
import { compileExpectations, compilePortSpec } from './expectations-document.js';
import { threatModelExpectations } from './threat-model.js';

const header = { apiVersion: 'k8s-security.dev/v1alpha1', kind: 'ReachabilityExpectations', metadata: { name: 'test' } };
const good = { id: 'dev-not-to-prod', from: { namespace: 'dev' }, to: { namespace: 'production' }, expect: 'denied' };
const withExpectation = (overrides: Record<string, unknown>) => ({ ...header, expectations: [{ ...good, ...overrides }] });

describe('compileExpectations', () => {
  it('accepts the generated threat model of every environment', () => {
    for (const environment of ENVIRONMENTS) expect(compileExpectations(threatModelExpectations(environment)).expectations.length).toBeGreaterThan(5);
  });

  it.each([
    ['an empty file', null, '(document): the file is empty: start it with apiVersion: k8s-security.dev/v1alpha1 and kind: ReachabilityExpectations'],
    ['a wrong apiVersion', { ...header, apiVersion: 'v1', expectations: [good] }, 'apiVersion: must be k8s-security.dev/v1alpha1, got "v1"'],
    ['an unknown top-level key', { ...header, expectation: [good] }, 'expectation: unknown key: use apiVersion, kind, metadata, expectations'],
    ['no assertions', { ...header, expectations: [] }, 'expectations: must be a non-empty list'],
    ['an unknown assertion key', withExpectation({ port: 80 }), 'expectations[0].port: unknown key: use id, description, from, to, ports, expect'],
    ['a bad expect', withExpectation({ expect: 'deny' }), 'expectations[0].expect: must be denied, allowed or allowedOnly'],
    ['a bad id', withExpectation({ id: 'Dev To Prod' }), 'expectations[0].id: "Dev To Prod" is not an id'],
    ['a selector without a place', withExpectation({ from: { podSelector: {} } }), 'expectations[0].from: say where the endpoints are'],
    ['a misspelt selector key', withExpectation({ to: { namespace: 'production', podSelector: { matchLabel: { app: 'web' } } } }), 'expectations[0].to.podSelector.matchLabel: unknown key: use matchLabels, matchExpressions'],
    ['a bad operator', withExpectation({ to: { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'Is', values: ['x'] }] } } }), 'expectations[0].to.namespaceSelector.matchExpressions[0].operator: "Is" is not an operator'],
    ['a bad namespace', withExpectation({ to: { namespace: 'Prod_1' } }), 'expectations[0].to.namespace: "Prod_1" is not a valid namespace name'],
    ['ipBlock with selectors', withExpectation({ to: { namespace: 'x', ipBlock: { cidr: '0.0.0.0/0' } } }), 'expectations[0].to: ipBlock selects addresses outside the cluster'],
    ['a CIDR without prefix', withExpectation({ to: { ipBlock: { cidr: '10.0.0.1' } } }), 'expectations[0].to.ipBlock.cidr: "10.0.0.1" is an address without a prefix length'],
    ['two outside sides', withExpectation({ from: { ipBlock: { cidr: '0.0.0.0/0' } }, to: { ipBlock: { cidr: '10.0.0.0/8' } } }), 'expectations[0].to: traffic between two outside addresses'],
    ['a bad port', withExpectation({ ports: ['70000/TCP'] }), 'expectations[0].ports[0]: ports are numbers from 1 to 65535, got "70000/TCP"'],
    ['a bad protocol', withExpectation({ ports: ['53/udp'] }), 'expectations[0].ports[0]: "udp" is not a protocol: use TCP, UDP or SCTP (upper case)'],
    ['allowedOnly without ports', withExpectation({ expect: 'allowedOnly' }), 'expectations[0].ports: allowedOnly needs the ports'],
    ['a duplicate id', { ...header, expectations: [good, good] }, 'expectations[1].id: "dev-not-to-prod" is used twice'],
  ])('refuses %s with one line naming the field', (_what, document, message) => {
    expect(() => compileExpectations(document)).toThrow(message);
  });

  it('reads every port form', () => {
    expect(['9090', '9090/TCP', '53/UDP', '8000-8999/SCTP', 'metrics/TCP', 'any/UDP'].map((text) => compilePortSpec(text, 'ports'))).toEqual([
      { kind: 'range', protocol: 'TCP', first: 9090, last: 9090 },
      { kind: 'range', protocol: 'TCP', first: 9090, last: 9090 },
      { kind: 'range', protocol: 'UDP', first: 53, last: 53 },
      { kind: 'range', protocol: 'SCTP', first: 8000, last: 8999 },
      { kind: 'named', protocol: 'TCP', name: 'metrics' },
      { kind: 'range', protocol: 'UDP', first: 1, last: 65535 },
    ]);
    expect(() => compilePortSpec('90-80', 'ports[0]')).toThrow('ports[0]: the range "90-80" ends before it starts');
  });
});
