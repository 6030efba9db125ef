/**
 * values.yaml (every key, documented with bitnami-style `## @param` comments) and the per
 * environment values files (deltas only).
 */
import type { EnvironmentDefinition } from '@k8s-security-pro/core';
import { Document, isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { banner } from '../banner.js';
import type { ChartParameter } from './parameters.js';

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
      const comment = ` ${tag} ${parameter.section ? parameter.description : `${path} ${parameter.description}`}`;
      if (isScalar(pair.key)) pair.key.commentBefore = `#${comment}`;
      if (parameter.section && isMap(pair.value)) annotate(pair.value, path);
    }
  };
  if (isMap(document.contents)) annotate(document.contents, '');
  const header = [
    banner('yaml'),
    '# Defaults of the k8s-security chart: the production set of template #14, Namespace Isolation.',
    '# Every key is validated by values.schema.json; unknown keys are rejected.',
    '',
  ].join('\n');
  return `${header}${spaceTopLevelKeys(document.toString(YAML_OPTIONS))}`;
}

/** A blank line before each top-level comment block, for reading. */
function spaceTopLevelKeys(text: string): string {
  return text.replace(/\n(## @)/g, '\n\n$1');
}

/** values-<env>.yaml: the environment's deltas over values.yaml, with why they differ. */
export function renderEnvironmentValues(environment: EnvironmentDefinition): string {
  const lines = [
    banner('yaml'),
    `# Environment "${environment.name}": ${environment.description}`,
    '# Deltas over values.yaml only. Why this environment differs from production:',
    ...environment.differences.map((difference) => `#   - ${difference}`),
    `# Install: helm install k8s-security ./charts/k8s-security -f charts/k8s-security/values-${environment.name}.yaml`,
    '',
  ];
  const document = new Document(environment.values, { aliasDuplicateObjects: false });
  return `${lines.join('\n')}${document.toString(YAML_OPTIONS)}`;
}
