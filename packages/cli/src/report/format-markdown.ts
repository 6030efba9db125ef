/** GitHub-flavoured Markdown: a summary line, a results table and the notes, for PR comments and job summaries. */
import { describeFailureCounts, describeSubjects, type Report, type ReportResult } from './report-model.js';

/** Escapes text for one table cell: pipes, newlines and inline HTML would break the row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, '<br>');
}

function row(values: readonly string[]): string {
  return `| ${values.map(cell).join(' | ')} |`;
}

function statusOf(result: ReportResult): string {
  return result.status === 'pass' ? 'pass' : result.severity;
}

export function formatMarkdown(report: Report): string {
  const title = report.framework ? `## k8s-security ${report.command}: ${report.framework.name}` : `## k8s-security ${report.command}`;
  const lines = [title, '', `${describeSubjects(report)}, ${describeFailureCounts(report)}.`, ''];
  if (report.results.length > 0) {
    const rulesById = new Map(report.rules.map((rule) => [rule.id, rule]));
    lines.push(`| Status | ${report.framework ? 'Control' : 'Rule'} | Subject | Path | Message | Policies |`, '| --- | --- | --- | --- | --- | --- |');
    for (const result of report.results) {
      const rule = rulesById.get(result.ruleId);
      const ruleText = rule ? `${rule.id} ${rule.name}` : result.ruleId;
      lines.push(
        row([statusOf(result), ruleText, result.subject, result.path ?? '', result.message, (result.policies ?? []).join(', ')]),
      );
    }
    lines.push('');
  }
  if (report.notes.length > 0) {
    lines.push('### Notes', '', ...report.notes.map((note) => `- ${note.replace(/\r?\n/g, ' ')}`), '');
  }
  return `${lines.join('\n')}`;
}
