/**
 * Suite 3: the upstream-derived conformance cases (packages/core/src/analyzer/conformance/cases,
 * taken from Kubernetes' own NetworkPolicy e2e tests) replayed on the dataplane. Each case's
 * pods and namespaces are built, its policies installed, and every non-loopback query of its
 * truth table probed. A disagreement passes only when a known kube-router deviation (with the
 * Kubernetes rule it breaks) explains it; SCTP queries are counted but not probed, and the run
 * says why (the kernel here has no SCTP sockets; Node.js has none either).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { clusterModelFromObjects, type ConformanceCase, type Connection } from '@k8s-security-pro/core';
import { REPO_ROOT } from '../process.js';
import { connectionKey } from './dataplane.js';
import { useDataplane } from './suite-support.js';
import { deviationsFor } from './known-deviations.js';
import { sctpNotProbedReason } from './host-requirements.js';

const CASES_DIR = join(REPO_ROOT, 'packages/core/src/analyzer/conformance/cases');


function loadCases(): { file: string; data: ConformanceCase }[] {
  if (!existsSync(CASES_DIR)) throw new Error(`the conformance cases are missing: expected JSON files in ${CASES_DIR}`);
  const files = readdirSync(CASES_DIR).filter((file) => file.endsWith('.json')).sort();
  return files.map((file) => ({ file, data: JSON.parse(readFileSync(join(CASES_DIR, file), 'utf8')) as ConformanceCase }));
}

/** The case's namespaces and pods as Kubernetes objects. */
function topologyObjects(data: ConformanceCase): unknown[] {
  const namespaces = Object.entries(data.model.namespaces).map(([name, { labels }]) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
  const pods = data.model.pods.map((pod) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels },
    spec: { containers: [{ name: 'main', ports: pod.ports.map((p) => ({ containerPort: p.port, protocol: p.protocol, ...(p.name ? { name: p.name } : {}) })) }] },
    status: { podIP: pod.ip },
  }));
  return [...namespaces, ...pods];
}

/** kube-router enforces NetworkPolicy only; cases with cluster-scoped tiers are the analyzer's alone. */
function isNetworkPolicyOnly(data: ConformanceCase): boolean {
  return data.policies.every((policy) => (policy as { kind?: string }).kind === 'NetworkPolicy');
}

const allCases = loadCases();
const cases = allCases.filter(({ data }) => isNetworkPolicyOnly(data));
const tierCases = allCases.length - cases.length;
const { current } = useDataplane();

it('finds the conformance cases', () => {
  expect(cases.length).toBeGreaterThan(20);
});

it('replays every case on the dataplane; each disagreement with its truth table is a known, cited kube-router deviation', { timeout: 600_000 }, async () => {
  const unexplained: string[] = [];
  const triage: string[] = [];
  let probed = 0;
  let sctp = 0;
  const started = Date.now();
  for (const { file, data } of cases) {
    const { model: topology } = clusterModelFromObjects(topologyObjects(data));
    await current().deleteAllPolicies();
    await current().setTopology(topology);
    await current().createPolicies(data.policies);
    const model = await current().withStoredPolicies(topology);
    const expected: Connection[] = data.queries.filter((q) => !q.loopback).map((q) => ({ from: q.from, to: q.to, port: q.port, protocol: q.protocol, allowed: q.allowed }));
    sctp += expected.filter((c) => c.protocol === 'SCTP').length;
    const comparison = await current().compare(expected, 15_000, (d) => deviationsFor(d, model).length > 0);
    probed += comparison.connections.length;
    for (const d of comparison.disagreements) {
      const line = `${file}: ${connectionKey(d.connection)} expected ${d.connection.allowed ? 'allowed' : 'denied'}, dataplane ${d.observed.outcome}`;
      const deviations = deviationsFor(d, model);
      if (deviations.length > 0) triage.push(`${line} (${deviations.map((deviation) => deviation.id).join(', ')})`);
      else unexplained.push(line);
    }
  }
  console.log(
    `[dataplane] conformance: ${cases.length} NetworkPolicy cases (${tierCases} ClusterNetworkPolicy/AdminNetworkPolicy cases not replayed: kube-router does not enforce them), ${probed} queries probed, ${sctp} SCTP queries not probed (${sctpNotProbedReason()}), in ${Date.now() - started} ms; ` +
      `${triage.length} explained by known deviations, ${unexplained.length} unexplained`,
  );
  for (const line of triage) console.log(`[dataplane]   ${line}`);
  expect(unexplained).toEqual([]);
});
