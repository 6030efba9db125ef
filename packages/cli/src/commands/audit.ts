/** `k8s-security audit`: semantic default-deny audit of namespaces, from manifests or a live cluster. */
import { parseArgs } from 'node:util';
import { AUDIT_CHECK_LIST, AnalyzerInputError, auditNamespaces, type AuditResult } from '@k8s-security-pro/core';
import { UsageError, stdoutPaint, type CommandIo } from '../io.js';
import { formatReport } from '../report/format-report.js';
import { failuresAtOrAbove, type Report, type ReportLocation } from '../report/report-model.js';
import { REPORT_OPTIONS_USAGE, cliVersion, parseFailOn, parseReportFormat } from '../report/report-options.js';
import { readClusterObjects } from './audit-cluster.js';
import { describePaths } from '../conventions/progress.js';
import { frameworkReport, parseFramework } from './audit-framework.js';
import { readManifestInputs, type ManifestDocument } from './lint-input.js';

export const AUDIT_USAGE = `Usage: k8s-security audit PATH... [options]
       k8s-security audit --kubeconfig FILE [--context NAME] [options]

Checks each namespace for real default-deny semantics with the reachability
analyzer: AUD001 default-deny ingress, AUD002 default-deny egress, AUD003
intra-namespace traffic both ways, AUD004 DNS bound to the DNS pods on UDP and
TCP 53, AUD005 who else can reach it. An allow-all policy does not pass.
Reads manifests (files, folders) or a live cluster (read-only list calls).

Options:
${REPORT_OPTIONS_USAGE}
  --kubeconfig FILE  read the cluster of this kubeconfig instead of files
  --context NAME     kubeconfig context to use (default: its current context)
  --include NS       also audit NS (repeat or comma-separate); system
                     namespaces are left out unless included
  --exclude NS       leave NS out (repeat or comma-separate)
  --framework NAME   group the verdicts by the controls of pci-dss, soc2, hipaa,
                     cis or mitre: one result per control and namespace, passed
                     when every check mapped to the control passed

Exit codes: 0 all checks at or above --fail-on pass, 1 one fails, 2 bad usage
or input.`;

const splitList = (values: readonly string[] | undefined) =>
  (values ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');

/** Where each NetworkPolicy of the input sits, by `namespace/name`, to locate audit results in files. */
export function policyLocations(documents: readonly ManifestDocument[]): Map<string, ReportLocation> {
  const locations = new Map<string, ReportLocation>();
  for (const { file, line, object } of documents) {
    const { kind, metadata } = object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (kind !== 'NetworkPolicy' || typeof metadata?.name !== 'string') continue;
    const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
    if (!locations.has(`${namespace}/${metadata.name}`)) locations.set(`${namespace}/${metadata.name}`, { file, line });
  }
  return locations;
}

/**
 * Turns an audit result into the shared report: one result per namespace and check, located at
 * the first policy behind the verdict when the input came from files.
 */
export function auditReport(result: AuditResult, source: string, locations: ReadonlyMap<string, ReportLocation> = new Map()): Report {
  return {
    command: 'audit',
    toolVersion: cliVersion(),
    rules: AUDIT_CHECK_LIST.map((check) => ({ id: check.id, name: check.name, summary: check.summary, severity: check.severity, tags: check.controls })),
    subjects: result.namespaces.map((entry) => entry.namespace),
    results: result.namespaces.flatMap((entry) =>
      entry.checks.map((check) => ({
        ruleId: check.checkId,
        severity: check.severity,
        status: check.passed ? ('pass' as const) : ('fail' as const),
        subject: entry.namespace,
        message: check.message,
        policies: check.policies,
        ...locationOf(check.policies, locations),
      })),
    ),
    notes: [
      `source: ${source}`,
      ...result.skipped.map((skip) => `${skip.namespace} not audited: ${skip.reason}`),
      ...(result.namespaces.length === 0 ? ['no namespace was audited'] : []),
      ...result.notes,
    ],
  };
}

function locationOf(policies: readonly string[], locations: ReadonlyMap<string, ReportLocation>): { location?: ReportLocation } {
  const location = policies.map((policy) => locations.get(policy)).find((found) => found !== undefined);
  return location ? { location } : {};
}

export async function audit(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      framework: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const format = parseReportFormat(values.output);
  const failOn = parseFailOn(values['fail-on']);
  const framework = parseFramework(values.framework);
  if (values.kubeconfig !== undefined && positionals.length > 0) {
    throw new UsageError('audit reads either files or a cluster: give PATH... or --kubeconfig, not both');
  }
  if (values.kubeconfig === undefined && values.context !== undefined) throw new UsageError('--context needs --kubeconfig FILE');
  if (values.kubeconfig === undefined && positionals.length === 0) {
    throw new UsageError('audit needs files or a cluster: k8s-security audit PATH... or --kubeconfig FILE');
  }

  let objects: readonly unknown[];
  let source: string;
  let locations = new Map<string, ReportLocation>();
  if (values.kubeconfig !== undefined) {
    io.progress?.(`reading the cluster of ${values.kubeconfig}`);
    ({ objects, source } = await readClusterObjects(values.kubeconfig, values.context, io.cwd));
  } else {
    io.progress?.(`reading ${describePaths(positionals)}`);
    const documents = await readManifestInputs(positionals, io.cwd);
    objects = documents.map((document) => document.object);
    locations = policyLocations(documents);
    source = positionals.join(', ');
  }
  let result: AuditResult;
  io.progress?.(`auditing ${objects.length} objects`);
  try {
    result = auditNamespaces(objects, { include: splitList(values.include), exclude: splitList(values.exclude) });
  } catch (error) {
    if (error instanceof AnalyzerInputError) throw new UsageError(error.message);
    throw error;
  }
  const report = framework ? frameworkReport(result, framework, source, locations) : auditReport(result, source, locations);
  io.stdout.write(formatReport(report, format, stdoutPaint(io)));
  return failuresAtOrAbove(report, failOn).length > 0 ? 1 : 0;
}
