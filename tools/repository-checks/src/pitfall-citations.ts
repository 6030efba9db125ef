/**
 * docs/pitfalls.md numbers its items; code, docs, lint rule pages and messages cite them as
 * "pitfall 17", "pitfalls 1-8" or "pitfalls 4, 12 and 13". Every cited number must exist.
 */
import type { RepositoryFile } from './tracked-files.js';

export const PITFALLS_PATH = 'docs/pitfalls.md';

/** The item numbers of the pitfalls page: its `### N. Title` headings, in page order. */
export function pitfallNumbers(markdown: string): number[] {
  return [...markdown.matchAll(/^### (\d+)\. \S/gm)].map((match) => Number(match[1]));
}

/** One citation of a pitfall number. */
export interface PitfallCitation {
  readonly path: string;
  readonly line: number;
  readonly number: number;
  readonly text: string;
}

// "pitfall 3", "Pitfall 17", "pitfall: 4" (a lint rule's field), "pitfalls 1-8", "pitfalls 4, 12, 13",
// "pitfalls 9 and 10". A range stands for every number in it.
const CITATION = /\bpitfalls?:?\s+(\d+(?:\s*(?:-|–|,|and|or)\s*\d+)*)/gi;

/** Every pitfall number cited in `files`, each number of a list or range on its own. */
export function pitfallCitations(files: readonly RepositoryFile[]): PitfallCitation[] {
  const citations: PitfallCitation[] = [];
  for (const file of files) {
    file.text.split('\n').forEach((text, index) => {
      for (const match of text.matchAll(CITATION)) {
        for (const number of citedNumbers(match[1]!)) citations.push({ path: file.path, line: index + 1, number, text: text.trim() });
      }
    });
  }
  return citations;
}

function citedNumbers(list: string): number[] {
  const numbers: number[] = [];
  for (const part of list.split(/\s*(?:,|and|or)\s*/)) {
    const [from, to] = part.split(/\s*[-–]\s*/).map(Number);
    if (from === undefined) continue;
    for (let number = from; number <= (to ?? from); number++) numbers.push(number);
  }
  return numbers;
}
