/**
 * Times whole `k8s-security verify --expect FILE DIR` processes on the bench clusters (`npm run
 * bench` builds the same ones): wall time, CPU time and peak RSS. The expectations file holds
 * the whole-cluster assertions a platform team writes, generated for each cluster:
 *
 * - env pairs: no pod of an `env=staging` namespace reaches any pod of an `env=prod` one, on
 *   any port, and the other way round;
 * - per application namespace: its pods reach no other namespace except the DNS pods, the DNS
 *   pods on 53/UDP and 53/TCP only, and no address outside the cluster (0.0.0.0/0);
 * - one production namespace: no pod of any other namespace reaches it, on any port.
 *
 * The synthetic extras break some of them, so the runs also list counter-examples.
 *
 *   npm run bench:verify                          # 1k and 10k workloads, table and json
 *   node packages/cli/bench/verify-bench.mjs --sizes 10000 --formats junit,sarif
 *
 * Exits 1 when a run misses its target: 2 s wall at 1k, 15 s wall at 10k, 1 GiB peak RSS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { checkRun, reportMisses, runCli } from '../../core/bench/cli-bench.mjs';
import { syntheticCluster, writeClusterYaml } from '../../core/bench/reachability-bench.mjs';

const TIME_TARGET_MS = { 1000: 2_000, 10000: 15_000 };
const PEAK_RSS_TARGET_MIB = 1024;
const DNS_PODS = { namespace: 'kube-system', podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

/** The assertions above, as a ReachabilityExpectations document (JSON is YAML). */
function benchExpectations(objects) {
  const namespaces = objects.filter((object) => object.kind === 'Namespace' && object.metadata.name.startsWith('app-'));
  const env = (value) => ({ namespaceSelector: { matchLabels: { env: value } } });
  const expectations = [
    { id: 'staging-never-reaches-prod', from: env('staging'), to: env('prod'), expect: 'denied' },
    { id: 'prod-never-reaches-staging', from: env('prod'), to: env('staging'), expect: 'denied' },
  ];
  for (const { metadata } of namespaces) {
    const own = { namespace: metadata.name };
    expectations.push(
      { id: `${metadata.name}-no-egress-to-other-namespaces`, from: own, to: { namespaceSelector: {}, except: [own, DNS_PODS] }, expect: 'denied' },
      { id: `${metadata.name}-dns`, from: own, to: DNS_PODS, ports: ['53/UDP', '53/TCP'], expect: 'allowedOnly' },
      { id: `${metadata.name}-nothing-outside`, from: own, to: { ipBlock: { cidr: '0.0.0.0/0' } }, expect: 'denied' },
    );
  }
  const production = namespaces.find((namespace) => namespace.metadata.labels.env === 'prod') ?? namespaces[0];
  const target = { namespace: production.metadata.name };
  expectations.push({ id: 'nothing-reaches-production', from: { namespaceSelector: {}, except: [target] }, to: target, expect: 'denied' });
  return { apiVersion: 'k8s-security.dev/v1alpha1', kind: 'ReachabilityExpectations', metadata: { name: 'bench-promises' }, expectations };
}

async function main() {
  const sizes = option('--sizes', '1000,10000').split(',').map(Number);
  const formats = option('--formats', 'table,json').split(',');
  const header = ['workloads', 'assertions', 'format', 'exit', 'wall ms', 'cpu ms', 'peak RSS MiB', 'output lines'];
  console.log(header.join('\t'));
  const misses = [];
  for (const size of sizes) {
    const { objects } = await syntheticCluster({ workloads: size });
    const root = mkdtempSync(join(tmpdir(), 'verify-bench-'));
    try {
      const dir = join(root, 'cluster');
      const expectations = benchExpectations(objects);
      const file = join(root, 'expectations.yaml');
      writeFileSync(file, JSON.stringify(expectations, null, 1));
      mkdirSync(dir);
      await writeClusterYaml(objects, dir);
      for (const format of formats) {
        const run = await runCli(dir, ['--expect', file, '-o', format], 'verify');
        console.log([size, expectations.expectations.length, format, run.code, run.ms.toFixed(0), run.cpuMs.toFixed(0), run.peakRssMiB.toFixed(0), run.outputLines].join('\t'));
        // The extras break some assertions, so 1 is the expected exit; 2 or a crash is a miss.
        checkRun(run, `${size} ${format}`, { timeTargetMs: TIME_TARGET_MS[size], peakRssTargetMiB: PEAK_RSS_TARGET_MIB }, misses);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  reportMisses(misses);
}

await main();
