/**
 * Whole-cluster answers that scale: the verdicts of each endpoint pair together (one row per
 * pair instead of one per port), and the namespace x namespace totals, computed per group pair.
 */
import type { ClusterContainerPort, ClusterModel, EndpointId } from './cluster-model.js';
import { PairCursor } from './reachability-pair-cursor.js';
import { startScan } from './reachability-scan.js';
import type { ReachabilityQuery, Verdict } from './reachability-types.js';

/** One ordered pair of distinct endpoints and the verdict on each port judged for it. */
export interface EndpointPairVerdicts {
  readonly from: EndpointId;
  readonly to: EndpointId;
  /** The judged ports, by number then protocol (TCP, UDP, SCTP); shared between pairs. */
  readonly ports: readonly ClusterContainerPort[];
  /** `verdicts[k]` judges `ports[k]`; shared between pairs. */
  readonly verdicts: readonly Verdict[];
}

/** {@link ReachabilityQuery}, and whether pairs with no allowed port are visited too. */
export interface EndpointPairQuery extends ReachabilityQuery {
  /** Visit pairs whose every judged port is denied as well. @default false */
  readonly includeDenied?: boolean;
}

/**
 * Calls `visit` for each ordered pair of distinct endpoints with at least one judged port, in
 * the order of {@link forEachConnection}: by default only the pairs with an allowed port, which
 * are found per group, so a cluster whose pairs are mostly denied costs groups squared plus the
 * pairs printed, not endpoints squared.
 *
 * @returns the number of pairs visited.
 * @throws {AnalyzerInputError} as {@link forEachConnection}.
 */
export function forEachEndpointPair(model: ClusterModel, query: EndpointPairQuery, visit: (pair: EndpointPairVerdicts) => void): number {
  let count = 0;
  for (const pair of iterateEndpointPairs(model, query)) {
    visit(pair);
    count++;
  }
  return count;
}

/**
 * The pairs {@link forEachEndpointPair} visits, as a generator: a consumer can pause between
 * pairs, e.g. until a slow output stream drains, so memory stays bounded end to end.
 *
 * @throws {AnalyzerInputError} as {@link forEachConnection}, when iteration starts.
 */
export function* iterateEndpointPairs(model: ClusterModel, query: EndpointPairQuery = {}): Generator<EndpointPairVerdicts, void, undefined> {
  const includeDenied = query.includeDenied ?? false;
  const cursor = new PairCursor(model, query, !includeDenied);
  while (cursor.next()) {
    const { from, to, targets, verdicts } = cursor;
    if (targets.length === 0) continue;
    if (!includeDenied && !verdicts.some((verdict) => verdict.allowed)) continue;
    yield { from, to, ports: targets, verdicts };
  }
}

/** Connection totals from the endpoints of one group (a namespace, or an external IP) to another's. */
export interface GroupPairTotals {
  readonly from: string;
  readonly to: string;
  /** Connections judged: endpoint pairs times the ports judged for each. */
  readonly connections: number;
  readonly allowed: number;
}

/** The namespace x namespace matrix of a cluster. */
export interface NamespaceReachability {
  /** Namespaces (sorted), then external endpoints' IPs (sorted): each a group. */
  readonly groups: readonly string[];
  readonly externals: ReadonlySet<string>;
  /** Pairs of groups with at least one connection judged, in `groups` order. */
  readonly pairs: readonly GroupPairTotals[];
}

/**
 * Totals the connections {@link forEachConnection} would visit per (source namespace,
 * destination namespace), without visiting them: each behaviour-group pair is judged once and
 * weighted by its endpoints per namespace. Traffic between two external endpoints is left
 * out: no NetworkPolicy can govern it.
 *
 * @throws {AnalyzerInputError} as {@link forEachConnection}.
 */
export function summarizeByNamespace(model: ClusterModel, query: ReachabilityQuery = {}): NamespaceReachability {
  const { scan, prepared, groupOf } = startScan(model, query);
  const { endpoints } = prepared;
  const namespaces = new Set<string>();
  const externals = new Set<string>();
  for (const endpoint of endpoints) (endpoint.namespace === undefined ? externals : namespaces).add(endpoint.namespace ?? endpoint.id);
  const groups = [...[...namespaces].sort(), ...[...externals].sort()];
  const groupIndex = new Map(groups.map((group, index) => [group, index]));
  const groupOfEndpoint = endpoints.map((endpoint) => groupIndex.get(endpoint.namespace ?? endpoint.id)!);

  // Per behaviour group: endpoint counts by namespace group, as sources, destinations and both.
  // Most behaviour groups lie in one namespace, so these lists are short.
  const destinationSet = new Uint8Array(endpoints.length);
  for (const index of scan.destinations) destinationSet[index] = 1;
  const sourceWeights = weightsByGroup(scan.sources, groupOf, groupOfEndpoint);
  const destinationWeights = weightsByGroup(scan.destinations, groupOf, groupOfEndpoint);
  const bothWeights = weightsByGroup(
    scan.sources.filter((index) => destinationSet[index] === 1),
    groupOf,
    groupOfEndpoint,
  );
  const isExternal = groups.map((group) => externals.has(group));
  const size = groups.length;
  const totals = new PairTotals(size);
  const destinationGroups = [...destinationWeights.keys()];
  for (const [sourceGroup, sourceCounts] of sourceWeights) {
    const row = scan.rowFor(sourceGroup, false);
    const both = bothWeights.get(sourceGroup);
    for (const destinationGroup of destinationGroups) {
      const verdicts = scan.verdicts(row, destinationGroup);
      if (verdicts.length === 0) continue;
      let allowedPorts = 0;
      for (const verdict of verdicts) if (verdict.allowed) allowedPorts++;
      const destinationCounts = destinationWeights.get(destinationGroup)!;
      for (let i = 0; i < sourceCounts.length; i += 2) {
        const from = sourceCounts[i]!;
        for (let j = 0; j < destinationCounts.length; j += 2) {
          const to = destinationCounts[j]!;
          if (isExternal[from] && isExternal[to]) continue;
          const self = sourceGroup === destinationGroup && from === to ? countOf(both, from) : 0;
          const pairs = sourceCounts[i + 1]! * destinationCounts[j + 1]! - self;
          totals.add(from * size + to, pairs * verdicts.length, pairs * allowedPorts);
        }
      }
    }
  }
  const pairs = totals.keys().map((key): GroupPairTotals => ({ from: groups[Math.floor(key / size)]!, to: groups[key % size]!, ...totals.get(key) }));
  return { groups, externals, pairs };
}

/** For each behaviour group: [namespace group, endpoint count, namespace group, count, ...]. */
function weightsByGroup(selected: readonly number[], groupOf: Int32Array, groupOfEndpoint: readonly number[]): Map<number, number[]> {
  const byGroup = new Map<number, number[]>();
  for (const index of selected) {
    const counts = byGroup.get(groupOf[index]!) ?? [];
    const namespace = groupOfEndpoint[index]!;
    let k = 0;
    while (k < counts.length && counts[k] !== namespace) k += 2;
    if (k === counts.length) counts.push(namespace, 0);
    counts[k + 1] = counts[k + 1]! + 1;
    byGroup.set(groupOf[index]!, counts);
  }
  return byGroup;
}

function countOf(counts: readonly number[] | undefined, namespace: number): number {
  if (!counts) return 0;
  for (let k = 0; k < counts.length; k += 2) if (counts[k] === namespace) return counts[k + 1]!;
  return 0;
}

/** Largest namespace count whose matrix is kept dense (2 x 8 bytes per cell: 64 MiB). */
const DENSE_MATRIX_LIMIT = 2048;

/** Connection totals per (source, destination) key: dense arrays for usual clusters, a map past the limit. */
class PairTotals {
  private readonly dense: { connections: Float64Array; allowed: Float64Array } | undefined;
  private readonly sparse = new Map<number, { connections: number; allowed: number }>();

  constructor(size: number) {
    if (size <= DENSE_MATRIX_LIMIT) this.dense = { connections: new Float64Array(size * size), allowed: new Float64Array(size * size) };
  }

  add(key: number, connections: number, allowed: number): void {
    if (this.dense) {
      this.dense.connections[key] = this.dense.connections[key]! + connections;
      this.dense.allowed[key] = this.dense.allowed[key]! + allowed;
      return;
    }
    const total = this.sparse.get(key) ?? { connections: 0, allowed: 0 };
    total.connections += connections;
    total.allowed += allowed;
    this.sparse.set(key, total);
  }

  /** Keys with at least one connection, ascending. */
  keys(): number[] {
    if (!this.dense) return [...this.sparse.keys()].filter((key) => this.sparse.get(key)!.connections > 0).sort((a, b) => a - b);
    const keys: number[] = [];
    this.dense.connections.forEach((connections, key) => {
      if (connections > 0) keys.push(key);
    });
    return keys;
  }

  get(key: number): { connections: number; allowed: number } {
    if (!this.dense) return this.sparse.get(key)!;
    return { connections: this.dense.connections[key]!, allowed: this.dense.allowed[key]! };
  }
}
