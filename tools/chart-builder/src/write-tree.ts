/**
 * The only module that writes generated files. Everything is rendered before the first write,
 * each file is written to a temporary name and renamed into place, and files the generator no
 * longer produces are removed: a failed run leaves nothing half-written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface TreeDifference {
  readonly path: string;
  readonly kind: 'missing' | 'changed' | 'stale';
  /** For `changed`: the first line that differs, as `line N`. */
  readonly detail?: string;
}

/** Files under `roots` on disk, relative to `root`, except hand-written ones. */
function existingFiles(root: string, roots: readonly string[], handWritten: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split('\\').join('/');
      if (handWritten.some((prefix) => rel.startsWith(prefix))) continue;
      if (entry.isDirectory()) walk(path);
      else found.push(rel);
    }
  };
  roots.forEach((dir) => walk(join(root, dir)));
  return found.sort();
}

/** How the tree on disk differs from `files`. Empty when it is up to date. */
export function compareTree(root: string, files: ReadonlyMap<string, string>, roots: readonly string[], handWritten: readonly string[]): TreeDifference[] {
  const differences: TreeDifference[] = [];
  for (const [path, content] of files) {
    const full = join(root, path);
    if (!existsSync(full)) {
      differences.push({ path, kind: 'missing' });
      continue;
    }
    const current = readFileSync(full, 'utf8');
    if (current !== content) differences.push({ path, kind: 'changed', detail: firstDifferentLine(current, content) });
  }
  for (const path of existingFiles(root, roots, handWritten)) {
    if (!files.has(path)) differences.push({ path, kind: 'stale' });
  }
  return differences;
}

function firstDifferentLine(current: string, expected: string): string {
  const a = current.split('\n');
  const b = expected.split('\n');
  const index = a.findIndex((line, i) => line !== b[i]);
  const line = index < 0 ? a.length : index;
  return `line ${line + 1}: expected ${JSON.stringify(b[line] ?? '<end of file>')}, found ${JSON.stringify(a[line] ?? '<end of file>')}`;
}

/** Writes `files` under `root` and removes stale generated files. Returns what changed. */
export function writeTree(root: string, files: ReadonlyMap<string, string>, roots: readonly string[], handWritten: readonly string[]): TreeDifference[] {
  const differences = compareTree(root, files, roots, handWritten);
  for (const difference of differences) {
    const full = join(root, difference.path);
    if (difference.kind === 'stale') {
      rmSync(full);
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    const temporary = `${full}.tmp-${process.pid}`;
    writeFileSync(temporary, files.get(difference.path)!, 'utf8');
    renameSync(temporary, full);
  }
  return differences;
}
