import { describe, expect, it } from 'vitest';
import type { ClusterModel } from './cluster-model.js';
import { changeCause, changeCauseText, endpointChanges, iterateConnectivityChanges, type PairChange } from './connectivity-diff.js';
import { analyzeReachability } from './reachability.js';
import { modelOf, namespace, pod, policy, randomCluster } from './test-support/cluster-objects.js';

const web = pod('shop/web', { labels: { app: 'web' }, ports: [{ port: 8080 }] });
const db = pod('shop/db', { labels: { app: 'db' }, ports: [{ port: 5432, name: 'postgres' }, { port: 9187 }] });
const denyAll = policy('shop/deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
const dbFromWeb = policy('shop/db-from-web', {
  podSelector: { matchLabels: { app: 'db' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'postgres' }] }],
});

/** Every change as `from -> to port/protocol opened|closed`, the flat form the brute force compares with. */
function flatten(changes: Iterable<PairChange>): string[] {
  const lines: string[] = [];
  for (const change of changes) {
    for (const port of change.opened) lines.push(`${change.from} -> ${change.to} ${port.port}/${port.protocol} opened`);
    for (const port of change.closed) lines.push(`${change.from} -> ${change.to} ${port.port}/${port.protocol} closed`);
  }
  return lines.sort();
}

/** The same changes computed the slow way: both full matrices, compared connection by connection. */
function bruteForce(oldModel: ClusterModel, newModel: ClusterModel): string[] {
  const verdicts = (model: ClusterModel) => new Map(analyzeReachability(model).map((c) => [`${c.from} -> ${c.to} ${c.port}/${c.protocol}`, c.allowed]));
  const external = (model: ClusterModel) => new Set(model.endpoints.filter((e) => e.kind === 'External').map((e) => e.id));
  const before = verdicts(oldModel);
  const after = verdicts(newModel);
  const oldIds = new Set(oldModel.endpoints.map((e) => e.id));
  const newIds = new Set(newModel.endpoints.map((e) => e.id));
  const externals = external(oldModel);
  const relevant = (key: string) => {
    const [from, , to] = key.split(' ');
    return oldIds.has(from!) && newIds.has(from!) && oldIds.has(to!) && newIds.has(to!) && !(externals.has(from!) && externals.has(to!));
  };
  const lines: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (!relevant(key)) continue;
    const was = before.get(key) ?? false;
    const is = after.get(key) ?? false;
    if (was !== is) lines.push(`${key} ${is ? 'opened' : 'closed'}`);
  }
  return lines.sort();
}

describe('iterateConnectivityChanges', () => {
  it('reports nothing when both sides are the same', () => {
    const model = modelOf(namespace('shop'), web, db, denyAll, dbFromWeb);
    expect([...iterateConnectivityChanges(model, modelOf(namespace('shop'), web, db, denyAll, dbFromWeb))]).toEqual([]);
  });

  it('reports the ports a default-deny closes, with the OLD reason and the NEW isolating policy', () => {
    const changes = [...iterateConnectivityChanges(modelOf(namespace('shop'), web, db), modelOf(namespace('shop'), web, db, denyAll, dbFromWeb))];
    expect(flatten(changes)).toEqual(['shop/db -> shop/web 8080/TCP closed', 'shop/web -> shop/db 9187/TCP closed']);
    const closed = changes.find((change) => change.from === 'shop/web')!.closed[0]!;
    expect(closed.old?.ingress).toEqual({ state: 'not-isolated', reason: 'no-policy' });
    expect(closed.new?.ingress).toEqual({ state: 'denied', isolatedBy: ['shop/db-from-web', 'shop/deny-all'] });
    expect(changeCause('closed', closed).isolatedBy).toEqual(['shop/db-from-web', 'shop/deny-all']);
    expect(changeCauseText('closed', closed)).toBe(
      'allowed in OLD: no policy isolated either end; in NEW denied: isolated by shop/db-from-web, shop/deny-all, and no rule matches',
    );
  });

  it('names the NEW rule that opens a port and the OLD policy that isolated it', () => {
    const changes = [...iterateConnectivityChanges(modelOf(namespace('shop'), web, db, denyAll), modelOf(namespace('shop'), web, db, denyAll, dbFromWeb))];
    expect(flatten(changes)).toEqual(['shop/web -> shop/db 5432/TCP opened']);
    const opened = changes[0]!.opened[0]!;
    expect(changeCause('opened', opened).rules).toEqual([{ policy: 'shop/db-from-web', direction: 'Ingress', rule: 0 }]);
    expect(changeCauseText('opened', opened)).toBe('allowed in NEW by shop/db-from-web ingress rule 0 (in OLD denied: isolated by shop/deny-all)');
  });

  it('reports endpoints on one side as added or removed, not as changed pairs', () => {
    const cache = pod('shop/cache', { labels: { app: 'cache' }, ports: [{ port: 6379 }] });
    const oldModel = modelOf(namespace('shop'), web, db, cache);
    const newModel = modelOf(namespace('shop'), web, pod('shop/queue', { ports: [{ port: 5672 }] }), db);
    expect(endpointChanges(oldModel, newModel)).toEqual({ added: ['shop/queue'], removed: ['shop/cache'] });
    expect([...iterateConnectivityChanges(oldModel, newModel)]).toEqual([]);
  });

  it('counts a port the destination declares on one side only as not allowed on the other', () => {
    const dbWithMetrics = pod('shop/db', { labels: { app: 'db' }, ports: [{ port: 5432, name: 'postgres' }, { port: 9100 }] });
    const changes = [...iterateConnectivityChanges(modelOf(namespace('shop'), web, db), modelOf(namespace('shop'), web, dbWithMetrics))];
    expect(flatten(changes)).toEqual(['shop/web -> shop/db 9100/TCP opened', 'shop/web -> shop/db 9187/TCP closed']);
    const [change] = changes;
    expect(change!.opened[0]!.old).toBeUndefined();
    expect(changeCauseText('opened', change!.opened[0]!)).toBe("allowed in NEW: no policy isolates either end (OLD's destination does not declare this port)");
    expect(changeCauseText('closed', change!.closed[0]!)).toBe("allowed in OLD: no policy isolated either end; NEW's destination no longer declares this port");
  });

  it('agrees with comparing both full matrices on seeded random clusters', () => {
    let compared = 0;
    let changed = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const oldModel = randomCluster(seed);
      const other = randomCluster(seed + 10_000);
      // NEW: half of OLD's policies plus policies of another cluster, and that cluster's pods
      // (same ids, other labels and ports), some left out so endpoints come and go.
      const newModel: ClusterModel = {
        namespaces: oldModel.namespaces,
        endpoints: other.endpoints.filter((_, index) => index % 7 !== 3),
        policies: [...oldModel.policies.filter((_, index) => index % 2 === 0), ...other.policies.filter((_, index) => index % 2 === 1)],
      };
      for (const [before, after] of [
        [oldModel, newModel],
        [newModel, oldModel],
        [oldModel, { ...oldModel, policies: oldModel.policies.slice(1) }],
      ] as const) {
        const expected = bruteForce(before, after);
        expect(flatten(iterateConnectivityChanges(before, after)), `seed ${seed}`).toEqual(expected);
        compared++;
        changed += expected.length;
      }
    }
    expect(compared).toBe(90);
    // The comparison is only meaningful if the random sides really differ.
    expect(changed).toBeGreaterThan(500);
  });
});
