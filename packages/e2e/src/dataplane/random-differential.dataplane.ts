/**
 * Suite 4: a seeded random differential. Each scenario relabels a small cluster and installs one
 * to three random NetworkPolicies; the dataplane's verdict on every connection (each ordered pair
 * x each declared port) must equal the analyzer's, except where a known kube-router deviation
 * (./known-deviations.ts) changes that very connection; and where a deviation predicts a change,
 * the change must be observed. K8S_SECURITY_DATAPLANE_SEED picks another series;
 * K8S_SECURITY_DATAPLANE_SCENARIOS another count (50 by default).
 */
import { expect, it } from 'vitest';
import { analyzeReachability, type ClusterModel, type Connection } from '@k8s-security-pro/core';
import { useDataplane } from './suite-support.js';
import { connectionKey } from './dataplane.js';
import { deviationsExplaining, kubeRouterAllows, type DeviationId } from './kube-router-model.js';
import { randomScenario } from './random-scenario.js';
import { DEVIATION_REPRODUCTIONS } from './deviation-reproductions.js';

const BASE_SEED = Number(process.env['K8S_SECURITY_DATAPLANE_SEED'] ?? 20_260_901);
const COUNT = Number(process.env['K8S_SECURITY_DATAPLANE_SCENARIOS'] ?? 50);

const { current } = useDataplane();

/** Installs `policies` on the scenario's topology and compares every connection with kube-router's expected verdict. */
async function runScenario(topology: ClusterModel, policies: readonly Record<string, unknown>[]) {
  await current().deleteAllPolicies();
  await current().setTopology({ ...topology, policies: [] });
  await current().createPolicies(policies);
  const model = await current().withStoredPolicies({ ...topology, policies: [] });
  const analyzer = analyzeReachability(model).filter((c) => c.protocol !== 'SCTP');
  // What kube-router should do: the analyzer's verdict, changed only where a known deviation applies.
  const deviated = new Map<string, DeviationId[]>();
  const expected: Connection[] = analyzer.map((c) => {
    const allowed = kubeRouterAllows(model, c);
    if (allowed !== c.allowed) deviated.set(connectionKey(c), deviationsExplaining(model, c, allowed));
    return { ...c, allowed };
  });
  const comparison = await current().compare(expected, 15_000);
  return { model, analyzer, deviated, comparison };
}

it(`agrees with the analyzer on ${COUNT} seeded random scenarios (seeds ${BASE_SEED}..${BASE_SEED + COUNT - 1}), but for known kube-router deviations`, { timeout: 600_000 }, async () => {
  expect(COUNT).toBeGreaterThanOrEqual(1);
  const unexplained: string[] = [];
  const explained = new Map<DeviationId, number>();
  let connections = 0;
  let scenariosWithDeviations = 0;
  let enforcementMs = 0;
  let rounds = 0;
  const started = Date.now();
  for (let i = 0; i < COUNT; i++) {
    const scenario = randomScenario(BASE_SEED + i);
    const { analyzer, deviated, comparison } = await runScenario(scenario.model, scenario.policies);
    connections += comparison.connections.length;
    enforcementMs += comparison.elapsedMs;
    rounds += comparison.rounds;
    if (deviated.size > 0) scenariosWithDeviations++;
    for (const ids of deviated.values()) for (const id of ids) explained.set(id, (explained.get(id) ?? 0) + 1);
    const byKey = new Map(analyzer.map((c) => [connectionKey(c), c]));
    for (const d of comparison.disagreements) {
      const spec = byKey.get(connectionKey(d.connection))!;
      const predicted = deviated.has(connectionKey(d.connection)) ? ` (known deviations predicted ${d.connection.allowed ? 'allowed' : 'denied'})` : '';
      unexplained.push(
        `seed ${scenario.seed}: ${connectionKey(d.connection)} analyzer ${spec.allowed ? 'allows' : 'denies'}${predicted}, dataplane ${d.observed.outcome}${d.observed.code ? ` ${d.observed.code}` : ''} — ${d.why}\n` +
          `  policies: ${JSON.stringify(scenario.policies.map((p) => [p['metadata'], p['spec']]))}`,
      );
    }
  }
  console.log(
    `[dataplane] random differential: ${COUNT} scenarios, ${connections} connections probed in ${Date.now() - started} ms ` +
      `(${enforcementMs} ms of it probing until enforced, in ${rounds} rounds); ` +
      `${scenariosWithDeviations} scenarios with known deviations, connections per deviation: ${JSON.stringify(Object.fromEntries(explained))}; unexplained: ${unexplained.length}`,
  );
  expect(unexplained).toEqual([]);
});

it.each(DEVIATION_REPRODUCTIONS)('reproduces the known kube-router deviation $id with its minimal policy, on exactly the predicted connections', { timeout: 60_000 }, async ({ id, policies, connections: wanted }) => {
  const topology = randomScenario(BASE_SEED).model;
  const { deviated, comparison } = await runScenario(topology, policies);
  // Observed equals the kube-router model everywhere, and the model deviates from the spec on exactly these connections, for this reason.
  expect(comparison.disagreements.map((d) => `${connectionKey(d.connection)} ${d.observed.outcome}`)).toEqual([]);
  expect([...deviated.keys()].sort()).toEqual([...wanted].sort());
  for (const ids of deviated.values()) expect(ids).toEqual([id]);
});
