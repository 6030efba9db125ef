import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseFast } from './fast-yaml.js';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
const LIMIT = 1_000_000;

/** What the reference parser (the `yaml` package) reads: values and start lines of non-empty documents. */
function reference(text: string): { line: number; object: unknown }[] {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number) => lineStarts.filter((start) => start <= offset).length;
  return parseAllDocuments(text)
    .map((document) => ({ line: lineOf(document.contents?.range[0] ?? 0), object: document.toJS({ maxAliasCount: -1 }) as unknown }))
    .filter((document) => document.object !== null && document.object !== undefined);
}

const repositoryManifests = ['manifests', 'examples', 'packages/cli/src/commands/lint-examples', 'packages/cli/src/commands/audit-examples'].flatMap((folder) =>
  readdirSync(path.join(REPOSITORY, folder))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => path.join(folder, name)),
);

const CRAFTED: Record<string, string> = {
  'comments and empty documents': '# head\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
  'a marker with a comment': '--- # first\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n',
  'CRLF line ends': 'apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: Namespace\r\nmetadata: {name: b}\r\n',
  'anchors and aliases': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: &l {app: x}}\ndata:\n  a: &v "1"\n  b: *v\n  l: *l\n',
  'scalars of every core type': 'k: [1, -2, 0o17, 0x1F, 1.5, .inf, -.Inf, .nan, true, False, null, ~, "", yes, on, 2022-01-01, 1_000, 012]\n',
  'block scalars': 'a: |\n  line one\n  line two\nb: >-\n  folded\n  text\n',
  'plus and 0b inside words': 'uid: bfb12dd1-0b19-496f\nimage: a+b\nargs: ["--x=+1"]\n',
  'scalars that only start with 0b': 'uid: 0b0ace04-8ddb-4a0e-8651-2592f47f7c1b\nk: [0b1a, -0b2, 0b1-2]\nm: {0bc: 0b10x}\n',
};

describe('parseFast', () => {
  it.each([...repositoryManifests.map((file) => [file, readFileSync(path.join(REPOSITORY, file), 'utf8')]), ...Object.entries(CRAFTED)])(
    'reads %s exactly as the reference parser does',
    (_name, text) => {
      const fast = parseFast(text, LIMIT);
      expect(fast).toBeDefined();
      expect(fast!.map(({ line, object }) => ({ line, object }))).toEqual(reference(text));
    },
  );

  it('places List items on their lines', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n  # first\n  - kind: Namespace\n    apiVersion: v1\n\n  - kind: Namespace\n    apiVersion: v1\n';
    expect(parseFast(text, LIMIT)![0]!.itemLines).toEqual([5, 8]);
  });

  it.each([
    ['a scalar js-yaml reads as a number and YAML 1.2 as a string', 'k: 0b101\n'],
    ['a leading plus', 'k: +.5\n'],
    ['a leading plus in a sequence', 'k:\n  - +1\n'],
    ['0b in a flow sequence', 'k: [a,0b1]\n'],
    ['a negative binary scalar', 'k: -0b1_0\n'],
    ['a binary key', '0b11: v\n'],
    ['a binary scalar in a flow mapping', 'k: {a: 0b1}\n'],
    ['a binary scalar before a comment', 'k: 0b1 # two\n'],
    ['a tab', 'k: [a,\tb]\n'],
    ['a directive', '%YAML 1.2\n---\nk: v\n'],
    ['a document end marker', 'k: v\n...\n'],
    ['content on the marker line', '--- {k: v}\n'],
    ['a duplicate key', 'k: 1\nk: 2\n'],
    ['a syntax error', 'k: [unclosed\n'],
    ['a flow List whose item lines cannot be placed', 'apiVersion: v1\nkind: List\nitems: [{kind: Namespace}]\n'],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`).join('\n')}\n`],
  ])('leaves %s to the reference parser', (_what, text) => {
    expect(parseFast(text, LIMIT)).toBeUndefined();
  });
});
