import { describe, expect, it } from 'vitest';
import { parseManifestText } from './manifest-text.js';
import { UnreadableDocumentError, readKubernetesObjects } from './read-objects.js';

function read(files: Record<string, string>, skipUnreadable = false) {
  const parsed = Object.entries(files).map(([file, text]) => parseManifestText(text, file));
  return readKubernetesObjects(
    parsed.flatMap((p) => p.documents),
    parsed.flatMap((p) => p.unreadable),
    { skipUnreadable },
  );
}

const namespace = (name: string, labels = '{}') => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${labels}}\n`;

describe('readKubernetesObjects', () => {
  it('unpacks Lists and typed lists, giving kind-less items the kind and apiVersion of their list, with their own lines', () => {
    const { objects } = read({
      'get.yaml': 'apiVersion: v1\nkind: PodList\nitems:\n  - metadata: {name: a, namespace: shop}\n  - metadata: {name: b, namespace: shop}\n',
    });
    expect(objects.map((o) => [o.object.apiVersion, o.object.kind, o.line])).toEqual([
      ['v1', 'Pod', 4],
      ['v1', 'Pod', 5],
    ]);
  });

  it('refuses a document that is not a Kubernetes object, naming file and line', () => {
    expect(() => read({ 'tool.json': '{"rules": []}' })).toThrow(
      new UnreadableDocumentError({ file: 'tool.json', line: 1, problem: 'not a Kubernetes object: it has no kind (e.g. kind: NetworkPolicy)' }),
    );
    expect(() => read({ 'list.yaml': '- a\n- b\n' })).toThrow(/^list\.yaml:1: not a Kubernetes object: expected a mapping with apiVersion and kind$/);
  });

  it('skips unreadable documents when asked, and reports each with its file and line', () => {
    const { objects, skipped } = read({ 'a.yaml': `${namespace('a')}---\nkind: [oops\n`, 'tool.json': '{"rules": []}' }, true);
    expect(objects.map((o) => o.object.metadata)).toEqual([{ name: 'a', labels: {} }]);
    expect(skipped.map((s) => `${s.file}:${s.line}`)).toEqual(['a.yaml:6', 'tool.json:1']);
  });

  it('merges identical duplicates into one object silently, whatever their key order', () => {
    const reordered = 'kind: Namespace\nmetadata: {labels: {}, name: sock-shop}\napiVersion: v1\n';
    const { objects, notes } = read({ 'a.yaml': namespace('sock-shop'), 'b.yaml': `# same\n${reordered}` });
    expect(objects.map((o) => o.file)).toEqual(['a.yaml']);
    expect(notes).toEqual([]);
  });

  it('lets a different later duplicate win, as kubectl apply does, and names both files', () => {
    const { objects, notes } = read({ 'a.yaml': namespace('shop', '{team: a}'), 'b.yaml': namespace('shop', '{team: b}') });
    expect(objects.map((o) => [o.file, o.object.metadata])).toEqual([['b.yaml', { name: 'shop', labels: { team: 'b' } }]]);
    expect(notes).toEqual(['Namespace shop in b.yaml:1 replaces the different one in a.yaml:1, as kubectl apply would (the later wins)']);
  });

  it('treats a missing namespace as default when comparing identities, and keeps objects of other kinds or namespaces apart', () => {
    const policy = (namespaceLine: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${namespaceLine}}\nspec: {}\n`;
    const { objects, notes } = read({ 'a.yaml': policy(''), 'b.yaml': policy(', namespace: default'), 'c.yaml': policy(', namespace: prod') });
    expect(objects.map((o) => o.file)).toEqual(['b.yaml', 'c.yaml']);
    expect(notes).toHaveLength(1);
  });
});
