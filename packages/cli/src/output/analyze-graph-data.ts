/**
 * The reachability graph behind `analyze --output html` and `--output svg`: every endpoint,
 * every pair with an allowed connection (its allowed and denied port sets and, for html, the
 * explanation of each port), and the namespace totals. It is held compactly (indices into
 * shared tables), because the html report carries all of it and a 10k-workload cluster has
 * hundreds of thousands of allowed pairs.
 */
import type { NamespaceReachability } from '@k8s-security-pro/core';
import type { OutputRow } from './analyze-formats.js';

/** The graph as the html page embeds it (JSON) and as the drawing functions read it. */
export interface GraphData {
  /** Namespaces (sorted), then external IPs: the groups of the namespace picture. */
  readonly groups: readonly string[];
  /** `externals[g]` is 1 when group g is an IP added with --external. */
  readonly externals: readonly number[];
  readonly endpoints: readonly string[];
  /** Group index of each endpoint. */
  readonly endpointGroup: readonly number[];
  /** Port lists, e.g. "8080/TCP,9090/TCP" ("" for none), shared by the pairs. */
  readonly portSets: readonly string[];
  /** Explanation lines ("8080/TCP: allowed: ..."), shared by the pairs. */
  readonly texts: readonly string[];
  /** Lists of indices into `texts`, one list per distinct pair explanation. */
  readonly explanationSets: readonly (readonly number[])[];
  /** Flat: from, to, allowed port set, denied port set, explanation set (-1 for none), per pair. */
  readonly pairs: readonly number[];
  /** Flat: from group, to group, allowed connections, judged connections, per group pair. */
  readonly groupPairs: readonly number[];
}

/** Numbers per pair in {@link GraphData.pairs}. */
export const PAIR_STRIDE = 5;
/** Numbers per group pair in {@link GraphData.groupPairs}. */
export const GROUP_PAIR_STRIDE = 4;

/** Interns strings (or keys) as indices into a table. */
class Table<T> {
  readonly items: T[] = [];
  private readonly index = new Map<string, number>();
  intern(key: string, item: T): number {
    let position = this.index.get(key);
    if (position === undefined) {
      position = this.items.length;
      this.items.push(item);
      this.index.set(key, position);
    }
    return position;
  }
}

/**
 * Collects the rows `analyze` judges into a {@link GraphData}. Rows without an allowed port
 * are left out: the picture draws allowed connections only.
 */
export class GraphCollector {
  private readonly endpointIndex = new Map<string, number>();
  private readonly endpointGroup: number[];
  private readonly portSets = new Table<string>();
  private readonly texts = new Table<string>();
  private readonly explanationSets = new Table<number[]>();
  /** Grows by doubling: a plain number[] of millions of small integers stays compact (SMI elements). */
  private readonly pairs: number[] = [];

  constructor(
    private readonly endpoints: readonly string[],
    private readonly namespaces: NamespaceReachability,
  ) {
    const groupIndex = new Map(namespaces.groups.map((group, index) => [group, index]));
    endpoints.forEach((endpoint, index) => this.endpointIndex.set(endpoint, index));
    this.endpointGroup = endpoints.map((endpoint) => {
      const slash = endpoint.indexOf('/');
      return groupIndex.get(slash < 0 ? endpoint : endpoint.slice(0, slash)) ?? -1;
    });
  }

  row(row: OutputRow): void {
    if (row.allowed.length === 0) return;
    const allowed = row.allowed.join(',');
    const denied = row.denied.join(',');
    let explanation = -1;
    if (row.explanations) {
      const lines = row.explanations.map((text) => this.texts.intern(text, text));
      explanation = this.explanationSets.intern(lines.join(','), lines);
    }
    this.pairs.push(this.endpointIndex.get(row.from)!, this.endpointIndex.get(row.to)!, this.portSets.intern(allowed, allowed), this.portSets.intern(denied, denied), explanation);
  }

  data(): GraphData {
    const { namespaces } = this;
    const groupIndex = new Map(namespaces.groups.map((group, index) => [group, index]));
    const groupPairs: number[] = [];
    for (const pair of namespaces.pairs) groupPairs.push(groupIndex.get(pair.from)!, groupIndex.get(pair.to)!, pair.allowed, pair.connections);
    return {
      groups: namespaces.groups,
      externals: namespaces.groups.map((group) => (namespaces.externals.has(group) ? 1 : 0)),
      endpoints: this.endpoints,
      endpointGroup: this.endpointGroup,
      portSets: this.portSets.items,
      texts: this.texts.items,
      explanationSets: this.explanationSets.items,
      pairs: this.pairs,
      groupPairs,
    };
  }
}
