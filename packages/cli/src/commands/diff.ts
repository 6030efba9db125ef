/**
 * `k8s-security diff OLD NEW`: the connections a change of policies (or workloads) opens and
 * closes, per endpoint pair and port, with the rules and policies that cause each change.
 */
import { parseArgs } from 'node:util';
import {
  changeCause,
  changeCauseText,
  endpointChanges,
  iterateConnectivityChanges,
  objectRef,
  reachabilityStatistics,
  type ClusterModel,
  type PairChange,
  type PortChange,
  type SourcedObject,
} from '@k8s-security-pro/core/analyzer';
import { UsageError, type CommandIo } from '../io.js';
import { checkSources, parseDiffSource, readDiffSide, withKubeconfigs, type DiffSideInput, type KubeconfigFlags } from '../input/diff-sources.js';
import { GIT_PREFIX } from '../input/git-source.js';
import { MANIFEST_INPUT_FLAGS, printWarnings } from '../input/manifest-input.js';
import { addExternals, buildModel, withManifestErrors } from '../input/manifest-model.js';
import { DIFF_OUTPUT_FORMATS, DiffWriter, type DiffCounts, type DiffOutputFormat, type SourceLocation } from '../output/diff-formats.js';
import type { DiffRowTemplate, RenderedRows } from '../output/diff-row-text.js';
import { cliVersion } from '../report/report-options.js';
import { parseExternal, type ExternalEndpointSpec } from './analyze-options.js';

export const DIFF_USAGE = `Usage: k8s-security diff OLD NEW [options]

Compares the reachability of two policy sets and reports the connections that NEW opens
(denied in OLD, allowed in NEW) and closes, per endpoint pair and destination port, with the
policy and rule that cause each change. Endpoints that exist on one side only are listed as
added or removed, not as changed connections.

OLD and NEW are each:
  FILE or FOLDER          YAML or JSON manifests (folders are read recursively)
  -                       stdin (one side at most): helm template ... | k8s-security diff - NEW
  git:REV:PATH            PATH (a file or folder) at revision REV of the enclosing git
                          repository, e.g. git:main:deploy; PATH starts at the top of the
                          repository, or at the working directory with ./
  cluster: | cluster:NAME a live cluster, read-only: the current context, or context NAME
                          (list calls on namespaces, pods, networkpolicies)

Options:
  -o, --output FORMAT     table (default), json, md (a PR comment) or sarif (2.1.0)
      --external IP[:PORT/PROTO,...]
                          add a cluster-external endpoint to both sides (repeatable),
                          e.g. --external 203.0.113.10:443/TCP
      --kubeconfig FILE   kubeconfig of every cluster: side (default: $KUBECONFIG, else
                          ~/.kube/config)
      --old-kubeconfig FILE, --new-kubeconfig FILE
                          kubeconfig of one cluster: side
  --skip-invalid          skip documents that are not readable Kubernetes objects
                          (bad YAML, a tool's config), with a warning naming each
  --allow-empty           accept a side without Kubernetes objects (default: exit 2)

Exit codes: 0 NEW opens no connection (nothing changed, or only closed ones),
            1 NEW opens at least one connection, 2 bad flags or input.`;

interface DiffOptions {
  readonly old: string;
  readonly new: string;
  readonly output: DiffOutputFormat;
  readonly externals: readonly ExternalEndpointSpec[];
  readonly kubeconfig: KubeconfigFlags;
  readonly skipInvalid: boolean;
  readonly allowEmpty: boolean;
}

function parseDiffOptions(args: readonly string[]): DiffOptions {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      output: { type: 'string', short: 'o' },
      external: { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
      'old-kubeconfig': { type: 'string' },
      'new-kubeconfig': { type: 'string' },
      ...MANIFEST_INPUT_FLAGS,
    },
  });
  if (positionals.length !== 2) {
    const got = positionals.length === 0 ? 'none' : positionals.map((p) => `"${p}"`).join(', ');
    throw new UsageError(`diff compares two inputs: k8s-security diff OLD NEW (each a file, folder, -, git:REV:PATH or cluster:), got ${got}`);
  }
  const output = DIFF_OUTPUT_FORMATS.find((format) => format === (values.output ?? 'table'));
  if (!output) throw new UsageError(`--output "${values.output}" is not a format of diff: use one of ${DIFF_OUTPUT_FORMATS.join(', ')}`);
  return {
    old: positionals[0]!,
    new: positionals[1]!,
    output,
    externals: (values.external ?? []).map(parseExternal),
    kubeconfig: {
      ...(values.kubeconfig !== undefined ? { shared: values.kubeconfig } : {}),
      ...(values['old-kubeconfig'] !== undefined ? { old: values['old-kubeconfig'] } : {}),
      ...(values['new-kubeconfig'] !== undefined ? { new: values['new-kubeconfig'] } : {}),
    },
    skipInvalid: values['skip-invalid'] ?? false,
    allowEmpty: values['allow-empty'] ?? false,
  };
}

/** Rows between two looks at the output's buffer: a pipe to a slow reader must not fill memory. */
const DRAIN_CHECK_ROWS = 1024;

/** `k8s-security diff`: exit 1 when NEW opens a connection, 0 otherwise. */
export async function diff(args: readonly string[], io: CommandIo): Promise<number> {
  const options = parseDiffOptions(args);
  const sources = withKubeconfigs({ old: parseDiffSource(options.old, 'OLD'), new: parseDiffSource(options.new, 'NEW') }, options.kubeconfig);
  checkSources(sources);
  io.progress?.('reading OLD and NEW');
  const readOptions = { skipInvalid: options.skipInvalid, allowEmpty: options.allowEmpty };
  // Both sides are read at once (two clusters take two round trips otherwise); OLD's error is reported first.
  const [oldRead, newRead] = await Promise.allSettled([readDiffSide(sources.old, 'OLD', readOptions, io), readDiffSide(sources.new, 'NEW', readOptions, io)]);
  if (oldRead.status === 'rejected') throw oldRead.reason;
  if (newRead.status === 'rejected') throw newRead.reason;
  const [oldInput, newInput] = [oldRead.value, newRead.value];
  const oldModel = sideModel(oldInput, options.externals);
  const newModel = sideModel(newInput, options.externals);
  const endpoints = endpointChanges(oldModel.model, newModel.model);
  for (const input of [oldInput, newInput]) printWarnings(input.warnings, io);
  // A note both sides make (e.g. a namespace label Kubernetes adds) is printed once.
  for (const note of new Set([...oldInput.notes, ...oldModel.notes, ...newInput.notes, ...newModel.notes])) io.stderr.write(`k8s-security: note: ${note}\n`);

  const writer = new DiffWriter(
    {
      format: options.output,
      oldLabel: oldInput.label,
      newLabel: newInput.label,
      added: endpoints.added,
      removed: endpoints.removed,
      widths: columnWidths(oldModel.model, newModel.model),
      toolVersion: cliVersion(),
    },
    io.stdout,
  );
  const rows = new DiffRows({ old: new PolicyLocator(oldInput.objects), new: new PolicyLocator(newInput.objects) }, writer);
  const counts: DiffCounts = { pairs: 0, opened: 0, closed: 0 };
  io.progress?.('comparing OLD and NEW');
  for (const change of iterateConnectivityChanges(oldModel.model, newModel.model)) {
    counts.pairs++;
    counts.opened += change.opened.length;
    counts.closed += change.closed.length;
    writer.pair(rows.of(change), change.from, change.to);
    if (counts.pairs % DRAIN_CHECK_ROWS === 0) {
      io.progress?.(`comparing: ${counts.pairs} changed pairs`);
      await writer.drained();
    }
  }
  writer.end(counts);
  return counts.opened > 0 ? 1 : 0;
}

/** A side's model, with --external endpoints added and every analyzer check run before output starts. */
function sideModel(input: DiffSideInput, externals: readonly ExternalEndpointSpec[]): { model: ClusterModel; notes: string[] } {
  const { model, notes } = buildModel(input.objects);
  const withExternals = withManifestErrors(input.objects, () => addExternals(model, externals));
  // Indexing the model runs the checks that only the evaluator makes (e.g. two policies with one name).
  withManifestErrors(input.objects, () => reachabilityStatistics(withExternals));
  return { model: withExternals, notes };
}

/** Distinct rendered row sets kept; past it the cache starts over. */
const RENDERED_CONTENT_SLOTS = 10_000;

/**
 * One row per (pair, change kind, cause): ports that changed for the same reason share a row.
 * Pairs of the same joint classes share their port changes, so rows are built and rendered
 * once per `opened` list (weakly cached: the core drops the lists it no longer needs), and
 * each pair only fills in its endpoints.
 */
class DiffRows {
  private readonly rendered = new WeakMap<readonly PortChange[], RenderedRows>();
  /**
   * Rendered rows by content. Pairs of many class pairs print the same rows (the same ports
   * and causes): shared, the rendered text stays a few hundred entries instead of one per
   * class pair (a SARIF rendering is kilobytes, and a large change has 100,000s of class pairs).
   */
  private byContent = new Map<string, RenderedRows>();

  constructor(
    private readonly locate: { readonly old: PolicyLocator; readonly new: PolicyLocator },
    private readonly writer: DiffWriter,
  ) {}

  of(change: PairChange): RenderedRows {
    let rendered = this.rendered.get(change.opened);
    if (!rendered) {
      const rows = [...this.build('opened', change.opened), ...this.build('closed', change.closed)];
      const key = JSON.stringify(rows);
      rendered = this.byContent.get(key);
      if (!rendered) {
        if (this.byContent.size >= RENDERED_CONTENT_SLOTS) this.byContent = new Map();
        rendered = this.writer.prepare(rows);
        this.byContent.set(key, rendered);
      }
      this.rendered.set(change.opened, rendered);
    }
    return rendered;
  }

  private build(kind: 'opened' | 'closed', changes: readonly PortChange[]): DiffRowTemplate[] {
    const byCause = new Map<string, PortChange[]>();
    for (const port of changes) {
      const cause = changeCauseText(kind, port);
      const list = byCause.get(cause) ?? [];
      list.push(port);
      byCause.set(cause, list);
    }
    return [...byCause].map(([cause, ports]) => {
      const parts = changeCause(kind, ports[0]!);
      const location =
        kind === 'opened'
          ? (this.locate.new.policy(parts.rules[0]?.policy) ?? this.locate.old.policy(parts.formerlyIsolatedBy[0]))
          : (this.locate.new.policy(parts.isolatedBy[0]) ?? this.locate.old.policy(parts.rules[0]?.policy));
      return {
        change: kind,
        ports: ports.map((port) => `${port.port}/${port.protocol}`),
        cause,
        rules: parts.rules,
        isolatedBy: parts.isolatedBy,
        formerlyIsolatedBy: parts.formerlyIsolatedBy,
        ...(location ? { location } : {}),
      };
    });
  }
}

/** Finds where a NetworkPolicy (`namespace/name`) is written, for sarif locations. */
class PolicyLocator {
  private byRef: Map<string, SourceLocation> | undefined;

  constructor(private readonly objects: readonly SourcedObject[]) {}

  policy(ref: string | undefined): SourceLocation | undefined {
    if (ref === undefined) return undefined;
    this.byRef ??= this.index();
    return this.byRef.get(`NetworkPolicy ${ref}`);
  }

  private index(): Map<string, SourceLocation> {
    const index = new Map<string, SourceLocation>();
    for (const { file, line, object } of this.objects) {
      // Objects of a cluster (line 0) and of stdin are written nowhere a scanner can open.
      if (line <= 0 || file === '-' || object['kind'] !== 'NetworkPolicy') continue;
      // A file of a git revision is shown as git:REV:path; the scanner opens the path.
      const path = file.startsWith(GIT_PREFIX) ? file.slice(file.indexOf(':', GIT_PREFIX.length) + 1) : file;
      index.set(objectRef(object, ''), { file: path, line });
    }
    return index;
  }
}

/** The widest FROM or TO cell and the widest PORTS cell any row can get, known before the first row. */
function columnWidths(oldModel: ClusterModel, newModel: ClusterModel): { id: number; ports: number } {
  let id = 4;
  let ports = 5;
  for (const model of [oldModel, newModel]) {
    for (const endpoint of model.endpoints) {
      id = Math.max(id, endpoint.id.length);
      ports = Math.max(ports, [...new Set(endpoint.ports.map((port) => `${port.port}/${port.protocol ?? 'TCP'}`))].join(',').length);
    }
  }
  return { id, ports };
}
