/**
 * Manifest input of `lint` and `audit`: the files and folders that `input/read-manifests.ts`
 * reads, with `kind: List` documents unpacked so every object is linted on its own.
 */
import { ManifestReadError, collectManifestFiles, readManifestDocuments, type ManifestDocument } from '../input/read-manifests.js';
import { UsageError } from '../io.js';

export type { ManifestDocument };

/** Reads files and folders (recursively) as multi-document YAML or JSON; read errors become one-line usage errors. */
export async function readManifestInputs(inputs: readonly string[], cwd: string): Promise<ManifestDocument[]> {
  let documents: ManifestDocument[];
  try {
    documents = await readManifestDocuments(await collectManifestFiles(inputs, cwd), cwd);
  } catch (error) {
    if (error instanceof ManifestReadError) throw new UsageError(error.message);
    throw error;
  }
  return documents.flatMap((document) => {
    const { kind, items } = document.object as { kind?: unknown; items?: unknown };
    return kind === 'List' && Array.isArray(items) ? items.map((item: unknown) => ({ ...document, object: item })) : [document];
  });
}
