/** The files of this checkout that a commit would carry into a clone, with their text. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A tracked file: its path from the repository root and its content as UTF-8 text. */
export interface RepositoryFile {
  readonly path: string;
  readonly text: string;
}

/** The root of the checkout this file belongs to. */
export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Every text file git tracks or would track (new files not ignored by .gitignore), so a file
 * is checked before its first commit. Binary files (they hold a NUL byte) are left out, and so
 * are files deleted from the working tree.
 */
export function trackedTextFiles(root: string = REPOSITORY_ROOT): RepositoryFile[] {
  const listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const files: RepositoryFile[] = [];
  for (const path of listing.split('\0').filter((entry) => entry !== '')) {
    let content: Buffer;
    try {
      content = readFileSync(join(root, path));
    } catch {
      continue;
    }
    if (content.includes(0)) continue;
    files.push({ path, text: content.toString('utf8') });
  }
  return files;
}
