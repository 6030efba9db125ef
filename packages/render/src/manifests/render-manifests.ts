/** Plain manifests for `kubectl apply -f`: one file per environment, policies in apply order. */
import { namespaceIsolation, toYamlStream, type EnvironmentDefinition } from '@k8s-security-pro/core';
import { banner } from '../banner.js';

export const MANIFESTS_DIR = 'manifests';

/** `manifests/14_namespace_isolation-<env>.yaml`, and `14_namespace_isolation.yaml` for prod. */
export function manifestFileNames(environment: EnvironmentDefinition): string[] {
  const names = [`${MANIFESTS_DIR}/14_namespace_isolation-${environment.name}.yaml`];
  if (environment.name === 'prod') names.unshift(`${MANIFESTS_DIR}/14_namespace_isolation.yaml`);
  return names;
}

export function renderManifests(environment: EnvironmentDefinition): Map<string, string> {
  const header = [
    banner('yaml'),
    `# Template #14 Namespace Isolation, environment "${environment.name}". Allow layers come first,`,
    '# so `kubectl apply -f` never drops traffic the set allows while it applies.',
  ].join('\n');
  const content = `${header}\n${toYamlStream(namespaceIsolation(environment.values))}`;
  return new Map(manifestFileNames(environment).map((name) => [name, content]));
}
