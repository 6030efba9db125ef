/**
 * Template #14's threat model as one `k8s-security verify --expect` file per environment,
 * derived from the environment's options by the core (never restated here).
 */
import { threatModelExpectations, toYaml, type EnvironmentDefinition } from '@k8s-security-pro/core';
import { banner } from '../banner.js';

export const THREAT_MODEL_DIR = 'examples/threat-model';

/** `examples/threat-model/<env>.yaml`. */
export function threatModelFileName(environment: EnvironmentDefinition): string {
  return `${THREAT_MODEL_DIR}/${environment.name}.yaml`;
}

export function renderThreatModel(environment: EnvironmentDefinition): Map<string, string> {
  const document = threatModelExpectations(environment);
  if (document.expectations.length === 0) return new Map();
  const header = [
    banner('yaml'),
    `# What template #14 promises for the "${environment.name}" environment, as reachability assertions.`,
    '# Check the namespaces, pods and rendered policies (or a cluster) against it:',
    '#   k8s-security verify --expect THIS-FILE CLUSTER-OBJECTS.yaml RENDERED-POLICIES.yaml',
    '#   k8s-security verify --expect THIS-FILE --kubeconfig KUBECONFIG',
  ].join('\n');
  return new Map([[threatModelFileName(environment), `${header}\n${toYaml(document)}`]]);
}
