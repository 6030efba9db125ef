/**
 * Manifest input of `lint` and `audit`: the files and folders that `input/read-manifests.ts`
 * reads, with `kind: List` and typed lists (`NetworkPolicyList`) unpacked so every object is
 * linted on its own.
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
    const { kind, apiVersion, items } = document.object as { kind?: unknown; apiVersion?: unknown; items?: unknown };
    if (typeof kind !== 'string' || !kind.endsWith('List') || !Array.isArray(items)) return [document];
    // Typed lists straight from the API (NetworkPolicyList, ...) leave kind and apiVersion off their items.
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    return items.map((item: unknown) => ({
      ...document,
      object: itemKind && typeof item === 'object' && item !== null && !('kind' in item) ? { apiVersion, kind: itemKind, ...item } : item,
    }));
  });
}
