/**
 * values.yaml (every key, documented with bitnami-style `## @param` comments) and the per
 * environment values files (deltas only).
 */
import { adminTierScope, resolveNamespaceIsolationOptions, type EnvironmentDefinition } from '@k8s-security-pro/core';
import { Document, isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { banner, yamlCommentLines } from '../banner.js';
import { chartValuesJsonSchema } from './chart-values.js';
import { chartParameters, type ChartParameter } from './parameters.js';

const YAML_OPTIONS = { lineWidth: 0, indent: 2, indentSeq: true } as const;

/** values.yaml: the defaults, each key preceded by its `@param` (or `@section`) comment. */
export function renderDefaultValues(values: Record<string, unknown>, parameters: readonly ChartParameter[]): string {
  const byPath = new Map(parameters.map((parameter) => [parameter.path, parameter]));
  const document = new Document(values, { aliasDuplicateObjects: false });
  const annotate = (map: YAMLMap, prefix: string): void => {
    for (const pair of map.items as Pair[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const parameter = byPath.get(path);
      if (!parameter) continue;
      const tag = parameter.section ? '@section' : '@param';
      const comment = ` ${tag} ${parameter.section ? parameter.description : `${path}${readmeGeneratorModifier(parameter.defaultValue)} ${parameter.description}`}`;
      if (isScalar(pair.key)) pair.key.commentBefore = `#${comment}`;
      if (parameter.section && isMap(pair.value)) annotate(pair.value, path);
    }
  };
  if (isMap(document.contents)) {
    annotate(document.contents, '');
    const first = (document.contents.items as Pair[])[0];
    // readme-generator-for-helm leaves parameters before the first @section out of its table.
    if (first && isScalar(first.key) && !byPath.get(String(first.key.value))?.section) {
      first.key.commentBefore = `# @section Release and target namespaces\n${first.key.commentBefore ?? ''}`;
    }
  }
  const header = [
    banner('yaml'),
    '# Defaults of the k8s-security chart: the production set of template #14, Namespace Isolation.',
    '# Every key is validated by values.schema.json; unknown keys are rejected.',
    '',
  ].join('\n');
  return `${header}${spaceTopLevelKeys(document.toString(YAML_OPTIONS))}`;
}

/**
 * bitnami's readme-generator-for-helm wants metadata for every leaf of a non-empty map or list
 * default unless the `@param` carries a type modifier; a selector or a port list is one value.
 */
function readmeGeneratorModifier(defaultValue: unknown): string {
  if (Array.isArray(defaultValue)) return defaultValue.length > 0 ? ' [array]' : '';
  if (isPlainMap(defaultValue)) return Object.keys(defaultValue).length > 0 ? ' [object]' : '';
  return '';
}

/** A blank line before each top-level comment block, for reading. */
function spaceTopLevelKeys(text: string): string {
  return text.replace(/\n(## @)/g, '\n\n$1');
}

/**
 * The Helm values that give an environment's options. Helm merges maps key by key, but an
 * option such as a pod selector replaces its default as a whole (as the TypeScript API does):
 * so inside each such value, every default key the environment leaves out is set to `null`,
 * which Helm's merge deletes. Without it `matchExpressions` would be ANDed with the default
 * `matchLabels`.
 */
export function helmValuesForEnvironment(values: unknown, defaults: unknown, replacedWhole: ReadonlySet<string>, path = ''): unknown {
  if (!isPlainMap(values) || !isPlainMap(defaults)) return values;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const childDefault = defaults[key];
    out[key] = replacedWhole.has(childPath) ? withNullsFor(value, childDefault) : helmValuesForEnvironment(value, childDefault, replacedWhole, childPath);
  }
  return out;
}

/** `value`, plus `key: null` for every key of `defaults` it lacks, at every map level. */
function withNullsFor(value: unknown, defaults: unknown): unknown {
  if (!isPlainMap(value) || !isPlainMap(defaults)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[key] = withNullsFor(child, defaults[key]);
  for (const key of Object.keys(defaults)) if (!(key in value)) out[key] = null;
  return out;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * values-<env>.yaml: the environment's deltas over values.yaml, with why they differ.
 * `environments` are all of them: the ClusterNetworkPolicy block names the others' namespaces.
 */
export function renderEnvironmentValues(environment: EnvironmentDefinition, environments: readonly EnvironmentDefinition[] = [environment]): string {
  const lines = [
    banner('yaml'),
    ...yamlCommentLines(`Environment "${environment.name}": ${environment.description}`),
    '# Deltas over values.yaml only. Why this environment differs from production:',
    ...environment.differences.flatMap((difference) => yamlCommentLines(`  - ${difference}`)),
    `# Install: helm install k8s-security ./charts/k8s-security -f charts/k8s-security/values-${environment.name}.yaml`,
    '',
  ];
  // targetNamespaces is always written: the chart's default is the release namespace, not the core's.
  const targets = { targetNamespaces: resolveNamespaceIsolationOptions(environment.values).targetNamespaces };
  const values = helmValuesForEnvironment({ ...targets, ...environment.values }, resolveNamespaceIsolationOptions({}), valuesReplacedWhole());
  // Off by default; set so that `--set clusterNetworkPolicy.enabled=true` walls this environment off from the others.
  const known = environments.some((e) => e.name === environment.name) ? environments : [...environments, environment];
  const { otherEnvironmentNamespaces } = adminTierScope(environment.name, known);
  // Only with other environments: without them there is no Admin guardrail to name.
  const clusterNetworkPolicy = otherEnvironmentNamespaces.length > 0 ? { clusterNetworkPolicy: { environment: environment.name, otherEnvironmentNamespaces } } : {};
  const document = new Document({ ...(values as Record<string, unknown>), ...clusterNetworkPolicy }, { aliasDuplicateObjects: false });
  return `${lines.join('\n')}${document.toString(YAML_OPTIONS)}`;
}

/** Paths of values that replace their default as a whole: parameters whose default is a non-empty map. */
function valuesReplacedWhole(): Set<string> {
  return new Set(
    chartParameters(chartValuesJsonSchema() as never)
      .filter((parameter) => !parameter.section && isPlainMap(parameter.defaultValue) && Object.keys(parameter.defaultValue).length > 0)
      .map((parameter) => parameter.path),
  );
}
