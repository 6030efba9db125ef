/**
 * Suite 4: a seeded random differential. Each scenario relabels a small cluster and installs one
 * to three random NetworkPolicies; the dataplane's verdict on every connection (each ordered pair
 * x each declared port) must equal the analyzer's, except where a known kube-router deviation
 * (./known-deviations.ts) explains it. K8S_SECURITY_DATAPLANE_SEED picks another series;
 * K8S_SECURITY_DATAPLANE_SCENARIOS another count (at least 50 by default).
 */
import { expect, it } from 'vitest';
import { useDataplane } from './suite-support.js';
import { connectionKey } from './dataplane.js';
import { deviationFor } from './known-deviations.js';
import { randomScenario } from './random-scenario.js';

const BASE_SEED = Number(process.env['K8S_SECURITY_DATAPLANE_SEED'] ?? 20_260_901);
const COUNT = Number(process.env['K8S_SECURITY_DATAPLANE_SCENARIOS'] ?? 50);

const { current } = useDataplane();

it(`agrees with the analyzer on ${COUNT} seeded random scenarios (seeds ${BASE_SEED}..${BASE_SEED + COUNT - 1}), but for known kube-router deviations`, { timeout: 600_000 }, async () => {
  expect(COUNT).toBeGreaterThanOrEqual(1);
  const unexplained: string[] = [];
  const explained = new Map<string, number>();
  let connections = 0;
  const started = Date.now();
  for (let i = 0; i < COUNT; i++) {
    const scenario = randomScenario(BASE_SEED + i);
    await current().deleteAllPolicies();
    await current().setTopology({ ...scenario.model, policies: [] });
    await current().cluster.kubectlOk(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: scenario.policies }) });
    const model = await current().withStoredPolicies({ ...scenario.model, policies: [] });
    const comparison = await current().compareWithAnalyzer(model, 15_000, (d) => deviationFor(d, model) !== undefined);
    connections += comparison.connections.length;
    for (const d of comparison.disagreements) {
      const deviation = deviationFor(d, model);
      if (deviation) explained.set(deviation.id, (explained.get(deviation.id) ?? 0) + 1);
      else {
        unexplained.push(
          `seed ${scenario.seed}: ${connectionKey(d.connection)} analyzer ${d.connection.allowed ? 'allows' : 'denies'}, dataplane ${d.observed.outcome} — ${d.why}\n  policies: ${JSON.stringify(scenario.policies.map((p) => [p['metadata'], p['spec']]))}`,
        );
      }
    }
  }
  console.log(
    `[dataplane] random differential: ${COUNT} scenarios, ${connections} connections probed in ${Date.now() - started} ms; ` +
      `explained deviations: ${JSON.stringify(Object.fromEntries(explained))}; unexplained: ${unexplained.length}`,
  );
  expect(unexplained).toEqual([]);
});
