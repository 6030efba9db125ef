/**
 * Parses manifest text (multi-document YAML, or JSON) into documents that remember their file
 * and line. Pure: the CLI reads the bytes, this reads the format.
 *
 * Aliases are bounded by the size they expand to, not by their count: a ten-level alias chain
 * that kubectl accepts expands to a few thousand nodes and is read, a billion-laughs document
 * would expand to 10^9 and is refused before anything is built.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, Node } from 'yaml';
import { parseFast } from './fast-yaml.js';

/**
 * The `yaml` package, loaded on first use: most inputs never need it (JSON and the fast path
 * read them), and loading it costs more than parsing a small folder.
 */
let yamlPackage: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  yamlPackage ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yamlPackage;
}

/** The most nodes one document may expand to once aliases are resolved. */
export const MAX_EXPANDED_NODES = 1_000_000;

/** One top-level document of a manifest file, with where it came from. */
export interface ManifestDocument {
  /** The file as the user should see it (`-` for stdin). */
  readonly file: string;
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly object: unknown;
  /** 1-based start line of each entry of a top-level `items` list, to locate List items. */
  readonly itemLines?: readonly number[];
}

/** A document that cannot be read as data, with where it starts and why. */
export interface UnreadableDocument {
  readonly file: string;
  readonly line: number;
  /** 1-based column, when the problem has a precise position (YAML syntax errors). */
  readonly column?: number;
  /** One sentence: what is wrong and how to fix it. */
  readonly problem: string;
}

/** What {@link parseManifestText} found: readable documents (empty ones dropped) and unreadable ones. */
export interface ParsedManifest {
  readonly documents: ManifestDocument[];
  readonly unreadable: UnreadableDocument[];
}

/**
 * Parses a multi-document YAML (or JSON) text; empty documents (a lone `---`, comments only) are
 * dropped. A JSON text (`kubectl get -o json`) is read by the JSON parser, many times faster than
 * the YAML one; its List items are then located at the line of the list.
 */
export function parseManifestText(text: string, file: string): ParsedManifest {
  const json = /^\s*[{[]/.test(text) ? parseJson(text) : undefined;
  if (json !== undefined) return { documents: [{ file, line: lineOf(lineStartOffsets(text), text.search(/\S/)), object: json }], unreadable: [] };
  const fast = parseFast(text, MAX_EXPANDED_NODES);
  if (fast !== undefined) return { documents: fast.map((document) => ({ file, ...document })), unreadable: [] };
  const documents: ManifestDocument[] = [];
  const unreadable: UnreadableDocument[] = [];
  const lineStarts = lineStartOffsets(text);
  for (const document of yaml().parseAllDocuments(text, { prettyErrors: true })) {
    const start = document.contents?.range[0] ?? document.range[0];
    const line = lineOf(lineStarts, start);
    const [problem] = document.errors;
    if (problem) {
      const position = problem.linePos?.[0];
      unreadable.push({
        file,
        ...(position ? { line: position.line, column: position.col } : { line }),
        problem: `invalid YAML: ${firstSentence(problem.message)}`,
      });
      continue;
    }
    const expanded = expandedSize(document);
    if (expanded > MAX_EXPANDED_NODES) {
      unreadable.push({
        file,
        line,
        problem: `YAML aliases expand this document to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes (an alias bomb): write the values out, or split the document`,
      });
      continue;
    }
    // The size check above bounds the work; the yaml package's own count-based limit would also refuse small chains kubectl reads.
    const object: unknown = document.toJS({ maxAliasCount: -1 });
    if (object === null || object === undefined) continue;
    documents.push({ file, line, object, ...itemLinesOf(document, lineStarts) });
  }
  return { documents, unreadable };
}

/** The value of a JSON text, or `undefined` when it is not JSON (then YAML, a superset, reports the problem with its line). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Node count of a document with every alias replaced by what it points to; memoized, so linear in the text. */
function expandedSize(document: Document.Parsed): number {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  const sizes = new Map<unknown, number>();
  const sizeOf = (node: unknown, depth: number): number => {
    if (node === null || node === undefined) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // A self-referencing alias is an error the parser already reported; depth guards the rest.
    if (depth > 10_000) return Number.POSITIVE_INFINITY;
    let size = 1;
    if (isAlias(node)) size = sizeOf(node.resolve(document), depth + 1);
    else if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) {
        size += isPair(item) ? sizeOf(item.key, depth + 1) + sizeOf(item.value, depth + 1) : sizeOf(item, depth + 1);
        if (size > MAX_EXPANDED_NODES) break;
      }
    } else if (!isScalar(node)) size = 1;
    sizes.set(node, size);
    return size;
  };
  return sizeOf(document.contents as Node | null, 0);
}

function itemLinesOf(document: Document.Parsed, lineStarts: readonly number[]): { itemLines?: number[] } {
  const { isMap, isSeq } = yaml();
  const contents = document.contents;
  if (!isMap(contents)) return {};
  const items = contents.get('items', true);
  if (!isSeq(items)) return {};
  return { itemLines: items.items.map((item) => lineOf(lineStarts, (item as Node).range?.[0] ?? 0)) };
}

/** The yaml package appends a code excerpt after the first line; one line is what we print. */
function firstSentence(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function lineOf(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}
