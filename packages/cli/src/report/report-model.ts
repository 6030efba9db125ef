/**
 * The report that `lint` and `audit` both print. Commands build one; the formatters in this
 * folder turn it into table, JSON, SARIF, JUnit or Markdown text.
 */

/** Severities named as SARIF names its levels, most serious first. */
export type ReportSeverity = 'error' | 'warning' | 'note';

export const REPORT_SEVERITIES: readonly ReportSeverity[] = ['error', 'warning', 'note'];

/** A rule (lint) or check (audit) that results refer to. */
export interface ReportRule {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
  readonly severity: ReportSeverity;
  /** Repository-relative page that documents the rule. */
  readonly docPath?: string;
  /** Benchmark controls and techniques, e.g. `CIS 5.3.2`, `MITRE T1021`. */
  readonly tags?: readonly string[];
}

export interface ReportLocation {
  readonly file: string;
  /** 1-based line where the object's document starts. */
  readonly line: number;
}

export interface ReportResult {
  readonly ruleId: string;
  readonly severity: ReportSeverity;
  /** Lint reports failures only; audit reports every check, passed or failed. */
  readonly status: 'pass' | 'fail';
  /** What was examined: `namespace/policy` for lint, the namespace for audit. */
  readonly subject: string;
  /** Field path inside the subject, when there is one. */
  readonly path?: string;
  /** What was found and, for failures, how to fix it. */
  readonly message: string;
  readonly location?: ReportLocation;
  /** Policies behind the verdict, as `namespace/name`. */
  readonly policies?: readonly string[];
}

export interface Report {
  /** `lint` or `audit`: names the run in every format. */
  readonly command: 'lint' | 'audit';
  readonly toolVersion: string;
  /** Set when `audit --framework` groups the results by control: rules are then the framework's controls. */
  readonly framework?: { readonly id: string; readonly name: string; readonly source: string };
  readonly rules: readonly ReportRule[];
  /** Everything examined, in output order, including subjects with no result. */
  readonly subjects: readonly string[];
  readonly results: readonly ReportResult[];
  /** Sentences printed after the results: scope, skipped namespaces, limits. */
  readonly notes: readonly string[];
}

export const REPORT_FORMATS = ['table', 'json', 'sarif', 'junit', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** `--fail-on` values: a severity, or `none` to always exit 0 when the run completes. */
export const FAIL_ON_VALUES = ['error', 'warning', 'note', 'none'] as const;
export type FailOn = (typeof FAIL_ON_VALUES)[number];

/** Failed results at or above `failOn`: a non-empty list means exit code 1. */
export function failuresAtOrAbove(report: Report, failOn: FailOn): ReportResult[] {
  if (failOn === 'none') return [];
  const threshold = REPORT_SEVERITIES.indexOf(failOn);
  return report.results.filter((result) => result.status === 'fail' && REPORT_SEVERITIES.indexOf(result.severity) <= threshold);
}

/** Counts of failed results by severity. */
export function countFailures(report: Report): Record<ReportSeverity, number> {
  const counts: Record<ReportSeverity, number> = { error: 0, warning: 0, note: 0 };
  for (const result of report.results) if (result.status === 'fail') counts[result.severity]++;
  return counts;
}

/** `1 error, 2 warnings`: the summary words every format shares. */
export function describeFailureCounts(report: Report): string {
  const counts = countFailures(report);
  const parts = REPORT_SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(', ') : 'no failures';
}

/** `3 policies checked` or `1 namespace checked`: what a run covered. */
export function describeSubjects(report: Report): string {
  const count = report.subjects.length;
  const noun = report.command === 'lint' ? (count === 1 ? 'policy' : 'policies') : count === 1 ? 'namespace' : 'namespaces';
  return `${count} ${noun} checked`;
}
