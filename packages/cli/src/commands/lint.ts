/**
 * `k8s-security lint PATH...`: checks NetworkPolicy, ClusterNetworkPolicy/AdminNetworkPolicy and
 * Cilium manifests against the pitfall rules. Input without any policy lint checks is refused
 * (exit 2), so a folder of kinds lint cannot read never passes as clean.
 */
import { parseArgs } from 'node:util';
import {
  LINTED_KINDS,
  LINT_RULES,
  lintManifests,
  parseRuleIdList,
  policyRefLabel,
  unknownLintRuleIds,
  type LintResult,
  type OtherObjects,
  type SourcedObject,
} from '@k8s-security-pro/core';
import { UsageError, stdoutPaint, type CommandIo } from '../io.js';
import { formatReport } from '../report/format-report.js';
import { failuresAtOrAbove, type Report } from '../report/report-model.js';
import { REPORT_OPTIONS_USAGE, cliVersion, parseFailOn, parseReportFormat } from '../report/report-options.js';
import { describePaths } from '../conventions/progress.js';
import { MANIFEST_INPUT_FLAGS, MANIFEST_INPUT_USAGE, printWarnings, readManifestInput } from '../input/manifest-input.js';

export const LINT_USAGE = `Usage: k8s-security lint PATH... [options]

Checks the network policies in YAML/JSON files and folders for known pitfalls
(rules NP001-NP023, documented in docs/lint/): NetworkPolicy,
ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy,
CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy. Pods and workloads in
the input let NP011 check selectors against real labels. Every other kind is
listed as skipped; input without any policy lint checks exits 2 (unless
--allow-empty).

Options:
${REPORT_OPTIONS_USAGE}
  --disable IDS      comma-separated rule ids to skip, e.g. NP003,NP005
                     (per policy: annotation k8s-security-pro.io/lint-disable)
${MANIFEST_INPUT_USAGE.replace('COMMAND', 'lint')}

Exit codes: 0 clean, 1 failures at or above --fail-on, 2 bad usage or input.`;

/** The kinds lint checks, grouped by API version: `NetworkPolicy (networking.k8s.io/v1), ...`. */
export function lintedKindsText(): string {
  const byVersion = new Map<string, string[]>();
  for (const { kind, apiVersion } of LINTED_KINDS) byVersion.set(apiVersion, [...(byVersion.get(apiVersion) ?? []), kind]);
  return [...byVersion].map(([apiVersion, kinds]) => `${kinds.join(', ')} (${apiVersion})`).join(', ');
}

const objectCount = (entry: OtherObjects) => `${entry.count} ${entry.kind} ${entry.count === 1 ? 'object' : 'objects'}`;

/** One note per kind lint did not check: what it was used for, or that it was skipped. */
export function otherObjectNotes(others: readonly OtherObjects[]): string[] {
  return others.map((entry) =>
    entry.use === 'context'
      ? `read ${objectCount(entry)} as context (labels for the rules), not as policies`
      : `skipped ${objectCount(entry)}: lint does not check this kind`,
  );
}

/** Turns a lint result into the shared report, with file locations from the input documents. */
export function lintReport(result: LintResult, documents: readonly SourcedObject[], notes: readonly string[] = []): Report {
  const subjectOf = policyRefLabel;
  return {
    command: 'lint',
    toolVersion: cliVersion(),
    rules: LINT_RULES.map((rule) => ({
      id: rule.id,
      name: rule.name,
      summary: rule.summary,
      severity: rule.severity,
      docPath: `docs/lint/${rule.id}.md`,
    })),
    subjects: [...new Set(result.policies.map(subjectOf))],
    results: result.findings.map((finding) => {
      const document = documents[finding.policy.objectIndex];
      return {
        ruleId: finding.ruleId,
        severity: finding.severity,
        status: 'fail' as const,
        subject: subjectOf(finding.policy),
        path: finding.path,
        message: finding.message,
        ...(document ? { location: { file: document.file, line: document.line } } : {}),
      };
    }),
    notes: [...notes, ...otherObjectNotes(result.otherObjects), ...(result.policies.length === 0 ? [`the input holds no policy lint checks (${lintedKindsText()})`] : [])],
  };
}

export async function lint(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { output: { type: 'string', short: 'o' }, 'fail-on': { type: 'string' }, disable: { type: 'string', multiple: true }, ...MANIFEST_INPUT_FLAGS },
    allowPositionals: true,
    strict: true,
  });
  const format = parseReportFormat(values.output);
  const failOn = parseFailOn(values['fail-on']);
  const disabledRules = (values.disable ?? []).flatMap(parseRuleIdList);
  const unknown = unknownLintRuleIds(disabledRules);
  if (unknown.length > 0) {
    throw new UsageError(`--disable names unknown rule ${unknown.join(', ')}: rules are ${LINT_RULES.map((r) => r.id).join(', ')}`);
  }
  if (positionals.length === 0) throw new UsageError('lint needs at least one file or folder, or - for stdin: k8s-security lint PATH...');

  io.progress?.(`reading ${describePaths(positionals)}`);
  const input = await readManifestInput(positionals, io, { command: 'lint', skipInvalid: values['skip-invalid'], allowEmpty: values['allow-empty'] });
  printWarnings(input.warnings, io);
  io.progress?.(`checking ${input.objects.length} objects`);
  const result = lintManifests(input.objects.map((d) => d.object), { disabledRules });
  if (result.policies.length === 0 && input.objects.length > 0 && !values['allow-empty']) {
    // Nothing checked is not "clean": say what was found and what lint reads.
    throw new UsageError(
      `no policy lint can check in ${positionals.join(', ')}: found ${result.otherObjects.map(objectCount).join(', ')}; ` +
        `lint checks ${lintedKindsText()}. Pass --allow-empty to accept input without policies`,
    );
  }
  const report = lintReport(result, input.objects, input.notes);
  io.stdout.write(formatReport(report, format, stdoutPaint(io)));
  return failuresAtOrAbove(report, failOn).length > 0 ? 1 : 0;
}
