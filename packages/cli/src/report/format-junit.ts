/**
 * JUnit XML, the format CI systems show as test results: one testsuite per subject (policy or
 * namespace), one testcase per result. A lint subject without findings gets one passing case.
 */
import type { Report, ReportResult } from './report-model.js';

/** Escapes text for XML attributes and character data; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
}

function testcase(result: ReportResult, suite: string): string {
  const name = result.path ? `${result.ruleId} ${result.path}` : result.ruleId;
  const open = `    <testcase${attributes({ classname: suite, name })}`;
  if (result.status === 'pass') return `${open}/>`;
  const details = [
    result.message,
    ...(result.policies && result.policies.length > 0 ? [`policies: ${result.policies.join(', ')}`] : []),
    ...(result.location ? [`at ${result.location.file}:${result.location.line}`] : []),
  ].join('\n');
  return [
    `${open}>`,
    `      <failure${attributes({ type: `${result.ruleId} ${result.severity}`, message: result.message.split('\n')[0] ?? '' })}>${escapeXml(details)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

export function formatJunit(report: Report): string {
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  for (const subject of report.subjects) {
    const results = report.results.filter((result) => result.subject === subject);
    const cases =
      results.length > 0
        ? results.map((result) => testcase(result, subject))
        : [`    <testcase${attributes({ classname: subject, name: `${report.command}: no findings` })}/>`];
    const failed = results.filter((result) => result.status === 'fail').length;
    total += cases.length;
    failures += failed;
    suites.push(
      [`  <testsuite${attributes({ name: subject, tests: cases.length, failures: failed, errors: 0, skipped: 0 })}>`, ...cases, '  </testsuite>'].join('\n'),
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: `k8s-security ${report.command}`, tests: total, failures, errors: 0 })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
