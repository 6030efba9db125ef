/**
 * Checks reachability expectations against a cluster model with the analyzer's own verdicts:
 * every (source, destination) pair an assertion covers is judged on one probe port per port
 * interval the policies tell apart (see probe-points.ts), so "any port" means every port. Pairs
 * in the same behaviour group pair share their verdicts and are judged once. Pure: no I/O.
 */
import type { ClusterEndpoint, ClusterModel } from '../analyzer/cluster-model.js';
import { externalEndpoint } from '../analyzer/cluster-model.js';
import { evaluateConnection, explanationText } from '../analyzer/reachability.js';
import { groupEndpoints } from '../analyzer/reachability-grouping.js';
import { prepare, type PreparedModel } from '../analyzer/reachability-preparation.js';
import type { Explanation, PolicyRuleRef } from '../analyzer/reachability-types.js';
import type { CompiledEndpointSelector, CompiledExpectation, ExpectedReach, ExpectationSpec, PortRangeSpec } from './expectations-document.js';
import { describeExpectation, describeSelector } from './describe-expectation.js';
import { EVERY_PORT, destinationPortEdges, otherPorts, policyPortEdges, portIntervalText, portIntervals, probeAddresses, type PortInterval } from './probe-points.js';

/** `pass`; `fail` (counter-examples found); `vacuous` (it covers no pair or no port: a failure too). */
export type ExpectationStatus = 'pass' | 'fail' | 'vacuous';

/** A connection that breaks an assertion, with the policies and rules that decide it. */
export interface CounterExample {
  readonly from: string;
  readonly to: string;
  /** The ports with this verdict and these reasons, e.g. `["1-52/TCP", "1-65535/UDP"]`. */
  readonly ports: readonly string[];
  readonly allowed: boolean;
  /** The analyzer's explanation, one sentence. */
  readonly explanation: string;
  /** `ns/policy ingress rule 0` for each rule that allows it; the isolating policies when denied. */
  readonly decidedBy: readonly string[];
}

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

interface Side {
  readonly endpoints: readonly ClusterEndpoint[];
}

function matchesPods(selector: Extract<CompiledEndpointSelector, { kind: 'pods' }>, endpoint: ClusterEndpoint, prepared: PreparedModel): boolean {
  if (endpoint.kind === 'External' || endpoint.namespace === undefined) return false;
  if (selector.namespace !== undefined && endpoint.namespace !== selector.namespace) return false;
  if (selector.namespaceSelector !== undefined && !selector.namespaceSelector.matches(prepared.namespaceLabels.get(endpoint.namespace) ?? {})) return false;
  if (selector.podSelector !== undefined && !selector.podSelector.matches(endpoint.labels)) return false;
  return !selector.except.some((except) => except.kind === 'pods' && matchesPods(except, endpoint, prepared));
}

/** The probe addresses of every ipBlock side, as external endpoints added to the model. */
function withProbeAddresses(model: ClusterModel, expectations: readonly CompiledExpectation[]): { model: ClusterModel; addresses: Map<CompiledEndpointSelector, string[]> } {
  const prepared = prepare(model);
  const addresses = new Map<CompiledEndpointSelector, string[]>();
  const known = new Set(model.endpoints.map((endpoint) => endpoint.id));
  const extra: ClusterEndpoint[] = [];
  for (const expectation of expectations) {
    for (const side of [expectation.from, expectation.to]) {
      if (side.kind !== 'addresses') continue;
      const ips = probeAddresses(side.cidr, side.except, prepared);
      addresses.set(side, ips);
      for (const ip of ips) {
        if (known.has(ip)) continue;
        known.add(ip);
        extra.push(externalEndpoint(ip));
      }
    }
  }
  return { model: extra.length === 0 ? model : { ...model, endpoints: [...model.endpoints, ...extra] }, addresses };
}

function sideOf(selector: CompiledEndpointSelector, model: ClusterModel, prepared: PreparedModel, addresses: Map<CompiledEndpointSelector, string[]>): Side {
  if (selector.kind === 'addresses') {
    const ips = new Set(addresses.get(selector) ?? []);
    return { endpoints: model.endpoints.filter((endpoint) => endpoint.kind === 'External' && ips.has(endpoint.id)) };
  }
  return { endpoints: model.endpoints.filter((endpoint) => matchesPods(selector, endpoint, prepared)) };
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

function decidingRules(explanation: Explanation, allowed: boolean): string[] {
  const text = (ref: PolicyRuleRef) => `${ref.policy} ${ref.direction.toLowerCase()} rule ${ref.rule}`;
  const sides = [explanation.egress, explanation.ingress];
  if (allowed) return sides.flatMap((side) => (side.state === 'allowed' ? side.allowedBy.map(text) : []));
  return sides.flatMap((side) => (side.state === 'denied' ? side.isolatedBy.map((policy) => `${policy} (isolates, no rule matches)`) : []));
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
  const limit = options.maxCounterExamples ?? 20;
  const { model: probed, addresses } = withProbeAddresses(model, expectations);
  const prepared = prepare(probed);
  const { groupOf } = groupEndpoints(prepared);
  const edges = policyPortEdges(prepared);
  const results = expectations.map((expectation) => checkOne(expectation, probed, prepared, groupOf, edges, addresses, limit));
  return {
    name,
    results,
    passed: results.filter((result) => result.status === 'pass').length,
    failed: results.filter((result) => result.status === 'fail').length,
    vacuous: results.filter((result) => result.status === 'vacuous').length,
  };
}

function checkOne(
  expectation: CompiledExpectation,
  model: ClusterModel,
  prepared: PreparedModel,
  groupOf: Int32Array,
  edges: ReturnType<typeof policyPortEdges>,
  addresses: Map<CompiledEndpointSelector, string[]>,
  limit: number,
): ExpectationResult {
  const spec: ExpectationSpec = expectation.spec;
  const statement = describeExpectation(spec);
  const sources = sideOf(expectation.from, model, prepared, addresses).endpoints;
  const destinations = sideOf(expectation.to, model, prepared, addresses).endpoints;
  const base = { id: spec.id, ...(spec.description === undefined ? {} : { description: spec.description }), expect: spec.expect, statement, sources: sources.length, destinations: destinations.length };
  const vacuous = (why: string): ExpectationResult => ({ ...base, status: 'vacuous', observed: `vacuous: ${why}; an assertion about nothing cannot hold`, pairs: 0, violations: 0, counterExamples: [] });
  if (sources.length === 0) return vacuous(`"from" (${describeSelector(spec.from)}) matches no endpoint`);
  if (destinations.length === 0) return vacuous(`"to" (${describeSelector(spec.to)}) matches no endpoint`);

  const groupOfEndpoint = (endpoint: ClusterEndpoint) => groupOf[prepared.indexById.get(endpoint.id)!]!;
  // Endpoints of one behaviour group judge alike, so pairs are counted and judged per
  // (source group, destination group, asserted ports) bucket; only counter-examples name pairs.
  const sourceBuckets = bucketBy(sources, (source) => String(groupOfEndpoint(source)));
  const destinationBuckets = new Map<string, { asserted: PortInterval[]; endpoints: ClusterEndpoint[] }>();
  for (const destination of destinations) {
    const asserted = assertedRanges(expectation.ports, destination);
    if (asserted.length === 0) continue;
    const key = `${groupOfEndpoint(destination)}:${asserted.map(portIntervalText).join(',')}`;
    const bucket = destinationBuckets.get(key) ?? { asserted, endpoints: [] };
    bucket.endpoints.push(destination);
    destinationBuckets.set(key, bucket);
  }
  const counterExamples: CounterExample[] = [];
  let pairs = 0;
  let violations = 0;
  for (const { asserted, endpoints: bucketDestinations } of destinationBuckets.values()) {
    // A behaviour group shares its declared ports, so one destination gives the bucket's edges.
    const bucketEdges = destinationPortEdges(edges, bucketDestinations[0]!);
    const destinationIds = new Set(bucketDestinations.map((destination) => destination.id));
    for (const bucketSources of sourceBuckets.values()) {
      // Traffic between two outside addresses never meets a NetworkPolicy.
      if (bucketSources[0]!.kind === 'External' && bucketDestinations[0]!.kind === 'External') continue;
      const selfPairs = bucketSources.filter((source) => destinationIds.has(source.id)).length;
      const count = bucketSources.length * bucketDestinations.length - selfPairs;
      if (count === 0) continue;
      pairs += count;
      const [source, destination] = distinctPair(bucketSources, bucketDestinations);
      const misses: Miss[] = [];
      for (const demand of demands(spec.expect, asserted)) {
        for (const interval of portIntervals(demand.ranges, bucketEdges)) {
          const verdict = evaluateConnection(model, source.id, destination.id, interval.first, interval.protocol);
          if (verdict.allowed !== demand.allowed) misses.push({ intervals: [interval], allowed: verdict.allowed, explanation: verdict.explanation });
        }
      }
      if (misses.length === 0) continue;
      violations += count;
      const broken = byReason(mergeAdjacent(misses));
      for (const to of bucketDestinations) {
        for (const from of bucketSources) {
          if (counterExamples.length >= limit) break;
          if (from.id === to.id) continue;
          for (const miss of broken.slice(0, limit - counterExamples.length)) {
            counterExamples.push({
              from: from.id,
              to: to.id,
              ports: miss.intervals.map(portIntervalText),
              allowed: miss.allowed,
              explanation: explanationText(miss.explanation),
              decidedBy: decidingRules(miss.explanation, miss.allowed),
            });
          }
        }
      }
    }
  }
  const anyPortAsserted = destinationBuckets.size > 0;
  if (pairs === 0) {
    return vacuous(anyPortAsserted ? 'every pair it covers is an endpoint with itself' : `no destination declares the named ports ${spec.ports!.join(', ')}`);
  }
  const status = violations === 0 ? 'pass' : 'fail';
  const observed =
    status === 'pass'
      ? `holds for ${pairs} endpoint pair${pairs === 1 ? '' : 's'} (${sources.length} source${sources.length === 1 ? '' : 's'} x ${destinations.length} destination${destinations.length === 1 ? '' : 's'})`
      : `broken by ${violations} of ${pairs} endpoint pair${pairs === 1 ? '' : 's'}${exampleText(counterExamples[0])}`;
  return { ...base, status, observed, pairs, violations, counterExamples };
}

/** `, e.g. a -> b 80/TCP allowed`, or nothing when no counter-example is kept (--max-examples 0). */
function exampleText(example: CounterExample | undefined): string {
  return example === undefined ? '' : `, e.g. ${example.from} -> ${example.to} ${example.ports.join(', ')} ${example.allowed ? 'allowed' : 'denied'}`;
}

function bucketBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const buckets = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(item);
    else buckets.set(key, [item]);
  }
  return buckets;
}

/** A source and a destination that are not the same endpoint; the caller knows one exists. */
function distinctPair(sources: readonly ClusterEndpoint[], destinations: readonly ClusterEndpoint[]): [ClusterEndpoint, ClusterEndpoint] {
  for (const destination of destinations) {
    const source = sources.find((candidate) => candidate.id !== destination.id);
    if (source) return [source, destination];
  }
  throw new Error('no distinct pair in the bucket');
}

/** Ports of one pair that break an assertion for the same reason. */
interface Miss {
  readonly intervals: readonly PortInterval[];
  readonly allowed: boolean;
  readonly explanation: Explanation;
}

/** Joins broken intervals that touch and share the verdict and its reasons: `1-52/TCP` + `53/TCP` + ... = `1-65535/TCP`. */
function mergeAdjacent(misses: readonly Miss[]): Miss[] {
  const merged: Miss[] = [];
  for (const miss of misses) {
    const last = merged[merged.length - 1];
    const previous = last?.intervals[0];
    const next = miss.intervals[0]!;
    if (last && previous && previous.protocol === next.protocol && previous.last + 1 === next.first && last.allowed === miss.allowed && explanationText(last.explanation) === explanationText(miss.explanation)) {
      merged[merged.length - 1] = { ...last, intervals: [{ ...previous, last: next.last }] };
    } else {
      merged.push(miss);
    }
  }
  return merged;
}

/** One entry per verdict and reason, listing its ports: a pair open on every protocol is one line. */
function byReason(misses: readonly Miss[]): Miss[] {
  const grouped = new Map<string, Miss>();
  for (const miss of misses) {
    const key = `${miss.allowed}:${explanationText(miss.explanation)}`;
    const existing = grouped.get(key);
    grouped.set(key, existing ? { ...existing, intervals: [...existing.intervals, ...miss.intervals] } : miss);
  }
  return [...grouped.values()];
}
