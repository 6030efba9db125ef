import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clusterModelFromObjects, iterateReachability, type ClusterEndpoint, type ClusterModel } from '@k8s-security-pro/core';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { OUTSIDE_GROUP, namespaceReachability, withEvidenceProbes } from './environment-reachability.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

function modelOf(...files: string[]): ClusterModel {
  const objects = files.flatMap((file) => yaml.loadAll(readFileSync(`${REPO}${file}`, 'utf8')).filter((object): object is object => object !== null && typeof object === 'object'));
  return clusterModelFromObjects(objects).model;
}

/** The reachability summary counted the slow way: every connection, one by one, in scan order. */
function countedConnectionByConnection(probed: ClusterModel): Map<string, { allowed: number; total: number; examples: string[] }> {
  const byId = new Map(probed.endpoints.map((endpoint) => [endpoint.id, endpoint]));
  const display = (endpoint: ClusterEndpoint) => (endpoint.kind === 'External' ? OUTSIDE_GROUP : endpoint.name === 'k8s-security-evidence-probe' ? `a new pod in ${endpoint.namespace}` : endpoint.id);
  const counts = new Map<string, { allowed: number; total: number; examples: string[] }>();
  for (const connection of iterateReachability(probed)) {
    const from = byId.get(connection.from)!;
    const to = byId.get(connection.to)!;
    if (from.kind === 'External' && to.kind === 'External') continue;
    const key = `${from.namespace ?? OUTSIDE_GROUP} -> ${to.namespace ?? OUTSIDE_GROUP}`;
    const count = counts.get(key) ?? { allowed: 0, total: 0, examples: [] };
    count.total++;
    if (connection.allowed) {
      count.allowed++;
      if (count.examples.length < 20) count.examples.push(`${display(from)} -> ${display(to)} ${connection.protocol} ${connection.port}`);
    }
    counts.set(key, count);
  }
  return counts;
}

describe('namespaceReachability', () => {
  it('counts and exemplifies every group pair as a connection-by-connection count does', () => {
    const levels = new Set<string>();
    for (const files of [['examples/reference-cluster.yaml'], ['examples/reference-cluster.yaml', 'manifests/14_namespace_isolation-prod.yaml']]) {
      const probed = withEvidenceProbes(modelOf(...files), ['staging']);
      const expected = countedConnectionByConnection(probed);
      const { pairs, groups } = namespaceReachability(probed);
      expect(groups.at(-1)).toBe(OUTSIDE_GROUP);
      expect(new Map(pairs.map((pair) => [`${pair.from} -> ${pair.to}`, { allowed: pair.allowed, total: pair.total, examples: pair.allowedExamples }]))).toEqual(expected);
      for (const pair of pairs) levels.add(pair.level);
      expect(pairs.some((pair) => pair.allowedExamples.length >= 2)).toBe(true);
    }
    // The fixtures hold isolated, partly open and open pairs, so the comparison can fail.
    expect([...levels].sort()).toEqual(['all', 'none', 'partial']);
  });
});
