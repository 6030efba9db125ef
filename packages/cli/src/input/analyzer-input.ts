/**
 * Input of the commands that analyze (analyze, verify): manifests or a live cluster read into the
 * analyzer's cluster model, with every analyzer error turned into one line that names the file
 * and line of the object at fault.
 */
import {
  AnalyzerInputError,
  clusterModelFromObjects,
  objectRef,
  type ClusterModelLoad,
  type SourcedObject,
} from '@k8s-security-pro/core/analyzer';
import { describePaths } from '../conventions/progress.js';
import { UsageError, type CommandIo } from '../io.js';
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

/** The cluster model of the objects; analyzer errors become one line naming file and line. */
export function buildModel(documents: readonly SourcedObject[]): ClusterModelLoad {
  return withManifestErrors(documents, () => {
    const load = clusterModelFromObjects(documents.map((document) => document.object));
    return { model: load.model, notes: load.notes.map((note) => withSourceLocations(note, documents)) };
  });
}

/**
 * Runs a step of the analyzer and turns its input errors into one line that names the file and
 * line of the object at fault. Some checks (e.g. two policies with one name) only run when the
 * evaluator indexes the model, so analysis needs this as much as loading does.
 */
export function withManifestErrors<T>(documents: readonly SourcedObject[], step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof AnalyzerInputError) {
      const source = locateObject(error.objectRef, documents);
      const where = source ? `${locationText(source)}: ` : '';
      throw new UsageError(`${where}${withSourceLocations(error.objectRef, documents)}: ${error.field}: ${error.problem}`);
    }
    throw error;
  }
}

const OBJECT_POSITION = /objects\[(\d+)\]/;

/** `file:line` of a document; objects of a live cluster have no line. */
function locationText(source: SourcedObject): string {
  return source.line > 0 ? `${source.file}:${source.line}` : source.file;
}

/** Finds the object an analyzer reference points at: `Kind objects[3]` by position, `Kind namespace/name` by identity. */
function locateObject(ref: string, documents: readonly SourcedObject[]): SourcedObject | undefined {
  const position = OBJECT_POSITION.exec(ref);
  if (position) return documents[Number(position[1])];
  return documents.find((document) => objectRef(document.object, '') === ref);
}

/** The analyzer names nameless objects by input position; users know them by file and line. */
function withSourceLocations(text: string, documents: readonly SourcedObject[]): string {
  return text.replace(new RegExp(OBJECT_POSITION.source, 'g'), (match, index: string) => {
    const document = documents[Number(index)];
    return document ? locationText(document) : match;
  });
}
