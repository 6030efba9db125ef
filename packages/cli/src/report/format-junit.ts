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

/**
 * The controls a rule maps to, as testcase properties (the form pytest and most CI readers use),
 * so a CI report shows which framework control each check or control result stands for.
 */
function controlProperties(properties: readonly Property[]): string[] {
  if (properties.length === 0) return [];
  return ['      <properties>', ...properties.map((property) => `        <property${attributes({ ...property })}/>`), '      </properties>'];
}

interface Property {
  readonly name: 'control' | 'check';
  readonly value: string;
}

/** Audit checks name the controls they decide; framework controls name themselves and their checks. */
function propertiesOf(report: Report): Map<string, Property[]> {
  return new Map(
    report.rules.map((rule) => [
      rule.id,
      report.framework
        ? [{ name: 'control', value: rule.id }, ...(rule.tags ?? []).map((tag): Property => ({ name: 'check', value: tag }))]
        : (rule.tags ?? []).map((tag): Property => ({ name: 'control', value: tag })),
    ]),
  );
}

function testcase(result: ReportResult, suite: string, tags: readonly Property[]): string {
  const name = result.path ? `${result.ruleId} ${result.path}` : result.ruleId;
  const open = `    <testcase${attributes({ classname: suite, name })}`;
  const properties = controlProperties(tags);
  if (result.status === 'pass') return properties.length === 0 ? `${open}/>` : [`${open}>`, ...properties, '    </testcase>'].join('\n');
  const details = [
    result.message,
    ...(result.policies && result.policies.length > 0 ? [`policies: ${result.policies.join(', ')}`] : []),
    ...(result.location ? [`at ${result.location.file}:${result.location.line}`] : []),
  ].join('\n');
  return [
    `${open}>`,
    ...properties,
    `      <failure${attributes({ type: `${result.ruleId} ${result.severity}`, message: result.message.split('\n')[0] ?? '' })}>${escapeXml(details)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

export function formatJunit(report: Report): string {
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  const tagsOf = propertiesOf(report);
  for (const subject of report.subjects) {
    const results = report.results.filter((result) => result.subject === subject);
    const cases =
      results.length > 0
        ? results.map((result) => testcase(result, subject, tagsOf.get(result.ruleId) ?? []))
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
    `<testsuites${attributes({ name: `k8s-security ${report.command}${report.framework ? ` --framework ${report.framework.id}` : ''}`, tests: total, failures, errors: 0 })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
