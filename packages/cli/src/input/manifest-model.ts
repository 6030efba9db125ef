/**
 * From read objects to the analyzer's cluster model, for every command that analyzes
 * (analyze, verify, diff): analyzer errors and notes are turned into lines that name the file and line
 * of the object at fault.
 */
import {
  AnalyzerInputError,
  clusterModelFromObjects,
  externalEndpoint,
  objectRef,
  type ClusterModel,
  type ClusterModelLoad,
  type SourcedObject,
} from '@k8s-security-pro/core/analyzer';
import { UsageError } from '../io.js';
import type { ExternalEndpointSpec } from '../commands/analyze-options.js';

/** The cluster model of `documents`, with notes naming files and lines. @throws {UsageError} for a malformed object. */
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
export function locateObject(ref: string, documents: readonly SourcedObject[]): SourcedObject | undefined {
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

/** The model with the cluster-external endpoints of `--external` added. */
export function addExternals(model: ClusterModel, externals: readonly ExternalEndpointSpec[]): ClusterModel {
  if (externals.length === 0) return model;
  return { ...model, endpoints: [...model.endpoints, ...externals.map((spec) => externalEndpoint(spec.ip, spec.ports))] };
}
