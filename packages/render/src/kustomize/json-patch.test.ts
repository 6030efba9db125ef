import { describe, expect, it } from 'vitest';
import { jsonPatchDiff } from './json-patch.js';

/** Applies the operations jsonPatchDiff emits (add, remove, replace; '-' appends). */
function apply(document: unknown, operations: ReturnType<typeof jsonPatchDiff>): unknown {
  let root = structuredClone(document);
  for (const operation of operations) {
    const keys = operation.path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (keys.length === 0) {
      root = structuredClone(operation.value);
      continue;
    }
    const last = keys.pop()!;
    const parent = keys.reduce<any>((node, key) => node[key], root); // eslint-disable-line @typescript-eslint/no-explicit-any
    if (operation.op === 'remove') delete parent[last];
    else if (Array.isArray(parent) && last === '-') parent.push(structuredClone(operation.value));
    else parent[last] = structuredClone(operation.value);
  }
  return root;
}

describe('jsonPatchDiff', () => {
  it('returns no operation for equal documents', () => {
    expect(jsonPatchDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it('appends the new items of a list that only grows', () => {
    expect(jsonPatchDiff({ ports: [{ port: 1 }] }, { ports: [{ port: 1 }, { port: 2 }] })).toEqual([
      { op: 'add', path: '/ports/-', value: { port: 2 } },
    ]);
  });

  it('replaces a list that changes in any other way', () => {
    expect(jsonPatchDiff({ ports: [1, 2] }, { ports: [2] })).toEqual([{ op: 'replace', path: '/ports', value: [2] }]);
  });

  it('escapes "/" and "~" in keys as RFC 6901 asks', () => {
    expect(jsonPatchDiff({ labels: {} }, { labels: { 'app.kubernetes.io/name': 'x', 'a~b': 'y' } })).toEqual([
      { op: 'add', path: '/labels/app.kubernetes.io~1name', value: 'x' },
      { op: 'add', path: '/labels/a~0b', value: 'y' },
    ]);
  });

  it('produces operations that turn the base into the target for nested changes', () => {
    const base = { spec: { policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ a: 1 }] }], egress: [{ to: [] }] } };
    const target = { spec: { policyTypes: ['Ingress'], ingress: [{ from: [{ a: 2 }], ports: [{ port: 80 }] }] } };
    expect(apply(base, jsonPatchDiff(base, target))).toEqual(target);
  });
});
