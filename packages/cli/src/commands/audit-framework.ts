/**
 * `audit --framework`: the audit regrouped by the controls of one compliance framework. Each
 * result is one control in one namespace; it passes when every audit check mapped to the control
 * passed there. Controls that no check decides are listed in the notes as manual, never as passed.
 */
import {
  AUDIT_CHECK_LIST,
  FRAMEWORK_IDS,
  complianceFramework,
  controlTag,
  controlVerdicts,
  type AuditResult,
  type ComplianceFramework,
  type FrameworkId,
} from '@k8s-security-pro/core';
import { UsageError } from '../io.js';
import { REPORT_SEVERITIES, type Report, type ReportLocation, type ReportResult, type ReportSeverity } from '../report/report-model.js';
import { auditReport } from './audit.js';

export function parseFramework(value: string | undefined): ComplianceFramework | undefined {
  if (value === undefined) return undefined;
  if (!(FRAMEWORK_IDS as readonly string[]).includes(value)) {
    throw new UsageError(`--framework "${value}" is not a framework: use one of ${FRAMEWORK_IDS.join(', ')}`);
  }
  return complianceFramework(value as FrameworkId);
}

/** `PCI DSS v4.0 (...)`, as notes and headers cite it. */
export function frameworkCitation(framework: ComplianceFramework): string {
  const { title, publisher, version, published } = framework.source;
  return `${title === framework.name ? '' : `${framework.name}: `}${title}, ${publisher}, ${version}${published ? `, ${published}` : ''} (${framework.source.url})`;
}

const severityRank = (severity: ReportSeverity) => REPORT_SEVERITIES.indexOf(severity);

/** The audit as one result per control and namespace, with the checks behind each verdict. */
export function frameworkReport(
  result: AuditResult,
  framework: ComplianceFramework,
  source: string,
  locations: ReadonlyMap<string, ReportLocation> = new Map(),
): Report {
  const byCheck = auditReport(result, source, locations);
  const checkName = new Map(AUDIT_CHECK_LIST.map((check) => [check.id, check.name]));
  const verdicts = controlVerdicts(result, framework);
  const decided = verdicts.filter((verdict) => verdict.status !== 'manual');
  const severityOf = (checks: readonly string[]): ReportSeverity =>
    checks
      .map((id) => AUDIT_CHECK_LIST.find((check) => check.id === id)!.severity)
      .reduce<ReportSeverity>((worst, severity) => (severityRank(severity) < severityRank(worst) ? severity : worst), 'note');

  const results: ReportResult[] = [];
  for (const verdict of decided) {
    for (const entry of verdict.namespaces) {
      const namespace = entry.namespace;
      const tag = controlTag(framework, verdict.control);
      const failed = entry.checks.filter((check) => !check.passed);
      const summary = entry.checks.map((check) => `${check.checkId} ${checkName.get(check.checkId)} ${check.passed ? 'pass' : 'FAIL'}`).join(', ');
      const message =
        failed.length === 0
          ? `the template's part of ${tag} holds in ${namespace}: ${summary}.`
          : `the template's part of ${tag} does not hold in ${namespace}: ${summary}. ${failed.map((check) => `${check.checkId}: ${check.message}`).join(' ')}`;
      const policies = [...new Set(entry.checks.flatMap((check) => check.policies))].sort();
      const location = policies.map((policy) => locations.get(policy)).find((found) => found !== undefined);
      results.push({
        ruleId: tag,
        severity: severityOf(verdict.control.checks),
        status: failed.length === 0 ? 'pass' : 'fail',
        subject: namespace,
        message,
        policies,
        ...(location ? { location } : {}),
      });
    }
  }
  const manual = verdicts.filter((verdict) => verdict.status === 'manual');
  return {
    command: 'audit',
    toolVersion: byCheck.toolVersion,
    framework: { id: framework.id, name: framework.name, source: frameworkCitation(framework) },
    rules: decided.map((verdict) => ({
      id: controlTag(framework, verdict.control),
      name: verdict.control.citation,
      summary: verdict.control.title,
      severity: severityOf(verdict.control.checks),
      tags: [...verdict.control.checks],
    })),
    subjects: byCheck.subjects,
    results,
    notes: [
      `framework: ${frameworkCitation(framework)}`,
      ...manual.map((verdict) => `${controlTag(framework, verdict.control)} is not decided by the policies (manual): ${verdict.control.contribution} Operator: ${verdict.control.notCovered.join(' ')}`),
      'a control that passes means the template\'s contribution to it holds, not that the control is met: see docs/compliance.md for what each control leaves to the operator',
      ...byCheck.notes,
    ],
  };
}
