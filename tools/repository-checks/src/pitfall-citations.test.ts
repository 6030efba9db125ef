import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PITFALLS_PATH, pitfallCitations, pitfallNumbers } from './pitfall-citations.js';
import { REPOSITORY_ROOT, trackedTextFiles } from './tracked-files.js';

const numbersOf = (text: string) => pitfallCitations([{ path: 'x', text }]).map((citation) => citation.number);

describe('pitfallCitations', () => {
  it('reads single numbers, the lint rule field, ranges and lists', () => {
    expect(numbersOf('(pitfall 17)')).toEqual([17]);
    expect(numbersOf('  pitfall: 4,')).toEqual([4]);
    expect(numbersOf('Pitfall 9 of docs/pitfalls.md')).toEqual([9]);
    expect(numbersOf('pitfalls 1-8 of')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(numbersOf('(pitfalls 4, 12, 13)')).toEqual([4, 12, 13]);
    expect(numbersOf('pitfalls 9 and 10')).toEqual([9, 10]);
  });

  it('ignores the word without a number', () => {
    expect(numbersOf('known pitfalls one policy at a time; the pitfalls list')).toEqual([]);
  });
});

describe('pitfallNumbers', () => {
  it('reads the numbered item headings only', () => {
    expect(pitfallNumbers('# Title\n## Section\n### 1. First\ntext 2. no\n### 2. Second\n')).toEqual([1, 2]);
  });
});

describe(PITFALLS_PATH, () => {
  const numbers = pitfallNumbers(readFileSync(join(REPOSITORY_ROOT, PITFALLS_PATH), 'utf8'));

  it('numbers its items 1, 2, 3, ... without gaps or repeats', () => {
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers).toEqual(numbers.map((_, index) => index + 1));
  });

  it('has every item that code, docs, rule pages and messages cite', () => {
    const citations = pitfallCitations(trackedTextFiles());
    expect(citations.length).toBeGreaterThan(20);
    const missing = citations.filter((citation) => !numbers.includes(citation.number));
    expect(missing.map((c) => `${c.path}:${c.line}: pitfall ${c.number} is not in ${PITFALLS_PATH}: ${c.text}`)).toEqual([]);
  });

  it('would catch a citation of an item it does not have', () => {
    const missing = pitfallCitations([{ path: 'bad.md', text: `see pitfall ${numbers.length + 1}` }]).filter((c) => !numbers.includes(c.number));
    expect(missing).toHaveLength(1);
  });
});
