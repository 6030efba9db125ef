/**
 * The output formats of `k8s-security diff`: table, json (schema in docs/diff.md), md (a PR
 * comment) and sarif (2.1.0). Rows are streamed as the diff finds them, except md, which keeps
 * the first rows only: a PR comment has a size limit, and the rest is one `-o json` away. The
 * rows of a change are rendered once and shared by every pair it applies to (diff-row-text.ts).
 */
import type { PolicyRuleRef } from '@k8s-security-pro/core/analyzer';
import type { Log, Result } from 'sarif';
import { SARIF_SCHEMA_URI, SARIF_VERSION, sarifNotifications, sarifPhysicalLocation } from '../report/format-sarif.js';
import { jsonInnerId, pairText, renderRows, type DiffRowTemplate, type RenderedRows, type RowFormat } from './diff-row-text.js';
import { ChunkedWriter, markdownRow, type TextTarget } from './text-output.js';

export const DIFF_OUTPUT_FORMATS = ['table', 'json', 'md', 'sarif'] as const;
export type DiffOutputFormat = (typeof DIFF_OUTPUT_FORMATS)[number];

/** Version of the JSON output; raised on any incompatible change. */
export const DIFF_JSON_SCHEMA_VERSION = 1;

/** Rows the md output shows before it points at `-o json`. */
export const MARKDOWN_ROW_LIMIT = 100;

/** Results per SARIF run that code-scanning services accept (GitHub refuses a run with more). */
export const SARIF_RESULT_LIMIT = 25_000;

/** Where a policy or workload is written: file (as the user named it) and line; none for a cluster. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** One printed row: the ports of one pair that changed the same way for the same cause. */
export interface DiffRow {
  readonly change: 'opened' | 'closed';
  readonly from: string;
  readonly to: string;
  /** e.g. `5432/TCP`, by port then protocol. */
  readonly ports: readonly string[];
  /** One readable line: the rules and policies behind the change. */
  readonly cause: string;
  /** Opened: the NEW rules that allow it. Closed: the OLD rules that allowed it. */
  readonly rules: readonly PolicyRuleRef[];
  /** Closed: the NEW policies that isolate an end and deny it. */
  readonly isolatedBy: readonly string[];
  /** Opened: the OLD policies that isolated an end and denied it. */
  readonly formerlyIsolatedBy: readonly string[];
  /** Where the policy that causes the change is written, when known (sarif). */
  readonly location?: SourceLocation;
}

/** What is known before the first row. */
export interface DiffFrame {
  readonly format: DiffOutputFormat;
  readonly oldLabel: string;
  readonly newLabel: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Widths of the FROM and TO columns (each) and of the PORTS column of the table. */
  readonly widths: { readonly id: number; readonly ports: number };
  readonly toolVersion: string;
  /** Results the sarif output writes before it leaves the rest to `-o json`. @default SARIF_RESULT_LIMIT */
  readonly sarifResultLimit?: number;
}

/** Totals printed at the end. */
export interface DiffCounts {
  pairs: number;
  opened: number;
  closed: number;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function countsLine(counts: DiffCounts, frame: DiffFrame): string {
  const endpoints = `${plural(frame.added.length, 'endpoint')} added, ${frame.removed.length} removed`;
  if (counts.opened + counts.closed === 0) return `No connection changes between OLD and NEW; ${endpoints}.`;
  return `${plural(counts.opened, 'connection')} opened, ${counts.closed} closed, in ${plural(counts.pairs, 'endpoint pair')}; ${endpoints}.`;
}

const RESULTS_PLACEHOLDER = '"\u0000results\u0000"';

/** The table, JSON and SARIF text of one row (JSON and SARIF rows start with their separating comma). */
function rowFormat(frame: DiffFrame): RowFormat {
  switch (frame.format) {
    case 'table':
      return {
        row: (row, id) => `${[row.change.padEnd(6), id(row.from), id(row.to), row.ports.join(',').padEnd(frame.widths.ports), row.cause].join('  ')}\n`,
        slot: (id) => id.padEnd(frame.widths.id),
      };
    case 'json':
      return { row: (row) => `,\n${JSON.stringify(jsonRow(row))}`, slot: jsonInnerId };
    case 'sarif':
      return { row: (row) => row.ports.map((port) => `,\n        ${JSON.stringify(sarifResult(row, port), null, 2).replaceAll('\n', '\n        ')}`).join(''), slot: jsonInnerId };
    case 'md':
      throw new Error('md keeps rows instead of writing them');
  }
}

function jsonRow(row: DiffRow): object {
  return {
    change: row.change,
    from: row.from,
    to: row.to,
    ports: row.ports,
    cause: row.cause,
    rules: row.rules,
    isolatedBy: row.isolatedBy,
    formerlyIsolatedBy: row.formerlyIsolatedBy,
    ...(row.location ? { location: row.location } : {}),
  };
}

/** One SARIF result per changed connection and port. */
function sarifResult(row: DiffRow, port: string): Result {
  return {
    ruleId: row.change === 'opened' ? 'connection-opened' : 'connection-closed',
    ruleIndex: row.change === 'opened' ? 0 : 1,
    level: row.change === 'opened' ? 'warning' : 'note',
    message: { text: `${row.from} -> ${row.to} ${port} is ${row.change === 'opened' ? 'newly allowed' : 'newly denied'}: ${row.cause}` },
    locations: [
      {
        ...(row.location ? { physicalLocation: sarifPhysicalLocation(row.location) } : {}),
        logicalLocations: [{ fullyQualifiedName: `${row.from} -> ${row.to} ${port}`, kind: 'resource' }],
      },
    ],
    partialFingerprints: { connection: `${row.change} ${row.from} ${row.to} ${port}` },
    properties: { from: row.from, to: row.to, port, rules: row.rules, isolatedBy: row.isolatedBy, formerlyIsolatedBy: row.formerlyIsolatedBy },
  };
}

/** Streams the rows of one diff in one format. */
export class DiffWriter {
  private readonly out: ChunkedWriter;
  private rows = 0;
  /** Rows written so far (sarif stops writing at its result limit). */
  private writtenRows = 0;
  private sarifResults = 0;
  private sarifOmitted = 0;
  private readonly kept: DiffRow[] = [];
  private sarifTail = '';
  /** How rows are written; none for md, which keeps its first rows and writes them at the end. */
  private readonly rowFormat: RowFormat | undefined;

  constructor(
    private readonly frame: DiffFrame,
    target: TextTarget,
  ) {
    this.out = new ChunkedWriter(target);
    this.rowFormat = frame.format === 'md' ? undefined : rowFormat(frame);
    this.start();
  }

  private start(): void {
    const { frame } = this;
    switch (frame.format) {
      case 'table': {
        this.out.write(`OLD: ${frame.oldLabel}\nNEW: ${frame.newLabel}\n`);
        if (frame.added.length > 0) this.out.write(`Endpoints added (their connections are not listed): ${frame.added.join(', ')}\n`);
        if (frame.removed.length > 0) this.out.write(`Endpoints removed (their connections are not listed): ${frame.removed.join(', ')}\n`);
        return;
      }
      case 'json':
        this.out.write(
          `{"schemaVersion":${DIFF_JSON_SCHEMA_VERSION},"old":${JSON.stringify(frame.oldLabel)},"new":${JSON.stringify(frame.newLabel)},` +
            `"endpoints":${JSON.stringify({ added: frame.added, removed: frame.removed })},"changes":[`,
        );
        return;
      case 'md':
        return;
      case 'sarif': {
        const [head, tail] = sarifText(frame, 0);
        this.out.write(head);
        this.sarifTail = tail;
        return;
      }
    }
  }

  /** Renders the rows of a change once, for every pair it applies to (see {@link DiffWriter.pair}). */
  prepare(rows: readonly DiffRowTemplate[]): RenderedRows {
    return this.rowFormat ? renderRows(rows, this.rowFormat) : { rows, pieces: undefined, slotIsFrom: [] };
  }

  /** Writes the rows of one pair: a prepared change with the pair's endpoints filled in. */
  pair(rendered: RenderedRows, from: string, to: string): void {
    this.rows += rendered.rows.length;
    if (!this.rowFormat) {
      for (const row of rendered.rows) if (this.kept.length < MARKDOWN_ROW_LIMIT) this.kept.push({ ...row, from, to });
      return;
    }
    if (this.frame.format === 'sarif') {
      // A pair's results are written whole or not at all, so the run never passes the limit.
      const results = rendered.rows.reduce((sum, row) => sum + row.ports.length, 0);
      if (this.sarifOmitted > 0 || this.sarifResults + results > (this.frame.sarifResultLimit ?? SARIF_RESULT_LIMIT)) {
        this.sarifOmitted += results;
        return;
      }
      this.sarifResults += results;
    }
    const first = this.writtenRows === 0;
    this.writtenRows += rendered.rows.length;
    const text = pairText(rendered, this.rowFormat, from, to);
    if (!first) this.out.write(text);
    else if (this.frame.format === 'table') this.out.write(`\n${['CHANGE', 'FROM'.padEnd(this.frame.widths.id), 'TO'.padEnd(this.frame.widths.id), 'PORTS'.padEnd(this.frame.widths.ports), 'CAUSE'].join('  ')}\n${text}`);
    // JSON and SARIF rows start with the comma that separates them from the previous one.
    else this.out.write(text.slice(1));
  }

  /** Resolves once the output can take more (see ChunkedWriter.drained). */
  async drained(): Promise<void> {
    this.out.flush();
    await this.out.drained();
  }

  end(counts: DiffCounts): void {
    const { frame } = this;
    switch (frame.format) {
      case 'table':
        this.out.write(`\n${countsLine(counts, frame)}\n`);
        break;
      case 'json':
        this.out.write(`${this.rows > 0 ? '\n' : ''}],"summary":${JSON.stringify({ ...counts, endpointsAdded: frame.added.length, endpointsRemoved: frame.removed.length })}}\n`);
        break;
      case 'md':
        this.writeMarkdown(counts);
        break;
      case 'sarif': {
        // Only what follows the results depends on the omitted count, so the head already written stays valid.
        const tail = this.sarifOmitted > 0 ? sarifText(frame, this.sarifOmitted)[1] : this.sarifTail;
        this.out.write(`${this.writtenRows > 0 ? '\n      ' : ''}${tail}\n`);
        break;
      }
    }
    this.out.flush();
  }

  private writeMarkdown(counts: DiffCounts): void {
    const { frame } = this;
    const code = (text: string) => `\`${text.replaceAll('`', "'")}\``;
    const lines = [`### Connectivity diff: ${code(frame.oldLabel)} → ${code(frame.newLabel)}`, ''];
    lines.push(counts.opened > 0 ? `**${countsLine(counts, frame)}**` : countsLine(counts, frame));
    if (frame.added.length > 0) lines.push('', `Endpoints added: ${frame.added.map(code).join(', ')}`);
    if (frame.removed.length > 0) lines.push('', `Endpoints removed: ${frame.removed.map(code).join(', ')}`);
    if (this.kept.length > 0) {
      lines.push('', markdownRow(['Change', 'From', 'To', 'Ports', 'Cause']), markdownRow(['---', '---', '---', '---', '---']));
      for (const row of this.kept) lines.push(markdownRow([row.change === 'opened' ? '**opened**' : 'closed', code(row.from), code(row.to), row.ports.join(', '), row.cause]));
      if (this.rows > this.kept.length) {
        lines.push('', `…and ${plural(this.rows - this.kept.length, 'more row')}: run \`k8s-security diff OLD NEW -o json\` for all of them.`);
      }
    }
    this.out.write(`${lines.join('\n')}\n`);
  }
}

/**
 * The SARIF log around its results, split where the results go. `omitted` results past the limit
 * are named after the results (run properties and a notification), never before them.
 */
function sarifText(frame: DiffFrame, omitted: number): [head: string, tail: string] {
  const log: Log = {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: 'k8s-security diff',
            version: frame.toolVersion,
            rules: [
              {
                id: 'connection-opened',
                name: 'ConnectionOpened',
                shortDescription: { text: 'A connection denied in OLD is allowed in NEW' },
                defaultConfiguration: { level: 'warning' },
              },
              {
                id: 'connection-closed',
                name: 'ConnectionClosed',
                shortDescription: { text: 'A connection allowed in OLD is denied in NEW' },
                defaultConfiguration: { level: 'note' },
              },
            ],
          },
        },
        results: [],
        ...sarifNotifications(
          omitted > 0
            ? [
                {
                  level: 'warning',
                  text: `${omitted} more changed connections are left out: code scanning takes at most ${frame.sarifResultLimit ?? SARIF_RESULT_LIMIT} results per run. Run k8s-security diff OLD NEW -o json for all of them.`,
                },
              ]
            : [],
        ),
        properties: {
          old: frame.oldLabel,
          new: frame.newLabel,
          endpointsAdded: [...frame.added],
          endpointsRemoved: [...frame.removed],
          ...(omitted > 0 ? { resultsOmitted: omitted } : {}),
        },
      },
    ],
  };
  const text = JSON.stringify(log, null, 2).replace('"results": []', `"results": [${RESULTS_PLACEHOLDER}]`);
  const [head, tail] = text.split(RESULTS_PLACEHOLDER);
  return [head!, tail!];
}
