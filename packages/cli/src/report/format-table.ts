/** Plain-text table for terminals: every line fits in `width` columns (80 by default). */
import { plainText, type Paint, type Style } from '../conventions/terminal.js';
import { describeFailureCounts, describeSubjects, type Report, type ReportResult } from './report-model.js';

const STATUS_WIDTH = 8;
/** Rule ids are AUD001 or NP001; framework controls (`HIPAA 164.312(a)(1)`) widen the column. */
const MIN_RULE_WIDTH = 7;
const INDENT = ' '.repeat(STATUS_WIDTH + MIN_RULE_WIDTH);

/** Breaks `text` into lines of at most `width` characters, splitting long words if needed. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (let word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      while (word.length > width) {
        if (line !== '') lines.push(line);
        lines.push(word.slice(0, width));
        word = word.slice(width);
        line = '';
      }
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    if (line !== '') lines.push(line);
  }
  return lines;
}

function statusLabel(result: ReportResult): string {
  return result.status === 'pass' ? 'PASS' : result.severity.toUpperCase();
}

const STATUS_STYLES: Readonly<Record<string, Style>> = { PASS: 'green', ERROR: 'red', WARNING: 'yellow', NOTE: 'cyan' };

function resultLines(result: ReportResult, width: number, ruleWidth: number, paint: Paint): string[] {
  const bodyWidth = width - INDENT.length;
  const head = [result.subject, result.path].filter((part) => part !== undefined && part !== '').join(' ');
  const [first = '', ...rest] = wrapText(head, width - STATUS_WIDTH - ruleWidth);
  const label = statusLabel(result);
  const status = `${paint(label, STATUS_STYLES[label] ?? 'cyan')}${' '.repeat(Math.max(1, STATUS_WIDTH - label.length))}`;
  const lines = [`${status}${result.ruleId.padEnd(ruleWidth)}${first}`];
  const body = [...rest, ...wrapText(result.message, bodyWidth)];
  if (result.policies && result.policies.length > 0) body.push(...wrapText(`policies: ${result.policies.join(', ')}`, bodyWidth));
  if (result.location) body.push(...wrapText(`at ${result.location.file}:${result.location.line}`, bodyWidth));
  return [...lines, ...body.map((line) => `${INDENT}${line}`)];
}

/** The report as a table; `paint` colours the status column (plain text by default). */
export function formatTable(report: Report, width = 80, paint: Paint = plainText): string {
  const lines: string[] = [];
  if (report.results.length > 0) {
    const ruleWidth = Math.max(MIN_RULE_WIDTH, ...report.results.map((result) => result.ruleId.length + 1));
    const ruleHeader = report.framework ? 'CONTROL' : 'RULE';
    lines.push(`${'STATUS'.padEnd(STATUS_WIDTH)}${ruleHeader.padEnd(ruleWidth)}${report.command === 'lint' ? 'POLICY PATH' : 'NAMESPACE'}`);
    for (const result of report.results) lines.push(...resultLines(result, width, ruleWidth, paint));
    lines.push('');
  }
  for (const note of report.notes) lines.push(...wrapText(`note: ${note}`, width));
  const passed = report.results.filter((r) => r.status === 'pass').length;
  const noun = report.framework ? 'control' : 'check';
  const checked = report.command === 'audit' ? `, ${passed} ${noun}${passed === 1 ? '' : 's'} passed` : '';
  lines.push(...wrapText(`k8s-security ${report.command}: ${describeSubjects(report)}, ${describeFailureCounts(report)}${checked}`, width));
  return `${lines.join('\n')}\n`;
}
