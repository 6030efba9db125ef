/**
 * The streamed output formats of `k8s-security analyze`: rows go out as they are judged, so
 * memory stays bounded however many pairs a cluster has. Two row kinds share them: endpoint
 * pairs with their allowed and denied port sets (the default), and single connections (with
 * --port/--protocol, today's contract). Output is byte-for-byte deterministic.
 */
import type { NamespaceReachability } from '@k8s-security-pro/core';
import { namespaceGraphDot, namespaceMatrixMarkdown } from './analyze-namespace-summary.js';
import { ChunkedWriter, csvLine, dotString, markdownRow, memoizedWrap, TERMINAL_WIDTH, type TextTarget } from './text-output.js';

export const ANALYZE_OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv', 'md', 'dot', 'html', 'svg'] as const;
export type AnalyzeOutputFormat = (typeof ANALYZE_OUTPUT_FORMATS)[number];
/** The pictures (see analyze-graph-report.ts): collected whole, then laid out, never streamed row by row. */
export type GraphOutputFormat = 'html' | 'svg';
export type StreamedOutputFormat = Exclude<AnalyzeOutputFormat, GraphOutputFormat>;

export function isGraphFormat(format: AnalyzeOutputFormat): format is GraphOutputFormat {
  return format === 'html' || format === 'svg';
}

/** One printed row: a pair of endpoints, or one connection between them. */
export interface OutputRow {
  readonly from: string;
  readonly to: string;
  /** Ports with an allowed connection, e.g. `8080/TCP`. */
  readonly allowed: readonly string[];
  /** Ports with a denied connection. */
  readonly denied: readonly string[];
  /** With --explain: one readable line per port, in port order. */
  readonly explanations?: readonly string[];
}

/** How one row kind is printed; see {@link PAIR_LAYOUT} and {@link CONNECTION_LAYOUT}. */
export interface RowLayout {
  /** Key of the row list in JSON output. */
  readonly jsonKey: string;
  /** Indent each JSON row over several lines (the --port contract), or keep one row per line. */
  readonly prettyJsonRows: boolean;
  /** Column titles after FROM and TO (table and Markdown) and after from,to (CSV). */
  readonly titles: readonly string[];
  readonly csvTitles: readonly string[];
  cells(row: OutputRow): string[];
  csvCells(row: OutputRow): string[];
  wire(row: OutputRow): object;
  /** The closing count line of the table and Markdown outputs. */
  countLine(counts: RowCounts): string;
  /** What the table prints when there is no row. */
  readonly emptyText: string;
}

export interface RowCounts {
  rows: number;
  allowed: number;
  denied: number;
}

const portList = (ports: readonly string[]) => (ports.length === 0 ? '-' : ports.join(','));
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Endpoint pairs: FROM TO ALLOWED DENIED. */
export function pairLayout(all: boolean): RowLayout {
  return {
    jsonKey: 'pairs',
    prettyJsonRows: false,
    titles: ['ALLOWED', 'DENIED'],
    csvTitles: ['allowed', 'denied'],
    cells: (row) => [portList(row.allowed), portList(row.denied)],
    csvCells: (row) => [row.allowed.join(' '), row.denied.join(' ')],
    wire: (row) => ({ from: row.from, to: row.to, allowed: row.allowed, denied: row.denied, ...(row.explanations ? { explanations: row.explanations } : {}) }),
    countLine: ({ rows, allowed, denied }) =>
      all
        ? `${plural(rows, 'endpoint pair')} checked: ${plural(allowed, 'connection')} allowed, ${denied} denied`
        : `${plural(rows, 'endpoint pair')} with an allowed connection: ${plural(allowed, 'connection')} allowed, ${denied} denied`,
    emptyText: all
      ? 'No connections to check: the manifests hold fewer than two endpoints, or none matches --from/--to.\n'
      : 'No endpoint reaches another on a port it declares (--all lists the denied pairs).\n',
  };
}

/** Single connections (--port/--protocol): FROM TO PORT VERDICT, JSON `{from,to,port,protocol,allowed}`. */
export const CONNECTION_LAYOUT: RowLayout = {
  jsonKey: 'connections',
  prettyJsonRows: true,
  titles: ['PORT', 'VERDICT'],
  csvTitles: ['port', 'protocol', 'allowed'],
  cells: (row) => [row.allowed[0] ?? row.denied[0]!, row.allowed.length > 0 ? 'allowed' : 'denied'],
  csvCells: (row) => {
    const [port, protocol] = (row.allowed[0] ?? row.denied[0]!).split('/');
    return [port!, protocol!, String(row.allowed.length > 0)];
  },
  wire: (row) => {
    const [port, protocol] = (row.allowed[0] ?? row.denied[0]!).split('/');
    return {
      from: row.from,
      to: row.to,
      port: Number(port),
      protocol,
      allowed: row.allowed.length > 0,
      ...(row.explanations ? { explanation: row.explanations[0] } : {}),
    };
  },
  countLine: ({ rows, allowed, denied }) => `${plural(rows, 'connection')} checked: ${allowed} allowed, ${denied} denied`,
  emptyText: 'No connections to check: the manifests hold fewer than two endpoints, or none matches --from/--to.\n',
};

/** What a report needs besides its rows. Widths are known before the first row, so tables stream. */
export interface ReportFrame {
  readonly format: StreamedOutputFormat;
  readonly layout: RowLayout;
  readonly explain: boolean;
  /** Every endpoint id of the model: the dot output draws them all. */
  readonly endpoints: readonly string[];
  /** The widest cell each column can get: FROM, TO, then the layout's columns but the last. */
  readonly widths: readonly number[];
  /** The namespace picture, for md and dot. */
  readonly namespaces?: NamespaceReachability;
}

/** Streams rows in one format; call {@link ReportWriter.end} once after the last row. */
export class ReportWriter {
  private readonly out: ChunkedWriter;
  private readonly counts: RowCounts = { rows: 0, allowed: 0, denied: 0 };
  private readonly wrap = memoizedWrap();
  private readonly blocks: boolean;
  private readonly widths: number[];
  private previousFrom: string | undefined;
  private previousTo: string | undefined;
  private readonly dotEdges: string[] = [];

  constructor(
    private readonly frame: ReportFrame,
    target: TextTarget,
  ) {
    this.out = new ChunkedWriter(target);
    const titles = ['FROM', 'TO', ...frame.layout.titles];
    this.widths = titles.map((title, column) => Math.max(title.length, frame.widths[column] ?? 0));
    const lastTitle = titles.at(-1)!.length;
    this.blocks = this.widths.slice(0, -1).reduce((sum, width) => sum + width + 2, 0) + Math.max(lastTitle, 8) > TERMINAL_WIDTH;
  }

  row(row: OutputRow): void {
    const { counts, frame } = this;
    if (counts.rows === 0) this.begin();
    counts.rows++;
    counts.allowed += row.allowed.length;
    counts.denied += row.denied.length;
    const { layout } = frame;
    switch (frame.format) {
      case 'ndjson':
        this.out.write(row.explanations ? `${JSON.stringify(layout.wire(row))}\n` : this.fastNdjson(row));
        return;
      case 'json':
        this.out.write(
          `${counts.rows === 1 ? '\n' : ',\n'}${layout.prettyJsonRows ? JSON.stringify(layout.wire(row), null, 2).replace(/^/gm, '    ') : `    ${JSON.stringify(layout.wire(row))}`}`,
        );
        return;
      case 'csv':
        this.out.write(csvLine([row.from, row.to, ...layout.csvCells(row), ...(frame.explain ? [(row.explanations ?? []).join('\n')] : [])]));
        return;
      case 'md':
        this.out.write(`${markdownRow([row.from, row.to, ...layout.cells(row), ...(frame.explain ? [(row.explanations ?? []).join('<br>')] : [])])}\n`);
        return;
      case 'dot':
        if (row.allowed.length > 0) this.out.write(`    ${dotString(row.from)} -> ${dotString(row.to)} [label=${dotString(row.allowed.join(', '))}];\n`);
        return;
      case 'table':
        this.tableRow(row);
    }
  }

  private readonly quoted = new Map<string, string>();
  private readonly suffixes = new Map<readonly string[], Map<readonly string[], string>>();

  /**
   * The ndjson line of a row without explanations, byte for byte what JSON.stringify prints,
   * built from cached pieces: ids are quoted once, and rows that share their port lists (see
   * PortSetCache in the analyze command) share the rest of the line.
   */
  private fastNdjson(row: OutputRow): string {
    const quote = (text: string) => {
      let quoted = this.quoted.get(text);
      if (quoted === undefined) {
        quoted = JSON.stringify(text);
        if (this.quoted.size < 1_000_000) this.quoted.set(text, quoted);
      }
      return quoted;
    };
    // Bounded: connection rows (--port) bring new lists with every row.
    if (this.suffixes.size >= 100_000) this.suffixes.clear();
    let byDenied = this.suffixes.get(row.allowed);
    if (!byDenied) {
      byDenied = new Map();
      this.suffixes.set(row.allowed, byDenied);
    }
    let suffix = byDenied.get(row.denied);
    if (suffix === undefined) {
      const wire = JSON.stringify(this.frame.layout.wire({ ...row, from: '', to: '' }));
      suffix = wire.slice(wire.indexOf('"to":"",') + '"to":"",'.length);
      byDenied.set(row.denied, suffix);
    }
    return `{"from":${quote(row.from)},"to":${quote(row.to)},${suffix}\n`;
  }

  private begin(): void {
    const { frame, out } = this;
    const { layout } = frame;
    switch (frame.format) {
      case 'json':
        out.write(`{\n  "${layout.jsonKey}": [`);
        return;
      case 'csv':
        out.write(csvLine(['from', 'to', ...layout.csvTitles, ...(frame.explain ? ['explanation'] : [])]));
        return;
      case 'md': {
        const header = ['From', 'To', ...layout.titles.map((title) => title[0] + title.slice(1).toLowerCase()), ...(frame.explain ? ['Why'] : [])];
        out.write(`${[...this.markdownHead(), markdownRow(header), markdownRow(header.map(() => '---'))].join('\n')}\n`);
        return;
      }
      case 'dot':
        out.write(`${this.dotHead().join('\n')}\n`);
        return;
      case 'table':
        if (!this.blocks) out.write(`${this.tableLine(['FROM', 'TO', ...layout.titles])}\n`);
        return;
      case 'ndjson':
        return;
    }
  }

  private markdownHead(): string[] {
    return [...(this.frame.namespaces ? namespaceMatrixMarkdown(this.frame.namespaces) : []), '', `## ${this.frame.layout.jsonKey === 'pairs' ? 'Endpoint pairs' : 'Connections'}`, ''];
  }

  private dotHead(): string[] {
    const lines = [
      'digraph reachability {',
      '  rankdir=LR;',
      '  node [shape=box, fontname="Helvetica"];',
      '  edge [fontname="Helvetica", fontsize=10];',
      '  subgraph cluster_endpoints {',
      `    label=${dotString('allowed connections between endpoints')};`,
    ];
    const byNamespace = new Map<string, string[]>();
    for (const endpoint of [...this.frame.endpoints].sort()) {
      const slash = endpoint.indexOf('/');
      if (slash < 0) {
        lines.push(`    ${dotString(endpoint)} [shape=ellipse];`);
        continue;
      }
      const namespace = endpoint.slice(0, slash);
      const members = byNamespace.get(namespace) ?? [];
      members.push(endpoint);
      byNamespace.set(namespace, members);
    }
    let clusterIndex = 0;
    for (const [namespace, members] of byNamespace) {
      lines.push(`    subgraph cluster_ns_${clusterIndex++} {`, `      label=${dotString(namespace)};`);
      for (const member of members) lines.push(`      ${dotString(member)} [label=${dotString(member.slice(namespace.length + 1))}];`);
      lines.push('    }');
    }
    return lines;
  }

  private tableLine(cells: readonly string[]): string {
    return cells.map((cell, column) => cell.padEnd(this.widths[column]!)).join('  ').trimEnd();
  }

  private tableRow(row: OutputRow): void {
    const cells = this.frame.layout.cells(row);
    if (!this.blocks) {
      this.out.write(`${this.tableLine([row.from, row.to, ...cells])}\n`);
      for (const text of row.explanations ?? []) this.out.write(`${this.wrap(text, '    ').join('\n')}\n`);
      return;
    }
    // Names too long for 80 columns: one block per source, so the verdict never leaves the screen.
    if (row.from !== this.previousFrom) {
      if (this.previousFrom !== undefined) this.out.write('\n');
      this.out.write(`from ${row.from}\n`);
      this.previousTo = undefined;
    }
    if (row.to !== this.previousTo) this.out.write(`  to ${row.to}\n`);
    const titles = this.frame.layout.titles;
    const line = titles.length === 2 && titles[0] === 'PORT' ? `${cells[0]!.padEnd(11)} ${cells[1]}` : titles.map((title, k) => `${title.toLowerCase()} ${cells[k]}`).join('  ');
    this.out.write(`    ${line}\n`);
    for (const text of row.explanations ?? []) this.out.write(`${this.wrap(text, '      ').join('\n')}\n`);
    this.previousFrom = row.from;
    this.previousTo = row.to;
  }

  /** Resolves when the output can take more rows (see {@link ChunkedWriter.drained}). */
  drained(): Promise<void> {
    return this.out.drained();
  }

  /** Closes the report; returns the counts. */
  end(): RowCounts {
    const { counts, frame, out } = this;
    const countLine = frame.layout.countLine(counts);
    switch (frame.format) {
      case 'json':
        out.write(counts.rows === 0 ? `{\n  "${frame.layout.jsonKey}": []\n}\n` : '\n  ]\n}\n');
        break;
      case 'csv':
        if (counts.rows === 0) this.begin();
        break;
      case 'md':
        out.write(counts.rows === 0 ? `${this.markdownHead().join('\n')}\n${countLine}\n` : `\n${countLine}\n`);
        break;
      case 'dot':
        if (counts.rows === 0) this.begin();
        out.write(`  }\n${frame.namespaces ? `${namespaceGraphDot(frame.namespaces).join('\n')}\n` : ''}}\n`);
        break;
      case 'table':
        out.write(counts.rows === 0 ? frame.layout.emptyText : `\n${countLine}\n`);
        break;
      case 'ndjson':
        break;
    }
    out.flush();
    return counts;
  }
}
