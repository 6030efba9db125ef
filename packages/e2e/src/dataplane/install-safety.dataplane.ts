/**
 * Suite 2: install and upgrade safety, proven with packets. While `helm install`, `helm upgrade`
 * from dev values to prod values, `helm rollback` and `kubectl apply -k` change the policies of
 * the reference cluster, a continuous prober keeps opening every connection that the analyzer
 * allows both before and after the change. None may ever fail: the chart and the overlays apply
 * the allow layers before the deny layers. A deliberately wrong order (deny first) shows the
 * prober catches a drop.
 */
import { describe, expect, it } from 'vitest';
import { NAMESPACE_ISOLATION_LAYERS, analyzeReachability, environmentNamed, namespaceIsolation, toYamlStream, type ClusterModel } from '@k8s-security-pro/core';
import { useDataplane } from './suite-support.js';
import { ContinuousProber, allowedInBoth } from './continuous-prober.js';
import { referenceTopology } from './reference-cluster.js';

const RELEASE = 'k8s-security';
const RELEASE_NAMESPACE = 'production';

const topology = referenceTopology();
const { current } = useDataplane(topology);

/**
 * Runs `change` under a continuous prober of the connections allowed before and after it, and
 * waits until the dataplane enforces the new policies. Returns the drops seen.
 */
async function probedChange(name: string, change: () => Promise<unknown>): Promise<ContinuousProber> {
  const before = await current().withStoredPolicies(topology);
  // Everything the analyzer predicts now must already hold, or a drop could predate the change.
  expect((await current().compareWithAnalyzer(before)).disagreements).toEqual([]);
  const beforeVerdicts = analyzeReachability(before);
  let after: ClusterModel | undefined;
  let prober: ContinuousProber | undefined;
  try {
    // The stable set needs the "after" policies, which only the change creates: probe every
    // connection allowed before, and keep only drops of those still allowed after.
    prober = new ContinuousProber(current(), beforeVerdicts.filter((c) => c.allowed && c.protocol !== 'SCTP'));
    await change();
    after = await current().withStoredPolicies(topology);
    const converged = await current().compareWithAnalyzer(after);
    expect(converged.disagreements, `${name}: the new policies are enforced`).toEqual([]);
  } finally {
    await prober?.stop();
  }
  const stable = new Set(allowedInBoth(beforeVerdicts, analyzeReachability(after)).map((c) => `${c.from}>${c.to}:${c.port}/${c.protocol}`));
  const dropped = prober.drops.filter((d) => stable.has(d.connection));
  prober.drops.splice(0, prober.drops.length, ...dropped);
  console.log(`[dataplane] ${name}: ${stable.size} connections allowed before and after, ${prober.rounds} rounds (${prober.probes} probes), ${dropped.length} drops`);
  return prober;
}

describe('no connection allowed before and after a change is ever dropped', () => {
  it('during helm install with the dev values', async () => {
    const prober = await probedChange('helm install (dev values)', () =>
      current().cluster.helmOk(['install', RELEASE, './charts/k8s-security', '-f', 'charts/k8s-security/values-dev.yaml', '-n', RELEASE_NAMESPACE, '--set', `targetNamespaces={${RELEASE_NAMESPACE}}`]),
    );
    expect(prober.drops).toEqual([]);
  });

  it('during helm upgrade from the dev values to the prod values', async () => {
    const prober = await probedChange('helm upgrade (dev -> prod values)', () =>
      current().cluster.helmOk(['upgrade', RELEASE, './charts/k8s-security', '-f', 'charts/k8s-security/values-prod.yaml', '-n', RELEASE_NAMESPACE]),
    );
    expect(prober.drops).toEqual([]);
  });

  it('during helm rollback to the dev values', async () => {
    const prober = await probedChange('helm rollback (-> revision 1)', () => current().cluster.helmOk(['rollback', RELEASE, '1', '-n', RELEASE_NAMESPACE]));
    expect(prober.drops).toEqual([]);
  });

  it('during kubectl apply -k of the staging overlay', async () => {
    const prober = await probedChange('kubectl apply -k overlays/staging', () => current().cluster.kubectlOk(['apply', '-k', 'kustomize/overlays/staging']));
    expect(prober.drops).toEqual([]);
  });

  it('but catches the drops of a deny-first order (so it can fail)', async () => {
    await current().cluster.helmOk(['uninstall', RELEASE, '-n', RELEASE_NAMESPACE, '--wait']);
    const policies = namespaceIsolation(environmentNamed('prod').values) as { metadata: { name: string } }[];
    const denyNames = new Set(NAMESPACE_ISOLATION_LAYERS.filter((layer) => layer.effect === 'deny').map((layer) => layer.policyName));
    const denies = policies.filter((p) => denyNames.has(p.metadata.name));
    const allows = policies.filter((p) => !denies.includes(p));
    expect(denies.length).toBeGreaterThan(0);
    const prober = await probedChange('deny layers first, allow layers 2 s later', async () => {
      await current().cluster.kubectlOk(['apply', '-f', '-'], { input: toYamlStream(denies) });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await current().cluster.kubectlOk(['apply', '-f', '-'], { input: toYamlStream(allows) });
    });
    expect(prober.drops.length).toBeGreaterThan(0);
    await current().deleteAllPolicies();
  });
});
