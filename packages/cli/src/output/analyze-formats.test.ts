import type { NamespaceReachability } from '@k8s-security-pro/core';
import { describe, expect, it } from 'vitest';
import { CONNECTION_LAYOUT, ReportWriter, pairLayout, type OutputRow, type ReportFrame, type StreamedOutputFormat } from './analyze-formats.js';
import { writeNamespaceSummary } from './analyze-namespace-summary.js';
import { ChunkedWriter } from './text-output.js';

const ROWS: OutputRow[] = [
  { from: 'a/x', to: 'a/y', allowed: ['80/TCP'], denied: ['443/TCP'] },
  { from: 'a/x', to: '192.0.2.1', allowed: ['53/UDP'], denied: [] },
  { from: 'b/z', to: 'a/x', allowed: [], denied: ['80/TCP'] },
];

const NAMESPACES: NamespaceReachability = {
  groups: ['a', 'b', '192.0.2.1'],
  externals: new Set(['192.0.2.1']),
  pairs: [
    { from: 'a', to: 'a', connections: 2, allowed: 1 },
    { from: 'a', to: '192.0.2.1', connections: 1, allowed: 1 },
    { from: 'b', to: 'a', connections: 1, allowed: 0 },
  ],
};

function render(format: StreamedOutputFormat, rows: readonly OutputRow[], overrides: Partial<ReportFrame> = {}): { text: string; writes: number } {
  let text = '';
  let writes = 0;
  const frame: ReportFrame = {
    format,
    layout: pairLayout(true),
    explain: false,
    endpoints: ['a/x', 'a/y', 'b/z', '192.0.2.1'],
    widths: [3, 9, 14],
    namespaces: NAMESPACES,
    ...overrides,
  };
  const writer = new ReportWriter(frame, { write: (chunk: string) => ((text += chunk), writes++) });
  for (const row of rows) writer.row(row);
  writer.end();
  return { text, writes };
}

describe('ReportWriter', () => {
  it('prints one pair per line inside a JSON document, empty or not', () => {
    for (const rows of [ROWS, []]) {
      const { text } = render('json', rows);
      const pairs = rows.map(({ from, to, allowed, denied }) => ({ from, to, allowed, denied }));
      expect(JSON.parse(text)).toEqual({ pairs });
      expect(text.split('\n')).toHaveLength(rows.length === 0 ? 4 : rows.length + 5);
    }
  });

  it('prints the --port connections as JSON.stringify(report, null, 2) did', () => {
    const rows: OutputRow[] = [{ from: 'a/x', to: 'a/y', allowed: ['80/TCP'], denied: [] }];
    const { text } = render('json', rows, { layout: CONNECTION_LAYOUT });
    expect(text).toBe(`${JSON.stringify({ connections: [{ from: 'a/x', to: 'a/y', port: 80, protocol: 'TCP', allowed: true }] }, null, 2)}\n`);
  });

  it('puts a connection explanation last and only where present (--port contract)', () => {
    const rows: OutputRow[] = [
      { from: 'a/x', to: 'a/y', allowed: ['80/TCP'], denied: [], explanations: ['allowed: why'] },
      { from: 'a/x', to: 'b/z', allowed: [], denied: ['80/TCP'] },
    ];
    expect(JSON.parse(render('json', rows, { layout: CONNECTION_LAYOUT }).text)).toEqual({
      connections: [
        { from: 'a/x', to: 'a/y', port: 80, protocol: 'TCP', allowed: true, explanation: 'allowed: why' },
        { from: 'a/x', to: 'b/z', port: 80, protocol: 'TCP', allowed: false },
      ],
    });
  });

  it('quotes CSV fields with commas, quotes or line breaks and doubles the quotes', () => {
    const rows: OutputRow[] = [{ from: 'a/x', to: 'a/y', allowed: ['80/TCP'], denied: [], explanations: ['80/TCP: allowed: "quoted", with comma'] }];
    const lines = render('csv', rows, { explain: true }).text.trimEnd().split('\n');
    expect(lines).toEqual(['from,to,allowed,denied,explanation', 'a/x,a/y,80/TCP,,"80/TCP: allowed: ""quoted"", with comma"']);
  });

  it('escapes pipes and line breaks in Markdown cells and draws the namespace matrix with - for unchecked pairs', () => {
    const rows: OutputRow[] = [{ from: 'a/x', to: 'a/y', allowed: ['80/TCP'], denied: [], explanations: ['a | b', 'c'] }];
    const lines = render('md', rows, { explain: true }).text.split('\n');
    expect(lines).toContain('| a/x | a/y | 80/TCP | - | a \\| b<br>c |');
    expect(lines).toContain('| from \\ to | a | b | 192.0.2.1 |');
    expect(lines).toContain('| a | partial (1/2) | - | all (1/1) |');
    expect(lines).toContain('| b | none (0/1) | - | - |');
  });

  it('draws one DOT edge per pair with an allowed port, externals outside the namespace clusters, and escapes names', () => {
    const { text } = render('dot', [...ROWS, { from: 'a/x', to: 'a/"q\\', allowed: ['1/TCP', '2/TCP'], denied: [] }]);
    expect(text).toContain('"a/x" -> "a/y" [label="80/TCP"];');
    expect(text).toContain('"a/x" -> "a/\\"q\\\\" [label="1/TCP, 2/TCP"];');
    expect(text).not.toContain('"b/z" -> "a/x"');
    expect(text).toContain('    "192.0.2.1" [shape=ellipse];');
    expect(text).toContain('"group:192.0.2.1" [label="192.0.2.1", shape=ellipse];');
    expect(text).not.toContain('"group:b" -> "group:a"');
  });

  it('keeps every table line within 80 columns, falling back to blocks for long names', () => {
    const long = `a/${'n'.repeat(70)}`;
    const { text } = render('table', [{ from: long, to: 'a/y', allowed: ['80/TCP'], denied: [] }], { widths: [long.length, 3, 6] });
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines.slice(0, 3)).toEqual([`from ${long}`, '  to a/y', '    allowed 80/TCP  denied -']);
  });

  it('streams 200,000 rows in chunks instead of one write per row', () => {
    const rows = Array.from({ length: 200_000 }, (_, i): OutputRow => ({ from: `a/x${i}`, to: 'a/y', allowed: ['80/TCP'], denied: [] }));
    const { text, writes } = render('table', rows, { widths: [9, 3, 6] });
    expect(text.trimEnd().split('\n').at(-1)).toBe('200000 endpoint pairs checked: 200000 connections allowed, 0 denied');
    expect(writes).toBeGreaterThan(10);
    expect(writes).toBeLessThan(rows.length / 100);
  });

  it('counts a single row in the singular', () => {
    expect(render('table', [ROWS[1]!], { layout: CONNECTION_LAYOUT }).text.trimEnd().split('\n').at(-1)).toBe('1 connection checked: 1 allowed, 0 denied');
  });
});

describe('writeNamespaceSummary', () => {
  it('lists only pairs with an allowed connection unless all is set', () => {
    let text = '';
    writeNamespaceSummary('csv', NAMESPACES, false, { write: (chunk: string) => (text += chunk) });
    expect(text).toBe('from,to,allowed,connections,level\na,a,1,2,partial\na,192.0.2.1,1,1,all\n');
    text = '';
    writeNamespaceSummary('ndjson', NAMESPACES, true, { write: (chunk: string) => (text += chunk) });
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line) as { level: string }).map((pair) => pair.level)).toEqual(['partial', 'all', 'none']);
  });
});

describe('ChunkedWriter', () => {
  it('writes nothing until flushed or a chunk is full, then everything in order', () => {
    const chunks: string[] = [];
    const writer = new ChunkedWriter({ write: (chunk: string) => chunks.push(chunk) });
    writer.write('a');
    writer.write('b');
    expect(chunks).toEqual([]);
    writer.flush();
    writer.flush();
    expect(chunks).toEqual(['ab']);
  });

  it('waits for drain after the target refuses more, and not before', async () => {
    const listeners: (() => void)[] = [];
    const writer = new ChunkedWriter({ write: () => false, once: (_event: 'drain', listener: () => void) => listeners.push(listener) });
    await writer.drained(); // nothing written yet: resolves at once
    writer.write('x'.repeat(1 << 16));
    let resolved = false;
    const waiting = writer.drained().then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(listeners).toHaveLength(1);
    listeners[0]!();
    await waiting;
    expect(resolved).toBe(true);
  });
});
