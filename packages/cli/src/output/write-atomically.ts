/**
 * Writes a set of files into a folder all at once or not at all: `generate` must never leave a
 * mix of new and old files behind (issue 10).
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The one file-system step that can fail midway; a parameter so a test can make it fail. */
export type Rename = (from: string, to: string) => void;

/**
 * Writes `files` (paths relative to `outDir`) into a temporary folder beside `outDir`, then
 * moves them into place by rename. A new `outDir` arrives by a single rename of the whole
 * folder. Into an existing one, each file it replaces is first moved aside; if any step fails,
 * every file already moved in is taken out again, the old ones are put back and the folders it
 * created are removed, and the error is thrown: the folder is as it was.
 */
export function writeAtomically(outDir: string, files: ReadonlyMap<string, string>, rename: Rename = renameSync): void {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, '.k8s-security-generate-'));
  try {
    const fresh = join(staging, 'new');
    for (const [path, content] of files) {
      mkdirSync(dirname(join(fresh, path)), { recursive: true });
      writeFileSync(join(fresh, path), content, 'utf8');
    }
    if (!existsSync(outDir)) rename(fresh, outDir);
    else replaceEach(outDir, fresh, join(staging, 'old'), [...files.keys()], rename);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Moves each file of `fresh` into `outDir`, the one it replaces into `old`; undoes all on failure. */
function replaceEach(outDir: string, fresh: string, old: string, paths: readonly string[], rename: Rename): void {
  const createdDirs: string[] = [];
  const done: { readonly target: string; readonly backup?: string; movedIn: boolean }[] = [];
  try {
    for (const path of paths) {
      const target = join(outDir, path);
      const created = mkdirSync(dirname(target), { recursive: true });
      if (created !== undefined) createdDirs.push(created);
      const step: (typeof done)[number] = { target, movedIn: false };
      if (existsSync(target)) {
        const backup = join(old, path);
        mkdirSync(dirname(backup), { recursive: true });
        rename(target, backup);
        Object.assign(step, { backup });
      }
      done.push(step);
      rename(join(fresh, path), target);
      step.movedIn = true;
    }
  } catch (error) {
    for (const step of done.reverse()) {
      if (step.movedIn) rmSync(step.target, { force: true });
      if (step.backup !== undefined) renameSync(step.backup, step.target);
    }
    for (const dir of createdDirs.reverse()) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
