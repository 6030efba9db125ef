import { describe, expect, it } from 'vitest';
import type { Protocol } from './cluster-model.js';
import { forEachEndpointPair, summarizeByNamespace, type EndpointPairQuery } from './endpoint-pairs.js';
import { analyzeReachability } from './reachability.js';
import { modelOf, namespace, pod, policy, randomCluster } from './test-support/cluster-objects.js';
import type { ReachabilityQuery } from './reachability-types.js';

const SEEDS = [31, 32, 33, 34];

function queriesFor(seed: number): ReachabilityQuery[] {
  const model = randomCluster(seed);
  const first = model.endpoints.find((endpoint) => endpoint.namespace !== undefined)!.id;
  return [{}, { port: 80 }, { protocol: 'UDP' as Protocol }, { from: first }, { to: first }, { to: '10.0.1.200' }];
}

/** The pairs forEachEndpointPair must visit, built from the per-connection list. */
function expectedPairs(seed: number, query: EndpointPairQuery): string[] {
  const byPair = new Map<string, { allowed: string[]; denied: string[] }>();
  for (const connection of analyzeReachability(randomCluster(seed), query)) {
    const key = `${connection.from} -> ${connection.to}`;
    const pair = byPair.get(key) ?? { allowed: [], denied: [] };
    pair[connection.allowed ? 'allowed' : 'denied'].push(`${connection.port}/${connection.protocol}`);
    byPair.set(key, pair);
  }
  return [...byPair]
    .filter(([, pair]) => query.includeDenied || pair.allowed.length > 0)
    .map(([key, pair]) => `${key} allowed ${pair.allowed.join(',')} denied ${pair.denied.join(',')}`);
}

function visitedPairs(seed: number, query: EndpointPairQuery): string[] {
  const pairs: string[] = [];
  forEachEndpointPair(randomCluster(seed), query, (pair) => {
    const ports = (allowed: boolean) =>
      pair.ports
        .filter((_, k) => pair.verdicts[k]!.allowed === allowed)
        .map((port) => `${port.port}/${port.protocol}`)
        .join(',');
    pairs.push(`${pair.from} -> ${pair.to} allowed ${ports(true)} denied ${ports(false)}`);
  });
  return pairs;
}

describe('forEachEndpointPair', () => {
  it('visits exactly the pairs with an allowed port, in order, with their verdicts per port', () => {
    let visited = 0;
    for (const seed of SEEDS) {
      for (const query of queriesFor(seed)) {
        const pairs = visitedPairs(seed, query);
        expect(pairs, `seed ${seed} ${JSON.stringify(query)}`).toEqual(expectedPairs(seed, query));
        visited += pairs.length;
      }
    }
    expect(visited).toBeGreaterThan(100);
  });

  it('visits every pair with a judged port with includeDenied, denied-only pairs included', () => {
    for (const seed of SEEDS) {
      const all = visitedPairs(seed, { includeDenied: true });
      expect(all).toEqual(expectedPairs(seed, { includeDenied: true }));
      expect(all.some((pair) => pair.includes('allowed  denied'))).toBe(true);
    }
  });

  it('skips pairs whose destination has no port to judge', () => {
    const model = modelOf(namespace('a'), pod('a/client'), pod('a/web', { ports: [{ port: 80 }] }));
    const pairs: string[] = [];
    const count = forEachEndpointPair(model, { includeDenied: true }, (pair) => pairs.push(`${pair.from}>${pair.to}`));
    expect(pairs).toEqual(['a/client>a/web']);
    expect(count).toBe(1);
  });
});

describe('summarizeByNamespace', () => {
  it('totals what analyzeReachability lists per namespace pair, leaving out external-to-external traffic', () => {
    for (const seed of SEEDS) {
      const model = randomCluster(seed);
      for (const query of queriesFor(seed)) {
        const expected = new Map<string, { connections: number; allowed: number }>();
        for (const connection of analyzeReachability(model, query)) {
          const group = (id: string) => (id.includes('/') ? id.split('/')[0]! : id);
          if (!connection.from.includes('/') && !connection.to.includes('/')) continue;
          const key = `${group(connection.from)} -> ${group(connection.to)}`;
          const total = expected.get(key) ?? { connections: 0, allowed: 0 };
          total.connections++;
          if (connection.allowed) total.allowed++;
          expected.set(key, total);
        }
        const summary = summarizeByNamespace(model, query);
        const actual = new Map(summary.pairs.map((pair) => [`${pair.from} -> ${pair.to}`, { connections: pair.connections, allowed: pair.allowed }]));
        expect(actual, `seed ${seed} ${JSON.stringify(query)}`).toEqual(expected);
        // Pairs come in groups order: namespaces first, then external IPs.
        const order = summary.pairs.map((pair) => summary.groups.indexOf(pair.from) * summary.groups.length + summary.groups.indexOf(pair.to));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
      expect(summarizeByNamespace(model).externals).toEqual(new Set(['10.0.1.200', '10.9.0.1']));
    }
  });

  it('weights one group pair by its endpoints per namespace', () => {
    const pods = ['a', 'b'].flatMap((ns) => Array.from({ length: 50 }, (_, i) => pod(`${ns}/web-${i}`, { labels: { app: 'web' }, ports: [{ port: 80 }] })));
    const model = modelOf(namespace('a'), namespace('b'), ...pods, policy('b/deny-all', { podSelector: {}, policyTypes: ['Ingress'] }));
    expect(summarizeByNamespace(model).pairs).toEqual([
      { from: 'a', to: 'a', connections: 50 * 49, allowed: 50 * 49 },
      { from: 'a', to: 'b', connections: 50 * 50, allowed: 0 },
      { from: 'b', to: 'a', connections: 50 * 50, allowed: 50 * 50 },
      { from: 'b', to: 'b', connections: 50 * 49, allowed: 0 },
    ]);
  });
});
