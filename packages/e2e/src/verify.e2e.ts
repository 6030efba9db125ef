/**
 * `k8s-security verify` against a real kube-apiserver: the reference cluster's namespaces and
 * pods plus the three environments' manifests are applied, then each environment's generated
 * threat model is verified through the CLI's live-cluster path (--kubeconfig, and $KUBECONFIG
 * with --cluster). Deleting production's egress policies must break production's egress
 * assertions and nothing else, so the live check can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';
import { ControlPlane } from './control-plane.js';
import { describeFailure, run } from './process.js';

const REFERENCE_NAMESPACES = ['ingress-nginx', 'monitoring', 'kube-system', 'dev', 'staging', 'production'];
const ENVIRONMENTS = ['dev', 'staging', 'prod'];

interface VerifyJson {
  summary: { total: number; passed: number; failed: number; vacuous: number };
  results: { id: string; status: string; observed: string }[];
}

let plane: ControlPlane;
let cluster: Cluster;

beforeAll(async () => {
  plane = await ControlPlane.start();
  cluster = new Cluster(plane.endpoints);
  // Pods pass admission only once their namespace has its default ServiceAccount.
  await cluster.ensureNamespaces(REFERENCE_NAMESPACES);
  await cluster.kubectlOk(['apply', '-f', 'examples/reference-cluster.yaml']);
  for (const environment of ENVIRONMENTS) await cluster.kubectlOk(['apply', '-f', `manifests/14_namespace_isolation-${environment}.yaml`]);
});

afterAll(async () => {
  await plane?.stop();
});

async function verify(environment: string, live: readonly string[], env: Record<string, string> = {}) {
  const result = await run(process.execPath, ['packages/cli/bin/k8s-security.js', 'verify', '--expect', `examples/threat-model/${environment}.yaml`, ...live, '-o', 'json'], { env });
  return { result, report: result.stdout === '' ? undefined : (JSON.parse(result.stdout) as VerifyJson) };
}

describe('verify against a live API server', () => {
  it.each(ENVIRONMENTS)('holds the %s threat model on the installed cluster (--kubeconfig)', async (environment) => {
    const { result, report } = await verify(environment, ['--kubeconfig', plane.endpoints.kubeconfig]);
    expect(result.code, describeFailure(result)).toBe(0);
    expect(report!.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report!.summary.total).toBeGreaterThanOrEqual(10);
  });

  it('reads $KUBECONFIG with --cluster, and fails production egress assertions once its egress policies are gone', async () => {
    const env = { KUBECONFIG: plane.endpoints.kubeconfig };
    const before = await verify('prod', ['--cluster'], env);
    expect(before.result.code, describeFailure(before.result)).toBe(0);
    await cluster.kubectlOk(['delete', 'networkpolicy', 'deny-egress-except-dns', 'allow-same-namespace', '-n', 'production']);
    const after = await verify('prod', ['--cluster'], env);
    expect(after.result.code, describeFailure(after.result)).toBe(1);
    expect(after.report!.results.filter((r) => r.status !== 'pass').map((r) => r.id)).toEqual([
      'production-same-namespace',
      'production-dns',
      'production-no-egress-to-other-namespaces',
      'production-no-egress-to-outside-ipv4',
      'production-no-egress-to-outside-ipv6',
    ]);
    // The other environments are untouched.
    const dev = await verify('dev', ['--cluster'], env);
    expect(dev.result.code, describeFailure(dev.result)).toBe(0);
  });
});
