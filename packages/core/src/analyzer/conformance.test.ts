import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clusterModelFromObjects } from './cluster-model.js';
import { evaluateConnection, iterateReachability } from './reachability.js';
import type { ConformanceCase } from './conformance/conformance-case.js';


// The cases are checked in beside this suite; see conformance/README.md for their provenance.
const casesDirectory = join(dirname(fileURLToPath(import.meta.url)), 'conformance', 'cases');

function loadCases(): { file: string; data: ConformanceCase }[] {
  const files = readdirSync(casesDirectory).filter((file) => file.endsWith('.json')).sort();
  return files.map((file) => ({ file, data: JSON.parse(readFileSync(join(casesDirectory, file), 'utf8')) as ConformanceCase }));
}

/** The case as Kubernetes objects, so the loader is exercised too. */
function objectsOf(data: ConformanceCase): unknown[] {
  const namespaces = Object.entries(data.model.namespaces).map(([name, { labels }]) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  }));
  const pods = data.model.pods.map((pod) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels },
    spec: {
      containers: [
        {
          name: 'main',
          ports: pod.ports.map((p) => ({ containerPort: p.port, protocol: p.protocol, ...(p.name ? { name: p.name } : {}) })),
        },
      ],
    },
    status: { podIP: pod.ip },
  }));
  return [...namespaces, ...pods, ...data.policies];
}

const cases = loadCases();

describe('reachability conformance cases', () => {
  it('runs all 89 checked-in upstream cases (35 NetworkPolicy, 54 ClusterNetworkPolicy), so a lost case file fails the suite', () => {
    expect(cases).toHaveLength(89);
    expect(cases.filter(({ file }) => file.startsWith('npapi-'))).toHaveLength(54);
  });

  for (const { file, data } of cases) {
    it(`judges every non-loopback query of ${file} as upstream does`, () => {
      const { model } = clusterModelFromObjects(objectsOf(data));
      const judged = data.queries.filter((query) => !query.loopback);
      expect(judged.length).toBeGreaterThan(0);
      const mismatches = judged
        .map((query) => {
          const direct = evaluateConnection(model, query.from, query.to, query.port, query.protocol).allowed;
          const [grouped] = [...iterateReachability(model, { from: query.from, to: query.to, port: query.port, protocol: query.protocol })];
          return { query, direct, grouped: grouped?.allowed };
        })
        .filter(({ query, direct, grouped }) => direct !== query.allowed || grouped !== query.allowed)
        .map(({ query, direct, grouped }) => `${query.from} -> ${query.to} ${query.protocol}/${query.port}: expected ${query.allowed}, direct ${direct}, grouped ${grouped}`);
      expect(mismatches).toEqual([]);
    });
  }

  it('can fail: read without their cluster policies, 37 of the 54 ClusterNetworkPolicy cases get verdicts wrong', () => {
    const clusterCases = cases.filter(({ file }) => file.startsWith('npapi-'));
    const failing = clusterCases.filter(({ data }) => {
      const { model } = clusterModelFromObjects(objectsOf(data));
      const withoutTiers = { ...model, clusterPolicies: [] };
      return data.queries.some((query) => evaluateConnection(withoutTiers, query.from, query.to, query.port, query.protocol).allowed !== query.allowed);
    });
    expect(failing).toHaveLength(37);
  });

  it('can fail: with Pass read as Accept, the tier integration cases get verdicts wrong', () => {
    const integration = cases.filter(({ file }) => file.startsWith('npapi-CNPAdminTierIntegration-'));
    const wrong = integration.flatMap(({ data }) => {
      const policies = data.policies.map((policy) => JSON.parse(JSON.stringify(policy).replaceAll('"action":"Pass"', '"action":"Accept"')) as unknown);
      const { model } = clusterModelFromObjects(objectsOf({ ...data, policies }));
      return data.queries.filter((query) => evaluateConnection(model, query.from, query.to, query.port, query.protocol).allowed !== query.allowed);
    });
    expect(wrong.length).toBeGreaterThan(0);
  });
});
