import {
  explanationText,
  iterateEndpointPairs,
  iterateReachability,
  reachabilityStatistics,
  summarizeByNamespace,
  type ClusterContainerPort,
  type ClusterModel,
  type NamespaceReachability,
  type Explanation,
  type ReachabilityQuery,
} from '@k8s-security-pro/core/analyzer';
import { UsageError, type CommandIo } from '../io.js';
import { readAnalyzerInput } from '../input/analyzer-input.js';
import { addExternals, buildModel, withManifestErrors } from '../input/manifest-model.js';
import { MANIFEST_INPUT_USAGE } from '../input/manifest-input.js';
import { LIVE_CLUSTER_USAGE } from '../live/live-flags.js';
import { CONNECTION_LAYOUT, ReportWriter, isGraphFormat, pairLayout, type GraphOutputFormat, type OutputRow, type ReportFrame } from '../output/analyze-formats.js';
import { GraphCollector } from '../output/analyze-graph-data.js';
import { isExternalEndpoint, writeNamespaceSummary } from '../output/analyze-namespace-summary.js';
import { parseAnalyzeOptions, type AnalyzeOptions } from './analyze-options.js';

export const ANALYZE_USAGE = `Usage: k8s-security analyze PATH... [options]
       k8s-security analyze --kubeconfig FILE [--context NAME] | --context NAME | --cluster [options]

Reads Namespaces, workloads and NetworkPolicies from YAML or JSON files (folders are read
recursively, - is stdin) or from a live cluster, and reports which endpoints can reach which: one row per ordered pair of endpoints
with an allowed connection, listing the container ports of the destination that are allowed
and those that are denied.

Options:
  -o, --output FORMAT     table (default), json, ndjson, csv, md or dot, rows streamed;
                          or a picture laid out by ELK: svg, or html (one self-contained
                          page with the graph, the pairs, filters and explanations); past
                          150 endpoints the picture has one node per namespace
      --all               also list the pairs where every port is denied
      --summary           the namespace x namespace matrix instead of endpoint pairs
      --from NS/NAME      only connections from this endpoint
      --to NS/NAME        only connections to this endpoint
      --port N            one row per connection on this port (declared or not), denied
                          ones included: {"connections":[{from,to,port,protocol,allowed}]}
      --protocol P        TCP (default with --port), UDP or SCTP; alone, one row per
                          connection on the declared ports of that protocol
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
  const documents = await readAnalyzerInput({ command: 'analyze', paths: options.paths, live: options.live, skipInvalid: options.skipInvalid, allowEmpty: options.allowEmpty }, io);
  io.progress?.(`building the cluster model from ${documents.objects.length} objects`);
  const { model, notes } = buildModel(documents.objects);
  const modelWithExternals = addExternals(model, options.externals);
  checkEndpointExists('--from', options.from, modelWithExternals);
  checkEndpointExists('--to', options.to, modelWithExternals);
  const query: ReachabilityQuery = { from: options.from, to: options.to, port: options.port, protocol: options.protocol };
  // Every check that can fail runs before the first byte is printed: indexing the model
  // (cached for the scan) and, for md and dot, the namespace totals.
  withManifestErrors(documents.objects, () => reachabilityStatistics(modelWithExternals));
  const graph = isGraphFormat(options.output);
  const needsNamespaces = options.summary || graph || options.output === 'md' || options.output === 'dot';
  const namespaces = needsNamespaces ? withManifestErrors(documents.objects, () => summarizeByNamespace(modelWithExternals, query)) : undefined;
  // Notes come after every check that can fail, so a failure stays one line on stderr.
  for (const note of [...documents.notes, ...notes]) io.stderr.write(`k8s-security: note: ${note}\n`);
  const perConnection = options.port !== undefined || options.protocol !== undefined;
  if (isGraphFormat(options.output)) {
    await writeGraph(options.output, modelWithExternals, query, namespaces!, options, perConnection, io);
    return 0;
  }
  if (options.summary) {
    writeNamespaceSummary(options.output, namespaces!, options.all, io.stdout);
    return 0;
  }
  const frame: ReportFrame = {
    format: options.output,
    layout: perConnection ? CONNECTION_LAYOUT : pairLayout(options.all),
    explain: options.explain,
    endpoints: endpointIds(modelWithExternals),
    widths: columnWidths(modelWithExternals, options, perConnection),
    namespaces,
  };
  const writer = new ReportWriter(frame, io.stdout);
  let rows = 0;
  const explain = explainer(options.explain);
  const judged = perConnection ? connectionRows(modelWithExternals, query, explain, true) : pairRows(modelWithExternals, query, explain, options.all);
  for (const row of judged) {
    writer.row(row);
    if (++rows % DRAIN_CHECK_ROWS === 0) {
      io.progress?.(`judging: ${rows} rows printed`);
      await writer.drained();
    }
  }
  writer.end();
  return 0;
}

/**
 * `--output html` and `svg`: the allowed pairs are collected (compactly: the picture needs them
 * all before ELK can lay it out), then drawn. The html report always carries the explanations.
 */
async function writeGraph(
  format: GraphOutputFormat,
  model: ClusterModel,
  query: ReachabilityQuery,
  namespaces: NamespaceReachability,
  options: AnalyzeOptions,
  perConnection: boolean,
  io: CommandIo,
): Promise<void> {
  const collector = new GraphCollector(endpointIds(model), namespaces);
  if (!options.summary) {
    const explain = format === 'html' ? explainer(true) : undefined;
    let rows = 0;
    const pairs = perConnection ? connectionRows(model, query, explain, false) : pairRows(model, query, explain, false);
    for (const row of pairs) {
      collector.row(row);
      if (++rows % 100_000 === 0) io.progress?.(`judging: ${rows} pairs collected`);
    }
  }
  io.progress?.('laying out the picture');
  const { writeGraphHtml, writeGraphSvg } = await import('../output/analyze-graph-report.js');
  await (format === 'html' ? writeGraphHtml : writeGraphSvg)(collector.data(), options.summary, io.stdout);
}

/** The pairs with an allowed port (and with `includeDenied` the others), as output rows. */
function* pairRows(model: ClusterModel, query: ReachabilityQuery, explain: Explainer | undefined, includeDenied: boolean): Generator<OutputRow> {
  const portSets = new PortSetCache();
  for (const pair of iterateEndpointPairs(model, { ...query, includeDenied })) {
    if (isExternalEndpoint(pair.from) && isExternalEndpoint(pair.to)) continue;
    const { allowed, denied } = portSets.split(pair.ports, pair.verdicts);
    const explanations = explain && pair.verdicts.map((verdict, k) => `${pair.ports[k]!.port}/${pair.ports[k]!.protocol}: ${explain(verdict.explanation)}`);
    yield { from: pair.from, to: pair.to, allowed, denied, ...(explanations ? { explanations } : {}) };
  }
}

/** --port/--protocol: each connection (with `includeDenied` the denied ones too) as a row of one port. */
function* connectionRows(model: ClusterModel, query: ReachabilityQuery, explain: Explainer | undefined, includeDenied: boolean): Generator<OutputRow> {
  for (const connection of iterateReachability(model, query)) {
    // Traffic between two external addresses never meets a NetworkPolicy: nothing to judge.
    if ((!includeDenied && !connection.allowed) || (isExternalEndpoint(connection.from) && isExternalEndpoint(connection.to))) continue;
    const port = `${connection.port}/${connection.protocol}`;
    yield {
      from: connection.from,
      to: connection.to,
      allowed: connection.allowed ? [port] : [],
      denied: connection.allowed ? [] : [port],
      ...(explain && connection.explanation ? { explanations: [explain(connection.explanation)] } : {}),
    };
  }
}

/**
 * The allowed and denied port lists of a pair, shared by every pair with the same ports and
 * verdict pattern: a whole-cluster run prints millions of pairs, and shared lists keep it from
 * allocating two arrays for each (the writers also cache their text by these lists).
 */
class PortSetCache {
  private readonly byPorts = new Map<readonly ClusterContainerPort[], Map<number, { allowed: readonly string[]; denied: readonly string[] }>>();

  split(ports: readonly ClusterContainerPort[], verdicts: readonly { readonly allowed: boolean }[]): { allowed: readonly string[]; denied: readonly string[] } {
    let mask = 0;
    for (let k = 0; k < verdicts.length; k++) if (verdicts[k]!.allowed) mask += 2 ** k;
    let byMask = this.byPorts.get(ports);
    if (!byMask) {
      byMask = new Map();
      this.byPorts.set(ports, byMask);
    }
    let sets = byMask.get(mask);
    if (!sets) {
      const text = ports.map((port) => `${port.port}/${port.protocol}`);
      sets = { allowed: text.filter((_, k) => verdicts[k]!.allowed), denied: text.filter((_, k) => !verdicts[k]!.allowed) };
      byMask.set(mask, sets);
    }
    return sets;
  }
}

/** Rows between two looks at the output's buffer: a pipe to a slow reader must not fill memory. */
const DRAIN_CHECK_ROWS = 1024;

type Explainer = (explanation: Explanation) => string;

/** Renders each distinct explanation once: explanations are shared between connections. */
function explainer(enabled: boolean): Explainer | undefined {
  if (!enabled) return undefined;
  const texts = new Map<Explanation, string>();
  return (explanation) => {
    let text = texts.get(explanation);
    if (text === undefined) {
      text = explanationText(explanation);
      texts.set(explanation, text);
    }
    return text;
  };
}

/** The widest FROM, TO and port cell any row can get, known before the first row is judged. */
function columnWidths(model: ClusterModel, options: AnalyzeOptions, perConnection: boolean): number[] {
  let from = 0;
  let to = 0;
  let ports = 0;
  for (const endpoint of model.endpoints) {
    if (options.from === undefined || options.from === endpoint.id) from = Math.max(from, endpoint.id.length);
    if (options.to === undefined || options.to === endpoint.id) to = Math.max(to, endpoint.id.length);
    if (options.to !== undefined && options.to !== endpoint.id) continue;
    const declared = new Set(endpoint.ports.map((port) => `${port.port}/${port.protocol ?? 'TCP'}`));
    const text = perConnection ? Math.max(0, ...[...declared].map((port) => port.length)) : [...declared].join(',').length;
    ports = Math.max(ports, text);
  }
  if (options.port !== undefined) ports = `${options.port}/${options.protocol ?? 'TCP'}`.length;
  return [from, to, ports];
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
