/**
 * What `k8s-security verify` prints: a table for people, JSON for scripts, JUnit XML for CI test
 * views (one testcase per assertion) and SARIF for code-scanning services.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { ExpectationResult, ExpectationsReport } from '@k8s-security-pro/core/analyzer';
import { escapeXml } from '../report/format-junit.js';
import { SARIF_SCHEMA_URI, SARIF_VERSION } from '../report/format-sarif.js';

export const VERIFY_OUTPUT_FORMATS = ['table', 'json', 'junit', 'sarif'] as const;
export type VerifyOutputFormat = (typeof VERIFY_OUTPUT_FORMATS)[number];

/** The version of verify's JSON output; bumped on any incompatible change. */
export const VERIFY_JSON_VERSION = 1;

/** What a report is about: the expectations file and where the cluster came from. */
export interface VerifyRun {
  readonly report: ExpectationsReport;
  readonly expectationsFile: string;
  readonly source: string;
  readonly toolVersion: string;
}

const STATUS_WORD = { pass: 'PASS', fail: 'FAIL', vacuous: 'VACUOUS' } as const;

function counterExampleLines(result: ExpectationResult): string[] {
  const lines = result.counterExamples.map(
    (example) => `${example.from} -> ${example.to} ${example.ports.join(', ')}: ${example.explanation}`,
  );
  const shownPairs = new Set(result.counterExamples.map((example) => `${example.from} ${example.to}`)).size;
  const more = result.violations - shownPairs;
  return more > 0 ? [...lines, `... and ${more} more endpoint pair${more === 1 ? '' : 's'} (--max-examples N shows more)`] : lines;
}

/** `3 passed, 1 failed, 0 vacuous`. */
export function verifySummary(report: ExpectationsReport): string {
  return `${report.passed} passed, ${report.failed} failed, ${report.vacuous} vacuous`;
}

function formatTable(run: VerifyRun): string {
  const { report } = run;
  const idWidth = Math.max(2, ...report.results.map((result) => result.id.length));
  const lines = [`${'RESULT'.padEnd(8)}${'ID'.padEnd(idWidth + 2)}ASSERTION`];
  for (const result of report.results) {
    lines.push(`${STATUS_WORD[result.status].padEnd(8)}${result.id.padEnd(idWidth + 2)}${result.statement}`);
    if (result.status !== 'pass') {
      lines.push(`${' '.repeat(idWidth + 10)}${result.observed}`);
      for (const line of counterExampleLines(result)) lines.push(`${' '.repeat(idWidth + 12)}${line}`);
    }
  }
  lines.push('', `k8s-security verify: ${report.name} (${run.expectationsFile}) on ${run.source}: ${verifySummary(report)}`);
  return `${lines.join('\n')}\n`;
}

function formatJson(run: VerifyRun): string {
  const { report } = run;
  return `${JSON.stringify(
    {
      version: VERIFY_JSON_VERSION,
      expectations: { name: report.name, file: run.expectationsFile },
      source: run.source,
      summary: { total: report.results.length, passed: report.passed, failed: report.failed, vacuous: report.vacuous },
      results: report.results,
    },
    null,
    2,
  )}\n`;
}

function formatJunit(run: VerifyRun): string {
  const { report } = run;
  const failures = report.failed + report.vacuous;
  const cases = report.results.map((result) => {
    const open = `    <testcase classname="${escapeXml(report.name)}" name="${escapeXml(result.id)}"`;
    if (result.status === 'pass') return `${open}/>`;
    const body = [result.statement, result.observed, ...counterExampleLines(result)].join('\n');
    return [`${open}>`, `      <failure type="${result.status}" message="${escapeXml(result.observed)}">${escapeXml(body)}</failure>`, '    </testcase>'].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="k8s-security verify" tests="${report.results.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="${escapeXml(report.name)}" tests="${report.results.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function formatSarif(run: VerifyRun): string {
  const { report } = run;
  const rules = report.results.map((result): ReportingDescriptor => ({
    id: result.id,
    shortDescription: { text: result.statement },
    ...(result.description ? { fullDescription: { text: result.description } } : {}),
    defaultConfiguration: { level: 'error' },
  }));
  const results = report.results.map(
    (result, ruleIndex): Result => ({
      ruleId: result.id,
      ruleIndex,
      kind: result.status === 'pass' ? 'pass' : 'fail',
      level: result.status === 'pass' ? 'none' : 'error',
      message: { text: [result.observed, ...counterExampleLines(result)].join('\n') },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(run.expectationsFile.split('\\').join('/')) } }, logicalLocations: [{ fullyQualifiedName: `${report.name}/${result.id}`, kind: 'resource' }] }],
      properties: { status: result.status, pairs: result.pairs, violations: result.violations, counterExamples: result.counterExamples },
    }),
  );
  const log: Log = {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [{ tool: { driver: { name: 'k8s-security verify', version: run.toolVersion, rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The report in `format`. */
export function formatVerifyReport(run: VerifyRun, format: VerifyOutputFormat): string {
  switch (format) {
    case 'table':
      return formatTable(run);
    case 'json':
      return formatJson(run);
    case 'junit':
      return formatJunit(run);
    case 'sarif':
      return formatSarif(run);
  }
}
