import { describe, expect, it } from 'vitest';
import { formatJson } from './format-json.js';
import { escapeXml, formatJunit } from './format-junit.js';
import { formatMarkdown } from './format-markdown.js';
import { formatSarif } from './format-sarif.js';
import { formatTable, wrapText } from './format-table.js';
import { failuresAtOrAbove, type Report } from './report-model.js';
import { officialSarifSchemaProblems, sarifStructureProblems, xmlWellFormednessProblem } from './test-support/report-checks.js';

const report: Report = {
  command: 'audit',
  toolVersion: '1.2.3',
  rules: [
    { id: 'A1', name: 'default-deny-ingress', summary: 'Ingress is denied by default.', severity: 'error', tags: ['CIS 5.3.2'] },
    { id: 'A2', name: 'dns', summary: 'DNS works.', severity: 'warning' },
  ],
  subjects: ['shop', 'empty'],
  results: [
    {
      ruleId: 'A1',
      severity: 'error',
      status: 'fail',
      subject: 'shop',
      path: 'spec.ingress[0]',
      message: 'Ingress from <other> & "friends" | is allowed by a very long explanation that certainly will not fit on one line of an eighty column terminal.',
      location: { file: 'dir with space/p.yaml', line: 7 },
      policies: ['shop/allow-all'],
    },
    { ruleId: 'A2', severity: 'warning', status: 'pass', subject: 'shop', message: 'DNS ok' },
    { ruleId: 'A2', severity: 'note', status: 'fail', subject: 'shop', message: 'a note' },
  ],
  notes: ['kube-system left out: system namespace'],
};

describe('formatTable', () => {
  it('keeps every line within 80 columns and ends with a summary', () => {
    const lines = formatTable(report).trimEnd().split('\n');
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    expect(lines.at(-1)).toBe('k8s-security audit: 2 namespaces checked, 1 error, 1 note, 1 check passed');
    expect(lines.some((line) => line.startsWith('ERROR   A1     shop spec.ingress[0]'))).toBe(true);
    expect(lines.some((line) => line.startsWith('PASS    A2     shop'))).toBe(true);
  });

  it('wraps words longer than the width instead of overflowing', () => {
    expect(wrapText('a bbbbbbbbbb c', 4)).toEqual(['a', 'bbbb', 'bbbb', 'bb c']);
  });
});

describe('formatJson', () => {
  it('prints the results with a summary that counts failures by severity', () => {
    const parsed = JSON.parse(formatJson(report));
    expect(parsed).toMatchObject({
      reportVersion: 1,
      command: 'audit',
      summary: { subjects: 2, passed: 1, failed: { error: 1, warning: 0, note: 1 } },
    });
    expect(parsed.results[0]).toMatchObject({ ruleId: 'A1', status: 'fail', path: 'spec.ingress[0]', policies: ['shop/allow-all'] });
  });
});

describe('formatSarif', () => {
  it('writes a SARIF 2.1.0 log with rules, pass and fail results and locations', () => {
    const log = JSON.parse(formatSarif(report));
    expect(sarifStructureProblems(log)).toEqual([]);
    expect(officialSarifSchemaProblems(log)).toEqual([]);
    const [run] = log.runs;
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['A1', 'A2']);
    expect(run.results.map((r: { kind: string; level: string }) => `${r.kind}/${r.level}`)).toEqual(['fail/error', 'pass/none', 'fail/note']);
    expect(run.results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'dir%20with%20space/p.yaml' },
      region: { startLine: 7 },
    });
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toContain('kube-system');
  });

  it('has a structure check that rejects a broken log', () => {
    const log = JSON.parse(formatSarif(report));
    log.version = '2.0.0';
    log.runs[0].results[0].level = 'fatal';
    log.runs[0].results[1].ruleIndex = 0;
    delete log.runs[0].results[2].message;
    expect(sarifStructureProblems(log)).toEqual([
      'version must be "2.1.0"',
      'runs[0].results[0].level "fatal" is not a SARIF level',
      'runs[0].results[1].ruleIndex 0 names rule A1, not A2',
      'runs[0].results[2].message needs text or id',
    ]);
  });
});

describe('formatJunit', () => {
  it('writes well-formed XML with one suite per subject and counts that add up', () => {
    const xml = formatJunit(report);
    expect(xmlWellFormednessProblem(xml)).toBeUndefined();
    expect(xml).toContain('<testsuites name="k8s-security audit" tests="4" failures="2" errors="0">');
    expect(xml).toContain('<testsuite name="shop" tests="3" failures="2" errors="0" skipped="0">');
    expect(xml).toContain('<testcase classname="empty" name="audit: no findings"/>');
    expect(xml).toContain('message="Ingress from &lt;other&gt; &amp; &quot;friends&quot; | is allowed');
  });

  it('has a well-formedness check that rejects broken XML', () => {
    expect(xmlWellFormednessProblem('<a><b></a></b>')).toMatch(/closes <b>|expected <\/b>/);
    expect(xmlWellFormednessProblem('<a x="1 & 2"/>')).toMatch(/&/);
    expect(escapeXml('a\u0001b')).toBe('ab');
  });
});

describe('formatMarkdown', () => {
  it('prints one table row per result with pipes escaped, then the notes', () => {
    const markdown = formatMarkdown(report);
    const rows = markdown.split('\n').filter((line) => line.startsWith('| '));
    expect(rows).toHaveLength(2 + report.results.length);
    expect(rows[2]).toContain('\\| is allowed');
    expect(rows[2]).toContain('&lt;other>');
    expect(markdown).toContain('### Notes\n\n- kube-system left out: system namespace');
  });
});

describe('failuresAtOrAbove', () => {
  it('counts failed results at or above the threshold, never passes', () => {
    expect(failuresAtOrAbove(report, 'error').map((r) => r.ruleId)).toEqual(['A1']);
    expect(failuresAtOrAbove(report, 'warning').map((r) => r.ruleId)).toEqual(['A1']);
    expect(failuresAtOrAbove(report, 'note').map((r) => r.ruleId)).toEqual(['A1', 'A2']);
    expect(failuresAtOrAbove(report, 'none')).toEqual([]);
  });
});
