import { describe, expect, it } from 'vitest';
import { analyzeReachability, clusterModelFromObjects, type ClusterModel } from '@k8s-security-pro/core';
import { connectionKey, type Disagreement } from './dataplane.js';
import { DEVIATION_REPRODUCTIONS } from './deviation-reproductions.js';
import { deviationsFor } from './known-deviations.js';
import { DEVIATION_IDS, deviationsExplaining, kubeRouterAllows } from './kube-router-model.js';
import { randomScenario } from './random-scenario.js';

const topology = randomScenario(20_260_901).model;

/** The topology with `policies`, defaulted as the API server stores them. */
function withPolicies(policies: readonly unknown[]): ClusterModel {
  return { ...topology, policies: clusterModelFromObjects(policies).model.policies };
}

/** The connections on which kube-router's model differs from the analyzer. */
function deviating(model: ClusterModel): string[] {
  return analyzeReachability(model)
    .filter((c) => c.protocol !== 'SCTP' && kubeRouterAllows(model, c) !== c.allowed)
    .map(connectionKey)
    .sort();
}

function disagreement(model: ClusterModel, key: string, observed: Disagreement['observed']): Disagreement {
  const connection = analyzeReachability(model).find((c) => connectionKey(c) === key);
  if (!connection) throw new Error(`no connection ${key}`);
  return { connection, observed, why: '' };
}

describe('the kube-router model', () => {
  it('equals the analyzer when no deviation is modelled', () => {
    for (const seed of [20_260_911, 20_260_912, 20_260_922, 20_260_948]) {
      const model = randomScenario(seed).model;
      for (const c of analyzeReachability(model)) expect(kubeRouterAllows(model, c, new Set())).toBe(c.allowed);
    }
  });

  it('equals the analyzer where no policy has the shape a deviation needs', () => {
    const model = withPolicies([
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'x', name: 'in' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'a' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'y', name: 'out' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 'dns' }] }] } },
    ]);
    expect(deviating(model)).toEqual([]);
  });

  it.each(DEVIATION_REPRODUCTIONS)('predicts exactly the connections of the minimal reproduction of $id, each for that deviation alone', ({ id, policies, connections }) => {
    const model = withPolicies(policies);
    expect(deviating(model)).toEqual([...connections].sort());
    for (const c of analyzeReachability(model).filter((c) => connections.includes(connectionKey(c)))) {
      expect(deviationsExplaining(model, c, !c.allowed)).toEqual([id]);
    }
  });

  it('explains the hand-checked seed 20260912 (x/a > x/b denied at x/b, observed open) by the shared policy chain', () => {
    const model = withPolicies(randomScenario(20_260_912).policies);
    const d = disagreement(model, 'x/a>x/b:80/TCP', { outcome: 'open', peer: 'x/b' });
    expect(d.connection.allowed).toBe(false);
    expect(deviationsFor(d, model).map((deviation) => deviation.id)).toEqual(['policy-chain-shared-by-both-directions']);
  });

  it('explains the second series (seeds 1020 and 1040: a pod admitted by one ipBlock and excepted by another of the same rule, observed refused) by the shared ipBlock set', () => {
    for (const [seed, key] of [
      [1020, 'y/a>z/a:81/TCP'],
      [1040, 'z/a>y/a:80/TCP'],
    ] as const) {
      const model = withPolicies(randomScenario(seed).policies);
      const d = disagreement(model, key, { outcome: 'refused', code: 'ECONNREFUSED' });
      expect(d.connection.allowed).toBe(true);
      expect(deviationsFor(d, model).map((deviation) => deviation.id)).toEqual(['ipblock-exceptions-shared-by-a-rules-peers']);
    }
  });

  it('leaves a disagreement no deviation explains unexplained, so the suites fail on it', () => {
    // y denies all ingress: x/a > y/a open would be a real leak, and no deviation covers it.
    const model = withPolicies([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'y', name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }]);
    const leak = disagreement(model, 'x/a>y/a:80/TCP', { outcome: 'open', peer: 'y/a' });
    expect(leak.connection.allowed).toBe(false);
    expect(deviationsFor(leak, model)).toEqual([]);
    // Nor does the wrong direction of a known deviation: it turns denials into allows, not allows into refusals.
    const reproduction = withPolicies(DEVIATION_REPRODUCTIONS[0]!.policies);
    const refused = disagreement(reproduction, 'x/a>y/a:80/TCP', { outcome: 'refused', code: 'ECONNREFUSED' });
    expect(refused.connection.allowed).toBe(true);
    expect(deviationsFor(refused, reproduction)).toEqual([]);
    // An answer from the wrong pod is no connection to the right one.
    const wrongPeer = disagreement(withPolicies(DEVIATION_REPRODUCTIONS[0]!.policies), 'x/a>x/b:80/TCP', { outcome: 'open', peer: 'x/a' });
    expect(deviationsFor(wrongPeer, withPolicies(DEVIATION_REPRODUCTIONS[0]!.policies))).toEqual([]);
  });

  it('lists every modelled deviation with its rule and source', async () => {
    const { KUBE_ROUTER_DEVIATIONS } = await import('./known-deviations.js');
    expect(KUBE_ROUTER_DEVIATIONS.map((d) => d.id)).toEqual([...DEVIATION_IDS]);
    for (const deviation of KUBE_ROUTER_DEVIATIONS) {
      expect(deviation.rule).toMatch(/"/);
      expect(deviation.source).toMatch(/\.go /);
    }
  });
});
