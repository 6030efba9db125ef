/**
 * What ships lints clean: the chart with its optional ClusterNetworkPolicy and Cilium parts on, and
 * the Kustomize overlays with their components, each checked by `lintManifests` object by object
 * (every object a policy lint reads, no finding).
 */
import { ENVIRONMENTS, lintManifests, resolveNamespaceIsolationOptions } from '@k8s-security-pro/core';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ciliumComponentDir } from './kustomize/render-kustomize-cilium.js';
import { clusterNetworkPolicyComponentDir } from './kustomize/render-kustomize.js';
import { runTool } from './test-support/tools.js';

const objectsIn = (yamlText: string) => parseAllDocuments(yamlText).map((document) => document.toJS() as unknown).filter((object) => object !== null);
const kinds = (objects: readonly unknown[]) => [...new Set(objects.map((object) => (object as { kind: string }).kind))].sort();

describe.each(ENVIRONMENTS.map((environment) => environment.name))('the %s environment as it ships', (envName) => {
  const environment = ENVIRONMENTS.find((e) => e.name === envName)!;
  const namespace = resolveNamespaceIsolationOptions(environment.values).targetNamespaces[0]!;

  it('lints clean through the chart with clusterNetworkPolicy.enabled and cilium.enabled', () => {
    const objects = objectsIn(
      runTool('helm', [
        'template', 'k8s-security', 'charts/k8s-security', '-f', `charts/k8s-security/values-${envName}.yaml`, '-n', namespace,
        '--set', 'clusterNetworkPolicy.enabled=true', '--set', 'cilium.enabled=true',
      ]),
    );
    const result = lintManifests(objects);
    expect(kinds(objects.filter((_, index) => result.policies.some((ref) => ref.objectIndex === index)))).toEqual([
      'CiliumNetworkPolicy', 'ClusterNetworkPolicy', 'NetworkPolicy',
    ]);
    expect(result.findings).toEqual([]);
  });

  it('lints clean through the Kustomize overlay and its ClusterNetworkPolicy and Cilium components', () => {
    const environmentObjects = [
      ...objectsIn(runTool('kustomize', ['build', `kustomize/overlays/${envName}`])),
      ...objectsIn(runTool('kustomize', ['build', clusterNetworkPolicyComponentDir(envName)])),
      ...objectsIn(runTool('kustomize', ['build', ciliumComponentDir(environment)])),
    ];
    const result = lintManifests(environmentObjects);
    expect(kinds(environmentObjects.filter((_, index) => result.policies.some((ref) => ref.objectIndex === index)))).toEqual([
      'CiliumNetworkPolicy', 'ClusterNetworkPolicy', 'NetworkPolicy',
    ]);
    expect(result.findings).toEqual([]);
  });
});

describe('lint on the chart route', () => {
  it('can fail: a chart render with a broad FQDN pattern (allowed by its opt-in) is reported by NP020', () => {
    const objects = objectsIn(
      runTool('helm', [
        'template', 'k8s-security', 'charts/k8s-security', '-n', 'production',
        '--set', 'cilium.enabled=true', '--set', 'cilium.fqdnEgress.patterns={*.com}', '--set', 'cilium.fqdnEgress.allowBroadPatterns=true',
      ]),
    );
    expect(lintManifests(objects).findings.map((finding) => `${finding.ruleId} ${finding.policy.name} ${finding.path}`)).toEqual([
      'NP020 deny-egress-except-dns spec.egress[1].toFQDNs[0].matchPattern',
    ]);
  });
});
