/** Picks the formatter for `--output`. */
import { formatJson } from './format-json.js';
import { formatJunit } from './format-junit.js';
import { formatMarkdown } from './format-markdown.js';
import { formatSarif } from './format-sarif.js';
import { formatTable } from './format-table.js';
import { plainText, type Paint } from '../conventions/terminal.js';
import type { Report, ReportFormat } from './report-model.js';

/** The report in `format`; `paint` colours the table, the one format meant for a terminal. */
export function formatReport(report: Report, format: ReportFormat, paint: Paint = plainText): string {
  switch (format) {
    case 'table':
      return formatTable(report, 80, paint);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'junit':
      return formatJunit(report);
    case 'md':
      return formatMarkdown(report);
  }
}
