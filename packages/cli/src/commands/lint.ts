/** `k8s-security lint PATH...`: checks NetworkPolicy manifests against the pitfall rules. */
import { parseArgs } from 'node:util';
import { LINT_RULES, lintManifests, parseRuleIdList, unknownLintRuleIds, type LintResult, type SourcedObject } from '@k8s-security-pro/core';
import { UsageError, stdoutPaint, type CommandIo } from '../io.js';
import { formatReport } from '../report/format-report.js';
import { failuresAtOrAbove, type Report } from '../report/report-model.js';
import { REPORT_OPTIONS_USAGE, cliVersion, parseFailOn, parseReportFormat } from '../report/report-options.js';
import { describePaths } from '../conventions/progress.js';
import { MANIFEST_INPUT_FLAGS, MANIFEST_INPUT_USAGE, printWarnings, readManifestInput } from '../input/manifest-input.js';

export const LINT_USAGE = `Usage: k8s-security lint PATH... [options]

Checks the NetworkPolicies in YAML/JSON files and folders for known pitfalls
(rules NP001-NP012, documented in docs/lint/). Pods and workloads in the input
let NP011 check selectors against real labels.

Options:
${REPORT_OPTIONS_USAGE}
  --disable IDS      comma-separated rule ids to skip, e.g. NP003,NP005
                     (per policy: annotation k8s-security-pro.io/lint-disable)
${MANIFEST_INPUT_USAGE.replace('COMMAND', 'lint')}

Exit codes: 0 clean, 1 failures at or above --fail-on, 2 bad usage or input.`;

/** Turns a lint result into the shared report, with file locations from the input documents. */
export function lintReport(result: LintResult, documents: readonly SourcedObject[], notes: readonly string[] = []): Report {
  const subjectOf = (ref: { namespace: string; name: string }) => `${ref.namespace}/${ref.name}`;
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
    notes: [...notes, ...(result.policies.length === 0 ? ['the input holds no NetworkPolicy'] : [])],
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
  const report = lintReport(lintManifests(input.objects.map((d) => d.object), { disabledRules }), input.objects, input.notes);
  io.stdout.write(formatReport(report, format, stdoutPaint(io)));
  return failuresAtOrAbove(report, failOn).length > 0 ? 1 : 0;
}
