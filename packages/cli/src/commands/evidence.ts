/**
 * `k8s-security evidence`: a dated evidence bundle (md, html, json) from manifests or a live
 * cluster, and `evidence compare` of two bundles. Reads with the same readers as `audit`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AnalyzerInputError } from '@k8s-security-pro/core';
import { UsageError, type CommandIo } from '../io.js';
import { cliVersion } from '../report/report-options.js';
import { buildEvidenceBundle, sha256Hex } from '../evidence/build-bundle.js';
import type { EvidenceBundle } from '../evidence/bundle-model.js';
import { evidenceBundleProblems } from '../evidence/bundle-schema.js';
import { compareBundles, formatComparisonText, type BundleComparison } from '../evidence/compare-bundles.js';
import { renderEvidenceHtml } from '../evidence/render-html.js';
import { renderComparisonMarkdown, renderEvidenceMarkdown } from '../evidence/render-markdown.js';
import { readLiveCluster } from '../live/read-cluster.js';
import { printWarnings, readManifestInput } from '../input/manifest-input.js';
import { readExpectationsFile } from '../input/read-expectations.js';

export const EVIDENCE_USAGE = `Usage: k8s-security evidence PATH... [options]
       k8s-security evidence --kubeconfig FILE [--context NAME] [options]
       k8s-security evidence compare PREVIOUS.json CURRENT.json [--output text|md|json]

Writes a dated evidence bundle for an assessment: the policies in effect per
namespace with a digest of each, the semantic audit, the reachability between
namespaces and the environment-isolation assertions computed by the analyzer
(plus the threat-model assertions of --expect files, checked by verify),
the PCI DSS, SOC 2, HIPAA, CIS and MITRE control verdicts, and the tool and
Kubernetes versions. Files: k8s-security-evidence-<UTC time>.md, .html, .json.
Reads manifests (files, folders) or a live cluster (read-only list calls).

Options:
  --out DIR            folder to write into (created if missing; default: .)
  -o, --output LIST    md, html, json, comma-separated (default: all three)
  --environments NS    namespaces whose mutual isolation is asserted (repeat or
                       comma-separate; default: the dev, staging and production
                       namespaces present, and those holding template #14)
  --include NS         also audit NS, e.g. a system namespace
  --exclude NS         leave NS out of the audit and the environments
  --expect FILE        also check the reachability assertions of this verify
                       file (repeatable), e.g. examples/threat-model/prod.yaml;
                       each becomes an assertion with producer verify
  --previous FILE      an earlier bundle's .json: add what changed since it
  --timestamp TIME     date the bundle with this ISO 8601 time (default: now)
  --kubeconfig FILE    read the cluster of this kubeconfig instead of files
  --context NAME       kubeconfig context to use

Exit codes: 0 bundle written and every check and assertion passes, 1 bundle
written with failures, 2 bad usage or input (nothing is written).`;

const FORMATS = ['md', 'html', 'json'] as const;
type BundleFormat = (typeof FORMATS)[number];

const splitList = (values: readonly string[] | undefined) =>
  (values ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');

function parseFormats(value: string | undefined): BundleFormat[] {
  const formats = value === undefined ? [...FORMATS] : splitList([value]);
  const unknown = formats.filter((format) => !(FORMATS as readonly string[]).includes(format));
  if (formats.length === 0 || unknown.length > 0) throw new UsageError(`--output "${value}": use md, html and/or json, comma-separated`);
  return [...new Set(formats)] as BundleFormat[];
}

function parseTimestamp(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--timestamp "${value}" is not an ISO 8601 time: use e.g. 2026-01-31T09:30:00Z`);
  }
  return date;
}

/** Reads and validates a bundle written by `evidence`; every problem is one line naming the file. */
export async function readBundle(file: string, cwd: string): Promise<EvidenceBundle> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(`${file}: cannot read the file (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message}): give the .json file of an evidence bundle`);
  }
  const problems = evidenceBundleProblems(document);
  if (problems.length > 0) {
    throw new UsageError(`${file}: not a version-1 evidence bundle: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`);
  }
  return document as EvidenceBundle;
}

async function compare(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], options: { output: { type: 'string', short: 'o' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 2) throw new UsageError('evidence compare needs two bundles: k8s-security evidence compare PREVIOUS.json CURRENT.json');
  const output = values.output ?? 'text';
  if (!['text', 'md', 'json'].includes(output)) throw new UsageError(`--output "${output}" is not a format: use text, md or json`);
  const [previous, current] = await Promise.all(positionals.map((file) => readBundle(file, io.cwd)));
  const comparison = compareBundles(previous!, current!);
  if (output === 'json') io.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else if (output === 'md') io.stdout.write(`${renderComparisonMarkdown(comparison).join('\n')}\n`);
  else io.stdout.write(formatComparisonText(comparison));
  return 0;
}

/** Writes every file next to its final name first, then renames: a failure leaves no half-written bundle. */
async function writeAll(files: ReadonlyMap<string, string>): Promise<void> {
  const suffix = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const written: string[] = [];
  try {
    for (const [file, content] of files) {
      await writeFile(`${file}${suffix}`, content, { flag: 'wx' });
      written.push(file);
    }
    for (const file of written) await rename(`${file}${suffix}`, file);
  } catch (error) {
    await Promise.all(written.map((file) => rm(`${file}${suffix}`, { force: true })));
    throw new UsageError(`cannot write the bundle: ${(error as Error).message.split('\n')[0]}`);
  }
}

export async function evidence(args: readonly string[], io: CommandIo): Promise<number> {
  if (args[0] === 'compare') return compare(args.slice(1), io);
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      out: { type: 'string' },
      output: { type: 'string', short: 'o' },
      environments: { type: 'string', multiple: true },
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      previous: { type: 'string' },
      expect: { type: 'string', multiple: true },
      timestamp: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const formats = parseFormats(values.output);
  const generatedAt = parseTimestamp(values.timestamp);
  if (values.kubeconfig !== undefined && positionals.length > 0) throw new UsageError('evidence reads either files or a cluster: give PATH... or --kubeconfig, not both');
  if (values.kubeconfig === undefined && values.context !== undefined) throw new UsageError('--context needs --kubeconfig FILE');
  if (values.kubeconfig === undefined && positionals.length === 0) throw new UsageError('evidence needs files or a cluster: k8s-security evidence PATH... or --kubeconfig FILE');
  const previous = values.previous === undefined ? undefined : await readBundle(values.previous, io.cwd);
  const expectationFiles = await Promise.all((values.expect ?? []).map((file) => readExpectationsFile(file, io.cwd)));

  let objects: readonly unknown[];
  let source: EvidenceBundle['source'];
  let serverVersion: string | null = null;
  if (values.kubeconfig !== undefined) {
    const read = await readLiveCluster({ kubeconfig: values.kubeconfig, ...(values.context !== undefined ? { context: values.context } : {}), cwd: io.cwd });
    objects = read.objects;
    serverVersion = read.serverVersion;
    source = { kind: 'cluster', description: read.source, files: [] };
  } else {
    const input = await readManifestInput(positionals, io, { command: 'evidence' });
    printWarnings(input.warnings, io);
    const documents = input.objects;
    objects = documents.map((document) => document.object);
    const files = [...new Set(documents.map((document) => document.file))].sort();
    const hashed = await Promise.all(files.filter((file) => file !== '-' && file !== '<stdin>').map(async (file) => ({ path: file, sha256: sha256Hex(await readFile(path.resolve(io.cwd, file))) })));
    source = { kind: 'manifests', description: positionals.join(', '), files: hashed };
  }

  let bundle: EvidenceBundle;
  try {
    bundle = buildEvidenceBundle({
      objects,
      source,
      serverVersion,
      generatedAt: generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      toolVersion: cliVersion(),
      ...(values.environments ? { environments: splitList(values.environments) } : {}),
      audit: { include: splitList(values.include), exclude: splitList(values.exclude) },
      verify: expectationFiles.map((file) => ({ name: file.document.metadata.name, expectations: file.expectations })),
    });
  } catch (error) {
    if (error instanceof AnalyzerInputError) throw new UsageError(error.message);
    throw error;
  }
  const comparison: BundleComparison | undefined = previous ? compareBundles(previous, bundle) : undefined;
  if (comparison) bundle = { ...bundle, changesSincePrevious: comparison };

  const outDir = path.resolve(io.cwd, values.out ?? '.');
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--out ${values.out}: cannot create the folder (${(error as { code?: string }).code ?? (error as Error).message})`);
  }
  const stamp = bundle.generatedAt.replace(/[-:]/g, '');
  const base = path.join(outDir, `k8s-security-evidence-${stamp}`);
  const render: Record<BundleFormat, () => string> = {
    json: () => `${JSON.stringify(bundle, null, 2)}\n`,
    md: () => renderEvidenceMarkdown(bundle, comparison),
    html: () => renderEvidenceHtml(bundle, comparison),
  };
  const files = new Map(formats.map((format) => [`${base}.${format}`, render[format]()]));
  await writeAll(files);

  for (const file of files.keys()) io.stdout.write(`wrote ${path.relative(io.cwd, file) || file}\n`);
  const { summary } = bundle;
  io.stdout.write(
    `k8s-security evidence: ${summary.verdict.toUpperCase()}: ${summary.namespacesAudited} namespace${summary.namespacesAudited === 1 ? '' : 's'} audited, ` +
      `${summary.checks.failed} check${summary.checks.failed === 1 ? '' : 's'} and ${summary.assertions.failed} assertion${summary.assertions.failed === 1 ? '' : 's'} failed` +
      `${comparison ? `, ${comparison.changes.length} change${comparison.changes.length === 1 ? '' : 's'} since ${comparison.previousGeneratedAt}` : ''}\n`,
  );
  return summary.verdict === 'pass' ? 0 : 1;
}
