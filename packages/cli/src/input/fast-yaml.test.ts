import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadDocumentsFast } from './fast-yaml.js';

/** What the exact path (the `yaml` package) reads: each non-empty document and the line its content starts on. */
function readExactly(text: string): { line: number; object: unknown }[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return parseAllDocuments(text)
    .map((document) => ({ document, object: document.toJS() as unknown }))
    .filter(({ object }) => object !== null && object !== undefined)
    .map(({ document, object }) => {
      const offset = document.contents?.range[0] ?? 0;
      return { line: starts.filter((start) => start <= offset).length, object };
    });
}

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

function manifestFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const child = path.join(folder, name);
    if (statSync(child).isDirectory()) return manifestFiles(child);
    return /\.(ya?ml|json)$/.test(name) ? [child] : [];
  });
}

describe('loadDocumentsFast', () => {
  const files = ['manifests', 'examples', 'kustomize', 'charts/k8s-security/tests'].flatMap((folder) => manifestFiles(path.join(repositoryRoot, folder)));

  it('reads every manifest of the repository exactly as the yaml package does, lines included', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const fast = loadDocumentsFast(text);
      if (fast) expect(fast, path.relative(repositoryRoot, file)).toEqual(readExactly(text));
    }
    // Helm templates are not YAML until rendered, so some files fall back; most must not.
    expect(files.filter((file) => loadDocumentsFast(readFileSync(file, 'utf8')) !== undefined).length).toBeGreaterThan(files.length / 2);
  });

  it.each([
    ['comments before a document and on its marker', '# head\n---  # marker comment\n# more\nkind: A\n---\n\n  # indented comment\nkind: B\n'],
    ['empty documents', '---\n---\n# only a comment\n---\nkind: A\n---\n'],
    ['Windows line endings', 'kind: A\r\nlist:\r\n  - 1\r\n---\r\nkind: B\r\n'],
    ['YAML 1.2 scalars that YAML 1.1 would convert', 'a: yes\nb: 2001-12-14\nc: 0o17\nd: 012\ne: ~\nf: .inf\ng: "1e3"\nh: 0x1F\ni: True\n'],
    ['anchors, aliases and a merge key that YAML 1.2 keeps as a key', 'base: &b {x: 1}\ncopy: *b\nmerged: {<<: *b, y: 2}\n'],
    ['block scalars holding lines that look like markers', 'script: |\n  echo ---\n  --- not at column 0\nnext: >\n  folded\n'],
    ['JSON', '{"kind": "List", "items": [{"kind": "Namespace", "metadata": {"name": "a"}}]}\n'],
  ])('agrees with the yaml package on %s', (_, text) => {
    expect(loadDocumentsFast(text)).toEqual(readExactly(text));
  });

  it.each([
    ['a syntax error', 'kind: A\n---\nkind: [B\n'],
    ['duplicate keys', 'kind: A\nkind: B\n'],
    ['a tab inside a flow sequence', 'a: [1,\t2]\nb:\n\t- x\n'],
    ['a directive', '%YAML 1.2\n---\nkind: A\n'],
    ['a document end marker', 'kind: A\n...\n---\nkind: B\n'],
    ['content on a marker line', '--- {kind: A}\n--- !!map\nkind: B\n'],
  ])('leaves %s to the exact path', (_, text) => {
    expect(loadDocumentsFast(text)).toBeUndefined();
  });
});
