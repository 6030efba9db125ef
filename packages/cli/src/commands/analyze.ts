import {
  AnalyzerInputError,
  clusterModelFromObjects,
  explanationText,
  externalEndpoint,
  iterateReachability,
  objectRef,
  type ClusterModel,
  type ClusterModelLoad,
  type Explanation,
  type SourcedObject,
} from '@k8s-security-pro/core/analyzer';
import { UsageError, type CommandIo } from '../io.js';
import { MANIFEST_INPUT_USAGE, printWarnings, readManifestInput } from '../input/manifest-input.js';
import { LIVE_CLUSTER_USAGE, liveSourceOf } from '../live/live-flags.js';
import { readLiveCluster } from '../live/read-cluster.js';
import { formatAnalyzeReport, type AnalyzedConnection } from '../output/analyze-formats.js';
import { isExternalEndpoint } from '../output/analyze-namespace-summary.js';
import { describePaths } from '../conventions/progress.js';
import { parseAnalyzeOptions, type AnalyzeOptions } from './analyze-options.js';

export const ANALYZE_USAGE = `Usage: k8s-security analyze PATH... [options]
       k8s-security analyze --kubeconfig FILE [--context NAME] | --context NAME | --cluster [options]

Reads Namespaces, workloads and NetworkPolicies from YAML or JSON files (folders are read
recursively, - is stdin) or from a live cluster, and reports, for every ordered pair of
endpoints, whether a connection is allowed on each container port the destination declares.

Options:
  -o, --output FORMAT     table (default), json, csv, md or dot
      --from NS/NAME      only connections from this endpoint
      --to NS/NAME        only connections to this endpoint
      --port N            check this port instead of the declared container ports
      --protocol P        TCP (default with --port), UDP or SCTP
      --external IP[:PORT/PROTO,...]
                          add a cluster-external endpoint named by its IP (repeatable),
                          e.g. --external 203.0.113.10:443/TCP,53/UDP
      --explain           say which policies and rules decide each verdict
${LIVE_CLUSTER_USAGE}
${MANIFEST_INPUT_USAGE.replace('COMMAND', 'analyze')}

Exit codes: 0 analysis printed, 2 bad flags or manifests.`;

/** `k8s-security analyze`: the reachability of the endpoints the manifests describe. */
export async function analyze(args: readonly string[], io: CommandIo): Promise<number> {
  const options = parseAnalyzeOptions(args);
  const documents = await readDocuments(options, io);
  io.progress?.(`building the cluster model from ${documents.objects.length} objects`);
  const { model, notes } = buildModel(documents.objects);
  const modelWithExternals = addExternals(model, options);
  checkEndpointExists('--from', options.from, modelWithExternals);
  checkEndpointExists('--to', options.to, modelWithExternals);
  const printable = withManifestErrors(documents.objects, () => judgeConnections(modelWithExternals, options, io.progress));
  // Notes come after every check that can fail, so a failure stays one line on stderr.
  for (const note of [...documents.notes, ...notes]) io.stderr.write(`k8s-security: note: ${note}\n`);
  io.stdout.write(formatAnalyzeReport(options.output, { connections: printable, endpoints: endpointIds(modelWithExternals) }));
  return 0;
}

/** Streams the evaluator's verdicts into printable rows; equal explanations are rendered once. */
function judgeConnections(model: ClusterModel, options: AnalyzeOptions, progress?: (label: string) => void): AnalyzedConnection[] {
  const explanationTexts = new Map<Explanation, string>();
  const rows: AnalyzedConnection[] = [];
  const query = { from: options.from, to: options.to, port: options.port, protocol: options.protocol };
  for (const connection of iterateReachability(model, query)) {
    if (progress && rows.length % 4096 === 0) progress(`judging connections: ${rows.length} so far`);
    // Traffic between two external addresses never meets a NetworkPolicy: nothing to judge.
    if (isExternalEndpoint(connection.from) && isExternalEndpoint(connection.to)) continue;
    const row: AnalyzedConnection = {
      from: connection.from,
      to: connection.to,
      port: connection.port,
      protocol: connection.protocol,
      allowed: connection.allowed,
    };
    if (options.explain && connection.explanation !== undefined) {
      let text = explanationTexts.get(connection.explanation);
      if (text === undefined) {
        text = explanationText(connection.explanation);
        explanationTexts.set(connection.explanation, text);
      }
      rows.push({ ...row, explanation: text });
    } else {
      rows.push(row);
    }
  }
  return rows;
}

/** The objects to analyze, from files, stdin or a live cluster, and what reading them noted. */
async function readDocuments(options: AnalyzeOptions, io: CommandIo): Promise<{ objects: SourcedObject[]; notes: string[] }> {
  const live = liveSourceOf(options.live, options.paths, io, 'analyze');
  io.progress?.(live ? 'reading the cluster' : `reading ${describePaths(options.paths)}`);
  if (live) {
    const cluster = await readLiveCluster(live);
    return { objects: cluster.objects.map((object) => ({ file: cluster.source, line: 0, object })), notes: [] };
  }
  const input = await readManifestInput(options.paths, io, { command: 'analyze', skipInvalid: options.skipInvalid, allowEmpty: options.allowEmpty });
  printWarnings(input.warnings, io);
  return input;
}

function buildModel(documents: readonly SourcedObject[]): ClusterModelLoad {
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
function withManifestErrors<T>(documents: readonly SourcedObject[], step: () => T): T {
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

function addExternals(model: ClusterModel, options: AnalyzeOptions): ClusterModel {
  if (options.externals.length === 0) return model;
  return { ...model, endpoints: [...model.endpoints, ...options.externals.map((spec) => externalEndpoint(spec.ip, spec.ports))] };
}

function endpointIds(model: ClusterModel): string[] {
  return model.endpoints.map((endpoint) => endpoint.id);
}

/** --from and --to must name an endpoint; a typo would otherwise print an empty, reassuring report. */
function checkEndpointExists(flag: string, id: string | undefined, model: ClusterModel): void {
  if (id === undefined || model.endpoints.some((endpoint) => endpoint.id === id)) return;
  const known = endpointIds(model);
  const hint = known.length === 0 ? 'the manifests hold no endpoints' : `known endpoints: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''}`;
  throw new UsageError(`${flag} "${id}" is not in the manifests (${hint})`);
}
