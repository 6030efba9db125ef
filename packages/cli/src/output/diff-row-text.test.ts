import { describe, expect, it } from 'vitest';
import type { DiffRow } from './diff-formats.js';
import { OPENED_ROWS } from '../test-support/diff-row-templates.js';
import { FROM_MARK, jsonInnerId, pairText, renderRows, type DiffRowTemplate, type RowFormat } from './diff-row-text.js';

const opened = OPENED_ROWS;
const closed: DiffRowTemplate = { ...opened, change: 'closed', ports: ['8080/TCP'], cause: 'allowed in OLD: no policy isolated either end' };

const json: RowFormat = { row: (row) => `,\n${JSON.stringify(row)}`, slot: jsonInnerId };
const table: RowFormat = { row: (row, id) => `${row.change} ${id(row.from)} ${id(row.to)} ${row.ports.join(',')}\n`, slot: (id) => id.padEnd(12) };

/** What the format writes when each row of the pair is rendered on its own. */
function direct(format: RowFormat, rows: readonly DiffRowTemplate[], from: string, to: string): string {
  return rows.map((row) => format.row({ ...row, from, to } as DiffRow, format.slot)).join('');
}

describe('diff row text', () => {
  it('writes a pair exactly as rendering its rows directly would, in JSON and in a padded table', () => {
    for (const format of [json, table]) {
      const rendered = renderRows([opened, closed], format);
      expect(rendered.pieces).toBeDefined();
      expect(pairText(rendered, format, 'monitoring/prometheus', 'shop/db')).toBe(direct(format, [opened, closed], 'monitoring/prometheus', 'shop/db'));
      // The same rendering serves every pair; ids that need escaping are escaped.
      expect(pairText(rendered, format, 'a/"quoted"', 'b\\c')).toBe(direct(format, [opened, closed], 'a/"quoted"', 'b\\c'));
    }
  });

  it('keeps text beyond ASCII intact, Latin-1 or not', () => {
    const named: DiffRowTemplate = { ...opened, cause: 'allowed in NEW by shop/grüße ingress rule 0', location: { file: 'deploy/日本/policies.yaml', line: 3 } };
    const rendered = renderRows([named, closed], json);
    expect(pairText(rendered, json, 'shop/web', 'shop/db')).toBe(direct(json, [named, closed], 'shop/web', 'shop/db'));
  });

  it('renders pair by pair when a policy or file name holds a marker character', () => {
    const hostile: DiffRowTemplate = { ...opened, cause: `allowed in NEW by shop/x${FROM_MARK} ingress rule 0`, location: { file: `x${FROM_MARK}.yaml`, line: 1 } };
    const rendered = renderRows([hostile], json);
    expect(rendered.pieces).toBeUndefined();
    const text = pairText(rendered, json, 'shop/web', 'shop/db');
    expect(text).toBe(direct(json, [hostile], 'shop/web', 'shop/db'));
    expect(JSON.parse(text.slice(2))).toMatchObject({ from: 'shop/web', to: 'shop/db', cause: hostile.cause });
  });
});
