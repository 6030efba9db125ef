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
  const includeDenied = query.includeDenied ?? false;
  const cursor = new PairCursor(model, query, !includeDenied);
  let count = 0;
  while (cursor.next()) {
    const { from, to, targets, verdicts } = cursor;
    if (targets.length === 0) continue;
    if (!includeDenied && !verdicts.some((verdict) => verdict.allowed)) continue;
    visit({ from, to, ports: targets, verdicts });
    count++;
  }
  return count;
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
  const weights = (selected: readonly number[]) => {
    const byGroup = new Map<number, Map<number, number>>();
    for (const index of selected) {
      const counts = byGroup.get(groupOf[index]!) ?? new Map<number, number>();
      counts.set(groupOfEndpoint[index]!, (counts.get(groupOfEndpoint[index]!) ?? 0) + 1);
      byGroup.set(groupOf[index]!, counts);
    }
    return byGroup;
  };
  const sourceWeights = weights(scan.sources);
  const destinationWeights = weights(scan.destinations);
  const destinationSet = new Set(scan.destinations);
  const bothWeights = weights(scan.sources.filter((index) => destinationSet.has(index)));

  const totals = new Map<number, { connections: number; allowed: number }>();
  for (const [sourceGroup, sourceCounts] of sourceWeights) {
    const row = scan.rowFor(sourceGroup, false);
    for (const [destinationGroup, destinationCounts] of destinationWeights) {
      const verdicts = scan.verdicts(row, destinationGroup);
      if (verdicts.length === 0) continue;
      const allowedPorts = verdicts.filter((verdict) => verdict.allowed).length;
      for (const [from, sourceCount] of sourceCounts) {
        for (const [to, destinationCount] of destinationCounts) {
          if (externals.has(groups[from]!) && externals.has(groups[to]!)) continue;
          const self = sourceGroup === destinationGroup && from === to ? (bothWeights.get(sourceGroup)?.get(from) ?? 0) : 0;
          const pairs = sourceCount * destinationCount - self;
          if (pairs === 0) continue;
          const key = from * groups.length + to;
          const total = totals.get(key) ?? { connections: 0, allowed: 0 };
          total.connections += pairs * verdicts.length;
          total.allowed += pairs * allowedPorts;
          totals.set(key, total);
        }
      }
    }
  }
  const pairs = [...totals.keys()]
    .sort((a, b) => a - b)
    .map((key) => ({ from: groups[Math.floor(key / groups.length)]!, to: groups[key % groups.length]!, ...totals.get(key)! }));
  return { groups, externals, pairs };
}
