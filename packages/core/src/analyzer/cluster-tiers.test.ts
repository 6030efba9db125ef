import { describe, expect, it } from 'vitest';
import { AnalyzerInputError } from './analyzer-input-error.js';
import { clusterModelFromObjects } from './cluster-model.js';
import { evaluateConnection, explanationText, iterateReachability } from './reachability.js';

const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const pod = (ns: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app: name } },
  spec: { containers: [{ name: 'main', ports: [{ containerPort: 80, name: 'http' }] }] },
});
const namespaced = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const cnp = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name }, spec });
const denyAllIngress = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
const base = [namespace('shop'), namespace('dev'), pod('shop', 'web'), pod('dev', 'client')];

function verdict(objects: unknown[], from = 'dev/client', to = 'shop/web', port = 80) {
  const { model } = clusterModelFromObjects(objects);
  const direct = evaluateConnection(model, from, to, port, 'TCP');
  const [grouped] = [...iterateReachability(model, { from, to, port, protocol: 'TCP' })];
  expect(grouped?.allowed, 'the grouped scan agrees with the direct evaluation').toBe(direct.allowed);
  return direct;
}

const ingressRule = (action: string, from: unknown[] = [{ namespaces: namespaced('dev') }]) => ({ name: `${action.toLowerCase()}-dev`, action, from });
const subjectShop = { namespaces: namespaced('shop') };

describe('cluster policy tiers', () => {
  it('lets an Admin Accept override a namespace NetworkPolicy that denies, and names the tier, policy and rule', () => {
    const result = verdict([...base, denyAllIngress, cnp('admin-accept', { tier: 'Admin', priority: 5, subject: subjectShop, ingress: [ingressRule('Accept')] })]);
    expect(result.allowed).toBe(true);
    expect(explanationText(result.explanation)).toContain(
      'ingress at the destination is allowed by Admin tier ClusterNetworkPolicy/admin-accept ingress rule 0 "accept-dev" (Accept)',
    );
  });

  it('lets an Admin Deny override a namespace NetworkPolicy that allows', () => {
    const allowAll = { ...denyAllIngress, metadata: { name: 'allow', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{}] } };
    const result = verdict([...base, allowAll, cnp('admin-deny', { tier: 'Admin', priority: 5, subject: subjectShop, ingress: [ingressRule('Deny')] })]);
    expect(result.allowed).toBe(false);
    expect(explanationText(result.explanation)).toContain('is denied by Admin tier ClusterNetworkPolicy/admin-deny ingress rule 0 "deny-dev" (Deny)');
  });

  it('evaluates Admin policies by priority, lower first, and rules in written order', () => {
    const accept = cnp('second', { tier: 'Admin', priority: 20, subject: subjectShop, ingress: [ingressRule('Accept')] });
    const deny = cnp('first', { tier: 'Admin', priority: 10, subject: subjectShop, ingress: [ingressRule('Deny'), ingressRule('Accept')] });
    expect(verdict([...base, accept, deny]).allowed).toBe(false);
    const reordered = cnp('first', { tier: 'Admin', priority: 30, subject: subjectShop, ingress: [ingressRule('Deny')] });
    expect(verdict([...base, accept, reordered]).allowed).toBe(true);
  });

  it('hands a Pass to the NetworkPolicy tier, and to the Baseline tier where no NetworkPolicy selects the pod', () => {
    const pass = cnp('pass', { tier: 'Admin', priority: 1, subject: subjectShop, ingress: [ingressRule('Pass'), ingressRule('Deny')] });
    const baselineDeny = cnp('baseline', { tier: 'Baseline', priority: 1, subject: subjectShop, ingress: [ingressRule('Deny')] });
    expect(verdict([...base, pass]).allowed).toBe(true);
    expect(verdict([...base, pass, baselineDeny]).allowed).toBe(false);
    const allowFromDev = { ...denyAllIngress, spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: namespaced('dev') }] }] } };
    expect(verdict([...base, pass, baselineDeny, allowFromDev]).allowed).toBe(true);
    expect(verdict([...base, pass, baselineDeny, denyAllIngress]).allowed).toBe(false);
  });

  it('reads v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy, Allow as Accept, ports as protocols', () => {
    const anp = {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: 'web-only' },
      spec: { priority: 3, subject: subjectShop, ingress: [{ name: 'http', action: 'Allow', from: [{ namespaces: namespaced('dev') }], ports: [{ portNumber: { protocol: 'TCP', port: 80 } }] }] },
    };
    const banp = {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'BaselineAdminNetworkPolicy',
      metadata: { name: 'default' },
      spec: { subject: subjectShop, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] },
    };
    expect(verdict([...base, anp, banp]).allowed).toBe(true);
    expect(verdict([...base, anp, banp], 'dev/client', 'shop/web', 81).allowed).toBe(false);
    expect(explanationText(verdict([...base, anp, banp], 'dev/client', 'shop/web', 81).explanation)).toContain('Baseline tier BaselineAdminNetworkPolicy/default ingress rule 0 (Deny)');
  });

  it('reads the early v1alpha1 peer form (namespaceSelector inside namespaces) and refuses sameLabels', () => {
    const early = (namespaces: Record<string, unknown>) => ({
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: 'early' },
      spec: { priority: 1, subject: subjectShop, ingress: [{ action: 'Deny', from: [{ namespaces }] }] },
    });
    expect(verdict([...base, early({ namespaceSelector: namespaced('dev') })]).allowed).toBe(false);
    expect(() => clusterModelFromObjects([...base, early({ sameLabels: ['team'] })])).toThrow(
      'AdminNetworkPolicy/early: spec.ingress[0].from[0].namespaces: sameLabels and notSameLabels (v1alpha1 before v0.1.2) are not supported',
    );
  });

  it('reads a peer with no field it knows "fail closed": a Deny matches everything, an Accept nothing', () => {
    const unknownPeer = [{ futurePeer: {} }];
    expect(verdict([...base, cnp('deny', { tier: 'Admin', priority: 1, subject: subjectShop, ingress: [ingressRule('Deny', unknownPeer)] })]).allowed).toBe(false);
    expect(verdict([...base, denyAllIngress, cnp('accept', { tier: 'Admin', priority: 1, subject: subjectShop, ingress: [ingressRule('Accept', unknownPeer)] })]).allowed).toBe(false);
  });

  it('skips another API version with a note', () => {
    const { notes } = clusterModelFromObjects([...base, { ...cnp('old', {}), apiVersion: 'policy.networking.k8s.io/v1alpha2' }]);
    expect(notes).toContain('skipped ClusterNetworkPolicy old: apiVersion policy.networking.k8s.io/v1alpha2 is not policy.networking.k8s.io/v1beta1');
  });

  it.each([
    [{ tier: 'Namespace', priority: 1, subject: subjectShop }, 'spec.tier', '"Namespace" is not a tier: use Admin or Baseline'],
    [{ tier: 'Admin', priority: 1001, subject: subjectShop }, 'spec.priority', 'must be a whole number from 0 to 1000, got 1001'],
    [{ tier: 'Admin', priority: 1, subject: {} }, 'spec.subject', 'set exactly one of namespaces or pods'],
    [{ tier: 'Admin', priority: 1, subject: subjectShop, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] }, 'spec.ingress[0].action', '"Allow" is not an action'],
    [{ tier: 'Admin', priority: 1, subject: subjectShop, ingress: [{ action: 'Deny', from: [{ networks: ['10.0.0.0/8'] }] }] }, 'spec.ingress[0].from[0].networks', 'ingress peers are namespaces or pods only'],
    [{ tier: 'Admin', priority: 1, subject: subjectShop, egress: [{ action: 'Deny', to: [{ namespaces: {}, networks: ['10.0.0.0/8'] }] }] }, 'spec.egress[0].to[0]', 'a peer has exactly one field'],
    [{ tier: 'Admin', priority: 1, subject: subjectShop, egress: [{ action: 'Deny', to: [] }] }, 'spec.egress[0].to', 'list at least one peer'],
    [{ tier: 'Admin', priority: 1, subject: subjectShop, egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.1'] }] }] }, 'spec.egress[0].to[0].networks[0]', 'did you mean "10.0.0.1/32"?'],
  ])('refuses a malformed spec, naming the object, field and fix (%#)', (spec, field, fix) => {
    let error: unknown;
    try {
      clusterModelFromObjects([...base, cnp('bad', spec)]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AnalyzerInputError);
    expect((error as AnalyzerInputError).message).toContain(`ClusterNetworkPolicy/bad: ${field}: `);
    expect((error as AnalyzerInputError).message).toContain(fix);
  });
});
