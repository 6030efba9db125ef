/**
 * The fast path of manifest parsing: js-yaml reads plain manifests about five times faster than
 * the `yaml` package, which is most of the cost of `analyze` on a small folder. It is used only
 * where both parsers agree, and answers `undefined` for anything else, so that the `yaml`
 * package (the reference, with located errors and per-document recovery) reads it instead:
 * any syntax error or duplicate key, YAML directives, scalars the two read differently (`+1`,
 * `0b101`), an alias expansion over the bound, or List items whose lines it cannot place.
 */
import jsyaml from 'js-yaml';
import { isRecord } from './object-fields.js';

/** One document read by the fast path: its value and the lines the slow path would report. */
export interface FastDocument {
  readonly line: number;
  readonly object: unknown;
  readonly itemLines?: readonly number[];
}

/**
 * Scalars starting with `+`, and whole binary scalars (`0b101`, `-0b1_0`): js-yaml reads some as
 * numbers where YAML 1.2 core keeps strings. A scalar that only starts with `0b`, like the uid
 * `0b0ace04-8ddb-...` of an exported Pod, reads alike in both and keeps the fast path.
 */
const DIVERGENT_SCALAR = /(?:^\s*|[:-]\s+|[[{,]\s*)(?:\+|[-+]?0b[01_]*(?=[\s,\]}#]|:(?:\s|$)|$))/m;
const DOCUMENT_START = /^---(?=\s|$)/;

/** The documents of `text`, or `undefined` when the reference parser must read it. */
export function parseFast(text: string, maxExpandedNodes: number): FastDocument[] | undefined {
  if (DIVERGENT_SCALAR.test(text) || /^(?:%|\.\.\.(?:\s|$))/m.test(text) || text.includes('\t')) return undefined;
  const lines = text.split('\n');
  const documents: FastDocument[] = [];
  let start = 0;
  for (let i = 1; i <= lines.length; i++) {
    if (i < lines.length && !DOCUMENT_START.test(lines[i]!)) continue;
    const document = readChunk(lines.slice(start, i), start, maxExpandedNodes);
    if (document === undefined) return undefined;
    if (document !== null) documents.push(document);
    start = i;
  }
  return documents;
}

/** One document's lines (from `offset`, 0-based): the document, `null` when empty, `undefined` to fall back. */
function readChunk(chunk: readonly string[], offset: number, maxExpandedNodes: number): FastDocument | null | undefined {
  let body = [...chunk];
  if (body[0] !== undefined && DOCUMENT_START.test(body[0])) {
    // Content after `---` on the marker line (`--- |`, `--- {a: 1}`) is rare: the reference reads it.
    if (body[0].slice(3).trim() !== '' && !body[0].slice(3).trim().startsWith('#')) return undefined;
    body = ['', ...body.slice(1)];
  }
  let object: unknown;
  try {
    object = jsyaml.load(body.join('\n'), { schema: jsyaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (object === null || object === undefined) return null;
  if (expandedSize(object, maxExpandedNodes) > maxExpandedNodes) return undefined;
  const first = body.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const line = offset + first + 1;
  if (!isRecord(object) || !Array.isArray(object.items)) return { line, object };
  const itemLines = listItemLines(body, object.items.length);
  return itemLines ? { line, object, itemLines: itemLines.map((index) => offset + index + 1) } : undefined;
}

/** 0-based lines of the entries of a top-level block sequence `items:`, or `undefined` when they cannot be placed. */
function listItemLines(body: readonly string[], count: number): number[] | undefined {
  if (count === 0) return [];
  const key = body.findIndex((line) => /^items:\s*(#.*)?$/.test(line));
  if (key < 0) return undefined;
  const found: number[] = [];
  let indent: number | undefined;
  for (let i = key + 1; i < body.length; i++) {
    const line = body[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const width = line.length - line.trimStart().length;
    indent ??= width;
    if (width < indent) break;
    if (width === indent) {
      if (!/^-(\s|$)/.test(line.trimStart())) break;
      found.push(i);
    }
  }
  return found.length === count ? found : undefined;
}

/** Nodes of a value with shared references (aliases) counted each time they are reached; stops past `limit`. */
function expandedSize(value: unknown, limit: number): number {
  const sizes = new Map<object, number>();
  const sizeOf = (node: unknown): number => {
    if (typeof node !== 'object' || node === null) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, Number.POSITIVE_INFINITY); // a cycle (a self-referencing alias) never fits
    let size = 1;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      size += sizeOf(child) + (Array.isArray(node) ? 0 : 1);
      if (size > limit) break;
    }
    sizes.set(node, size);
    return size;
  };
  return sizeOf(value);
}
