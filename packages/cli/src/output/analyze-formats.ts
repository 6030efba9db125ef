/**
 * The output formats of `k8s-security analyze`. Each formatter is pure: connections in, text
 * out, byte-for-byte deterministic, ending with a newline.
 */
import { summarizeByNamespace, type NamespaceSummary } from './analyze-namespace-summary.js';

export const ANALYZE_OUTPUT_FORMATS = ['table', 'json', 'csv', 'md', 'dot'] as const;
export type AnalyzeOutputFormat = (typeof ANALYZE_OUTPUT_FORMATS)[number];

/** One checked connection as the CLI prints it; `explanation` is present only with --explain. */
export interface AnalyzedConnection {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly allowed: boolean;
  readonly explanation?: string;
}

export interface AnalyzeReport {
  readonly connections: readonly AnalyzedConnection[];
  /** Every endpoint of the model, so the namespace picture shows groups with no connection. */
  readonly endpoints: readonly string[];
}

export function formatAnalyzeReport(format: AnalyzeOutputFormat, report: AnalyzeReport): string {
  switch (format) {
    case 'table':
      return formatTable(report);
    case 'json':
      return formatJson(report);
    case 'csv':
      return formatCsv(report);
    case 'md':
      return formatMarkdown(report);
    case 'dot':
      return formatDot(report);
  }
}

const TERMINAL_WIDTH = 80;
const COLUMN_GAP = '  ';

function portText(connection: AnalyzedConnection): string {
  return `${connection.port}/${connection.protocol}`;
}

function verdictText(connection: AnalyzedConnection): string {
  return connection.allowed ? 'allowed' : 'denied';
}

function countLine(connections: readonly AnalyzedConnection[]): string {
  const allowed = connections.filter((connection) => connection.allowed).length;
  const noun = connections.length === 1 ? 'connection' : 'connections';
  return `${connections.length} ${noun} checked: ${allowed} allowed, ${connections.length - allowed} denied`;
}

/**
 * Columns when they fit in 80 characters; otherwise one block per source, so long names
 * never push the verdict off screen.
 */
export function formatTable({ connections }: AnalyzeReport): string {
  if (connections.length === 0) return 'No connections to check: the manifests hold fewer than two endpoints, or none matches --from/--to.\n';
  const header = ['FROM', 'TO', 'PORT', 'VERDICT'];
  const rows = connections.map((connection) => [connection.from, connection.to, portText(connection), verdictText(connection)]);
  // A loop, not Math.max(...rows): spreading 100,000+ arguments overflows the call stack.
  const widths = header.map((title) => title.length);
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column]!, cell.length)));
  const tableWidth = widths.reduce((sum, width) => sum + width, 0) + COLUMN_GAP.length * (widths.length - 1);
  const lines: string[] = [];
  // Many connections share one explanation: wrap each distinct text once.
  const wrapped = new Map<string, string[]>();
  const explanationLines = (text: string, indent: string) => {
    let result = wrapped.get(text);
    if (!result) {
      result = wrapIndented(text, indent);
      wrapped.set(text, result);
    }
    return result;
  };
  if (tableWidth <= TERMINAL_WIDTH) {
    const render = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join(COLUMN_GAP).trimEnd();
    lines.push(render(header));
    connections.forEach((connection, index) => {
      lines.push(render(rows[index]!));
      if (connection.explanation !== undefined) lines.push(...explanationLines(connection.explanation, '    '));
    });
  } else {
    let previousFrom: string | undefined;
    let previousTo: string | undefined;
    for (const connection of connections) {
      if (connection.from !== previousFrom) {
        if (previousFrom !== undefined) lines.push('');
        lines.push(`from ${connection.from}`);
        previousTo = undefined;
      }
      if (connection.to !== previousTo) lines.push(`  to ${connection.to}`);
      lines.push(`    ${portText(connection).padEnd(11)} ${verdictText(connection)}`);
      if (connection.explanation !== undefined) lines.push(...explanationLines(connection.explanation, '      '));
      previousFrom = connection.from;
      previousTo = connection.to;
    }
  }
  lines.push('', countLine(connections));
  return `${lines.join('\n')}\n`;
}

/** Word-wraps `text` to the terminal width, every line starting with `indent`. */
function wrapIndented(text: string, indent: string): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && indent.length + line.length + 1 + word.length > TERMINAL_WIDTH) {
        lines.push(indent + line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    if (line !== '') lines.push(indent + line);
  }
  return lines;
}

/** Exactly `{"connections":[{from,to,port,protocol,allowed[,explanation]}]}`, in that key order. */
export function formatJson({ connections }: AnalyzeReport): string {
  const wire = connections.map((connection) => ({
    from: connection.from,
    to: connection.to,
    port: connection.port,
    protocol: connection.protocol,
    allowed: connection.allowed,
    ...(connection.explanation === undefined ? {} : { explanation: connection.explanation }),
  }));
  return `${JSON.stringify({ connections: wire }, null, 2)}\n`;
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF is not required by consumers here, LF kept. */
export function formatCsv({ connections }: AnalyzeReport): string {
  const explain = connections.some((connection) => connection.explanation !== undefined);
  const header = ['from', 'to', 'port', 'protocol', 'allowed', ...(explain ? ['explanation'] : [])];
  const rows = connections.map((connection) => [
    connection.from,
    connection.to,
    String(connection.port),
    connection.protocol,
    String(connection.allowed),
    ...(explain ? [connection.explanation ?? ''] : []),
  ]);
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\n`).join('');
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function summaryCells(summary: NamespaceSummary): (from: string, to: string) => string {
  const cells = new Map(summary.pairs.map((pair) => [`${pair.from}\u0000${pair.to}`, `${pair.level} (${pair.allowed}/${pair.total})`]));
  return (from, to) => cells.get(`${from}\u0000${to}`) ?? '-';
}

export function formatMarkdown(report: AnalyzeReport): string {
  const { connections } = report;
  const summary = summarizeByNamespace(connections, report.endpoints);
  const explain = connections.some((connection) => connection.explanation !== undefined);
  const lines = [
    '## Namespace reachability',
    '',
    'Rows are sources, columns destinations. Each cell counts the allowed connections among those',
    'checked between the two groups: `all`, `partial` or `none`; `-` when none was checked.',
    '',
  ];
  if (summary.groups.length === 0) {
    lines.push('No endpoints.');
  } else {
    lines.push(markdownRow(['from \\ to', ...summary.groups]), markdownRow(['---', ...summary.groups.map(() => '---')]));
    const cell = summaryCells(summary);
    for (const from of summary.groups) lines.push(markdownRow([from, ...summary.groups.map((to) => cell(from, to))]));
  }
  lines.push('', '## Connections', '', countLine(connections), '');
  if (connections.length > 0) {
    const header = ['From', 'To', 'Port', 'Verdict', ...(explain ? ['Why'] : [])];
    lines.push(markdownRow(header), markdownRow(header.map(() => '---')));
    for (const connection of connections) {
      lines.push(
        markdownRow([
          connection.from,
          connection.to,
          portText(connection),
          verdictText(connection),
          ...(explain ? [connection.explanation ?? ''] : []),
        ]),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function markdownRow(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell.replaceAll('|', '\\|').replace(/\r?\n/g, '<br>')).join(' | ')} |`;
}

/**
 * One digraph with two parts: the endpoints clustered by namespace with an edge per pair that
 * has an allowed connection (labelled with its ports), and the namespace-level picture.
 */
export function formatDot(report: AnalyzeReport): string {
  const { connections, endpoints } = report;
  const summary = summarizeByNamespace(connections, endpoints);
  const lines = [
    'digraph reachability {',
    '  rankdir=LR;',
    '  node [shape=box, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    '  subgraph cluster_endpoints {',
    `    label=${dotString('allowed connections between endpoints')};`,
  ];
  const byGroup = new Map<string, string[]>();
  for (const endpoint of [...endpoints].sort()) {
    const slash = endpoint.indexOf('/');
    const group = slash < 0 ? undefined : endpoint.slice(0, slash);
    if (group === undefined) {
      lines.push(`    ${dotString(endpoint)} [shape=ellipse];`);
    } else {
      const members = byGroup.get(group) ?? [];
      members.push(endpoint);
      byGroup.set(group, members);
    }
  }
  let clusterIndex = 0;
  for (const [namespace, members] of byGroup) {
    lines.push(`    subgraph cluster_ns_${clusterIndex++} {`, `      label=${dotString(namespace)};`);
    for (const member of members) lines.push(`      ${dotString(member)} [label=${dotString(member.slice(namespace.length + 1))}];`);
    lines.push('    }');
  }
  const allowedPorts = new Map<string, { from: string; to: string; ports: string[] }>();
  for (const connection of connections) {
    if (!connection.allowed) continue;
    const key = `${connection.from}\u0000${connection.to}`;
    const edge = allowedPorts.get(key) ?? { from: connection.from, to: connection.to, ports: [] };
    edge.ports.push(portText(connection));
    allowedPorts.set(key, edge);
  }
  for (const edge of allowedPorts.values()) {
    lines.push(`    ${dotString(edge.from)} -> ${dotString(edge.to)} [label=${dotString(edge.ports.join(', '))}];`);
  }
  lines.push('  }', '  subgraph cluster_namespaces {', `    label=${dotString('namespace reachability (allowed/checked)')};`);
  for (const group of summary.groups) {
    const shape = summary.externals.has(group) ? 'ellipse' : 'folder';
    lines.push(`    ${dotString(`group:${group}`)} [label=${dotString(group)}, shape=${shape}];`);
  }
  for (const pair of summary.pairs) {
    if (pair.level === 'none') continue;
    const style = pair.level === 'all' ? 'solid' : 'dashed';
    lines.push(
      `    ${dotString(`group:${pair.from}`)} -> ${dotString(`group:${pair.to}`)} [label=${dotString(`${pair.level} ${pair.allowed}/${pair.total}`)}, style=${style}];`,
    );
  }
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

function dotString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
