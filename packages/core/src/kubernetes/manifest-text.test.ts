import { describe, expect, it } from 'vitest';
import { MAX_EXPANDED_NODES, parseManifestText } from './manifest-text.js';

/** A chain of `levels` anchors, each level referring to the previous one `fanOut` times. */
function aliasChain(levels: number, fanOut: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: chain, namespace: shop}', 'data:', '  l0: &l0 "x"'];
  for (let level = 1; level <= levels; level++) {
    lines.push(`  l${level}: &l${level} [${Array.from({ length: fanOut }, () => `*l${level - 1}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('parseManifestText', () => {
  it('reads every document with the line it starts on, and drops empty ones', () => {
    const text = '# comment only\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n';
    const { documents, unreadable } = parseManifestText(text, 'ns.yaml');
    expect(unreadable).toEqual([]);
    expect(documents.map((d) => [d.file, d.line, (d.object as { metadata: { name: string } }).metadata.name])).toEqual([
      ['ns.yaml', 4, 'a'],
      ['ns.yaml', 9, 'b'],
    ]);
  });

  it('reads nothing from an empty, comments-only or ---only text', () => {
    for (const text of ['', '# nothing here\n', '---\n---\n']) expect(parseManifestText(text, 'x.yaml')).toEqual({ documents: [], unreadable: [] });
  });

  it('records the line of each List item', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n  - kind: Namespace\n    apiVersion: v1\n  - kind: Namespace\n    apiVersion: v1\n';
    expect(parseManifestText(text, 'l.yaml').documents[0]!.itemLines).toEqual([4, 6]);
  });

  it('reports a document with a syntax error by its line and keeps the others', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n';
    const { documents, unreadable } = parseManifestText(text, 'bad.yaml');
    expect(documents).toHaveLength(2);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]!.file).toBe('bad.yaml');
    expect(unreadable[0]!.line).toBeGreaterThanOrEqual(5);
    expect(unreadable[0]!.problem).toMatch(/^invalid YAML: /);
    expect(unreadable[0]!.problem).not.toContain('\n');
  });

  it('reads a ten-level alias chain, as kubectl does', () => {
    const { documents, unreadable } = parseManifestText(aliasChain(10, 2), 'chain.yaml');
    expect(unreadable).toEqual([]);
    const data = (documents[0]!.object as { data: Record<string, unknown> }).data;
    expect(JSON.stringify(data['l10']).match(/"x"/g)).toHaveLength(2 ** 10);
  });

  it('refuses a billion-laughs document by its expanded size, with one line', () => {
    const { documents, unreadable } = parseManifestText(aliasChain(9, 10), 'lol.yaml');
    expect(documents).toEqual([]);
    expect(unreadable).toEqual([
      {
        file: 'lol.yaml',
        line: 1,
        problem: `YAML aliases expand this document to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes (an alias bomb): write the values out, or split the document`,
      },
    ]);
  });

  it('draws the alias bound between the two: 10^5 expanded nodes pass, 10^7 do not', () => {
    expect(parseManifestText(aliasChain(5, 10), 'a.yaml').unreadable).toEqual([]);
    expect(parseManifestText(aliasChain(7, 10), 'b.yaml').unreadable).toHaveLength(1);
  });
});

describe('parseManifestText on JSON', () => {
  it('reads a JSON document as one document at its first line, as YAML would read it', () => {
    const text = '\n{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}]}\n';
    const fast = parseManifestText(text, 'get.json');
    expect(fast.documents.map((d) => [d.line, d.object])).toEqual([[2, JSON.parse(text)]]);
  });

  it('leaves JSON with a syntax error to the YAML parser, which locates it', () => {
    const { documents, unreadable } = parseManifestText('{"kind": "Pod",, }', 'bad.json');
    expect(documents).toEqual([]);
    expect(unreadable[0]).toMatchObject({ file: 'bad.json', line: 1 });
  });
});
