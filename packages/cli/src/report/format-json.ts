/** Machine-readable JSON: the report as it is, with a summary. Stable key order, two-space indent. */
import { countFailures, type Report } from './report-model.js';

/** Version of the JSON layout; bumped when a field changes meaning or goes away. */
export const JSON_REPORT_VERSION = 1;

export function formatJson(report: Report): string {
  const document = {
    reportVersion: JSON_REPORT_VERSION,
    command: report.command,
    toolVersion: report.toolVersion,
    ...(report.framework ? { framework: report.framework } : {}),
    summary: {
      subjects: report.subjects.length,
      passed: report.results.filter((result) => result.status === 'pass').length,
      failed: countFailures(report),
    },
    subjects: report.subjects,
    results: report.results,
    notes: report.notes,
    rules: report.rules,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
