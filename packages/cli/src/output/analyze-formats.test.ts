import { describe, expect, it } from 'vitest';
import { formatCsv, formatDot, formatJson, formatMarkdown, formatTable, type AnalyzeReport, type AnalyzedConnection } from './analyze-formats.js';
import { summarizeByNamespace } from './analyze-namespace-summary.js';

function connection(from: string, to: string, port: number, allowed: boolean, explanation?: string): AnalyzedConnection {
  return { from, to, port, protocol: 'TCP', allowed, ...(explanation === undefined ? {} : { explanation }) };
}

const REPORT: AnalyzeReport = {
  endpoints: ['a/x', 'a/y', 'b/z', '192.0.2.1'],
  connections: [
    connection('a/x', 'a/y', 80, true),
    connection('a/x', 'b/z', 80, false),
    connection('a/y', 'b/z', 80, false),
    connection('b/z', 'a/x', 443, true),
    connection('b/z', 'a/y', 80, true),
    connection('a/x', '192.0.2.1', 53, true),
  ],
};

describe('summarizeByNamespace', () => {
  it('counts allowed among checked connections per ordered pair of groups', () => {
    const summary = summarizeByNamespace(REPORT.connections, REPORT.endpoints);
    expect(summary.groups).toEqual(['a', 'b', '192.0.2.1']);
    expect([...summary.externals]).toEqual(['192.0.2.1']);
    expect(summary.pairs).toEqual([
      { from: 'a', to: 'a', allowed: 1, total: 1, level: 'all' },
      { from: 'a', to: 'b', allowed: 0, total: 2, level: 'none' },
      { from: 'a', to: '192.0.2.1', allowed: 1, total: 1, level: 'all' },
      { from: 'b', to: 'a', allowed: 2, total: 2, level: 'all' },
    ]);
  });

  it('calls a pair partial when some but not all connections are allowed', () => {
    const summary = summarizeByNamespace([connection('a/x', 'b/z', 80, true), connection('a/x', 'b/z', 81, false)], ['a/x', 'b/z']);
    expect(summary.pairs).toEqual([{ from: 'a', to: 'b', allowed: 1, total: 2, level: 'partial' }]);
  });

  it('lists groups that have endpoints but no connection', () => {
    expect(summarizeByNamespace([], ['lonely/pod', '198.51.100.7']).groups).toEqual(['lonely', '198.51.100.7']);
  });
});

describe('formatJson', () => {
  it('puts explanation last and only where present', () => {
    const text = formatJson({ endpoints: [], connections: [connection('a/x', 'a/y', 80, true, 'because')] });
    expect(text).toBe(
      '{\n  "connections": [\n    {\n      "from": "a/x",\n      "to": "a/y",\n      "port": 80,\n      "protocol": "TCP",\n      "allowed": true,\n      "explanation": "because"\n    }\n  ]\n}\n',
    );
  });

  it('prints an empty list when nothing was checked', () => {
    expect(JSON.parse(formatJson({ endpoints: [], connections: [] }))).toEqual({ connections: [] });
  });
});

describe('formatCsv', () => {
  it('quotes fields with commas, quotes or line breaks and doubles the quotes', () => {
    const text = formatCsv({ endpoints: [], connections: [connection('a/x', 'a/y', 80, false, 'denied: "x", then\nmore')] });
    expect(text).toBe('from,to,port,protocol,allowed,explanation\na/x,a/y,80,TCP,false,"denied: ""x"", then\nmore"\n');
  });
});

describe('formatMarkdown', () => {
  it('escapes pipes and line breaks inside cells', () => {
    const text = formatMarkdown({ endpoints: ['a/x', 'a/y'], connections: [connection('a/x', 'a/y', 80, false, 'a | b\nc')] });
    expect(text).toContain('| a/x | a/y | 80/TCP | denied | a \\| b<br>c |');
  });

  it('shows - for pairs with nothing checked and names external IPs as their own group', () => {
    const text = formatMarkdown(REPORT);
    expect(text).toContain('| from \\ to | a | b | 192.0.2.1 |');
    expect(text).toContain('| a | all (1/1) | none (0/2) | all (1/1) |');
    expect(text).toContain('| b | all (2/2) | - | - |');
    expect(text).toContain('| 192.0.2.1 | - | - | - |');
  });
});

describe('formatDot', () => {
  it('escapes quotes and backslashes in names', () => {
    const text = formatDot({ endpoints: ['a/x"y', 'a/z\\w'], connections: [connection('a/x"y', 'a/z\\w', 80, true)] });
    expect(text).toContain('"a/x\\"y" -> "a/z\\\\w" [label="80/TCP"];');
  });

  it('draws external endpoints outside the namespace clusters and skips namespace pairs with nothing allowed', () => {
    const text = formatDot(REPORT);
    expect(text).toContain('    "192.0.2.1" [shape=ellipse];');
    expect(text).toContain('    "group:192.0.2.1" [label="192.0.2.1", shape=ellipse];');
    expect(text).toContain('    "group:a" [label="a", shape=folder];');
    expect(text).toContain('"group:b" -> "group:a" [label="all 2/2", style=solid];');
    expect(text).not.toContain('"group:a" -> "group:b"');
    expect(text).not.toContain('"a/x" -> "b/z"');
  });

  it('merges the allowed ports of one pair into one edge', () => {
    const text = formatDot({ endpoints: ['a/x', 'a/y'], connections: [connection('a/x', 'a/y', 80, true), connection('a/x', 'a/y', 81, false), connection('a/x', 'a/y', 443, true)] });
    expect(text).toContain('"a/x" -> "a/y" [label="80/TCP, 443/TCP"];');
  });
});

describe('formatTable', () => {
  it('keeps every line within 80 columns, falling back to blocks for long names', () => {
    const long = `ns/${'n'.repeat(60)}`;
    const text = formatTable({ endpoints: [], connections: [connection(long, 'ns/short', 80, true, 'word '.repeat(40).trim())] });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`from ${long}`);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('formats 200,000 connections (no argument spreading that overflows the stack)', () => {
    const connections = Array.from({ length: 200_000 }, (_, index) => connection(`ns/src-${index % 500}`, `ns/dst-${index}`, 80, index % 3 === 0));
    const text = formatTable({ endpoints: [], connections });
    expect(text.endsWith('200000 connections checked: 66667 allowed, 133333 denied\n')).toBe(true);
    expect(formatMarkdown({ endpoints: [], connections })).toContain('| ns | partial (66667/200000) |');
    expect(formatDot({ endpoints: [], connections })).toContain('"group:ns" -> "group:ns" [label="partial 66667/200000", style=dashed];');
  });

  it('counts a single connection in the singular', () => {
    expect(formatTable({ endpoints: [], connections: [connection('a/x', 'a/y', 80, true)] })).toContain('1 connection checked: 1 allowed, 0 denied');
  });
});
