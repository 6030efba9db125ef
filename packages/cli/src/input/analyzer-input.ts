/**
 * Input of the commands that analyze one set of objects (analyze, verify): manifests or a live
 * cluster, read as sourced objects. `manifest-model.ts` turns them into the analyzer's model.
 */
import type { SourcedObject } from '@k8s-security-pro/core/analyzer';
import { describePaths } from '../conventions/progress.js';
import type { CommandIo } from '../io.js';
import { liveSourceOf } from '../live/live-flags.js';
import { readLiveCluster } from '../live/read-cluster.js';
import { printWarnings, readManifestInput } from './manifest-input.js';

/** Where a command that analyzes reads from: paths, or a live cluster by its flags. */
export interface AnalyzerInputOptions {
  /** The command's name, for messages. */
  readonly command: string;
  readonly paths: readonly string[];
  readonly live: { readonly kubeconfig?: string; readonly context?: string; readonly cluster?: boolean };
  readonly skipInvalid: boolean;
  readonly allowEmpty: boolean;
}

/** The objects to analyze, from files, stdin or a live cluster, and what reading them noted. */
export async function readAnalyzerInput(options: AnalyzerInputOptions, io: CommandIo): Promise<{ objects: SourcedObject[]; notes: string[] }> {
  const live = liveSourceOf(options.live, options.paths, io, options.command);
  io.progress?.(live ? 'reading the cluster' : `reading ${describePaths(options.paths)}`);
  if (live) {
    const cluster = await readLiveCluster(live);
    return { objects: cluster.objects.map((object) => ({ file: cluster.source, line: 0, object })), notes: [] };
  }
  const input = await readManifestInput(options.paths, io, { command: options.command, skipInvalid: options.skipInvalid, allowEmpty: options.allowEmpty });
  printWarnings(input.warnings, io);
  return input;
}
