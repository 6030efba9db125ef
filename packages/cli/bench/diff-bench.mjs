/**
 * Times whole `k8s-security diff OLD NEW` processes on the bench clusters (`npm run bench`
 * builds the same ones): wall time, CPU time and peak RSS, for a small policy change (a PR's
 * worth: some policies dropped, some added) and a large one (the isolation of a tenth of the
 * namespaces removed, which opens millions of connections).
 *
 *   npm run bench:diff                       # 1k and 10k workloads, every format (table, json, md, sarif)
 *   node packages/cli/bench/diff-bench.mjs --sizes 10000 --formats json,sarif --changes large
 *
 * Exits 1 when a run misses its target: 30 s wall and 1 GiB peak RSS at 10k workloads.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { checkRun, reportMisses, runCli } from '../../core/bench/cli-bench.mjs';
import { syntheticCluster, writeClusterYaml } from '../../core/bench/reachability-bench.mjs';

const TIME_TARGET_MS = { 1000: 5_000, 10000: 30_000 };
const PEAK_RSS_TARGET_MIB = 1024;

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

/** The two NEW sides of a cluster: a small change and a large one. */
function variants(objects) {
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
  const extras = policies.filter((policy) => policy.metadata.name.startsWith('extra-'));
  const dropped = new Set(extras.filter((_, index) => index % 25 === 0));
  const namespaces = [...new Set(policies.map((policy) => policy.metadata.namespace))].filter((name) => name.startsWith('app-'));
  const added = namespaces.slice(0, 5).map((namespace) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-monitoring-all-ports', namespace },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }],
    },
  }));
  const opened = new Set(namespaces.filter((_, index) => index % 10 === 0));
  return {
    'small change': [...objects.filter((object) => !dropped.has(object)), ...added],
    'large change': objects.filter((object) => !(object.kind === 'NetworkPolicy' && opened.has(object.metadata.namespace) && !object.metadata.name.startsWith('extra-'))),
  };
}

async function main() {
  const sizes = option('--sizes', '1000,10000').split(',').map(Number);
  const formats = option('--formats', 'table,json,md,sarif').split(',');
  const changes = option('--changes', 'small,large').split(',');
  const header = ['workloads', 'change', 'format', 'exit', 'wall ms', 'cpu ms', 'peak RSS MiB', 'output lines'];
  console.log(header.join('\t'));
  const misses = [];
  for (const size of sizes) {
    const { objects } = await syntheticCluster({ workloads: size });
    const root = mkdtempSync(join(tmpdir(), 'diff-bench-'));
    try {
      const oldDir = join(root, 'old');
      mkdirSync(oldDir);
      await writeClusterYaml(objects, oldDir);
      for (const [change, newObjects] of Object.entries(variants(objects))) {
        if (!changes.includes(change.split(' ')[0])) continue;
        const newDir = join(root, change.replace(' ', '-'));
        mkdirSync(newDir);
        await writeClusterYaml(newObjects, newDir);
        for (const format of formats) {
          const run = await runCli(oldDir, [newDir, '-o', format], 'diff');
          console.log([size, change, format, run.code, run.ms.toFixed(0), run.cpuMs.toFixed(0), run.peakRssMiB.toFixed(0), run.outputLines].join('\t'));
          checkRun(run, `${size} ${change} ${format}`, { timeTargetMs: TIME_TARGET_MS[size], peakRssTargetMiB: PEAK_RSS_TARGET_MIB }, misses);
        }
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  reportMisses(misses);
}

await main();
