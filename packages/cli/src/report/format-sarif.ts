/**
 * SARIF 2.1.0 (OASIS), the format code-scanning services ingest. Failed results get the rule's
 * level; passed audit checks are kept as `kind: "pass"` results so the log records what held.
 *
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import type { Log, Notification, PhysicalLocation, ReportingDescriptor, Result, Run } from 'sarif';
import type { Report, ReportResult } from './report-model.js';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** A file and line as a SARIF physical location (forward slashes, URI-encoded). */
export function sarifPhysicalLocation(location: { readonly file: string; readonly line: number }): PhysicalLocation {
  return { artifactLocation: { uri: encodeURI(location.file.split('\\').join('/')) }, region: { startLine: location.line } };
}

/** The run's invocation carrying `notes` as tool notifications; nothing when there are none. */
export function sarifNotifications(notes: readonly { readonly level: NonNullable<Notification['level']>; readonly text: string }[]): Pick<Run, 'invocations'> {
  if (notes.length === 0) return {};
  return { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notes.map(({ level, text }) => ({ level, message: { text } })) }] };
}

function sarifResult(result: ReportResult, ruleIndex: number): Result {
  const logicalName = result.path ? `${result.subject}:${result.path}` : result.subject;
  return {
    ruleId: result.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    kind: result.status === 'pass' ? 'pass' : 'fail',
    level: result.status === 'pass' ? 'none' : result.severity,
    message: { text: result.message },
    locations: [
      {
        ...(result.location ? { physicalLocation: sarifPhysicalLocation(result.location) } : {}),
        logicalLocations: [{ fullyQualifiedName: logicalName, kind: 'resource' }],
      },
    ],
    ...(result.policies && result.policies.length > 0 ? { properties: { policies: result.policies } } : {}),
  };
}

export function formatSarif(report: Report): string {
  const ruleIds = report.rules.map((rule) => rule.id);
  // Typed with @types/sarif (generated from the 2.1.0 schema), so the compiler checks the structure.
  const log: Log = {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: `k8s-security ${report.command}`,
            version: report.toolVersion,
            rules: report.rules.map((rule): ReportingDescriptor => ({
              id: rule.id,
              name: rule.name,
              shortDescription: { text: rule.summary },
              defaultConfiguration: { level: rule.severity },
              ...(rule.docPath ? { help: { text: `See ${rule.docPath} in the k8s-security-pro repository.` } } : {}),
              ...(rule.tags && rule.tags.length > 0 ? { properties: { tags: [...rule.tags] } } : {}),
            })),
          },
        },
        results: report.results.map((result) => sarifResult(result, ruleIds.indexOf(result.ruleId))),
        ...sarifNotifications(report.notes.map((text) => ({ level: 'note', text }))),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
