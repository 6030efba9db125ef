/**
 * The chart's own `helm test` checks, run on the dataplane: the hook Pods that `helm install`
 * stores are created as a pod of the target namespace, and their commands run in that pod's
 * network namespace with the hook's environment. The cross-namespace check must pass on
 * kube-router, which REJECTs denied connections, and on a DROP enforcer (emulated by a DROP rule
 * for exactly the denied connection in the node namespace), and fail when the policies are gone.
 * The DNS check must resolve through the DNS pod (its agent answers DNS) and fail without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterModelFromObjects, type ClusterModel } from '@k8s-security-pro/core';
import { parseYamlStream } from '../cluster.js';
import { useDataplane } from './suite-support.js';
import { BusyboxBin, hookContainer, runHook, type HookContainer } from './hook-runner.js';
import { inNetns } from './netns.js';
import { referenceObjects, referenceTopology } from './reference-cluster.js';

const RELEASE = 'k8s-security';
const NAMESPACE = 'production';
const TEST_POD_IP = '10.244.0.40';
const COREDNS = 'kube-system/coredns';
/** What the DNS pod answers for the test-dns hook's name (the kubernetes Service's address). */
const DNS_RECORDS = { 'kubernetes.default.svc.cluster.local': '10.0.0.1' };

const { current } = useDataplane(undefined, { dnsRecords: DNS_RECORDS });
let bin: BusyboxBin;
let topology: ClusterModel;
let check: HookContainer;
let dnsCheck: HookContainer;
let hosts: Record<string, string>;
let testPodId: string;

beforeAll(async () => {
  bin = new BusyboxBin();
  const dataplane = current();
  await dataplane.cluster.ensureNamespaces([NAMESPACE]);
  await dataplane.cluster.helmOk(['install', RELEASE, './charts/k8s-security', '-f', 'charts/k8s-security/values-prod.yaml', '-n', NAMESPACE]);
  const { stdout } = await dataplane.cluster.helmOk(['get', 'hooks', RELEASE, '-n', NAMESPACE]);
  const hook = parseYamlStream(stdout).find((o) => (o['metadata'] as { name: string }).name.endsWith('-cross-namespace'));
  if (!hook) throw new Error('helm get hooks returned no cross-namespace test hook');
  check = hookContainer(hook);
  const dnsHook = parseYamlStream(stdout).find((o) => (o['metadata'] as { name: string }).name.endsWith('-dns'));
  if (!dnsHook) throw new Error('helm get hooks returned no dns test hook');
  dnsCheck = hookContainer(dnsHook);
  const metadata = hook['metadata'] as { name: string; labels: Record<string, string> };
  testPodId = `${NAMESPACE}/${metadata.name}`;
  // The hook Pod as the kubelet would run it: a pod of the target namespace with the hook's labels.
  const testPod = { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: NAMESPACE, name: metadata.name, labels: metadata.labels }, spec: { containers: [{ name: 'check' }] }, status: { podIP: TEST_POD_IP } };
  const { model } = clusterModelFromObjects([...referenceObjects(), testPod]);
  topology = { ...referenceTopology(), endpoints: [...referenceTopology().endpoints, ...model.endpoints.filter((e) => e.id === testPodId)] };
  await dataplane.setTopology(topology);
  const coredns = topology.endpoints.find((e) => e.id === COREDNS)!;
  hosts = { 'kube-dns.kube-system.svc.cluster.local': coredns.ip! };
  const enforced = await dataplane.compareWithAnalyzer(await dataplane.withStoredPolicies(topology));
  expect(enforced.disagreements).toEqual([]);
});

afterAll(() => {
  bin?.remove();
});

describe('the helm test dns check', () => {
  it('resolves its name through the DNS pod, which layer 5 lets every pod reach on port 53', async () => {
    const coredns = topology.endpoints.find((e) => e.id === COREDNS)!.ip!;
    const result = await runHook(current().namespaceOf(testPodId), dnsCheck, bin, {}, coredns);
    expect(dnsCheck.command).toEqual(['nslookup', 'kubernetes.default.svc.cluster.local']);
    const probe = await current().probe(testPodId, COREDNS, 53, 'UDP');
    expect(result.stdout, `${result.stderr}; a probe of ${COREDNS}:53/UDP from the hook pod: ${JSON.stringify(probe)}`).toContain('10.0.0.1');
    expect(result.code).toBe(0);
  });

  it('fails when the DNS pod does not answer', async () => {
    // A nameserver address no pod has: the check must not pass without an answer.
    const result = await runHook(current().namespaceOf(testPodId), dnsCheck, bin, {}, '10.244.0.99');
    expect(result.code).not.toBe(0);
  });
});

describe('the helm test cross-namespace check', () => {
  it('targets CoreDNS metrics with DNS over TCP as the control', () => {
    expect(Object.fromEntries(check.env.map((e) => [e.name, e.value]))).toMatchObject({
      TARGET_URL: 'http://kube-dns.kube-system.svc.cluster.local:9153/metrics',
      CONTROL_PORT: '53',
    });
  });

  it('passes on kube-router, which refuses the denied connection', async () => {
    const result = await runHook(current().namespaceOf(testPodId), check, bin, hosts);
    expect(`${result.stdout}${result.stderr}`).toContain('was refused (the enforcer rejects)');
    expect(result.code).toBe(0);
  });

  it('passes on an enforcer that drops the denied connection', async () => {
    // In the raw table, which packets traverse before kube-router's filter chains: kube-router
    // keeps its own FORWARD jump first, so a DROP there would never see the packet.
    const rule = ['PREROUTING', '-s', TEST_POD_IP, '-d', hosts['kube-dns.kube-system.svc.cluster.local']!, '-p', 'tcp', '--dport', '9153', '-j', 'DROP'];
    await inNetns(current().nodeNamespace, 'iptables', ['-t', 'raw', '-I', ...rule]);
    try {
      const result = await runHook(current().namespaceOf(testPodId), check, bin, hosts);
      expect(`${result.stdout}${result.stderr}`).toContain('timed out (the enforcer drops)');
      expect(result.code).toBe(0);
    } finally {
      await inNetns(current().nodeNamespace, 'iptables', ['-t', 'raw', '-D', ...rule]);
    }
  });

  it('fails when the destination host does not answer on the control port (a refusal would prove nothing)', async () => {
    const result = await runHook(current().namespaceOf(testPodId), { ...check, env: check.env.map((e) => (e.name === 'CONTROL_PORT' ? { ...e, value: '5353' } : e)) }, bin, hosts);
    expect(result.stdout).toContain('FAIL: control');
    expect(result.code).toBe(1);
  });

  it('fails once the policies are gone and the connection gets through', async () => {
    await current().cluster.helmOk(['uninstall', RELEASE, '-n', NAMESPACE, '--wait']);
    const open = await current().compareWithAnalyzer({ ...topology, policies: [] });
    expect(open.disagreements).toEqual([]);
    const result = await runHook(current().namespaceOf(testPodId), check, bin, hosts);
    expect(result.stdout).toContain('FAIL');
    expect(result.code).toBe(1);
  });
});
