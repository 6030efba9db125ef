/**
 * Suite 2: install and upgrade safety, proven with packets. While `helm install`, `helm upgrade`
 * from dev values to prod values, `helm rollback` and `kubectl apply -k` change the policies of
 * the reference cluster, a continuous prober keeps opening every connection that the analyzer
 * allows both before and after the change. None may ever fail: the chart and the overlays apply
 * the allow layers before the deny layers. A deliberately wrong order (deny first) shows the
 * prober catches a drop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMESPACE_ISOLATION_LAYERS, analyzeReachability, environmentNamed, namespaceIsolation, toYamlStream, type ClusterModel } from '@k8s-security-pro/core';
import { Dataplane } from './dataplane.js';
import { ContinuousProber, allowedInBoth } from './continuous-prober.js';
import { hostRuleset } from './host-ruleset.js';
import { listNetns } from './netns.js';
import { referenceTopology } from './reference-cluster.js';

const RELEASE = 'k8s-security';
const RELEASE_NAMESPACE = 'production';

let dataplane: Dataplane;
let hostBefore: string;
const topology = referenceTopology();

beforeAll(async () => {
  hostBefore = await hostRuleset();
  dataplane = await Dataplane.start();
  await dataplane.setTopology(topology);
});

afterAll(async () => {
  const prefix = dataplane?.namespacePrefix;
  await dataplane?.stop();
  if (prefix) expect(listNetns(prefix), 'network namespaces left behind').toEqual([]);
  expect(await hostRuleset(), "the host's iptables/nft/ipset state").toBe(hostBefore);
});

/**
 * Runs `change` under a continuous prober of the connections allowed before and after it, and
 * waits until the dataplane enforces the new policies. Returns the drops seen.
 */
async function probedChange(name: string, change: () => Promise<unknown>): Promise<ContinuousProber> {
  const before = await dataplane.withStoredPolicies(topology);
  // Everything the analyzer predicts now must already hold, or a drop could predate the change.
  expect((await dataplane.compareWithAnalyzer(before)).disagreements).toEqual([]);
  const beforeVerdicts = analyzeReachability(before);
  let after: ClusterModel | undefined;
  let prober: ContinuousProber | undefined;
  try {
    // The stable set needs the "after" policies, which only the change creates: probe every
    // connection allowed before, and keep only drops of those still allowed after.
    prober = new ContinuousProber(dataplane, beforeVerdicts.filter((c) => c.allowed && c.protocol !== 'SCTP'));
    await change();
    after = await dataplane.withStoredPolicies(topology);
    const converged = await dataplane.compareWithAnalyzer(after);
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
      dataplane.cluster.helmOk(['install', RELEASE, './charts/k8s-security', '-f', 'charts/k8s-security/values-dev.yaml', '-n', RELEASE_NAMESPACE, '--set', `targetNamespaces={${RELEASE_NAMESPACE}}`]),
    );
    expect(prober.drops).toEqual([]);
  });

  it('during helm upgrade from the dev values to the prod values', async () => {
    const prober = await probedChange('helm upgrade (dev -> prod values)', () =>
      dataplane.cluster.helmOk(['upgrade', RELEASE, './charts/k8s-security', '-f', 'charts/k8s-security/values-prod.yaml', '-n', RELEASE_NAMESPACE]),
    );
    expect(prober.drops).toEqual([]);
  });

  it('during helm rollback to the dev values', async () => {
    const prober = await probedChange('helm rollback (-> revision 1)', () => dataplane.cluster.helmOk(['rollback', RELEASE, '1', '-n', RELEASE_NAMESPACE]));
    expect(prober.drops).toEqual([]);
  });

  it('during kubectl apply -k of the staging overlay', async () => {
    const prober = await probedChange('kubectl apply -k overlays/staging', () => dataplane.cluster.kubectlOk(['apply', '-k', 'kustomize/overlays/staging']));
    expect(prober.drops).toEqual([]);
  });

  it('but catches the drops of a deny-first order (so it can fail)', async () => {
    await dataplane.cluster.helmOk(['uninstall', RELEASE, '-n', RELEASE_NAMESPACE, '--wait']);
    const policies = namespaceIsolation(environmentNamed('prod').values) as { metadata: { name: string } }[];
    const denyNames = new Set(NAMESPACE_ISOLATION_LAYERS.filter((layer) => layer.effect === 'deny').map((layer) => layer.policyName));
    const denies = policies.filter((p) => denyNames.has(p.metadata.name));
    const allows = policies.filter((p) => !denies.includes(p));
    expect(denies.length).toBeGreaterThan(0);
    const prober = await probedChange('deny layers first, allow layers 2 s later', async () => {
      await dataplane.cluster.kubectlOk(['apply', '-f', '-'], { input: toYamlStream(denies) });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await dataplane.cluster.kubectlOk(['apply', '-f', '-'], { input: toYamlStream(allows) });
    });
    expect(prober.drops.length).toBeGreaterThan(0);
    await dataplane.deleteAllPolicies();
  });
});
