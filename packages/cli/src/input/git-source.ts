/**
 * Reads manifest text from a git revision, `git:REV:PATH`, with the `git` of the machine in
 * the repository that encloses the working directory. PATH is read as git reads `REV:PATH`:
 * from the top of the repository, or from the working directory when it starts with `./`.
 * A file is read whatever its name; a folder is walked for the manifest file endings.
 */
import { execFile, spawn } from 'node:child_process';
import { UsageError } from '../io.js';
import { MANIFEST_EXTENSIONS, type ManifestSource } from './read-manifests.js';

/** The spelling of a git source. */
export const GIT_PREFIX = 'git:';

/** A parsed `git:REV:PATH`. */
export interface GitSourceSpec {
  readonly revision: string;
  readonly path: string;
}

/** Largest total of file text read from one revision (a manifest folder is far smaller). */
const MAX_GIT_BYTES = 512 * 1024 * 1024;

/** Splits `git:REV:PATH`; PATH may be empty (the whole tree of REV). */
export function parseGitSource(spelling: string): GitSourceSpec {
  const rest = spelling.slice(GIT_PREFIX.length);
  const colon = rest.indexOf(':');
  const revision = colon < 0 ? rest : rest.slice(0, colon);
  if (colon < 0 || revision === '') {
    throw new UsageError(`"${spelling}" is not a git source: write git:REV:PATH, e.g. git:main:deploy/policies or git:HEAD~1:policies.yaml`);
  }
  return { revision, path: rest.slice(colon + 1) };
}

/**
 * The manifest files of `spec`, named `git:REV:path/in/repo.yaml`.
 *
 * @throws {UsageError} with one line: no git, not a repository, unknown revision, no such path,
 *   a folder without manifest files.
 */
export async function readGitSources(spec: GitSourceSpec, cwd: string): Promise<ManifestSource[]> {
  const shown = `${GIT_PREFIX}${spec.revision}:${spec.path}`;
  await git(['rev-parse', '--git-dir'], cwd, (problem) =>
    /not a git repository/i.test(problem) ? `${shown}: ${cwd} is not inside a git repository: run the command in your checkout` : `${shown}: ${problem}`,
  );
  const commit = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${spec.revision}^{commit}`], cwd, () =>
    `${shown}: no revision "${spec.revision}" in this repository: give a branch, tag or commit (see git log --oneline)`,
  );
  const object = `${commit.trim()}:${spec.path}`;
  const type = (
    await git(['cat-file', '-t', object], cwd, () =>
      `${shown}: no path "${spec.path}" in revision ${spec.revision}: paths start at the top of the repository (or ./ for the working directory); see git ls-tree -r --name-only ${spec.revision}`,
    )
  ).trim();
  // Names are shown as a path in the repository: that is what a reviewer opens.
  const prefix = await git(['rev-parse', '--show-prefix'], cwd, (problem) => `${shown}: ${problem}`);
  const base = resolveTreePath(spec.path, prefix.trim());
  if (type === 'blob') {
    return [{ file: `${GIT_PREFIX}${spec.revision}:${base}`, text: await git(['cat-file', 'blob', object], cwd, (problem) => `${shown}: ${problem}`) }];
  }
  if (type !== 'tree') throw new UsageError(`${shown}: is a ${type}, not a file or folder: point PATH at manifests`);
  const listing = await git(['ls-tree', '-r', '-z', '--full-tree', object], cwd, (problem) => `${shown}: ${problem}`);
  const files = listing
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [meta, name] = [entry.slice(0, entry.indexOf('\t')), entry.slice(entry.indexOf('\t') + 1)];
      const [mode, kind, id] = meta.split(' ');
      return { mode, kind, id: id!, name };
    })
    // Symbolic links (mode 120000) and submodules hold no manifest text.
    .filter((entry) => entry.kind === 'blob' && entry.mode !== '120000' && MANIFEST_EXTENSIONS.some((ending) => entry.name.toLowerCase().endsWith(ending)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (files.length === 0) throw new UsageError(`${shown}: no ${MANIFEST_EXTENSIONS.join(', ')} files in this folder of revision ${spec.revision}`);
  const texts = await catBlobs(
    files.map((file) => file.id),
    cwd,
    shown,
  );
  return files.map((file, index) => ({ file: `${GIT_PREFIX}${spec.revision}:${base === '' ? '' : `${base}/`}${file.name}`, text: texts[index]! }));
}

/** `path` as git resolves it against the working directory's `prefix`, without a trailing slash. */
function resolveTreePath(treePath: string, prefix: string): string {
  const relative = treePath.startsWith('./') || treePath === '.' ? `${prefix}${treePath.slice(2)}` : treePath;
  const parts: string[] = [];
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** Runs git; a failure becomes the one line `explain` makes of git's first error line. */
function git(args: readonly string[], cwd: string, explain: (problem: string) => string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, maxBuffer: MAX_GIT_BYTES, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new UsageError('git:REV:PATH needs the git command, and it is not installed or not on PATH: install git, or check the files out'));
      }
      const problem = stderr.split('\n').find((line) => line.trim() !== '')?.replace(/^(fatal|error): /, '') ?? error.message.split('\n')[0]!;
      reject(new UsageError(explain(problem)));
    });
  });
}

/** Reads many blobs with one `git cat-file --batch`, in order. */
function catBlobs(ids: readonly string[], cwd: string, shown: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_GIT_BYTES) {
        child.kill();
        reject(new UsageError(`${shown}: more than ${MAX_GIT_BYTES / 1024 / 1024} MiB of files: point PATH at the manifests folder`));
      } else chunks.push(chunk);
    });
    child.on('error', (error) => reject(new UsageError(`${shown}: cannot run git (${error.message})`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new UsageError(`${shown}: git cat-file exited with ${code}`));
      const output = Buffer.concat(chunks);
      const texts: string[] = [];
      let offset = 0;
      for (const id of ids) {
        const headerEnd = output.indexOf(10, offset);
        const header = output.subarray(offset, headerEnd).toString('utf8').split(' ');
        if (header[0] !== id || header[1] !== 'blob') return reject(new UsageError(`${shown}: git cat-file gave an unexpected answer for ${id}`));
        const length = Number(header[2]);
        texts.push(output.subarray(headerEnd + 1, headerEnd + 1 + length).toString('utf8'));
        offset = headerEnd + 1 + length + 1;
      }
      resolve(texts);
    });
    child.stdin.end(ids.map((id) => `${id}\n`).join(''));
  });
}
