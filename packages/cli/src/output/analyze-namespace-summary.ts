/**
 * The namespace-level picture of an analysis (`--summary`, and the head of the md and dot
 * outputs): for each ordered pair of groups (a namespace, or one external IP), how many of the
 * connections judged between their endpoints are allowed. The totals come from the core's
 * per-group-pair count, so the picture costs groups squared, not endpoints squared.
 */
import type { GroupPairTotals, NamespaceReachability } from '@k8s-security-pro/core';
import { ChunkedWriter, csvLine, dotString, markdownRow, type TextTarget } from './text-output.js';

export type ReachabilityLevel = 'all' | 'partial' | 'none';

export const SUMMARY_OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv', 'md', 'dot'] as const;

/** An endpoint id without a namespace (a bare IP) is an external endpoint added with --external. */
export function isExternalEndpoint(endpoint: string): boolean {
  return !endpoint.includes('/');
}

export function levelOf(pair: GroupPairTotals): ReachabilityLevel {
  return pair.allowed === pair.connections ? 'all' : pair.allowed === 0 ? 'none' : 'partial';
}

/** The Markdown matrix: rows are sources, columns destinations. */
export function namespaceMatrixMarkdown(summary: NamespaceReachability): string[] {
  const lines = [
    '## Namespace reachability',
    '',
    'Rows are sources, columns destinations. Each cell counts the allowed connections among those',
    'checked between the two groups: `all`, `partial` or `none`; `-` when none was checked.',
    '',
  ];
  if (summary.groups.length === 0) {
    lines.push('No endpoints.');
    return lines;
  }
  const cells = new Map(summary.pairs.map((pair) => [`${pair.from}\u0000${pair.to}`, `${levelOf(pair)} (${pair.allowed}/${pair.connections})`]));
  lines.push(markdownRow(['from \\ to', ...summary.groups]), markdownRow(['---', ...summary.groups.map(() => '---')]));
  for (const from of summary.groups) lines.push(markdownRow([from, ...summary.groups.map((to) => cells.get(`${from}\u0000${to}`) ?? '-')]));
  return lines;
}

/** The DOT subgraph of the namespace picture; pairs with nothing allowed get no edge. */
export function namespaceGraphDot(summary: NamespaceReachability): string[] {
  const lines = ['  subgraph cluster_namespaces {', `    label=${dotString('namespace reachability (allowed/checked)')};`];
  for (const group of summary.groups) {
    const shape = summary.externals.has(group) ? 'ellipse' : 'folder';
    lines.push(`    ${dotString(`group:${group}`)} [label=${dotString(group)}, shape=${shape}];`);
  }
  for (const pair of summary.pairs) {
    const level = levelOf(pair);
    if (level === 'none') continue;
    const style = level === 'all' ? 'solid' : 'dashed';
    lines.push(
      `    ${dotString(`group:${pair.from}`)} -> ${dotString(`group:${pair.to}`)} [label=${dotString(`${level} ${pair.allowed}/${pair.connections}`)}, style=${style}];`,
    );
  }
  lines.push('  }');
  return lines;
}

/**
 * `--summary`: the namespace x namespace matrix. Markdown draws the grid; the other formats
 * list its non-empty cells, one per line, which stays readable with hundreds of namespaces.
 * Without `all`, only the pairs with an allowed connection are listed.
 */
export function writeNamespaceSummary(format: (typeof SUMMARY_OUTPUT_FORMATS)[number], summary: NamespaceReachability, all: boolean, target: TextTarget): void {
  const out = new ChunkedWriter(target);
  const pairs = all ? summary.pairs : summary.pairs.filter((pair) => pair.allowed > 0);
  const wire = (pair: GroupPairTotals) => ({ from: pair.from, to: pair.to, allowed: pair.allowed, connections: pair.connections, level: levelOf(pair) });
  switch (format) {
    case 'md':
      out.write(`${namespaceMatrixMarkdown(summary).join('\n')}\n`);
      break;
    case 'dot':
      out.write(`digraph namespaces {\n  rankdir=LR;\n  node [fontname="Helvetica"];\n  edge [fontname="Helvetica", fontsize=10];\n${namespaceGraphDot(summary).join('\n')}\n}\n`);
      break;
    case 'json':
      out.write(`${JSON.stringify({ groups: summary.groups, pairs: pairs.map(wire) }, null, 2)}\n`);
      break;
    case 'ndjson':
      for (const pair of pairs) out.write(`${JSON.stringify(wire(pair))}\n`);
      break;
    case 'csv':
      out.write(csvLine(['from', 'to', 'allowed', 'connections', 'level']));
      for (const pair of pairs) out.write(csvLine([pair.from, pair.to, String(pair.allowed), String(pair.connections), levelOf(pair)]));
      break;
    case 'table': {
      if (pairs.length === 0) {
        out.write(all ? 'No connections to check.\n' : 'No namespace reaches another on any checked port.\n');
        break;
      }
      const rows = pairs.map((pair) => [pair.from, pair.to, `${pair.allowed}/${pair.connections}`, levelOf(pair)]);
      const header = ['FROM', 'TO', 'ALLOWED', 'LEVEL'];
      const widths = header.map((title) => title.length);
      for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column]!, cell.length)));
      for (const row of [header, ...rows]) out.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}\n`);
      const groups = summary.groups.length;
      out.write(`\n${pairs.length} of ${groups * groups} ordered namespace pairs ${all ? 'have connections to check' : 'have an allowed connection'}\n`);
      break;
    }
  }
  out.flush();
}
