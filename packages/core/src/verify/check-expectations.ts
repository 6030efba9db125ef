/**
 * Checks reachability expectations against a cluster model with the analyzer's own verdicts:
 * every (source, destination) pair an assertion covers is judged on one probe port per port
 * interval the policies of every tier tell apart (see probe-points.ts), so "any port" means
 * every port. Pairs of one (source group, destination group) share their verdicts: the scan
 * judges each group pair once, on every interval, and shares the answers it can (untouched
 * pairs); endpoint pairs are only counted, and named for the first broken ones. Pure: no I/O.
 */
import type { ClusterEndpoint, ClusterModel } from '../analyzer/cluster-model.js';
import { groupEndpoints, type Grouping } from '../analyzer/reachability-grouping.js';
import type { PreparedModel } from '../analyzer/reachability-preparation.js';
import { ReachabilityScan } from '../analyzer/reachability-scan.js';
import type { Verdict } from '../analyzer/reachability-types.js';
import type { CompiledExpectation, ExpectedReach, ExpectationSpec, PortRangeSpec } from './expectations-document.js';
import { describeExpectation, describeSelector } from './describe-expectation.js';
import { byReason, counterExample, FirstBrokenPairs, mergeAdjacent, type CounterExample, type Miss } from './counter-examples.js';
import { ExpectationSides } from './expectation-sides.js';
import { EVERY_PORT, GroupProbes, otherPorts, policyPortEdges, portIntervals, type PortInterval } from './probe-points.js';

export type { CounterExample } from './counter-examples.js';

/** `pass`; `fail` (counter-examples found); `vacuous` (it covers no pair or no port: a failure too). */
export type ExpectationStatus = 'pass' | 'fail' | 'vacuous';

/** The outcome of one assertion. */
export interface ExpectationResult {
  readonly id: string;
  readonly description?: string;
  readonly expect: ExpectedReach;
  /** The assertion in words, e.g. `no pod of dev reaches a pod of production, on any port`. */
  readonly statement: string;
  readonly status: ExpectationStatus;
  /** Why it is vacuous, or a one-line summary of what broke or held. */
  readonly observed: string;
  readonly sources: number;
  readonly destinations: number;
  /** Endpoint pairs the assertion covers (self pairs left out). */
  readonly pairs: number;
  /** Endpoint pairs that break it; counterExamples lists the first ones. */
  readonly violations: number;
  readonly counterExamples: readonly CounterExample[];
}

/** Totals over every assertion. */
export interface ExpectationsReport {
  readonly name: string;
  readonly results: readonly ExpectationResult[];
  readonly passed: number;
  readonly failed: number;
  readonly vacuous: number;
}

/** Bounds what a report holds. */
export interface CheckOptions {
  /** Counter-examples kept per assertion. @default 20 */
  readonly maxCounterExamples?: number;
}

/** The asserted port ranges for one destination; named ports resolve on its declared ports. */
function assertedRanges(ports: readonly PortRangeSpec[] | undefined, destination: ClusterEndpoint): PortInterval[] {
  if (ports === undefined) return [...EVERY_PORT];
  return ports.flatMap((port) =>
    port.kind === 'range'
      ? [{ protocol: port.protocol, first: port.first, last: port.last }]
      : destination.ports.filter((declared) => declared.name === port.name && declared.protocol === port.protocol).map((declared) => ({ protocol: port.protocol, first: declared.port, last: declared.port })),
  );
}

/** What the intervals of one destination must be: allowed (true) or denied (false). */
function demands(expect: ExpectedReach, asserted: readonly PortInterval[]): { ranges: readonly PortInterval[]; allowed: boolean }[] {
  switch (expect) {
    case 'denied':
      return [{ ranges: asserted, allowed: false }];
    case 'allowed':
      return [{ ranges: asserted, allowed: true }];
    case 'allowedOnly':
      return [
        { ranges: asserted, allowed: true },
        { ranges: otherPorts(asserted), allowed: false },
      ];
  }
}

/** One piece of the asserted ports, the verdict it must have, and the scan target that decides it. */
interface Piece {
  readonly interval: PortInterval;
  readonly allowed: boolean;
  readonly target: number;
}

/** The endpoints of one behaviour group on one side of an assertion. */
interface Bucket {
  readonly group: number;
  readonly external: boolean;
  count: number;
  /** Endpoints on both sides (their pair with themselves is left out). */
  both: number;
  /** Destination buckets only: undefined when the asserted ports resolve to none. */
  pieces?: readonly Piece[];
  /** The last verdict row judged for this destination, and whether it broke the assertion. */
  lastCell?: readonly Verdict[];
  lastBroken?: boolean;
}

/** What every assertion shares: the probed model, its grouping and one scan over every probe interval. */
interface Context {
  readonly sides: ExpectationSides;
  readonly prepared: PreparedModel;
  readonly grouping: Grouping;
  readonly scan: ReachabilityScan;
  readonly probes: GroupProbes;
  /** Group of each endpoint, by position in the probed model. */
  readonly groupAt: Int32Array;
  readonly limit: number;
  /** Pieces by (expect, ports, port profile); null when the ports resolve to none there. */
  readonly pieces: Map<string, readonly Piece[] | null>;
}

/**
 * Checks each assertion against `model`. Sides with an ipBlock are probed with one outside
 * address per part of the range the policies treat alike.
 *
 * @throws {AnalyzerInputError} when the model itself is malformed (as the analyzer does).
 */
export function checkExpectations(
  model: ClusterModel,
  name: string,
  expectations: readonly CompiledExpectation[],
  options: CheckOptions = {},
): ExpectationsReport {
  const sides = new ExpectationSides(model, expectations);
  const prepared = sides.prepared;
  const grouping = groupEndpoints(prepared);
  const probes = new GroupProbes(policyPortEdges(prepared));
  const scan = new ReachabilityScan(grouping, prepared, {}, (group) => probes.of(group).targets);
  const groupAt = Int32Array.from(sides.model.endpoints, (endpoint) => grouping.groupOf[prepared.indexById.get(endpoint.id)!]!);
  const context: Context = { sides, prepared, grouping, scan, probes, groupAt, limit: options.maxCounterExamples ?? 20, pieces: new Map() };
  const results = expectations.map((expectation) => checkOne(expectation, context));
  return {
    name,
    results,
    passed: results.filter((result) => result.status === 'pass').length,
    failed: results.filter((result) => result.status === 'fail').length,
    vacuous: results.filter((result) => result.status === 'vacuous').length,
  };
}

/** The buckets of one side, by group in first-appearance order. */
function bucketsOf(positions: readonly number[], context: Context, rankOfGroup: Int32Array): Bucket[] {
  const buckets: Bucket[] = [];
  for (const position of positions) {
    const group = context.groupAt[position]!;
    let rank = rankOfGroup[group]!;
    if (rank < 0) {
      rank = buckets.length;
      rankOfGroup[group] = rank;
      buckets.push({ group, external: context.sides.model.endpoints[position]!.kind === 'External', count: 0, both: 0 });
    }
    buckets[rank]!.count++;
  }
  return buckets;
}

/** The pieces of one destination group; groups that declare the same ports share them (cached per assertion form). */
function piecesFor(expectation: CompiledExpectation, bucket: Bucket, representative: ClusterEndpoint, context: Context): readonly Piece[] | undefined {
  const group = context.grouping.groups[bucket.group]!;
  const key = `${expectation.spec.expect}\u0001${expectation.spec.ports?.join(',') ?? '*'}\u0001${group.portProfile}`;
  const cached = context.pieces.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const asserted = assertedRanges(expectation.ports, representative);
  const probes = context.probes.of(group);
  const pieces =
    asserted.length === 0
      ? null
      : demands(expectation.spec.expect, asserted).flatMap((demand) =>
          portIntervals(demand.ranges, probes.edges).map((interval) => ({ interval, allowed: demand.allowed, target: probes.indexOf(interval.protocol, interval.first) })),
        );
  context.pieces.set(key, pieces);
  return pieces ?? undefined;
}

function breaks(cell: readonly Verdict[], pieces: readonly Piece[]): boolean {
  for (const piece of pieces) if (cell[piece.target]!.allowed !== piece.allowed) return true;
  return false;
}

function missesOf(cell: readonly Verdict[], pieces: readonly Piece[]): Miss[] {
  const misses: Miss[] = [];
  for (const piece of pieces) {
    const verdict = cell[piece.target]!;
    if (verdict.allowed !== piece.allowed) misses.push({ intervals: [piece.interval], allowed: verdict.allowed, explanation: verdict.explanation });
  }
  return byReason(mergeAdjacent(misses));
}

function checkOne(expectation: CompiledExpectation, context: Context): ExpectationResult {
  const spec: ExpectationSpec = expectation.spec;
  const statement = describeExpectation(spec);
  const endpoints = context.sides.model.endpoints;
  const sources = context.sides.positions(expectation.from);
  const destinations = context.sides.positions(expectation.to);
  const base = { id: spec.id, ...(spec.description === undefined ? {} : { description: spec.description }), expect: spec.expect, statement, sources: sources.length, destinations: destinations.length };
  const vacuous = (why: string): ExpectationResult => ({ ...base, status: 'vacuous', observed: `vacuous: ${why}; an assertion about nothing cannot hold`, pairs: 0, violations: 0, counterExamples: [] });
  if (sources.length === 0) return vacuous(`"from" (${describeSelector(spec.from)}) matches no endpoint`);
  if (destinations.length === 0) return vacuous(`"to" (${describeSelector(spec.to)}) matches no endpoint`);

  const groupCount = context.grouping.groups.length;
  const sourceRank = new Int32Array(groupCount).fill(-1);
  const destinationRank = new Int32Array(groupCount).fill(-1);
  const sourceBuckets = bucketsOf(sources, context, sourceRank);
  const destinationBuckets = bucketsOf(destinations, context, destinationRank);
  const isSource = new Uint8Array(endpoints.length);
  for (const position of sources) isSource[position] = 1;
  for (const position of destinations) if (isSource[position]) destinationBuckets[destinationRank[context.groupAt[position]!]!]!.both++;
  const seen = new Uint8Array(destinationBuckets.length);
  for (const position of destinations) {
    const rank = destinationRank[context.groupAt[position]!]!;
    if (seen[rank]) continue;
    seen[rank] = 1;
    const bucket = destinationBuckets[rank]!;
    const pieces = piecesFor(expectation, bucket, endpoints[position]!, context);
    if (pieces) bucket.pieces = pieces;
  }
  const judged = destinationBuckets.filter((bucket) => bucket.pieces !== undefined);

  // Source groups outside, destinations inside: the scan stamps each source row once. The
  // first broken group pairs in report order (destination, then source) are kept, no more.
  const kept = new FirstBrokenPairs<{ source: number; destination: number; cell: readonly Verdict[] }>(context.limit);
  let pairs = 0;
  let violations = 0;
  sourceBuckets.forEach((source, sourceIndex) => {
    const row = context.scan.rowFor(source.group, false);
    for (const destination of judged) {
      if (source.external && destination.external) continue; // Traffic between two outside addresses never meets a NetworkPolicy.
      const count = source.count * destination.count - (source.group === destination.group ? destination.both : 0);
      if (count === 0) continue;
      pairs += count;
      const cell = context.scan.verdicts(row, destination.group);
      if (cell !== destination.lastCell) {
        destination.lastCell = cell;
        destination.lastBroken = breaks(cell, destination.pieces!);
      }
      if (!destination.lastBroken) continue;
      violations += count;
      const destinationIndex = destinationRank[destination.group]!;
      kept.offer(destinationIndex * sourceBuckets.length + sourceIndex, { source: sourceIndex, destination: destinationIndex, cell });
    }
  });

  if (pairs === 0) {
    return vacuous(judged.length > 0 ? 'every pair it covers is an endpoint with itself' : `no destination declares the named ports ${spec.ports!.join(', ')}`);
  }
  const counterExamples = violations === 0 ? [] : listCounterExamples(kept, sources, destinations, sourceBuckets, destinationBuckets, context);
  const status = violations === 0 ? 'pass' : 'fail';
  const observed =
    status === 'pass'
      ? `holds for ${pairs} endpoint pair${pairs === 1 ? '' : 's'} (${sources.length} source${sources.length === 1 ? '' : 's'} x ${destinations.length} destination${destinations.length === 1 ? '' : 's'})`
      : `broken by ${violations} of ${pairs} endpoint pair${pairs === 1 ? '' : 's'}${exampleText(counterExamples[0])}`;
  return { ...base, status, observed, pairs, violations, counterExamples };
}

/** Names the endpoint pairs of the kept group pairs, destination by destination, up to the limit. */
function listCounterExamples(
  kept: FirstBrokenPairs<{ source: number; destination: number; cell: readonly Verdict[] }>,
  sources: readonly number[],
  destinations: readonly number[],
  sourceBuckets: readonly Bucket[],
  destinationBuckets: readonly Bucket[],
  context: Context,
): CounterExample[] {
  const entries = kept.sorted().map((entry) => entry.value);
  const members = (positions: readonly number[], buckets: readonly Bucket[], wanted: Set<number>) => {
    const byGroup = new Map<number, number[]>([...wanted].map((rank) => [buckets[rank]!.group, []]));
    for (const position of positions) byGroup.get(context.groupAt[position]!)?.push(position);
    return (rank: number) => byGroup.get(buckets[rank]!.group)!;
  };
  const sourceMembers = members(sources, sourceBuckets, new Set(entries.map((entry) => entry.source)));
  const destinationMembers = members(destinations, destinationBuckets, new Set(entries.map((entry) => entry.destination)));
  const endpoints = context.sides.model.endpoints;
  const counterExamples: CounterExample[] = [];
  for (const entry of entries) {
    const misses = missesOf(entry.cell, destinationBuckets[entry.destination]!.pieces!);
    for (const to of destinationMembers(entry.destination)) {
      for (const from of sourceMembers(entry.source)) {
        if (counterExamples.length >= context.limit) return counterExamples;
        if (from === to) continue;
        for (const miss of misses.slice(0, context.limit - counterExamples.length)) counterExamples.push(counterExample(endpoints[from]!.id, endpoints[to]!.id, miss));
      }
    }
  }
  return counterExamples;
}

/** `, e.g. a -> b 80/TCP allowed`, or nothing when no counter-example is kept (--max-examples 0). */
function exampleText(example: CounterExample | undefined): string {
  return example === undefined ? '' : `, e.g. ${example.from} -> ${example.to} ${example.ports.join(', ')} ${example.allowed ? 'allowed' : 'denied'}`;
}
