import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEnvironmentsConfig, type EnvironmentDefinition } from '@k8s-security-pro/core';
import { renderEnvironmentValues, renderKustomizeBase, renderKustomizeOverlay, renderManifests } from '@k8s-security-pro/render';
import { parseDocument } from 'yaml';
import { UsageError, type CommandIo } from '../io.js';

export const GENERATE_USAGE = `Usage: k8s-security generate --config FILE --out DIR

Renders your own environments (FILE, YAML) into DIR:
  values-<env>.yaml                        for: helm install ... ./charts/k8s-security -f DIR/values-<env>.yaml
  kustomize/base, kustomize/overlays/<env> for: kubectl apply -k DIR/kustomize/overlays/<env>
  manifests/14_namespace_isolation-<env>.yaml for: kubectl apply -f

FILE:
  environments:
    - name: qa                     # lowercase letters, digits, '-'
      description: QA namespace
      differences: [why qa differs from production]
      values:                      # deltas over the defaults; a value you set replaces its default
        targetNamespaces: [qa]

Every environment is validated by the chart's values schema before anything is written.`;

/** `k8s-security generate --config FILE --out DIR`: values files, overlays and manifests for custom environments. */
export function generate(args: readonly string[], io: CommandIo): number {
  const { values } = parseArgs({ args: [...args], options: { config: { type: 'string' }, out: { type: 'string' } }, strict: true });
  if (!values.config) throw new UsageError('--config FILE is required: the YAML file that lists your environments');
  if (!values.out) throw new UsageError('--out DIR is required: the folder to write the values files and overlays to');
  const configPath = resolve(io.cwd, values.config);
  const outDir = resolve(io.cwd, values.out);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`--out ${values.out}: exists and is not a folder`);

  const environments = readEnvironments(configPath, values.config);
  const files = renderEnvironments(environments);
  // Everything is rendered before the first write; each file lands by rename, never half-written.
  for (const [path, content] of files) {
    const target = join(outDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.tmp-${process.pid}`, content, 'utf8');
    renameSync(`${target}.tmp-${process.pid}`, target);
  }
  io.stdout.write(`wrote ${files.size} files for ${environments.map((e) => e.name).join(', ')} to ${values.out}\n`);
  return 0;
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
  try {
    return parseEnvironmentsConfig(document.toJS());
  } catch (error) {
    if (error instanceof Error && 'issues' in error) {
      throw new UsageError(`${shown}: ${error.message.replace(/^invalid namespace-isolation options/, 'invalid environments')}`);
    }
    throw error;
  }
}

/** Every file for `environments`, keyed by path relative to the output folder. */
export function renderEnvironments(environments: readonly EnvironmentDefinition[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const environment of environments) files.set(`values-${environment.name}.yaml`, renderEnvironmentValues(environment));
  const add = (part: Map<string, string>) => part.forEach((content, path) => files.set(path, content));
  add(renderKustomizeBase());
  for (const environment of environments) {
    add(renderKustomizeOverlay(environment));
    add(renderManifests(environment));
  }
  return files;
}
