/**
 * The one reader of Kubernetes objects: from parsed manifest documents to the objects a cluster
 * would hold, as the API server and `kubectl apply` read them. Used by analyze, lint and audit.
 *
 * - Lists (`List`, `PodList`, ...) are unpacked, typed-list items given their kind.
 * - A document that is not an object with apiVersion and kind is unreadable: refused, or
 *   skipped with a warning when the caller asks.
 * - An object declared twice (same API group, kind, namespace and name) is read once: identical
 *   copies merge silently (a folder holding the same manifest twice is common and harmless), a
 *   different later copy replaces the earlier one as `kubectl apply` would, with a note naming
 *   both places.
 */
import type { ManifestDocument, UnreadableDocument } from './manifest-text.js';
import { isKubernetesList, listItems } from './kubernetes-lists.js';
import { isNamespacedKind, isRecord, kindOf, nameOf, namespaceOf, objectRef } from './object-fields.js';

/** An object of the input, with the file and line it came from. */
export interface SourcedObject {
  readonly file: string;
  readonly line: number;
  readonly object: Record<string, unknown>;
}

/** What {@link readKubernetesObjects} returns. */
export interface KubernetesObjectsRead {
  /** Objects in input order, duplicates resolved. */
  readonly objects: SourcedObject[];
  /** Assumptions the reader made (a duplicate replaced), one sentence each. */
  readonly notes: string[];
  /** Documents skipped because they could not be read (only with `skipUnreadable`). */
  readonly skipped: UnreadableDocument[];
}

/** How {@link readKubernetesObjects} treats documents it cannot read. */
export interface ReadObjectsOptions {
  /** Skip unreadable documents (and report them in `skipped`) instead of refusing the input. @default false */
  readonly skipUnreadable?: boolean;
}

/** Input the reader refuses: one unreadable document, located. */
export class UnreadableDocumentError extends Error {
  override readonly name = 'UnreadableDocumentError';
  constructor(readonly document: UnreadableDocument) {
    super(`${unreadableLocation(document)}: ${document.problem}`);
  }
}

/**
 * Reads parsed documents (and those the parser could not read) as Kubernetes objects.
 *
 * @throws {UnreadableDocumentError} for the first unreadable document, unless `skipUnreadable`.
 */
export function readKubernetesObjects(
  documents: readonly ManifestDocument[],
  unreadable: readonly UnreadableDocument[] = [],
  options: ReadObjectsOptions = {},
): KubernetesObjectsRead {
  const skipped: UnreadableDocument[] = [];
  const refuse = (document: UnreadableDocument) => {
    if (!options.skipUnreadable) throw new UnreadableDocumentError(document);
    skipped.push(document);
  };
  unreadable.forEach(refuse);

  const read: SourcedObject[] = [];
  const visit = (object: unknown, file: string, line: number, where: string, itemLines?: readonly number[]) => {
    if (isKubernetesList(object)) {
      for (const { index, item } of listItems(object)) visit(item, file, itemLines?.[index] ?? line, `${where}items[${index}]: `);
      return;
    }
    const problem = objectProblem(object);
    if (problem) return refuse({ file, line, problem: `${where}${problem}` });
    read.push({ file, line, object: object as Record<string, unknown> });
  };
  for (const document of documents) visit(document.object, document.file, document.line, '', document.itemLines);
  return { ...resolveDuplicates(read), skipped };
}

function objectProblem(object: unknown): string | undefined {
  if (!isRecord(object)) return 'not a Kubernetes object: expected a mapping with apiVersion and kind';
  if (kindOf(object) === undefined) return 'not a Kubernetes object: it has no kind (e.g. kind: NetworkPolicy)';
  if (typeof object.apiVersion !== 'string' || object.apiVersion === '') {
    return `not a Kubernetes object: ${String(object.kind)} has no apiVersion (e.g. apiVersion: networking.k8s.io/v1)`;
  }
  return undefined;
}

/** What `kubectl apply` treats as the same object: API group, kind, namespace (if namespaced) and name. */
function identityOf(object: Record<string, unknown>): string | undefined {
  const name = nameOf(object);
  if (name === undefined) return undefined;
  const kind = object.kind as string;
  const apiVersion = object.apiVersion as string;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return JSON.stringify([group, kind, isNamespacedKind(kind) ? namespaceOf(object) : '', name]);
}

function resolveDuplicates(read: readonly SourcedObject[]): { objects: SourcedObject[]; notes: string[] } {
  const notes: string[] = [];
  const slots = new Map<string, number>();
  const objects: SourcedObject[] = [];
  for (const entry of read) {
    const identity = identityOf(entry.object);
    const slot = identity === undefined ? undefined : slots.get(identity);
    if (identity === undefined || slot === undefined) {
      if (identity !== undefined) slots.set(identity, objects.length);
      objects.push(entry);
      continue;
    }
    const earlier = objects[slot]!;
    if (canonicalJson(earlier.object) !== canonicalJson(entry.object)) {
      notes.push(`${objectRef(entry.object, '')} in ${where(entry)} replaces the different one in ${where(earlier)}, as kubectl apply would (the later wins)`);
      objects[slot] = entry;
    }
  }
  return { objects, notes };
}

const where = (entry: SourcedObject) => `${entry.file}:${entry.line}`;

/** `file:line` or `file:line:column` of an unreadable document. */
export function unreadableLocation(document: UnreadableDocument): string {
  return `${document.file}:${document.line}${document.column === undefined ? '' : `:${document.column}`}`;
}

/** JSON with object keys sorted, so key order does not make equal objects differ. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    isRecord(nested) ? Object.fromEntries(Object.keys(nested).sort().map((key) => [key, nested[key]])) : nested,
  );
}
