/**
 * Counter-examples of a broken assertion: the ports of one group pair that break it, merged
 * and grouped by reason, and a bounded pick of the first broken group pairs, so a cluster with
 * millions of broken pairs holds only the ones the report shows.
 */
import { explanationText } from '../analyzer/reachability-explain.js';
import type { Explanation, PolicyRuleRef } from '../analyzer/reachability-types.js';
import { portIntervalText, type PortInterval } from './probe-points.js';

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

/** Ports of one pair that break an assertion for the same reason. */
export interface Miss {
  readonly intervals: readonly PortInterval[];
  readonly allowed: boolean;
  readonly explanation: Explanation;
}

/** Joins broken intervals that touch and share the verdict and its reasons: `1-52/TCP` + `53/TCP` + ... = `1-65535/TCP`. */
export function mergeAdjacent(misses: readonly Miss[]): Miss[] {
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
export function byReason(misses: readonly Miss[]): Miss[] {
  const grouped = new Map<string, Miss>();
  for (const miss of misses) {
    const key = `${miss.allowed}:${explanationText(miss.explanation)}`;
    const existing = grouped.get(key);
    grouped.set(key, existing ? { ...existing, intervals: [...existing.intervals, ...miss.intervals] } : miss);
  }
  return [...grouped.values()];
}

function decidingRules(explanation: Explanation, allowed: boolean): string[] {
  const text = (ref: PolicyRuleRef) => `${ref.policy} ${ref.direction.toLowerCase()} rule ${ref.rule}`;
  const sides = [explanation.egress, explanation.ingress];
  if (allowed) return sides.flatMap((side) => (side.state === 'allowed' ? side.allowedBy.map(text) : []));
  return sides.flatMap((side) => (side.state === 'denied' ? side.isolatedBy.map((policy) => `${policy} (isolates, no rule matches)`) : []));
}

/** The counter-example of one endpoint pair for one reason. */
export function counterExample(from: string, to: string, miss: Miss): CounterExample {
  return {
    from,
    to,
    ports: miss.intervals.map(portIntervalText),
    allowed: miss.allowed,
    explanation: explanationText(miss.explanation),
    decidedBy: decidingRules(miss.explanation, miss.allowed),
  };
}

/** A broken group pair, ranked by where the report lists it. */
export interface BrokenPair<T> {
  readonly rank: number;
  readonly value: T;
}

/**
 * Keeps the `limit` broken pairs of lowest rank, whatever order they arrive in: a max-heap, so
 * each offer costs O(log limit) and memory stays at `limit` entries.
 */
export class FirstBrokenPairs<T> {
  private readonly heap: BrokenPair<T>[] = [];

  constructor(private readonly limit: number) {}

  /** Whether a pair of this rank would be kept: lets callers skip building its value. */
  wants(rank: number): boolean {
    if (this.heap.length < this.limit) return true;
    return this.limit > 0 && rank < this.heap[0]!.rank;
  }

  offer(rank: number, value: T): void {
    if (!this.wants(rank)) return;
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push({ rank, value });
      let index = heap.length - 1;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (heap[parent]!.rank >= heap[index]!.rank) break;
        [heap[parent], heap[index]] = [heap[index]!, heap[parent]!];
        index = parent;
      }
      return;
    }
    heap[0] = { rank, value };
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let largest = index;
      if (left < heap.length && heap[left]!.rank > heap[largest]!.rank) largest = left;
      if (right < heap.length && heap[right]!.rank > heap[largest]!.rank) largest = right;
      if (largest === index) break;
      [heap[largest], heap[index]] = [heap[index]!, heap[largest]!];
      index = largest;
    }
  }

  /** The kept pairs, lowest rank first. */
  sorted(): BrokenPair<T>[] {
    return [...this.heap].sort((a, b) => a.rank - b.rank);
  }
}
