/**
 * The reachability evaluator: may endpoint A open a connection to endpoint B on port P?
 * Pure: it reads a {@link ClusterModel} and returns verdicts with explanations.
 *
 * Semantics (docs/pitfalls.md, pitfalls 1-8; checked by the conformance cases in ./conformance):
 * - A policy isolates the pods of its namespace that its podSelector selects, per direction it
 *   governs; policyTypes absent or empty means Ingress, plus Egress iff `egress` has a rule.
 * - An isolated direction allows what at least one rule of one selecting policy allows (union).
 *   A connection needs egress at the source AND ingress at the destination.
 * - A rule matches when a peer matches (none listed: every peer) and a port entry matches
 *   (none listed: every port). Peers: podSelector alone = the policy's namespace;
 *   namespaceSelector + podSelector in one peer = AND; ipBlock = cidr minus except, host bits
 *   masked. Ports: protocol defaults to TCP; `endPort` closes a range; a named port matches
 *   only when the DESTINATION has a container port with that name, protocol and number.
 * - Pod IPs and ipBlocks (implementation-defined upstream; this is our choice): an ipBlock
 *   matches any endpoint whose IP lies in it. Egress ipBlocks match destination pod IPs (the
 *   upstream e2e suite requires it) and ingress ipBlocks match the source pod IP, as CNIs that
 *   do not SNAT pod traffic behave. Workloads have no IP, so ipBlocks never match them.
 *   External endpoints are never selected by policies (not isolated); only ipBlocks match them.
 * - Traffic from an endpoint to itself is always allowed; the explanation says so and still
 *   reports what the rules alone would say.
 *
 * Scale: nothing here compares endpoints pairwise by rule.
 * 1. Classes: endpoints with the same (namespace, label set, container ports, ipBlocks their IP
 *    falls in) are matched by the same selectors and blocks. Each class is matched once against
 *    the podSelectors of its namespace's policies and against the rule peers that can reach it
 *    (a peer only visits the classes of the namespaces its namespaceSelector admits, or of its
 *    ipBlock).
 * 2. Behaviour groups: classes with the same selecting policies per direction, matched peers
 *    and ports merge; equal policy lists are shared objects (policy sets).
 * 3. Verdicts per group pair and port. A side depends on the other end only through the rule
 *    peers it matches. Egress answers of a source policy set are judged per destination group
 *    only for the groups its peers match ("touched"); every other destination shares one answer
 *    per port profile. Ingress answers of a destination profile (ingress policy set + ports)
 *    are judged per source only when the source matches one of its peers, and then cached by
 *    exactly those peers; untouched sources share one answer. A pair that neither side touches
 *    reuses one cell per (source policy set, destination profile).
 * 4. Emission: endpoint pairs appear only when connections are emitted, one at a time, from a
 *    bounded row cache; {@link summarizeReachability} weights group pairs by their sizes instead.
 * Work therefore grows with groups squared (cheap array lookups) plus the touched combinations,
 * never with pods squared times rules.
 */
import type { ClusterModel, EndpointId, Protocol } from './cluster-model.js';
import { compileProtocol } from './compiled-policy.js';
import { judgeSide, verdictOf } from './reachability-explain.js';
import { groupEndpoints } from './reachability-grouping.js';
import { checkPort, endpointIndex, peerMatchesEndpoint, prepare, selectingClusterPolicies, selectingPolicies } from './reachability-preparation.js';
import { PairCursor } from './reachability-pair-cursor.js';
import { startScan } from './reachability-scan.js';
import type { Connection, ReachabilityQuery, ReachabilityStatistics, ReachabilitySummary, Verdict } from './reachability-types.js';

export { explanationText } from './reachability-explain.js';
export type * from './reachability-types.js';

/**
 * Judges one connection, endpoint by endpoint (no grouping): egress at `from`, ingress at `to`,
 * on destination port `port`/`protocol`. Traffic from an endpoint to itself is always allowed.
 *
 * @throws {AnalyzerInputError} for an unknown endpoint id, a bad port or protocol, or a malformed model.
 * @example
 * ```ts
 * const { allowed, explanation } = evaluateConnection(model, 'shop/web', 'shop/db', 5432, 'TCP');
 * console.log(explanationText(explanation));
 * ```
 */
export function evaluateConnection(model: ClusterModel, from: EndpointId, to: EndpointId, port: number, protocol: Protocol): Verdict {
  const prepared = prepare(model);
  const source = endpointIndex(prepared, from, 'from');
  const destination = endpointIndex(prepared, to, 'to');
  checkPort(port, 'query');
  compileProtocol(protocol, 'query', 'protocol');
  const destinationPorts = prepared.endpoints[destination]!.ports;
  const egress = judgeSide(
    'Egress',
    selectingPolicies(prepared, prepared.endpoints[source]!, 'Egress'),
    (peer) => peerMatchesEndpoint(prepared, peer, destination),
    port,
    protocol,
    destinationPorts,
    undefined,
    selectingClusterPolicies(prepared, prepared.endpoints[source]!, 'Egress'),
  );
  const ingress = judgeSide(
    'Ingress',
    selectingPolicies(prepared, prepared.endpoints[destination]!, 'Ingress'),
    (peer) => peerMatchesEndpoint(prepared, peer, source),
    port,
    protocol,
    destinationPorts,
    undefined,
    selectingClusterPolicies(prepared, prepared.endpoints[destination]!, 'Ingress'),
  );
  return verdictOf(source === destination, egress, ingress);
}

/**
 * Calls `visit` for each connection {@link analyzeReachability} would return, in the same
 * order, without holding them: the fastest way through a large cluster. `visit` may keep the
 * connection object; explanations are shared between connections with the same reasons.
 *
 * @returns the number of connections visited.
 * @throws {AnalyzerInputError} for an unknown endpoint id in the query, a bad port or
 *   protocol, or a malformed model.
 */
export function forEachConnection(model: ClusterModel, query: ReachabilityQuery, visit: (connection: Connection) => void): number {
  const cursor = new PairCursor(model, query);
  let count = 0;
  while (cursor.next()) {
    const { from, to, targets, verdicts } = cursor;
    for (let k = 0; k < targets.length; k++) {
      const { allowed, explanation } = verdicts[k]!;
      visit({ from, to, port: targets[k]!.port, protocol: targets[k]!.protocol, allowed, explanation });
    }
    count += targets.length;
  }
  return count;
}

/**
 * Streams the connections {@link analyzeReachability} returns, in the same order, holding
 * only per-group state: memory stays bounded however many pairs the cluster has.
 * {@link forEachConnection} does the same faster.
 *
 * @throws {AnalyzerInputError} as {@link forEachConnection}, when iteration starts.
 */
export function* iterateReachability(model: ClusterModel, query: ReachabilityQuery = {}): Generator<Connection, void, undefined> {
  const cursor = new PairCursor(model, query);
  while (cursor.next()) {
    const { from, to, targets, verdicts } = cursor;
    for (let k = 0; k < targets.length; k++) {
      const { allowed, explanation } = verdicts[k]!;
      yield { from, to, port: targets[k]!.port, protocol: targets[k]!.protocol, allowed, explanation };
    }
  }
}

/**
 * Judges every ordered pair of distinct endpoints on each container port the destination
 * declares, or on `query.port`/`query.protocol` when given (declared or not). Sorted by
 * from, to, port, then protocol (TCP, UDP, SCTP). This holds every connection in memory; for
 * large clusters use {@link forEachConnection} or {@link iterateReachability}.
 *
 * @throws {AnalyzerInputError} as {@link forEachConnection}.
 */
export function analyzeReachability(model: ClusterModel, query: ReachabilityQuery = {}): Connection[] {
  const connections: Connection[] = [];
  forEachConnection(model, query, (connection) => connections.push(connection));
  return connections;
}

/**
 * Counts the connections {@link analyzeReachability} would return, and how many are allowed,
 * without visiting them: each group pair is judged once and weighted by the number of
 * endpoint pairs it stands for. Cost grows with groups squared, not endpoints squared.
 *
 * @throws {AnalyzerInputError} as {@link forEachConnection}.
 */
export function summarizeReachability(model: ClusterModel, query: ReachabilityQuery = {}): ReachabilitySummary {
  const { scan, prepared, groupOf } = startScan(model, query);
  const groupCount = scan.targets.length;
  const sourceCount = new Float64Array(groupCount);
  const destinationCount = new Float64Array(groupCount);
  // Endpoints that are both a source and a destination: their pair with themselves is left out.
  const bothCount = new Float64Array(groupCount);
  const isDestination = new Uint8Array(prepared.endpoints.length);
  for (const destination of scan.destinations) {
    destinationCount[groupOf[destination]!]!++;
    isDestination[destination] = 1;
  }
  for (const source of scan.sources) {
    sourceCount[groupOf[source]!]!++;
    if (isDestination[source]) bothCount[groupOf[source]!]!++;
  }
  let connections = 0;
  let allowed = 0;
  let groupPairs = 0;
  for (let source = 0; source < groupCount; source++) {
    if (sourceCount[source] === 0) continue;
    const row = scan.rowFor(source, false);
    for (let destination = 0; destination < groupCount; destination++) {
      const pairs = sourceCount[source]! * destinationCount[destination]! - (source === destination ? bothCount[source]! : 0);
      if (pairs === 0) continue;
      groupPairs++;
      const verdicts = scan.verdicts(row, destination);
      for (let k = 0; k < verdicts.length; k++) {
        connections += pairs;
        if (verdicts[k]!.allowed) allowed += pairs;
      }
    }
  }
  return { connections, allowed, denied: connections - allowed, groupPairs };
}

/** How many behaviour groups the evaluator works with for this model. */
export function reachabilityStatistics(model: ClusterModel): ReachabilityStatistics {
  const prepared = prepare(model);
  return { endpoints: prepared.endpoints.length, policies: prepared.policies.length, groups: groupEndpoints(prepared).groups.length };
}

