/**
 * Reads a reachability-expectations file (`verify --expect`, `evidence --expect`): one YAML or
 * JSON document, parsed by the core's one reader and validated by its schema. Every problem is
 * one line naming the file, the field and the fix.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ExpectationsError, compileExpectations, parseManifestText, type CompiledExpectation, type ExpectationsDocument } from '@k8s-security-pro/core/analyzer';
import { UsageError } from '../io.js';

/** A checked expectations file. */
export interface ExpectationsFile {
  readonly file: string;
  readonly document: ExpectationsDocument;
  readonly expectations: readonly CompiledExpectation[];
}

/** @throws {UsageError} for a missing, unreadable, multi-document or invalid file. */
export async function readExpectationsFile(file: string, cwd: string): Promise<ExpectationsFile> {
  if (file === '-') throw new UsageError('--expect takes a file, not -: stdin is for the manifests');
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(`--expect ${file}: cannot read the file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder: give one expectations file' : (code ?? (error as Error).message)})`);
  }
  const parsed = parseManifestText(text, file);
  const [unreadable] = parsed.unreadable;
  if (unreadable) throw new UsageError(`${file}:${unreadable.line}${unreadable.column ? `:${unreadable.column}` : ''}: ${unreadable.problem}`);
  if (parsed.documents.length > 1) {
    throw new UsageError(`${file}:${parsed.documents[1]!.line}: an expectations file holds one document, this one has ${parsed.documents.length}: merge their expectations lists`);
  }
  try {
    const { document, expectations } = compileExpectations(parsed.documents[0]?.object ?? null);
    return { file, document, expectations };
  } catch (error) {
    if (error instanceof ExpectationsError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}
