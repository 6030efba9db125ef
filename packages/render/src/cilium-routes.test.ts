/**
 * The chart's and the Kustomize tree's optional Cilium part render exactly what the core's
 * ciliumNetworkPolicies() renders, for every environment, and the chart's FQDN allow-list too.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ENVIRONMENTS, ciliumNetworkPolicies, resolveNamespaceIsolationOptions, toYaml } from '@k8s-security-pro/core';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_VERSION } from './chart/render-chart.js';
import { ciliumOptionsFromChartValues } from './chart/cilium-values.js';
import { ciliumComponentDir } from './kustomize/render-kustomize-cilium.js';
import { compareRoutes, normalisePolicies, withProjectLabels } from './test-support/normalise.js';
import { REPO_ROOT, runTool } from './test-support/tools.js';

const ciliumPoliciesIn = (yamlText: string) =>
  parseAllDocuments(yamlText)
    .map((document) => document.toJS() as Record<string, unknown> | null)
    .filter((object): object is Record<string, unknown> => object?.kind === 'CiliumNetworkPolicy');

const helmCilium = (envName: string, namespace: string, extra: readonly string[] = []) =>
  withProjectLabels(
    ciliumPoliciesIn(runTool('helm', ['template', 'k8s-security', 'charts/k8s-security', '-f', `charts/k8s-security/values-${envName}.yaml`, '-n', namespace, '--set', 'cilium.enabled=true', ...extra])),
    'k8s-security',
    `k8s-security-${CHART_VERSION}`,
  );

const scratch = mkdtempSync(join(tmpdir(), 'k8s-security-cilium-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * `kustomize build` of the environment's overlay with the one line a user adds,
 * `components: [../../components/cilium/<env>]`: the overlay is copied into the scratch folder
 * with its paths rebased (Kustomize takes relative paths only).
 */
function kustomizeWithCilium(envName: string): string {
  const environment = ENVIRONMENTS.find((e) => e.name === envName)!;
  const overlayDir = join(REPO_ROOT, 'kustomize/overlays', envName);
  const dir = join(scratch, envName);
  mkdirSync(dir, { recursive: true });
  const overlay = parse(readFileSync(join(overlayDir, 'kustomization.yaml'), 'utf8')) as { resources: string[]; components?: string[] };
  const rebase = (path: string) => relative(dir, join(overlayDir, path));
  const components = [...(overlay.components ?? []), relative(overlayDir, join(REPO_ROOT, ciliumComponentDir(environment)))].map(rebase);
  writeFileSync(join(dir, 'kustomization.yaml'), toYaml({ ...overlay, resources: overlay.resources.map(rebase), components }));
  return runTool('kustomize', ['build', dir]);
}

describe.each(ENVIRONMENTS.map((environment) => environment.name))('the %s environment with Cilium on', (envName) => {
  const environment = ENVIRONMENTS.find((e) => e.name === envName)!;
  const namespace = resolveNamespaceIsolationOptions(environment.values).targetNamespaces[0]!;
  const core = normalisePolicies(ciliumNetworkPolicies(environment.values));

  it('renders through the chart the same CiliumNetworkPolicies as the core', () => {
    expect(core.length).toBeGreaterThanOrEqual(5);
    expect(compareRoutes('ciliumNetworkPolicies()', core, 'helm --set cilium.enabled=true', normalisePolicies(helmCilium(envName, namespace)))).toBeUndefined();
  });

  it('renders through the Kustomize component the same CiliumNetworkPolicies as the core', () => {
    expect(compareRoutes('ciliumNetworkPolicies()', core, 'kustomize with components/cilium', normalisePolicies(ciliumPoliciesIn(kustomizeWithCilium(envName))))).toBeUndefined();
  });

  it('renders the FQDN allow-list through the chart as the core does', () => {
    const set = ['--set', 'cilium.fqdnEgress.names={API.example.com,api.example.com}', '--set', 'cilium.fqdnEgress.patterns={*.example.org}', '--set', 'cilium.fqdnEgress.ports[0].port=8443'];
    const options = ciliumOptionsFromChartValues({ cilium: { fqdnEgress: { names: ['API.example.com', 'api.example.com'], patterns: ['*.example.org'], ports: [{ port: 8443 }] } } });
    const expected = normalisePolicies(ciliumNetworkPolicies(environment.values, options));
    expect(JSON.stringify(expected)).toContain('"matchName":"api.example.com"');
    expect(compareRoutes('ciliumNetworkPolicies() with fqdnEgress', expected, 'helm with cilium.fqdnEgress', normalisePolicies(helmCilium(envName, namespace, set)))).toBeUndefined();
  });
});

describe('the Cilium part by default', () => {
  it('is off: the chart and the overlays render no CiliumNetworkPolicy', () => {
    expect(ciliumPoliciesIn(runTool('helm', ['template', 'k8s-security', 'charts/k8s-security', '-n', 'production']))).toEqual([]);
    expect(ciliumPoliciesIn(runTool('kustomize', ['build', 'kustomize/overlays/prod']))).toEqual([]);
  });

  it('shows a wrong rule up: a chart render that differs from the core is named', () => {
    const wrong = normalisePolicies(helmCilium('prod', 'production', ['--set', 'allowMonitoring.ports[0].port=9091']));
    expect(compareRoutes('core', normalisePolicies(ciliumNetworkPolicies({})), 'helm', wrong)).toMatch(/^helm differs from core in production\/allow-monitoring at \.spec\.ingress\[0\]\.toPorts\[0\]\.ports\[0\]\.port: expected "9090", got "9091"$/);
  });
});
