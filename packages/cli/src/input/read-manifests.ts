/**
 * Reads manifest text from files, folders and stdin (`-`) for analyze, lint and audit. The only
 * input module that touches the file system: parsing and reading objects is the core's job.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type CommandIo } from '../io.js';

/** File name endings read from folders; a file named explicitly is read whatever its name. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** The argument that means standard input. */
export const STDIN_ARGUMENT = '-';

/** The text of one input file (`-` for stdin), named as the user should see it. */
export interface ManifestSource {
  readonly file: string;
  readonly text: string;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Reads `inputs` (files, folders walked recursively for `.yaml`, `.yml` and `.json`, or `-`) in
 * a stable order: inputs as given, each folder's files sorted by path, each file once. Helm
 * charts and Kustomize folders are refused with the command that renders them for `command`.
 */
export async function readManifestSources(inputs: readonly string[], io: CommandIo, command: string): Promise<ManifestSource[]> {
  const sources: ManifestSource[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    if (input === STDIN_ARGUMENT) {
      if (seen.has(STDIN_ARGUMENT)) throw new UsageError('"-" (stdin) is given twice: stdin can be read once');
      seen.add(STDIN_ARGUMENT);
      sources.push({ file: STDIN_ARGUMENT, text: await readStdin(io) });
      continue;
    }
    const absolute = path.resolve(io.cwd, input);
    const info = await statOrThrow(absolute, io.cwd);
    const files = info.isDirectory() ? await manifestFilesOf(absolute, io.cwd, command) : [checkedFile(absolute, io.cwd, command)];
    for (const file of files) {
      if (seen.has(file)) continue;
      seen.add(file);
      sources.push({ file: displayPath(file, io.cwd), text: await readText(file, io.cwd) });
    }
  }
  return sources;
}

async function readStdin(io: CommandIo): Promise<string> {
  if (!io.stdin) throw new UsageError('"-" means stdin, and no stdin is available here: give files or folders');
  const decoder = new TextDecoder('utf-8');
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

async function manifestFilesOf(folder: string, cwd: string, command: string): Promise<string[]> {
  const found = await walk(folder, cwd, command);
  if (found.length === 0) {
    throw new UsageError(`${displayPath(folder, cwd)}: no ${MANIFEST_EXTENSIONS.join(', ')} files in this folder`);
  }
  return found.sort(compareCodePoints);
}

/** A chart or a kustomization is a recipe, not manifests: say how to render it. */
function refuseRecipeFolder(folder: string, names: readonly string[], cwd: string, command: string): void {
  const shown = displayPath(folder, cwd);
  if (names.includes('Chart.yaml')) {
    throw new UsageError(`${shown} is a Helm chart, not manifests: render it first, e.g. helm template RELEASE ${shown} | k8s-security ${command} -`);
  }
  if (names.some((name) => KUSTOMIZATION_FILES.includes(name))) {
    throw new UsageError(`${shown} is a Kustomize folder, not manifests: render it first, e.g. kubectl kustomize ${shown} | k8s-security ${command} -`);
  }
}

function checkedFile(file: string, cwd: string, command: string): string {
  refuseRecipeFolder(path.dirname(file), [path.basename(file)], cwd, command);
  return file;
}

async function walk(folder: string, cwd: string, command: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new UsageError(`${displayPath(folder, cwd)}: cannot read the folder (${describeFsError(error)})`);
  }
  refuseRecipeFolder(folder, entries.map((entry) => entry.name), cwd, command);
  const files: string[] = [];
  for (const entry of entries) {
    const child = path.join(folder, entry.name);
    // Symbolic links are followed, so a linked folder or file counts as what it points to.
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && (await statOrThrow(child, cwd)).isDirectory());
    if (isDirectory) {
      for (const file of await walk(child, cwd, command)) files.push(file);
    } else if (MANIFEST_EXTENSIONS.some((extension) => entry.name.toLowerCase().endsWith(extension))) {
      files.push(child);
    }
  }
  return files;
}

async function readText(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${displayPath(file, cwd)}: cannot read the file (${describeFsError(error)})`);
  }
}

async function statOrThrow(absolute: string, cwd: string) {
  try {
    return await stat(absolute);
  } catch (error) {
    throw new UsageError(`${displayPath(absolute, cwd)}: cannot read (${describeFsError(error)})`);
  }
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return typeof code === 'string' ? code : (error as Error).message;
  }
}

/** Paths inside the working directory are shown relative to it, others in full. */
export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
