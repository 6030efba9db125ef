/** The four ways template #14 reaches a cluster, each rendered for one environment. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS, namespaceIsolation, resolveNamespaceIsolationOptions } from '@k8s-security-pro/core';
import { CHART_VERSION } from '../chart/render-chart.js';
import { networkPoliciesIn, withProjectLabels } from './normalise.js';
import { REPO_ROOT, runTool } from './tools.js';

export interface Route {
  readonly name: string;
  /** NetworkPolicies in the order the route applies them. */
  readonly policies: Record<string, unknown>[];
}

export const ROUTE_KINDS = ['core', 'helm', 'kustomize', 'manifest'] as const;

export function routesFor(envName: string): Route[] {
  const environment = ENVIRONMENTS.find((e) => e.name === envName)!;
  const namespace = resolveNamespaceIsolationOptions(environment.values).targetNamespaces[0]!;
  const helm = runTool('helm', [
    'template', 'k8s-security', 'charts/k8s-security',
    '-f', `charts/k8s-security/values-${envName}.yaml`, '-n', namespace,
  ]);
  const kustomize = runTool('kustomize', ['build', `kustomize/overlays/${envName}`]);
  const plain = readFileSync(join(REPO_ROOT, `manifests/14_namespace_isolation-${envName}.yaml`), 'utf8');
  return [
    { name: 'namespaceIsolation() from the core', policies: namespaceIsolation(environment.values) as never },
    { name: `helm template -f values-${envName}.yaml`, policies: withProjectLabels(networkPoliciesIn(helm), 'k8s-security', `k8s-security-${CHART_VERSION}`) },
    { name: `kustomize build overlays/${envName}`, policies: networkPoliciesIn(kustomize) },
    { name: `manifests/14_namespace_isolation-${envName}.yaml`, policies: networkPoliciesIn(plain) },
  ];
}
