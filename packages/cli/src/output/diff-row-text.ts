/**
 * The text of diff rows, rendered once per change template and filled in per endpoint pair.
 *
 * Pairs of the same joint classes share their rows (the same ports, causes and locations): a
 * large change repeats one template for hundreds of thousands of pairs. Rendering each row
 * object anew (JSON.stringify of rules and locations, SARIF results indented) made the
 * garbage collector the largest cost of `diff` at 10k workloads. Here a template is rendered
 * once with a marker where the source and destination go, split at the markers, and each pair
 * only joins the pieces with its two endpoint ids.
 */
import { Buffer } from 'node:buffer';
import type { DiffRow } from './diff-formats.js';

/** A row without its endpoints: what every pair of the same joint classes shares. */
export type DiffRowTemplate = Omit<DiffRow, 'from' | 'to'>;

/** Where the source (`from`) and destination (`to`) ids go in a rendered template. */
export const FROM_MARK = '\uE000';
export const TO_MARK = '\uE001';
const MARKS = /[\uE000\uE001]/;

/** How a format writes an endpoint id into its text. */
export type IdText = (id: string) => string;

/** Inside a JSON string (JSON and SARIF): escaped, without the quotes the template already has. */
export const jsonInnerId: IdText = (id) => JSON.stringify(id).slice(1, -1);

const asIs: IdText = (id) => id;

/** How one output format writes a row. */
export interface RowFormat {
  /**
   * The text of one row. `id` writes an endpoint id where the format shows it as a plain cell
   * (the table pads it); formats that build JSON ignore it and let JSON.stringify escape.
   */
  row(row: DiffRow, id: IdText): string;
  /** How an endpoint id replaces a marker in the rendered text. */
  readonly slot: IdText;
}

/**
 * Rows rendered for one format: the text between the endpoint slots, and which endpoint each
 * slot takes. `pieces` is undefined when the template's own text holds a marker character (a
 * hostile policy or file name): such rows are rendered pair by pair instead.
 */
export interface RenderedRows {
  readonly rows: readonly DiffRowTemplate[];
  readonly pieces: readonly string[] | undefined;
  /** For each slot between two pieces: true for `from`, false for `to`. */
  readonly slotIsFrom: readonly boolean[];
}

/** Renders `rows` once with marker ids and splits the text at the markers. */
export function renderRows(rows: readonly DiffRowTemplate[], format: RowFormat): RenderedRows {
  if (rows.some((row) => MARKS.test(JSON.stringify(row)))) return { rows, pieces: undefined, slotIsFrom: [] };
  const text = rows.map((row) => format.row({ ...row, from: FROM_MARK, to: TO_MARK }, asIs)).join('');
  const pieces: string[] = [];
  const slotIsFrom: boolean[] = [];
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 0xe000 && code !== 0xe001) continue;
    pieces.push(oneByte(text.slice(start, index)));
    slotIsFrom.push(code === 0xe000);
    start = index + 1;
  }
  pieces.push(oneByte(text.slice(start)));
  return { rows, pieces, slotIsFrom };
}

const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * A copy of `piece` that V8 stores one byte per character. A slice of the rendered text keeps
 * its two-byte storage (the markers are not Latin-1), and every pair's text joined from it
 * would be two-byte too: at a million pairs, encoding that output took 20 times longer.
 */
function oneByte(piece: string): string {
  return BEYOND_LATIN1.test(piece) ? piece : Buffer.from(piece, 'latin1').toString('latin1');
}

/** The text of `rendered` for one pair: the pieces joined with the two ids as the format writes them. */
export function pairText(rendered: RenderedRows, format: RowFormat, from: string, to: string): string {
  const { pieces, slotIsFrom } = rendered;
  if (pieces === undefined) return rendered.rows.map((row) => format.row({ ...row, from, to }, format.slot)).join('');
  const fromText = format.slot(from);
  const toText = format.slot(to);
  let text = pieces[0]!;
  for (let slot = 0; slot < slotIsFrom.length; slot++) text += (slotIsFrom[slot] ? fromText : toText) + pieces[slot + 1]!;
  return text;
}
