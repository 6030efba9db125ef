/** The options `lint` and `audit` share: output format and failure threshold. */
import { createRequire } from 'node:module';
import { UsageError } from '../io.js';
import { FAIL_ON_VALUES, REPORT_FORMATS, type FailOn, type ReportFormat } from './report-model.js';

/** `--fail-on` when not given: warnings fail the run, notes do not. */
export const DEFAULT_FAIL_ON: FailOn = 'warning';

export const REPORT_OPTIONS_USAGE = `  -o, --output FMT   table (default, 80 columns), json, sarif, junit or md
  --fail-on LEVEL    exit 1 when a failure at or above LEVEL is found: error,
                     warning (default), note, or none (exit 0 whenever the
                     run completes)`;

export function parseReportFormat(value: string | undefined): ReportFormat {
  const format = value ?? 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--output "${format}" is not a format: use one of ${REPORT_FORMATS.join(', ')}`);
  }
  return format as ReportFormat;
}

export function parseFailOn(value: string | undefined): FailOn {
  const failOn = value ?? DEFAULT_FAIL_ON;
  if (!(FAIL_ON_VALUES as readonly string[]).includes(failOn)) {
    throw new UsageError(`--fail-on "${failOn}" is not a level: use one of ${FAIL_ON_VALUES.join(', ')}`);
  }
  return failOn as FailOn;
}

/** Version of the CLI package, named in SARIF and JSON output. */
export function cliVersion(): string {
  const manifest = createRequire(import.meta.url)('../../package.json') as { version?: string };
  return manifest.version ?? '0.0.0';
}
