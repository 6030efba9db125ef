/**
 * Manifest input of analyze, lint and audit: the text `read-manifests.ts` reads, parsed and read
 * as Kubernetes objects by the core's one reader, with the CLI's flags for unreadable documents
 * (`--skip-invalid`) and empty input (`--allow-empty`).
 */
import { UnreadableDocumentError, parseManifestText, readKubernetesObjects, unreadableLocation, type SourcedObject } from '@k8s-security-pro/core/analyzer';
import { UsageError, type CommandIo } from '../io.js';
import { readManifestSources, type ManifestSource } from './read-manifests.js';

/** parseArgs options shared by every command that reads manifests. */
export const MANIFEST_INPUT_FLAGS = {
  'skip-invalid': { type: 'boolean' },
  'allow-empty': { type: 'boolean' },
} as const;

/** Usage lines for {@link MANIFEST_INPUT_FLAGS}. */
export const MANIFEST_INPUT_USAGE = `  --skip-invalid     skip documents that are not readable Kubernetes objects
                     (bad YAML, a tool's config), with a warning naming each
  --allow-empty      accept input without Kubernetes objects (default: exit 2)
  PATH - reads stdin: helm template RELEASE CHART | k8s-security COMMAND -`;

/** How to read manifests: the command (for messages) and the two flags. */
export interface ManifestInputOptions {
  readonly command: string;
  readonly skipInvalid?: boolean;
  readonly allowEmpty?: boolean;
}

/** The objects of the input, and what the reader noted or skipped. */
export interface ManifestInput {
  readonly objects: SourcedObject[];
  /** Assumptions (duplicates merged or replaced). */
  readonly notes: string[];
  /** One line per skipped document, with file and line. */
  readonly warnings: string[];
}

/**
 * Reads `paths` (files, folders, `-`) into Kubernetes objects.
 *
 * @throws {UsageError} with one line naming the file, line and fix: unreadable input (unless
 *   `skipInvalid`), no objects at all (unless `allowEmpty`).
 */
export async function readManifestInput(paths: readonly string[], io: CommandIo, options: ManifestInputOptions): Promise<ManifestInput> {
  return readManifestObjects(await readManifestSources(paths, io, options.command), paths.join(', '), options);
}

/**
 * Reads manifest texts already in memory (e.g. files of a git revision) into Kubernetes
 * objects; `described` names the input in the "no objects" error.
 *
 * @throws {UsageError} as {@link readManifestInput}.
 */
export function readManifestObjects(sources: readonly ManifestSource[], described: string, options: ManifestInputOptions): ManifestInput {
  const parsed = sources.map((source) => parseManifestText(source.text, source.file));
  let read;
  try {
    read = readKubernetesObjects(
      parsed.flatMap((p) => p.documents),
      parsed.flatMap((p) => p.unreadable),
      { skipUnreadable: options.skipInvalid ?? false },
    );
  } catch (error) {
    if (error instanceof UnreadableDocumentError) {
      throw new UsageError(`${error.message} (or pass --skip-invalid to skip unreadable documents with a warning)`);
    }
    throw error;
  }
  if (read.objects.length === 0 && !options.allowEmpty) {
    const skippedNote = read.skipped.length > 0 ? ` (${read.skipped.length} unreadable document(s) skipped)` : '';
    throw new UsageError(
      `no Kubernetes objects in ${described}${skippedNote}: check the paths (empty, comments-only and ---only files hold none), or pass --allow-empty to accept empty input`,
    );
  }
  return {
    objects: read.objects,
    notes: read.notes,
    warnings: read.skipped.map((skip) => `${unreadableLocation(skip)}: skipped: ${skip.problem}`),
  };
}

/** Prints warnings as `k8s-security: warning: ...` lines on stderr. */
export function printWarnings(warnings: readonly string[], io: CommandIo): void {
  for (const warning of warnings) io.stderr.write(`k8s-security: warning: ${warning}\n`);
}
