import { ENVIRONMENTS, renderEnvironment, resolveNamespaceIsolationOptions } from '@k8s-security-pro/core';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CHART_VERSION } from './chart/render-chart.js';
import { clusterNetworkPolicyComponentDir } from './kustomize/render-kustomize.js';
import { compareRoutes, normalisePolicies, withProjectLabels } from './test-support/normalise.js';
import { runTool } from './test-support/tools.js';

function clusterNetworkPoliciesIn(yamlText: string): Record<string, unknown>[] {
  return parseAllDocuments(yamlText)
    .map((document) => document.toJS() as Record<string, unknown> | null)
    .filter((object): object is Record<string, unknown> => object?.kind === 'ClusterNetworkPolicy');
}

describe.each(ENVIRONMENTS.map((environment) => environment.name))('ClusterNetworkPolicies of the %s environment', (envName) => {
  const environment = ENVIRONMENTS.find((e) => e.name === envName)!;
  const namespace = resolveNamespaceIsolationOptions(environment.values).targetNamespaces[0]!;
  const core = normalisePolicies(renderEnvironment('cluster-network-policy', environment));

  it('renders an Admin guardrail and a Baseline default in the core', () => {
    expect(core.map((policy) => policy.id)).toEqual([`/k8s-security-baseline-${namespace}`, `/k8s-security-environment-${envName}`]);
  });

  it('renders the same objects with the chart switch on as the core', () => {
    const helm = runTool('helm', [
      'template', 'k8s-security', 'charts/k8s-security',
      '-f', `charts/k8s-security/values-${envName}.yaml`, '-n', namespace, '--set', 'clusterNetworkPolicy.enabled=true',
    ]);
    const policies = withProjectLabels(clusterNetworkPoliciesIn(helm), 'k8s-security', `k8s-security-${CHART_VERSION}`);
    expect(compareRoutes('core', core, 'helm', normalisePolicies(policies))).toBeUndefined();
  });

  it('renders the same objects in the Kustomize component as the core', () => {
    const built = runTool('kustomize', ['build', clusterNetworkPolicyComponentDir(envName)]);
    expect(compareRoutes('core', core, 'kustomize', normalisePolicies(clusterNetworkPoliciesIn(built)))).toBeUndefined();
  });

  it('renders no ClusterNetworkPolicy from the chart while the switch is off', () => {
    const helm = runTool('helm', ['template', 'k8s-security', 'charts/k8s-security', '-f', `charts/k8s-security/values-${envName}.yaml`, '-n', namespace]);
    expect(clusterNetworkPoliciesIn(helm)).toEqual([]);
  });
});

describe('the ClusterNetworkPolicy route comparison', () => {
  it('names the object and field where the chart would differ', () => {
    const [admin] = renderEnvironment('cluster-network-policy', ENVIRONMENTS[0]!);
    const changed = JSON.parse(JSON.stringify(admin)) as { spec: { priority: number } };
    changed.spec.priority = 99;
    expect(compareRoutes('core', normalisePolicies([admin]), 'helm', normalisePolicies([changed]))).toBe(
      'helm differs from core in /k8s-security-environment-dev at .spec.priority: expected 100, got 99',
    );
  });
});
