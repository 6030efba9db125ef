/**
 * Teams' own environments (`k8s-security generate --config`): for configurations that toggle
 * layers, add extras and span several namespaces, the values file, the Kustomize overlay and
 * the plain manifest that the builder writes install what the core renders, as Helm and
 * `kustomize build` see them.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { namespaceIsolation, parseEnvironmentsConfig, type EnvironmentDefinition } from '@k8s-security-pro/core';
import { afterAll, describe, expect, it } from 'vitest';
import { renderEnvironmentValues } from './chart/values-files.js';
import { renderKustomizeBase, renderKustomizeOverlay } from './kustomize/render-kustomize.js';
import { renderManifests } from './manifests/render-manifests.js';
import { CHART_VERSION } from './chart/render-chart.js';
import { compareRoutes, networkPoliciesIn, normalisePolicies, withProjectLabels } from './test-support/normalise.js';
import { runTool } from './test-support/tools.js';

const CONFIG = {
  environments: [
    { name: 'no-egress-deny', values: { targetNamespaces: ['team-a'], denyEgressExceptDns: { enabled: false } } },
    { name: 'only-deny', values: { targetNamespaces: ['team-b'], allowIngressController: { enabled: false }, allowMonitoring: { enabled: false } } },
    {
      name: 'many',
      values: {
        targetNamespaces: ['payments', 'ledger', 'billing'],
        allowIngressController: { namespace: 'traefik', podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } }, ports: [{ port: 8443 }], nodeCidrs: ['10.0.0.0/16'] },
        allowMonitoring: { ports: [{ port: 'metrics' }, { port: 9100, endPort: 9110 }] },
        denyEgressExceptDns: {
          dns: { podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns', 'coredns'] }] } },
          nodeLocalDns: { enabled: true, ip: '169.254.25.10' },
          apiServer: { enabled: true, cidrs: ['10.96.0.1/32', '172.20.0.0/28'], ports: [{ port: 6443 }] },
          allowedEgress: [{ cidr: '192.168.0.0/16', except: ['192.168.1.0/24'], ports: [{ port: 5432 }, { port: 53, protocol: 'UDP' }] }],
        },
      },
    },
  ],
};

const environments: EnvironmentDefinition[] = parseEnvironmentsConfig(CONFIG);
const outDir = mkdtempSync(join(tmpdir(), 'custom-environments-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function write(files: Map<string, string>): void {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), content);
  }
}

write(renderKustomizeBase());
for (const environment of environments) {
  write(renderKustomizeOverlay(environment));
  write(renderManifests(environment));
  write(new Map([[`values-${environment.name}.yaml`, renderEnvironmentValues(environment)]]));
}

describe.each(environments.map((environment) => [environment.name, environment] as const))('the custom environment %s', (name, environment) => {
  const core = normalisePolicies(namespaceIsolation(environment.values));

  it('installs through its Kustomize overlay exactly what the core renders', () => {
    const built = networkPoliciesIn(runTool('kustomize', ['build', join(outDir, `kustomize/overlays/${name}`)]));
    expect(compareRoutes('the core', core, 'kustomize build', normalisePolicies(built))).toBeUndefined();
  });

  it('installs through the Helm chart with its values file exactly what the core renders', () => {
    const rendered = runTool('helm', ['template', 'k8s-security', 'charts/k8s-security', '-f', join(outDir, `values-${name}.yaml`)]);
    const helmPolicies = withProjectLabels(networkPoliciesIn(rendered), 'k8s-security', `k8s-security-${CHART_VERSION}`);
    expect(compareRoutes('the core', core, 'helm template', normalisePolicies(helmPolicies))).toBeUndefined();
  });

  it('installs through its plain manifest exactly what the core renders', () => {
    const plain = renderManifests(environment).get(`manifests/14_namespace_isolation-${name}.yaml`)!;
    expect(compareRoutes('the core', core, 'the manifest', normalisePolicies(networkPoliciesIn(plain)))).toBeUndefined();
  });
});
