/**
 * The namespace-level picture of an analysis: for each ordered pair of groups (a namespace, or
 * one external IP), how many of the checked connections between their endpoints are allowed.
 */
import type { AnalyzedConnection } from './analyze-formats.js';

export type ReachabilityLevel = 'all' | 'partial' | 'none';

export interface GroupReachability {
  readonly from: string;
  readonly to: string;
  readonly allowed: number;
  readonly total: number;
  readonly level: ReachabilityLevel;
}

export interface NamespaceSummary {
  /** Namespaces first (sorted), then external IPs (sorted). */
  readonly groups: readonly string[];
  /** The groups that are external IPs rather than namespaces. */
  readonly externals: ReadonlySet<string>;
  /** Only pairs with at least one checked connection, in `groups` order. */
  readonly pairs: readonly GroupReachability[];
}

/** `<ns>/<name>` belongs to namespace `<ns>`; an external endpoint (a bare IP) is its own group. */
export function endpointGroup(endpoint: string): string {
  const slash = endpoint.indexOf('/');
  return slash < 0 ? endpoint : endpoint.slice(0, slash);
}

export function isExternalEndpoint(endpoint: string): boolean {
  return !endpoint.includes('/');
}

export function summarizeByNamespace(connections: readonly AnalyzedConnection[], endpoints: readonly string[]): NamespaceSummary {
  const namespaces = new Set<string>();
  const externals = new Set<string>();
  const addGroup = (endpoint: string) => (isExternalEndpoint(endpoint) ? externals : namespaces).add(endpointGroup(endpoint));
  endpoints.forEach(addGroup);
  for (const connection of connections) {
    addGroup(connection.from);
    addGroup(connection.to);
  }
  const groups = [...[...namespaces].sort(), ...[...externals].sort()];
  const counts = new Map<string, { allowed: number; total: number }>();
  for (const connection of connections) {
    const key = pairKey(endpointGroup(connection.from), endpointGroup(connection.to));
    const count = counts.get(key) ?? { allowed: 0, total: 0 };
    count.total++;
    if (connection.allowed) count.allowed++;
    counts.set(key, count);
  }
  const pairs: GroupReachability[] = [];
  for (const from of groups) {
    for (const to of groups) {
      const count = counts.get(pairKey(from, to));
      if (!count) continue;
      const level: ReachabilityLevel = count.allowed === count.total ? 'all' : count.allowed === 0 ? 'none' : 'partial';
      pairs.push({ from, to, ...count, level });
    }
  }
  return { groups, externals, pairs };
}

function pairKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
