/** `k8s-security audit`: semantic default-deny audit of namespaces, from manifests or a live cluster. */
import { parseArgs } from 'node:util';
import { AUDIT_CHECK_LIST, AnalyzerInputError, auditNamespaces, nameOf, namespaceOf, type AuditResult, type SourcedObject } from '@k8s-security-pro/core';
import { UsageError, stdoutPaint, type CommandIo } from '../io.js';
import { formatReport } from '../report/format-report.js';
import { failuresAtOrAbove, type Report, type ReportLocation } from '../report/report-model.js';
import { REPORT_OPTIONS_USAGE, cliVersion, parseFailOn, parseReportFormat } from '../report/report-options.js';
import { describePaths } from '../conventions/progress.js';
import { MANIFEST_INPUT_FLAGS, MANIFEST_INPUT_USAGE, printWarnings, readManifestInput } from '../input/manifest-input.js';
import { LIVE_CLUSTER_FLAGS, LIVE_CLUSTER_USAGE, liveSourceOf } from '../live/live-flags.js';
import { readLiveCluster } from '../live/read-cluster.js';
import { frameworkReport, parseFramework } from './audit-framework.js';

export const AUDIT_USAGE = `Usage: k8s-security audit PATH... [options]
       k8s-security audit --kubeconfig FILE [--context NAME] [options]
       k8s-security audit --context NAME | --cluster [options]

Checks each namespace for real default-deny semantics with the reachability
analyzer: AUD001 default-deny ingress, AUD002 default-deny egress, AUD003
intra-namespace traffic both ways, AUD004 DNS bound to the DNS pods on UDP and
TCP 53, AUD005 who else can reach it, AUD006 the template #14 opt-ins in use
(a note). An allow-all policy does not pass.
Reads manifests (files, folders) or a live cluster (read-only list calls).

Options:
${REPORT_OPTIONS_USAGE}
${LIVE_CLUSTER_USAGE}
${MANIFEST_INPUT_USAGE.replace('COMMAND', 'audit')}
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
export function policyLocations(documents: readonly SourcedObject[]): Map<string, ReportLocation> {
  const locations = new Map<string, ReportLocation>();
  for (const { file, line, object } of documents) {
    const name = nameOf(object);
    if (object.kind !== 'NetworkPolicy' || name === undefined) continue;
    const key = `${namespaceOf(object)}/${name}`;
    if (!locations.has(key)) locations.set(key, { file, line });
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
      ...LIVE_CLUSTER_FLAGS,
      ...MANIFEST_INPUT_FLAGS,
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
  const live = liveSourceOf(values, positionals, io, 'audit');

  let objects: readonly unknown[];
  let source: string;
  let locations = new Map<string, ReportLocation>();
  let readerNotes: string[] = [];
  if (live) {
    io.progress?.('reading the cluster');
    ({ objects, source } = await readLiveCluster(live));
  } else {
    io.progress?.(`reading ${describePaths(positionals)}`);
    const input = await readManifestInput(positionals, io, { command: 'audit', skipInvalid: values['skip-invalid'], allowEmpty: values['allow-empty'] });
    printWarnings(input.warnings, io);
    objects = input.objects.map((document) => document.object);
    locations = policyLocations(input.objects);
    readerNotes = input.notes;
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
  const withNotes = { ...result, notes: [...readerNotes, ...result.notes] };
  const report = framework ? frameworkReport(withNotes, framework, source, locations) : auditReport(withNotes, source, locations);
  io.stdout.write(formatReport(report, format, stdoutPaint(io)));
  return failuresAtOrAbove(report, failOn).length > 0 ? 1 : 0;
}
