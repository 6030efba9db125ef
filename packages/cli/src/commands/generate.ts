import { lstatSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS, parseEnvironmentsConfig, type EnvironmentDefinition } from '@k8s-security-pro/core';
import { renderEnvironmentValues, renderKustomizeBase, renderKustomizeOverlay, renderManifests, renderThreatModel } from '@k8s-security-pro/render';
import { parseDocument } from 'yaml';
import { UsageError, type CommandIo } from '../io.js';
import { writeAtomically } from '../output/write-atomically.js';
import { GITOPS_USAGE, gitopsFiles, parseGitopsFlags, GITOPS_FLAGS } from './generate-gitops.js';

export const GENERATE_USAGE = `Usage: k8s-security generate --config FILE --out DIR [--force]
       k8s-security generate [--config FILE] --out DIR --gitops argocd|flux --source oci|kustomize --repo URL [...]

Renders your own environments (FILE, YAML) into DIR:
  values-<env>.yaml                        for: helm install ... ./charts/k8s-security -f DIR/values-<env>.yaml
  kustomize/base, kustomize/overlays/<env> for: kubectl apply -k DIR/kustomize/overlays/<env>
  manifests/14_namespace_isolation-<env>.yaml for: kubectl apply -f
  threat-model/<env>.yaml                  for: k8s-security verify --expect DIR/threat-model/<env>.yaml

FILE:
  environments:
    - name: qa                     # lowercase letters, digits, '-'
      description: QA namespace
      differences: [why qa differs from production]
      values:                      # deltas over the defaults; a value you set replaces its default
        targetNamespaces: [qa]

Every environment is validated by the chart's values schema before anything is written.
Files land by rename from a temporary folder, so a failure leaves nothing half-written. A file in
DIR that generate did not write (it checks its own first line) is never overwritten unless --force.

${GITOPS_USAGE}`;

/** First line of every file `generate` writes: how it knows a file is its own to replace. */
export const GENERATE_BANNER = '# Written by `k8s-security generate`. Do not edit: change the config and run the command again.';

/** `k8s-security generate --config FILE --out DIR [--force]`: values files, overlays and manifests for custom environments. */
export function generate(args: readonly string[], io: CommandIo): number {
  const { values } = parseArgs({
    args: [...args],
    options: { config: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false }, ...GITOPS_FLAGS },
    strict: true,
  });
  const gitops = parseGitopsFlags(values);
  if (!values.config && !gitops) throw new UsageError('--config FILE is required: the YAML file that lists your environments');
  if (!values.out) throw new UsageError('--out DIR is required: the folder to write the values files and overlays to');
  const outDir = resolve(io.cwd, values.out);

  // With --gitops alone, the fleet rolls out the built-in environments (dev, staging, prod).
  const environments = values.config ? readEnvironments(resolve(io.cwd, values.config), values.config) : [...ENVIRONMENTS];
  const rendered = values.config ? renderEnvironments(environments) : new Map<string, string>();
  if (gitops) gitopsFiles(gitops, environments).forEach((content, path) => rendered.set(path, content));
  const files = new Map([...rendered].map(([path, content]) => [path, withGenerateBanner(content)]));
  checkTargets(outDir, values.out, [...files.keys()], values.force === true);
  try {
    writeAtomically(outDir, files);
  } catch (error) {
    throw fsError(error, values.out);
  }
  io.stdout.write(`wrote ${files.size} files for ${environments.map((e) => e.name).join(', ')} to ${values.out}\n`);
  return 0;
}

/** The rendered file with the chart-builder banner (first line) replaced by `generate`'s own. */
function withGenerateBanner(content: string): string {
  const firstLineEnd = content.indexOf('\n');
  return `${GENERATE_BANNER}\n${content.slice(firstLineEnd + 1)}`;
}

/** What is at `path` now: nothing, a folder, or a file (with its first line). */
function probe(path: string): { kind: 'none' } | { kind: 'dir' } | { kind: 'file'; firstLine: string } {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return { kind: 'none' };
  }
  if (stats.isDirectory()) return { kind: 'dir' };
  const head = stats.isFile() ? readFileSync(path, 'utf8').slice(0, 512) : '';
  return { kind: 'file', firstLine: head.split('\n', 1)[0] ?? '' };
}

/**
 * Refuses, before anything is written: a folder on the way that is a file, a target that is a
 * folder, and a file `generate` did not write (the chart's own values-prod.yaml, a hand-edited
 * file) unless `--force`. Each as one line naming the path and the fix.
 */
function checkTargets(outDir: string, shownOut: string, paths: readonly string[], force: boolean): void {
  const checkedDirs = new Set<string>();
  const foreign: string[] = [];
  for (const path of paths) {
    const target = join(outDir, path);
    const shown = join(shownOut, path);
    for (let dir = dirname(target); !checkedDirs.has(dir); dir = dirname(dir)) {
      checkedDirs.add(dir);
      const found = probe(dir);
      if (found.kind === 'file') {
        throw new UsageError(`--out ${shownOut}: ${relativeShown(shownOut, outDir, dir)} is a file, not a folder. Fix: choose another --out, or move that file away`);
      }
      if (dir === dirname(dir)) break;
    }
    const found = probe(target);
    if (found.kind === 'dir') throw new UsageError(`--out ${shownOut}: ${shown} is a folder, where generate writes a file. Fix: choose another --out, or remove that folder`);
    if (found.kind === 'file' && found.firstLine !== GENERATE_BANNER) foreign.push(shown);
  }
  if (foreign.length > 0 && !force) {
    const more = foreign.length > 1 ? ` and ${foreign.length - 1} more` : '';
    throw new UsageError(
      `--out ${shownOut}: ${foreign[0]}${more} exists and was not written by k8s-security generate. ` +
        'Fix: choose an empty --out folder, or pass --force to overwrite',
    );
  }
}

function relativeShown(shownOut: string, outDir: string, path: string): string {
  const rel = relative(outDir, path);
  return rel.startsWith('..') || rel === '' ? path : join(shownOut, rel);
}

function fsError(error: unknown, shownOut: string): UsageError {
  const { code, path } = error as NodeJS.ErrnoException;
  return new UsageError(`--out ${shownOut}: cannot write${path ? ` ${path}` : ''} (${code ?? String(error)}). Fix: check the folder and its permissions`);
}

function readEnvironments(path: string, shown: string): EnvironmentDefinition[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${shown}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [problem] = document.errors;
  if (problem) {
    const line = problem.linePos?.[0].line;
    throw new UsageError(`${shown}${line ? `:${line}` : ''}: malformed YAML: ${problem.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml package throws a ReferenceError when aliases expand past maxAliasCount.
    throw new UsageError(
      `${shown}: YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} alias uses, as in a "billion laughs" file): ${(error as Error).message.split('\n')[0]}. ` +
        'Fix: write the values out without anchors and aliases',
    );
  }
  try {
    return parseEnvironmentsConfig(data);
  } catch (error) {
    if (error instanceof Error && 'issues' in error) {
      throw new UsageError(`${shown}: ${error.message.replace(/^invalid namespace-isolation options/, 'invalid environments')}`);
    }
    throw error;
  }
}

/** Alias uses a config may expand; a real environments file needs a handful at most. */
const MAX_ALIAS_COUNT = 100;

/** Every file for `environments`, keyed by path relative to the output folder. */
export function renderEnvironments(environments: readonly EnvironmentDefinition[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const environment of environments) files.set(`values-${environment.name}.yaml`, renderEnvironmentValues(environment));
  const add = (part: Map<string, string>) => part.forEach((content, path) => files.set(path, content));
  add(renderKustomizeBase());
  for (const environment of environments) {
    add(renderKustomizeOverlay(environment));
    add(renderManifests(environment));
    // The threat model lands beside the renders, not under examples/ as in the repository.
    for (const content of renderThreatModel(environment).values()) files.set(`threat-model/${environment.name}.yaml`, content);
  }
  return files;
}
