/**
 * Manifest input of `lint` and `audit`. Stand-in with the shape of `input/read-manifests.ts`
 * (being written for `analyze`): switch to it once it is committed, and drop the reader here.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UsageError } from '../io.js';

/** One top-level document of a manifest file, with where it came from. */
export interface ManifestDocument {
  readonly file: string;
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly object: unknown;
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}

async function filesUnder(absolute: string, cwd: string): Promise<string[]> {
  let info;
  try {
    info = await stat(absolute);
  } catch {
    throw new UsageError(`${displayPath(absolute, cwd)}: no such file or folder`);
  }
  if (!info.isDirectory()) return [absolute];
  const entries = await readdir(absolute, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory() || MANIFEST_EXTENSIONS.some((ext) => entry.name.toLowerCase().endsWith(ext)))
      .map((entry) => filesUnder(path.join(absolute, entry.name), cwd)),
  );
  return nested.flat();
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

/** Reads files and folders (recursively) as multi-document YAML or JSON; `kind: List` items are unpacked. */
export async function readManifestInputs(inputs: readonly string[], cwd: string): Promise<ManifestDocument[]> {
  const files = [...new Set((await Promise.all(inputs.map((input) => filesUnder(path.resolve(cwd, input), cwd)))).flat())].sort();
  const documents: ManifestDocument[] = [];
  for (const absolute of files) {
    const file = displayPath(absolute, cwd);
    const text = await readFile(absolute, 'utf8').catch(() => {
      throw new UsageError(`${file}: cannot read the file`);
    });
    for (const document of parseAllDocuments(text)) {
      const [problem] = document.errors;
      if (problem) {
        const where = problem.linePos?.[0] ? `${file}:${problem.linePos[0].line}` : file;
        throw new UsageError(`${where}: invalid YAML: ${problem.message.split('\n')[0]}`);
      }
      const object: unknown = document.toJS();
      if (object === null || object === undefined) continue;
      const line = lineOf(text, document.contents?.range[0] ?? 0);
      const items = (object as { kind?: unknown; items?: unknown }).kind === 'List' ? (object as { items?: unknown }).items : undefined;
      for (const item of Array.isArray(items) ? items : [object]) documents.push({ file, line, object: item });
    }
  }
  return documents;
}
