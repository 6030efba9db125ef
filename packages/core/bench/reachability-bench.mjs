#!/usr/bin/env node
/**
 * Reachability benchmark: synthetic clusters of 1k, 5k and 10k workloads over many namespaces,
 * each namespace with the namespace-isolation set plus seeded random extra policies. Every
 * connection (ordered pair of distinct workloads x each declared destination port) is
 * streamed through `forEachConnection` and counted, never held in memory.
 *
 * Each size runs in its own child process so that peak RSS is per size.
 *
 *   npm run bench                        # 1k, 5k, 10k, with netpolicy on the 1k cluster
 *   node --expose-gc bench/reachability-bench.mjs --sizes 1000 --netpolicy-sizes 1000,5000
 *   node --expose-gc bench/reachability-bench.mjs --netpolicy-sizes none --stream-sizes none
 *   node bench/reachability-bench.mjs --crosscheck 300   # our verdicts against netpolicy's, pair by pair
 *   node --expose-gc bench/reachability-bench.mjs --cli-sizes 10000 --every-format   # every output format through the CLI
 *
 * Then it times whole `k8s-security analyze` processes on the same clusters written as YAML
 * (bench/cli-bench.mjs): the default output and --summary at every size, and --all -o ndjson at
 * 10k, against the targets of the whole-cluster CLI (the CLI must be built: npm run build).
 *
 * Hooks for other tools: `syntheticCluster`, `runAnalyzerOnObjects`, `writeClusterYaml`,
 * `runNetpolicyOnDir` and `compareWithNetpolicy` are exported; add another analyzer by timing it on the same directory.
 * Runs against the built package (`dist/`), so build first (`npx tsc -b tsconfig.lib.json`).
 */
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { CLI_ENTRY, runCli } from './cli-bench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const distEntry = join(here, '..', 'dist', 'index.js');
const NETPOLICY_BINARY = resolve(here, '../../../.tools/bin/netpolicy');
const DEFAULT_SIZES = [1000, 5000, 10000];
const DEFAULT_NETPOLICY_SIZES = [1000];
const NETPOLICY_TIMEOUT_MS = 120_000;
/** Wall-time targets for the grouped evaluation, by workload count. */
const TIME_TARGETS_MS = { 1000: 1000, 10000: 15000 };
const PEAK_RSS_TARGET_MIB = 1024;
/** Whole-CLI targets: wall ms by workload count for the default output and --summary. */
const CLI_TIME_TARGETS_MS = { 1000: 2000, 10000: 15000 };
/** netpolicy on the 1k cluster must take at least this many times our default CLI run. */
const CLI_NETPOLICY_RATIO_TARGET = 20;
const CLI_DEFAULT_RUNS = [[], ['--summary']];
/** Every output format, --summary in each, and --all in each that lists rows (dot, html and svg draw allowed pairs only and refuse --all). */
const CLI_FORMATS = ['table', 'json', 'ndjson', 'csv', 'md', 'dot', 'html', 'svg'];
const CLI_EVERY_FORMAT_RUNS = [
  ...CLI_FORMATS.filter((format) => format !== 'table').map((format) => ['-o', format]),
  ...CLI_FORMATS.filter((format) => format !== 'table').map((format) => ['--summary', '-o', format]),
  ...CLI_FORMATS.filter((format) => !['dot', 'html', 'svg'].includes(format)).map((format) => ['--all', '-o', format]),
];

async function loadCore() {
  if (!existsSync(distEntry)) {
    throw new Error(`${distEntry} is missing: build the core first (npx tsc -b packages/core/tsconfig.lib.json)`);
  }
  return import(distEntry);
}

/** mulberry32: a small seeded PRNG, so every run builds the same cluster. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TIER_PORTS = {
  web: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'metrics' }],
  api: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'metrics' }],
  worker: [{ containerPort: 9090, name: 'metrics' }],
  db: [{ containerPort: 5432, name: 'postgres' }],
  cache: [{ containerPort: 6379, name: 'redis' }],
};
const TIERS = Object.keys(TIER_PORTS);
const TEAMS = ['payments', 'search', 'identity', 'catalog', 'checkout', 'media', 'ledger', 'ops'];

function deployment(namespace, name, labels, ports) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'registry.example/app:1', ports }] } },
    },
  };
}

function networkPolicy(namespace, name, spec) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/**
 * A synthetic cluster as Kubernetes objects: `workloads` Deployments (3 of them the cluster
 * services the isolation set talks to: CoreDNS, the ingress controller, Prometheus) over
 * `workloads / 20` application namespaces.
 */
export async function syntheticCluster({ workloads, seed = 42 }) {
  const { namespaceIsolation } = await loadCore();
  const random = seededRandom(seed);
  const pick = (items) => items[Math.floor(random() * items.length)];
  const namespaceCount = Math.max(1, Math.round(workloads / 20));
  const appNamespaces = Array.from({ length: namespaceCount }, (_, i) => `app-${String(i).padStart(4, '0')}`);
  const objects = [];

  for (const [name, labels] of [
    ['kube-system', {}],
    ['ingress-nginx', {}],
    ['monitoring', {}],
  ]) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
  }
  objects.push(
    deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [
      { containerPort: 53, protocol: 'UDP', name: 'dns' },
      { containerPort: 53, protocol: 'TCP', name: 'dns-tcp' },
    ]),
    deployment('ingress-nginx', 'ingress-nginx-controller', { 'app.kubernetes.io/name': 'ingress-nginx' }, [
      { containerPort: 80, name: 'http' },
      { containerPort: 443, name: 'https' },
    ]),
    deployment('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [{ containerPort: 9090, name: 'web' }]),
  );

  const namespaceTeam = new Map();
  for (const namespace of appNamespaces) {
    const team = pick(TEAMS);
    namespaceTeam.set(namespace, team);
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace, team, env: pick(['prod', 'staging']) } },
    });
  }
  const appsByNamespace = new Map(appNamespaces.map((namespace) => [namespace, []]));
  for (let i = 0; i < workloads - 3; i++) {
    const namespace = appNamespaces[i % namespaceCount];
    const tier = pick(TIERS);
    const name = `svc-${String(i).padStart(5, '0')}`;
    appsByNamespace.get(namespace).push(name);
    objects.push(deployment(namespace, name, { app: name, tier }, TIER_PORTS[tier]));
  }

  objects.push(...namespaceIsolation({ targetNamespaces: appNamespaces }));

  // Random extras of the kinds real clusters carry: cross-namespace db access (AND peer),
  // egress to another team's API (named port), a NotIn exception, an app-to-app pin, and
  // HTTPS egress to the internet through an ipBlock with except.
  for (const namespace of appNamespaces) {
    const extras = 1 + Math.floor(random() * 3);
    for (let k = 0; k < extras; k++) {
      const other = pick(appNamespaces);
      const kind = Math.floor(random() * 5);
      const name = `extra-${k}`;
      if (kind === 0) {
        objects.push(
          networkPolicy(namespace, name, {
            podSelector: { matchLabels: { tier: 'db' } },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: namespaceTeam.get(other) } }, podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
          }),
        );
      } else if (kind === 1) {
        objects.push(
          networkPolicy(namespace, name, {
            podSelector: { matchLabels: { tier: 'web' } },
            policyTypes: ['Egress'],
            egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': other } }, podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ port: 'http' }] }],
          }),
        );
      } else if (kind === 2) {
        objects.push(
          networkPolicy(namespace, name, {
            podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db', 'cache'] }] },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['staging'] }] } }], ports: [{ port: 9000, endPort: 9100 }] }],
          }),
        );
      } else if (kind === 3) {
        const apps = appsByNamespace.get(namespace);
        const remote = appsByNamespace.get(other);
        if (apps.length === 0 || remote.length === 0) continue;
        objects.push(
          networkPolicy(namespace, name, {
            podSelector: { matchLabels: { app: pick(apps) } },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': other } }, podSelector: { matchLabels: { app: pick(remote) } } }] }],
          }),
        );
      } else {
        objects.push(
          networkPolicy(namespace, name, {
            podSelector: { matchLabels: { tier: 'web' } },
            policyTypes: ['Egress'],
            egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] }],
          }),
        );
      }
    }
  }
  return { objects, namespaces: appNamespaces.length + 3 };
}

/**
 * Loads `objects` and judges every connection twice: once grouped (`summarizeReachability`,
 * each behaviour-group pair judged once and weighted by the endpoint pairs it stands for),
 * and, when `stream` is set, once more by visiting every Connection object with
 * `forEachConnection`. A timing hook for comparing analyzers on the same objects.
 */
export async function runAnalyzerOnObjects(objects, { stream = true } = {}) {
  const core = await loadCore();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const { model } = core.clusterModelFromObjects(objects);
  const summary = core.summarizeReachability(model);
  const ms = performance.now() - start;
  const cpuMs = cpuMillis(process.cpuUsage(cpuStart));
  const { groups } = core.reachabilityStatistics(model);
  const result = { ms, cpuMs, connections: summary.connections, allowed: summary.allowed, groups, workloads: model.endpoints.length, policies: model.policies.length };
  if (!stream) return result;
  const streamCpuStart = process.cpuUsage();
  const streamStart = performance.now();
  let allowed = 0;
  const visited = core.forEachConnection(model, {}, (connection) => {
    if (connection.allowed) allowed++;
  });
  const streamMs = performance.now() - streamStart;
  if (visited !== summary.connections || allowed !== summary.allowed) {
    throw new Error(`streamed ${visited}/${allowed} connections/allowed, but the summary counted ${summary.connections}/${summary.allowed}`);
  }
  return { ...result, streamMs, streamCpuMs: cpuMillis(process.cpuUsage(streamCpuStart)) };
}

function cpuMillis(usage) {
  return (usage.user + usage.system) / 1000;
}

/** Writes `objects` as one multi-document YAML file in `dir` (netpolicy reads a directory). */
export async function writeClusterYaml(objects, dir) {
  const { toYamlStream } = await loadCore();
  writeFileSync(join(dir, 'cluster.yaml'), toYamlStream(objects));
}

/**
 * Times `netpolicy list --dirpath DIR -o json` with a time limit. Returns
 * `{ ms, timedOut, connectionLines, error }`; `connectionLines` counts the JSON entries
 * (netpolicy merges ports into one line per pair, so it is not comparable to our count).
 */
export function runNetpolicyOnDir(dir, timeoutMs = NETPOLICY_TIMEOUT_MS, binary = NETPOLICY_BINARY) {
  return new Promise((resolvePromise) => {
    if (!existsSync(binary)) {
      resolvePromise({ ms: 0, timedOut: false, connectionLines: 0, error: `${binary} not found (run npm run tools)` });
      return;
    }
    const start = performance.now();
    const child = spawn(binary, ['list', '--dirpath', dir, '-o', 'json', '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - start;
      let connectionLines = 0;
      let error;
      if (!timedOut) {
        try {
          connectionLines = JSON.parse(stdout).length;
        } catch {
          error = `exit ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? 'no output'}`;
        }
      }
      resolvePromise({ ms, timedOut, connectionLines, error });
    });
  });
}

/** Reads netpolicy's `conn` text ("All Connections", "TCP 53,UDP 53", "TCP 80,9000-9100") as a predicate. */
function netpolicyConnAdmits(conn) {
  if (conn === 'All Connections') return () => true;
  const ranges = [];
  let protocol;
  for (const token of conn.split(/[,;]/).map((t) => t.trim()).filter(Boolean)) {
    const [head, rest] = token.split(/\s+/, 2);
    let ports = token;
    if (['TCP', 'UDP', 'SCTP'].includes(head)) {
      protocol = head;
      ports = rest ?? '';
    }
    if (ports === '') {
      ranges.push({ protocol, first: 1, last: 65535 });
      continue;
    }
    const [first, last] = ports.split('-').map(Number);
    ranges.push({ protocol, first, last: last ?? first });
  }
  return (port, proto) => ranges.some((r) => r.protocol === proto && port >= r.first && port <= r.last);
}

/**
 * Compares our verdicts with netpolicy's on workload-to-workload connections (our synthetic
 * clusters have no IPs, so the two tools' ipBlock choices cannot differ there).
 * Returns how many connections were compared and the ones the tools disagree on.
 */
export async function compareWithNetpolicy(objects, netpolicyEntries) {
  const core = await loadCore();
  const { model } = core.clusterModelFromObjects(objects);
  const allowedPairs = new Map();
  for (const entry of netpolicyEntries) {
    const strip = (name) => name.replace(/\[[A-Za-z]+\]$/, '');
    allowedPairs.set(`${strip(entry.src)} ${strip(entry.dst)}`, netpolicyConnAdmits(entry.conn));
  }
  let compared = 0;
  let allowed = 0;
  const disagreements = [];
  core.forEachConnection(model, {}, (connection) => {
    compared++;
    if (connection.allowed) allowed++;
    const admits = allowedPairs.get(`${connection.from} ${connection.to}`);
    const theirs = admits ? admits(connection.port, connection.protocol) : false;
    if (theirs !== connection.allowed && disagreements.length < 20) {
      disagreements.push(`${connection.from} -> ${connection.to} ${connection.protocol}/${connection.port}: ours ${connection.allowed}, netpolicy ${theirs}`);
    }
  });
  return { compared, allowed, disagreements };
}

async function crossCheck(workloads) {
  const { objects } = await syntheticCluster({ workloads, seed: 20261126 });
  const dir = mkdtempSync(join(tmpdir(), 'reachability-crosscheck-'));
  try {
    await writeClusterYaml(objects, dir);
    const run = spawnSync(NETPOLICY_BINARY, ['list', '--dirpath', dir, '-o', 'json', '-q'], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: NETPOLICY_TIMEOUT_MS * 5 });
    if (run.status !== 0) throw new Error(`netpolicy failed: ${run.stderr}`);
    const { compared, allowed, disagreements } = await compareWithNetpolicy(objects, JSON.parse(run.stdout));
    console.log(`${workloads} workloads: ${compared} connections (${allowed} allowed) compared with netpolicy, ${disagreements.length} disagreements`);
    for (const line of disagreements) console.log(`  ${line}`);
    if (disagreements.length > 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Times `k8s-security analyze` as whole processes on the cluster of each size, written as YAML.
 * Returns the misses against the CLI targets.
 */
async function runCliSizes(sizes, netpolicyMsBySize, everyFormat) {
  if (!existsSync(CLI_ENTRY.replace(/bin[/\\]k8s-security\.js$/, 'dist/main.js'))) {
    console.log('\nCLI not built (npm run build): whole-process timings skipped.');
    return ['the CLI was not built, so no whole-process figure was measured'];
  }
  const header = ['workloads', 'command', 'wall ms', 'cpu ms', 'peak RSS MiB', 'output lines', 'output MiB', 'target'];
  const widths = [9, 34, 8, 8, 12, 12, 10, 30];
  console.log(`\nWhole CLI processes (k8s-security analyze DIR ...), stdout drained:\n${header.map((h, i) => pad(h, widths[i])).join('  ')}`);
  const misses = [];
  for (const size of sizes) {
    const { objects } = await syntheticCluster({ workloads: size, seed: 20261126 });
    const dir = mkdtempSync(join(tmpdir(), 'reachability-cli-bench-'));
    try {
      await writeClusterYaml(objects, dir);
      const defaults = [...CLI_DEFAULT_RUNS, ...(size === 10000 ? [['--all', '-o', 'ndjson']] : [])];
      const extra = everyFormat && size >= 5000 ? CLI_EVERY_FORMAT_RUNS.filter((args) => !defaults.some((known) => known.join(' ') === args.join(' '))) : [];
      const runs = [...defaults, ...extra];
      for (const args of runs) {
        const result = await runCli(dir, args);
        const command = args.length === 0 ? '(default: table of allowed pairs)' : args.join(' ');
        const timeTarget = args.length <= 1 && !args.includes('-o') ? CLI_TIME_TARGETS_MS[size] : undefined;
        // Bounded memory is the target of every run at 5k and 10k workloads, whatever the format.
        const memoryTarget = size >= 5000 || timeTarget !== undefined;
        const ratioTarget = size === 1000 && args.length === 0 && netpolicyMsBySize.has(size);
        const targets = [];
        if (timeTarget !== undefined) targets.push(`<= ${timeTarget} ms`);
        if (memoryTarget) targets.push(`<= ${PEAK_RSS_TARGET_MIB} MiB`);
        if (ratioTarget) targets.push(`netpolicy ${CLI_NETPOLICY_RATIO_TARGET}x slower`);
        const cells = [size, command, result.ms.toFixed(0), result.cpuMs.toFixed(0), result.peakRssMiB.toFixed(0), result.outputLines, (result.outputBytes / 2 ** 20).toFixed(1), targets.join(', ') || '-'];
        console.log(cells.map((c, i) => pad(c, widths[i])).join('  '));
        const label = `${size} workloads, analyze ${command}`;
        if (result.code !== 0) misses.push(`${label} exited ${result.code}: ${result.stderr}`);
        if (timeTarget !== undefined && result.ms > timeTarget) misses.push(`${label} took ${result.ms.toFixed(0)} ms (target ${timeTarget} ms)`);
        if (memoryTarget && !(result.peakRssMiB <= PEAK_RSS_TARGET_MIB)) misses.push(`${label} peaked at ${result.peakRssMiB.toFixed(0)} MiB (target ${PEAK_RSS_TARGET_MIB} MiB)`);
        if (ratioTarget) {
          const ratio = netpolicyMsBySize.get(size) / result.ms;
          console.log(`  netpolicy list on the same cluster: ${netpolicyMsBySize.get(size).toFixed(0)} ms, ${ratio.toFixed(1)}x our whole CLI run`);
          if (ratio < CLI_NETPOLICY_RATIO_TARGET) misses.push(`netpolicy is only ${ratio.toFixed(1)}x slower than our CLI at ${size} workloads (target ${CLI_NETPOLICY_RATIO_TARGET}x)`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return misses;
}

async function runOneSize(workloads, withNetpolicy, stream) {
  const { objects, namespaces } = await syntheticCluster({ workloads, seed: 20261126 });
  globalThis.gc?.();
  const result = await runAnalyzerOnObjects(objects, { stream });
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const row = { ...result, namespaces, peakRssMiB };
  if (withNetpolicy) {
    const dir = mkdtempSync(join(tmpdir(), 'reachability-bench-'));
    try {
      await writeClusterYaml(objects, dir);
      row.netpolicy = await runNetpolicyOnDir(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return row;
}

function parseList(value, fallback) {
  if (value === undefined) return fallback;
  if (value === 'none') return [];
  return value.split(',').map(Number);
}

function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function pad(text, width) {
  return String(text).padStart(width);
}

async function main() {
  const crossCheckSize = option('--crosscheck');
  if (crossCheckSize !== undefined) {
    await crossCheck(Number(crossCheckSize));
    return;
  }
  const child = option('--child');
  if (child !== undefined) {
    const row = await runOneSize(Number(child), process.argv.includes('--with-netpolicy'), process.argv.includes('--stream'));
    process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const sizes = parseList(option('--sizes'), DEFAULT_SIZES);
  const netpolicySizes = new Set(parseList(option('--netpolicy-sizes'), DEFAULT_NETPOLICY_SIZES));
  const streamSizes = new Set(parseList(option('--stream-sizes'), sizes));
  const cliSizes = parseList(option('--cli-sizes'), sizes);
  const netpolicyMsBySize = new Map();
  const header = ['workloads', 'namespaces', 'policies', 'groups', 'connections', 'allowed', 'wall ms', 'cpu ms', 'stream ms', 'peak RSS MiB', 'netpolicy ms', 'ratio'];
  const widths = [9, 10, 8, 6, 12, 11, 8, 8, 10, 12, 12, 7];
  console.log(header.map((h, i) => pad(h, widths[i])).join('  '));
  let failed = false;
  const misses = [];
  for (const size of sizes) {
    const args = ['--expose-gc', fileURLToPath(import.meta.url), '--child', String(size)];
    if (netpolicySizes.has(size)) args.push('--with-netpolicy');
    if (streamSizes.has(size)) args.push('--stream');
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (run.status !== 0) {
      console.error(`size ${size} failed:\n${run.stderr}`);
      failed = true;
      continue;
    }
    const row = JSON.parse(run.stdout.trim().split('\n').pop());
    const np = row.netpolicy;
    if (np && !np.error) netpolicyMsBySize.set(size, np.timedOut ? Infinity : np.ms);
    const npText = !np ? '-' : np.error ? 'error' : np.timedOut ? `>${NETPOLICY_TIMEOUT_MS}` : np.ms.toFixed(0);
    const ratio = np && !np.error ? `${np.timedOut ? '>' : ''}${(np.ms / row.ms).toFixed(1)}x` : '-';
    const streamText = row.streamMs === undefined ? '-' : row.streamMs.toFixed(0);
    const cells = [row.workloads, row.namespaces, row.policies, row.groups, row.connections, row.allowed, row.ms.toFixed(0), row.cpuMs.toFixed(0), streamText, row.peakRssMiB.toFixed(0), npText, ratio];
    console.log(cells.map((c, i) => pad(c, widths[i])).join('  '));
    if (np?.error) console.log(`  netpolicy: ${np.error}`);
    const timeTarget = TIME_TARGETS_MS[size];
    if (timeTarget !== undefined && row.ms >= timeTarget) misses.push(`${size} workloads took ${row.ms.toFixed(0)} ms (target ${timeTarget} ms)`);
    if (row.peakRssMiB >= PEAK_RSS_TARGET_MIB) misses.push(`${size} workloads peaked at ${row.peakRssMiB.toFixed(0)} MiB (target ${PEAK_RSS_TARGET_MIB} MiB)`);
  }
  misses.push(...(await runCliSizes(cliSizes, netpolicyMsBySize, process.argv.includes('--every-format'))));
  console.log(
    [
      '',
      'In process: wall ms / cpu ms: load the objects and judge every connection, grouped (summarizeReachability).',
      'stream ms: visit every Connection object once more (forEachConnection); its counts are checked against the summary.',
      'ratio: netpolicy wall time / our wall time (netpolicy also parses YAML and prints JSON).',
      'In-process targets: 1k < 1000 ms, 10k < 15000 ms, peak RSS < 1024 MiB.',
      `Whole-CLI targets: 1k <= 2000 ms; 10k <= 15000 ms and <= 1024 MiB for the default output and --summary; --all -o ndjson at 10k <= 1024 MiB; netpolicy at 1k >= ${CLI_NETPOLICY_RATIO_TARGET}x slower.`,
      'Wall times depend on the machine load; cpu ms is the process\'s own CPU time. Load average now: ' + loadavg().map((l) => l.toFixed(1)).join(' '),
      misses.length === 0 ? 'Every target met.' : `Missed: ${misses.join('; ')}.`,
    ].join('\n'),
  );
  if (failed) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
