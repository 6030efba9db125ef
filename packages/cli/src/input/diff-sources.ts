/**
 * The two sides of `k8s-security diff`: each a file, a folder, `-` (stdin), `git:REV:PATH`, or
 * a live cluster spelt `cluster:` (current context) or `cluster:CONTEXT`. Reading is I/O only:
 * the objects go through the core's one reader like every other command's input.
 */
import type { SourcedObject } from '@k8s-security-pro/core/analyzer';
import { UsageError, type CommandIo } from '../io.js';
import { readLiveCluster, type LiveClusterSource } from '../live/read-cluster.js';
import { GIT_PREFIX, parseGitSource, readGitSources, type GitSourceSpec } from './git-source.js';
import { readManifestInput, readManifestObjects, type ManifestInput } from './manifest-input.js';
import { STDIN_ARGUMENT } from './read-manifests.js';

/** The spelling of a live side. */
export const CLUSTER_PREFIX = 'cluster:';

export type DiffSide = 'OLD' | 'NEW';

/** Where one side comes from. */
export type DiffSource =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'git'; readonly git: GitSourceSpec }
  | { readonly kind: 'cluster'; readonly context?: string; readonly kubeconfig?: string };

/** One side, read. */
export interface DiffSideInput extends ManifestInput {
  /** How the side is named in reports: the argument, or the cluster's context and server. */
  readonly label: string;
}

/** How to read: the flags shared by both sides. */
export interface DiffReadOptions {
  readonly skipInvalid: boolean;
  readonly allowEmpty: boolean;
}

/**
 * Reads a side's spelling.
 *
 * @throws {UsageError} for a malformed spelling.
 */
export function parseDiffSource(spelling: string, side: DiffSide): DiffSource {
  if (spelling.startsWith(CLUSTER_PREFIX)) {
    const context = spelling.slice(CLUSTER_PREFIX.length);
    return { kind: 'cluster', ...(context !== '' ? { context } : {}) };
  }
  if (spelling.startsWith(GIT_PREFIX)) return { kind: 'git', git: parseGitSource(spelling) };
  if (spelling === '') throw new UsageError(`${side} is an empty argument: give a file, a folder, -, git:REV:PATH or cluster:`);
  return { kind: 'path', path: spelling };
}

/** The kubeconfig flags: `--kubeconfig` for every live side, `--old-kubeconfig`/`--new-kubeconfig` for one. */
export interface KubeconfigFlags {
  readonly shared?: string;
  readonly old?: string;
  readonly new?: string;
}

/**
 * Gives each live side its kubeconfig. A flag that reads no side is refused: the user meant a
 * cluster and would otherwise compare files without noticing.
 *
 * @throws {UsageError} naming the flag and the side.
 */
export function withKubeconfigs(sources: Record<'old' | 'new', DiffSource>, flags: KubeconfigFlags): Record<'old' | 'new', DiffSource> {
  const isLive = (source: DiffSource) => source.kind === 'cluster';
  for (const side of ['old', 'new'] as const) {
    if (flags[side] !== undefined && !isLive(sources[side])) {
      throw new UsageError(`--${side}-kubeconfig reads a cluster, but ${side.toUpperCase()} is not one: write ${side.toUpperCase()} as cluster: or cluster:CONTEXT, or drop --${side}-kubeconfig`);
    }
  }
  if (flags.shared !== undefined && !isLive(sources.old) && !isLive(sources.new)) {
    throw new UsageError('--kubeconfig reads a cluster, but neither OLD nor NEW is one: write a side as cluster: or cluster:CONTEXT, or drop --kubeconfig');
  }
  const assign = (source: DiffSource, kubeconfig: string | undefined): DiffSource =>
    source.kind === 'cluster' && kubeconfig !== undefined ? { ...source, kubeconfig } : source;
  return { old: assign(sources.old, flags.old ?? flags.shared), new: assign(sources.new, flags.new ?? flags.shared) };
}

/** Refuses stdin on both sides: it can be read once. */
export function checkSources({ old: oldSource, new: newSource }: Record<'old' | 'new', DiffSource>): void {
  const isStdin = (source: DiffSource) => source.kind === 'path' && source.path === STDIN_ARGUMENT;
  if (isStdin(oldSource) && isStdin(newSource)) {
    throw new UsageError('OLD and NEW are both "-" (stdin), which can be read once: give one side as a file, a folder, git:REV:PATH or cluster:');
  }
}

/**
 * Reads one side. Objects of a cluster carry the source description as their file and line 0.
 *
 * @throws {UsageError} with one line naming the side's file, revision or cluster and the fix.
 */
export async function readDiffSide(source: DiffSource, side: DiffSide, options: DiffReadOptions, io: CommandIo): Promise<DiffSideInput> {
  const manifestOptions = { command: 'diff', skipInvalid: options.skipInvalid, allowEmpty: options.allowEmpty };
  switch (source.kind) {
    case 'path':
      return { ...(await readManifestInput([source.path], io, manifestOptions)), label: source.path };
    case 'git': {
      const label = `${GIT_PREFIX}${source.git.revision}:${source.git.path}`;
      return { ...readManifestObjects(await readGitSources(source.git, io.cwd), label, manifestOptions), label };
    }
    case 'cluster': {
      const live: LiveClusterSource = {
        cwd: io.cwd,
        ...(source.kubeconfig !== undefined ? { kubeconfig: source.kubeconfig } : {}),
        ...(source.context !== undefined ? { context: source.context } : {}),
        ...(io.env ? { env: io.env } : {}),
      };
      let cluster;
      try {
        cluster = await readLiveCluster(live);
      } catch (error) {
        if (error instanceof UsageError) throw new UsageError(`${side} (${CLUSTER_PREFIX}${source.context ?? ''}): ${error.message}`, error.exitCode);
        throw error;
      }
      const objects: SourcedObject[] = cluster.objects.map((object) => ({ file: cluster.source, line: 0, object }));
      return { objects, notes: [], warnings: [], label: cluster.source };
    }
  }
}
