/**
 * A small RFC 6902 diff: the operations that turn `base` into `target`, shaped to read well in
 * a Kustomize overlay. Lists that only grow get `add` operations for the new items; any other
 * list change replaces the list.
 */
export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path: string;
  readonly value?: unknown;
}

export function jsonPatchDiff(base: unknown, target: unknown, path = ''): JsonPatchOperation[] {
  if (deepEqual(base, target)) return [];
  if (isPlainObject(base) && isPlainObject(target)) {
    const ops: JsonPatchOperation[] = [];
    for (const key of Object.keys(base)) {
      if (!(key in target)) ops.push({ op: 'remove', path: `${path}/${escapePointer(key)}` });
    }
    for (const [key, value] of Object.entries(target)) {
      const child = `${path}/${escapePointer(key)}`;
      ops.push(...(key in base ? jsonPatchDiff(base[key], value, child) : [{ op: 'add' as const, path: child, value }]));
    }
    return ops;
  }
  if (Array.isArray(base) && Array.isArray(target)) {
    if (base.length === target.length) {
      return base.flatMap((item, index) => jsonPatchDiff(item, target[index], `${path}/${index}`));
    }
    if (target.length > base.length && base.every((item, index) => deepEqual(item, target[index]))) {
      return target.slice(base.length).map((value) => ({ op: 'add' as const, path: `${path}/-`, value }));
    }
  }
  return [{ op: 'replace', path, value: target }];
}

/** RFC 6901: `~` and `/` in keys (label keys have both) are escaped. */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}
