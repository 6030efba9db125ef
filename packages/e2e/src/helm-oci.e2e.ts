/**
 * The chart as users get it: packaged, pushed to a real OCI registry (CNCF distribution on
 * 127.0.0.1) and installed from `oci://` with Helm 3 and with Helm 4 into the e2e API server.
 * Helm 4 applies server-side by default: the stored policies' managedFields show an Apply by
 * Helm, where Helm 3 shows an Update. Install without -f isolates the release namespace; a second
 * release with fullnameOverride coexists with the first; upgrade, rollback and uninstall.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type StoredNetworkPolicy } from './cluster.js';
import { ControlPlane } from './control-plane.js';
import { expectedPolicies } from './expected.js';
import { OciRegistry } from './oci-registry.js';
import { REPO_ROOT } from './process.js';

const CHART = 'charts/k8s-security';
const VERSION = /^version: (\S+)$/m.exec(readFileSync(join(REPO_ROOT, CHART, 'Chart.yaml'), 'utf8'))![1]!;

let plane: ControlPlane;
let registry: OciRegistry;
let packageDir: string;
let reference: string;
const clusters: Record<'helm' | 'helm4', Cluster> = {} as never;

beforeAll(async () => {
  plane = await ControlPlane.start();
  registry = await OciRegistry.start();
  clusters.helm = new Cluster(plane.endpoints, 'helm');
  clusters.helm4 = new Cluster(plane.endpoints, 'helm4');
  packageDir = mkdtempSync(join(tmpdir(), 'chart-package-'));
  await clusters.helm.helmOk(['package', CHART, '-d', packageDir]);
  await clusters.helm.helmOk(['push', join(packageDir, `k8s-security-${VERSION}.tgz`), `oci://${registry.host}/charts`, '--plain-http']);
  reference = `oci://${registry.host}/charts/k8s-security`;
});

afterAll(async () => {
  await registry?.stop();
  await plane?.stop();
  if (packageDir) rmSync(packageDir, { recursive: true, force: true });
});

/** The managers and operations recorded on a stored policy, e.g. `helm:Apply`. */
function writers(policy: StoredNetworkPolicy | undefined): string[] {
  const fields = (policy?.metadata as { managedFields?: { manager: string; operation: string }[] } | undefined)?.managedFields ?? [];
  return fields.map((entry) => `${entry.manager}:${entry.operation}`);
}

describe.each([
  { helm: 'helm' as const, namespace: 'helm3-apps', operation: 'Update' },
  { helm: 'helm4' as const, namespace: 'helm4-apps', operation: 'Apply' },
])('$helm from the OCI registry', ({ helm, namespace, operation }) => {
  const oci = () => [reference, '--version', VERSION, '--plain-http'];

  it(`shows the chart's values and README from the registry`, async () => {
    const values = await clusters[helm].helmOk(['show', 'values', ...oci()]);
    // helm show ends its output with one extra newline.
    expect(values.stdout.trimEnd()).toBe(readFileSync(join(REPO_ROOT, CHART, 'values.yaml'), 'utf8').trimEnd());
    const readme = await clusters[helm].helmOk(['show', 'readme', ...oci()]);
    expect(readme.stdout.trimEnd()).toBe(readFileSync(join(REPO_ROOT, CHART, 'README.md'), 'utf8').trimEnd());
  });

  it('refuses a version that was never pushed', async () => {
    const result = await clusters[helm].helm(['show', 'values', reference, '--version', '9.9.9', '--plain-http']);
    expect(result.code).not.toBe(0);
  });

  it(`installs into the release namespace without -f, writing with ${operation}`, async () => {
    const cluster = clusters[helm];
    await cluster.ensureNamespaces([namespace]);
    await cluster.helmOk(['install', 'isolation', ...oci(), '-n', namespace]);
    const stored = await cluster.networkPolicies(namespace, { managedFields: true });
    const expected = expectedPolicies({ targetNamespaces: [namespace] }, namespace);
    expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, policy] of expected) {
      expect(stored.get(name)?.spec, name).toEqual(policy.spec);
      expect(stored.get(name)?.metadata.labels?.['app.kubernetes.io/instance'], name).toBe('isolation');
      expect(writers(stored.get(name)), name).toContain(`helm:${operation}`);
    }
  });

  it('lets a second release with fullnameOverride coexist in the same namespace', async () => {
    const cluster = clusters[helm];
    await cluster.helmOk(['install', 'second', ...oci(), '-n', namespace, '--set', 'fullnameOverride=second']);
    const names = [...(await cluster.networkPolicies(namespace)).keys()];
    expect(names.filter((name) => name.startsWith('second-'))).toHaveLength(5);
    expect(names).toHaveLength(10);
    await cluster.helmOk(['uninstall', 'second', '-n', namespace, '--wait']);
    expect([...(await cluster.networkPolicies(namespace)).keys()]).toHaveLength(5);
  });

  it('upgrades, rolls back and uninstalls from the registry', async () => {
    const cluster = clusters[helm];
    await cluster.helmOk(['upgrade', 'isolation', ...oci(), '-n', namespace, '--set', 'allowMonitoring.enabled=false']);
    expect((await cluster.networkPolicies(namespace)).has('allow-monitoring')).toBe(false);
    await cluster.helmOk(['rollback', 'isolation', '1', '-n', namespace]);
    expect((await cluster.networkPolicies(namespace)).has('allow-monitoring')).toBe(true);
    await cluster.helmOk(['uninstall', 'isolation', '-n', namespace, '--wait']);
    expect((await cluster.networkPolicies(namespace)).size).toBe(0);
  });
});
