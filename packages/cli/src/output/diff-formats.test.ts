import { describe, expect, it } from 'vitest';
import { officialSarifSchemaProblems, sarifStructureProblems } from '../report/test-support/report-checks.js';
import { OPENED_ROWS } from '../test-support/diff-row-templates.js';
import { DiffWriter, SARIF_RESULT_LIMIT, type DiffFrame } from './diff-formats.js';

interface SarifRun {
  results: { properties: { from: string; port: string } }[];
  invocations?: { toolExecutionNotifications: { message: { text: string } }[] }[];
  properties: { resultsOmitted?: number };
}

/** The sarif text of `pairs` pairs, each with the two results of OPENED_ROWS. */
function sarifOf(pairs: number, sarifResultLimit?: number): { run: SarifRun; log: unknown } {
  let text = '';
  const frame: DiffFrame = { format: 'sarif', oldLabel: 'old', newLabel: 'new', added: [], removed: [], widths: { id: 20, ports: 10 }, toolVersion: '0.0.0', sarifResultLimit };
  const writer = new DiffWriter(frame, { write: (chunk: string) => (text += chunk) });
  const rendered = writer.prepare([OPENED_ROWS]);
  for (let i = 0; i < pairs; i++) writer.pair(rendered, `ns/source-${i}`, 'shop/db');
  writer.end({ pairs, opened: pairs * 2, closed: 0 });
  const log = JSON.parse(text) as { runs: SarifRun[] };
  return { run: log.runs[0]!, log };
}

describe('diff -o sarif', () => {
  it('stops at the result limit of code scanning, writing whole pairs, and names what it left out', () => {
    const { run, log } = sarifOf(10, 5);
    expect(sarifStructureProblems(log)).toEqual([]);
    expect(officialSarifSchemaProblems(log)).toEqual([]);
    // Two results per pair: the third pair would pass 5, so it and every later pair are left out.
    expect(run.results.map((result) => `${result.properties.from} ${result.properties.port}`)).toEqual([
      'ns/source-0 5432/TCP',
      'ns/source-0 9187/TCP',
      'ns/source-1 5432/TCP',
      'ns/source-1 9187/TCP',
    ]);
    expect(run.properties.resultsOmitted).toBe(16);
    expect(run.invocations![0]!.toolExecutionNotifications[0]!.message.text).toBe(
      '16 more changed connections are left out: code scanning takes at most 5 results per run. Run k8s-security diff OLD NEW -o json for all of them.',
    );
  });

  it('writes every result and no omission note under the limit', () => {
    const { run, log } = sarifOf(10);
    expect(officialSarifSchemaProblems(log)).toEqual([]);
    expect(run.results).toHaveLength(20);
    expect(run.properties.resultsOmitted).toBeUndefined();
    expect(run.invocations).toBeUndefined();
    expect(SARIF_RESULT_LIMIT).toBe(25_000);
  });
});
