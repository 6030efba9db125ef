/**
 * Compliance evidence against a real kube-apiserver: `audit --framework` and `evidence
 * --kubeconfig` read the server through the CLI's live-cluster path. The bundle from the server
 * must name the pinned Kubernetes version, and its policy digests must equal those of the bundle
 * made from the manifest files that were applied (the server's defaults do not change a digest).
 * Removing one environment's policies must turn its isolation assertions to failures.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';
import { ControlPlane } from './control-plane.js';
import { describeFailure, pinnedVersion, run } from './process.js';

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const MANIFESTS = ['dev', 'staging', 'prod'].map((env) => `manifests/14_namespace_isolation-${env}.yaml`);
/** Leave the API server's own namespaces out of the audit; they hold no policies here. */
const SCOPE = ['--exclude', 'default,kube-public,kube-node-lease'];

interface Bundle {
  schema: string;
  kubernetes: { serverVersion: string | null };
  source: { kind: string };
  summary: { verdict: string };
  assertions: { id: string; status: string }[];
  frameworks: { id: string; controls: { tag: string; status: string }[] }[];
}

let plane: ControlPlane;
let cluster: Cluster;
let out: string;

beforeAll(async () => {
  plane = await ControlPlane.start();
  cluster = new Cluster(plane.endpoints);
  out = mkdtempSync(join(tmpdir(), 'k8s-security-e2e-evidence-'));
  await cluster.ensureNamespaces(ENVIRONMENTS);
  await cluster.createDnsPod();
  for (const file of MANIFESTS) await cluster.kubectlOk(['apply', '-f', file]);
});

afterAll(async () => {
  await plane?.stop();
  if (out) rmSync(out, { recursive: true, force: true });
});

async function cli(args: readonly string[]) {
  return run(process.execPath, ['packages/cli/bin/k8s-security.js', ...args]);
}

/** Runs `evidence` into a fresh folder and returns the JSON bundle and the exit code. */
async function evidence(name: string, args: readonly string[]): Promise<{ code: number | null; bundle: Bundle; file: string }> {
  const folder = join(out, name);
  const result = await cli(['evidence', ...args, '--output', 'json', '--out', folder, '--environments', ENVIRONMENTS.join(',')]);
  expect(result.code === 0 || result.code === 1, describeFailure(result)).toBe(true);
  const [file] = readdirSync(folder);
  return { code: result.code, file: join(folder, file!), bundle: JSON.parse(readFileSync(join(folder, file!), 'utf8')) as Bundle };
}

describe('compliance evidence from a live API server', () => {
  it('audit --framework pci-dss --kubeconfig passes every PCI DSS control for the three environments', async () => {
    const result = await cli(['audit', '--kubeconfig', plane.endpoints.kubeconfig, ...SCOPE, '--framework', 'pci-dss', '--output', 'json']);
    expect(result.code, describeFailure(result)).toBe(0);
    const report = JSON.parse(result.stdout) as { framework: { id: string }; results: { ruleId: string; subject: string; status: string }[] };
    expect(report.framework.id).toBe('pci-dss');
    const environments = report.results.filter((r) => ENVIRONMENTS.includes(r.subject));
    expect(new Set(environments.map((r) => r.subject))).toEqual(new Set(ENVIRONMENTS));
    expect(environments.filter((r) => r.status !== 'pass').map((r) => `${r.ruleId} ${r.subject}`)).toEqual([]);
    expect(environments.map((r) => r.ruleId)).toContain('PCI-DSS 1.3.1');
  });

  it('evidence --kubeconfig names the server version and digests the stored policies like the applied files', async () => {
    const live = await evidence('live', ['--kubeconfig', plane.endpoints.kubeconfig, ...SCOPE]);
    expect(live.bundle).toMatchObject({ schema: 'k8s-security-pro/evidence-bundle/v1', source: { kind: 'cluster' }, kubernetes: { serverVersion: pinnedVersion('KUBERNETES_VERSION') } });
    expect(live.code).toBe(0);
    expect(live.bundle.assertions.filter((a) => a.status !== 'pass')).toEqual([]);
    expect(live.bundle.frameworks.flatMap((f) => f.controls).filter((c) => c.status === 'fail')).toEqual([]);

    const files = await evidence('files', MANIFESTS);
    // `evidence compare` validates both bundles against the JSON Schema before comparing.
    const compared = await cli(['evidence', 'compare', files.file, live.file, '--output', 'json']);
    expect(compared.code, describeFailure(compared)).toBe(0);
    const changes = (JSON.parse(compared.stdout) as { changes: { section: string; subject: string }[] }).changes;
    expect(changes.filter((change) => change.section === 'policies'), 'policy digests differ between the files and the server').toEqual([]);
    expect(changes.find((change) => change.section === 'versions' && change.subject === 'Kubernetes')).toBeDefined();
  });

  it('fails the isolation assertions of an environment whose policies are removed, and the comparison names them', async () => {
    const before = await evidence('before', ['--kubeconfig', plane.endpoints.kubeconfig, ...SCOPE]);
    await cluster.kubectlOk(['delete', 'networkpolicies', '--all', '-n', 'staging']);
    const after = await evidence('after', ['--kubeconfig', plane.endpoints.kubeconfig, ...SCOPE]);
    expect(after.code).toBe(1);
    expect(after.bundle.summary.verdict).toBe('fail');
    const failed = after.bundle.assertions.filter((a) => a.status === 'fail').map((a) => a.id);
    // dev and production keep their own egress layer (layer 5), so they still cannot reach
    // staging: only the outside world, whose egress no policy governs, gets in.
    expect(failed).toEqual(['isolation:outside->staging']);
    const compared = await cli(['evidence', 'compare', before.file, after.file]);
    expect(compared.code, describeFailure(compared)).toBe(0);
    expect(compared.stdout).toContain('REMOVED policies     policy staging/default-deny-ingress removed');
    expect(compared.stdout).toContain('CHANGED assertions   assertion isolation:outside->staging: PASS -> FAIL');
  });
});
