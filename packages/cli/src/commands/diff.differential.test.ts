/**
 * Differential test: `k8s-security diff` against np-guard's `netpolicy diff` (pinned in
 * tools/toolchain.env, built by tools/install-tools.sh) on seeded random pairs of scenarios.
 * OLD is a scenario of the analyze differential test's generator; NEW keeps its namespaces and
 * workloads (sometimes one fewer), keeps, drops or replaces each policy and adds new ones.
 * Every opened or closed connection per (from, to, declared port) must be the same in both
 * tools. A missing netpolicy fails the suite: it is never skipped.
 *
 * Known semantic differences, each kept out of the comparison for the reason given:
 * 1-4. Those of analyze.differential.test.ts (named ports in egress rules that may reach an IP,
 *    ipBlocks and pod IPs, hostNetwork pods, external-to-external traffic): the shared
 *    generator avoids the first three; the fourth is never compared.
 * 5. Ports: netpolicy compares whole connection sets (every port); `diff` judges the container
 *    ports the destination declares, as `analyze` does. Only declared ports are compared, so a
 *    change on an undeclared port only (netpolicy lists the pair, we do not) is expected.
 * 6. Added and removed workloads: netpolicy lists each of their connections as a change with
 *    "workload ... added/removed"; `diff` lists the workload once under endpoints. Those rows
 *    are checked against our endpoint lists instead of compared as connections.
 *
 * No disagreement beyond these was found: 120 pairs here (and 1,000 in a one-off run with
 * DIFF_DIFFERENTIAL_PAIRS=1000).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli-run.js';
import {
  SeededRandom,
  allowedSetIncludes,
  endpointMatches,
  externalFlags,
  generatePolicy,
  generateScenario,
  mapWithConcurrency,
  netpolicyBinary,
  parseConnectionString,
  parseNetpolicyEndpoint,
  scenarioFiles,
  type ExternalSpec,
  type PortProbe,
} from '../test-support/netpolicy-scenarios.js';

/** Override for a deeper, slower search: DIFF_DIFFERENTIAL_PAIRS=1000. */
const PAIR_COUNT = Math.max(100, Number(process.env.DIFF_DIFFERENTIAL_PAIRS ?? 120));
/** Other seeds than the analyze differential test's, so the two suites cover different scenarios. */
const FIRST_SEED = 20_261_129;
const NETPOLICY_CONCURRENCY = 2;

interface ScenarioPair {
  readonly index: number;
  readonly seed: number;
  readonly oldFiles: ReadonlyMap<string, string>;
  readonly newFiles: ReadonlyMap<string, string>;
  /** Workloads on both sides, with their declared ports (the same on both). */
  readonly workloadPorts: ReadonlyMap<string, readonly PortProbe[]>;
  readonly removed: readonly string[];
  readonly externals: readonly ExternalSpec[];
}

function workloadId(object: unknown): string {
  const { name, namespace } = (object as { metadata: { name: string; namespace: string } }).metadata;
  return `${namespace}/${name}`;
}

function generatePair(index: number): ScenarioPair {
  const old = generateScenario(index, FIRST_SEED);
  // The same PRNG as the generator, on a seed of its own for the changes.
  const random = new SeededRandom(old.seed ^ 0x5bd1e995);
  const policies: unknown[] = [];
  old.policies.forEach((policy) => {
    const fate = random.weighted([
      [5, 'keep'],
      [2, 'drop'],
      [3, 'replace'],
    ] as const);
    if (fate === 'keep') policies.push(policy);
    if (fate === 'replace') policies.push(generatePolicy(random, (policy.metadata as { name: string }).name, old.pools));
  });
  const fresh = random.int(0, 2);
  for (let p = 0; p < fresh; p++) policies.push(generatePolicy(random, `new-policy-${p}`, old.pools));
  const dropWorkload = old.workloads.length > 2 && random.chance(0.2) ? random.int(0, old.workloads.length - 1) : -1;
  const workloads = old.workloads.filter((_, w) => w !== dropWorkload);
  const removed = dropWorkload >= 0 ? [workloadId(old.workloads[dropWorkload])] : [];
  const workloadPorts = new Map([...old.workloadPorts].filter(([id]) => !removed.includes(id)));
  return {
    index,
    seed: old.seed,
    oldFiles: old.files,
    newFiles: scenarioFiles(old.namespaceObjects, workloads, policies),
    workloadPorts,
    removed,
    externals: old.externals,
  };
}

// ---------------------------------------------------------------------------------------------
// netpolicy diff: running it and reading its CSV

interface NetpolicyDiffRow {
  readonly source: string;
  readonly destination: string;
  readonly dir1: string;
  readonly dir2: string;
  readonly workloadsInfo: string;
}

/** RFC 4180 fields of one line: connection strings hold commas, so netpolicy quotes them. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

function parseNetpolicyDiff(csv: string): NetpolicyDiffRow[] {
  const lines = csv.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return [];
  if (lines[0] !== 'diff-type,source,destination,dir1,dir2,workloads-diff-info') throw new Error(`unexpected netpolicy diff header "${lines[0]}"`);
  return lines.slice(1).map((line) => {
    const fields = csvFields(line);
    if (fields.length !== 6) throw new Error(`unexpected netpolicy diff row "${line}"`);
    return { source: fields[1]!, destination: fields[2]!, dir1: fields[3]!, dir2: fields[4]!, workloadsInfo: fields[5]! };
  });
}

async function runNetpolicyDiff(binary: string, oldDir: string, newDir: string): Promise<NetpolicyDiffRow[]> {
  const { stdout } = await promisify(execFile)(binary, ['diff', '--dir1', oldDir, '--dir2', newDir, '-o', 'csv', '--quiet'], { maxBuffer: 16 * 1024 * 1024 });
  return parseNetpolicyDiff(stdout);
}

// ---------------------------------------------------------------------------------------------
// The comparison

interface DiffJson {
  endpoints: { added: string[]; removed: string[] };
  changes: { change: 'opened' | 'closed'; from: string; to: string; ports: string[] }[];
  summary: { opened: number; closed: number };
}

/** `from -> to port/protocol` -> opened or closed. */
function oursByConnection(report: DiffJson): Map<string, string> {
  const changes = new Map<string, string>();
  for (const change of report.changes) for (const port of change.ports) changes.set(`${change.from} -> ${change.to} ${port}`, change.change);
  return changes;
}

/** What netpolicy's rows say about each (from, to, declared port) of our endpoints. */
function netpolicyByConnection(rows: readonly NetpolicyDiffRow[], pair: ScenarioPair): Map<string, string> {
  const endpoints = new Map<string, readonly PortProbe[]>([...pair.workloadPorts, ...pair.externals.map(({ ip, ports }) => [ip, ports] as const)]);
  const changes = new Map<string, string>();
  for (const row of rows) {
    if (row.workloadsInfo !== '') continue; // difference 6: checked against our endpoint lists
    const source = parseNetpolicyEndpoint(row.source);
    const destination = parseNetpolicyEndpoint(row.destination);
    const before = parseConnectionString(row.dir1);
    const after = parseConnectionString(row.dir2);
    for (const from of endpoints.keys()) {
      if (!endpointMatches(source, from)) continue;
      for (const [to, ports] of endpoints) {
        if (to === from || !endpointMatches(destination, to) || (!from.includes('/') && !to.includes('/'))) continue;
        for (const { port, protocol } of ports) {
          const was = allowedSetIncludes(before, port, protocol);
          const is = allowedSetIncludes(after, port, protocol);
          if (was !== is) changes.set(`${from} -> ${to} ${port}/${protocol}`, is ? 'opened' : 'closed');
        }
      }
    }
  }
  return changes;
}

/** Every connection on which the two tools disagree, one line each. */
function disagreements(ours: ReadonlyMap<string, string>, theirs: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const key of new Set([...ours.keys(), ...theirs.keys()])) {
    if (ours.get(key) !== theirs.get(key)) lines.push(`${key}: ours ${ours.get(key) ?? 'unchanged'}, netpolicy ${theirs.get(key) ?? 'unchanged'}`);
  }
  return lines.sort();
}

/** Workloads netpolicy's rows name as added or removed. */
function workloadsNamed(rows: readonly NetpolicyDiffRow[]): Set<string> {
  const named = new Set<string>();
  for (const row of rows) {
    const match = /^workload (\S+?)\[[A-Za-z]+\] (?:added|removed)$/.exec(row.workloadsInfo);
    if (row.workloadsInfo !== '' && !match) throw new Error(`unexpected netpolicy workloads-diff-info "${row.workloadsInfo}"`);
    if (match) named.add(match[1]!);
  }
  return named;
}

async function runDiff(dir: string, externals: readonly ExternalSpec[]): Promise<{ code: number; report: DiffJson }> {
  const { code, stdout, stderr } = await runCli(['diff', 'old', 'new', '-o', 'json', ...externalFlags(externals)], { cwd: dir });
  if (code !== 0 && code !== 1) throw new Error(`diff exited ${code}: ${stderr}`);
  return { code, report: JSON.parse(stdout) as DiffJson };
}

// ---------------------------------------------------------------------------------------------

const pairs = Array.from({ length: PAIR_COUNT }, (_, index) => generatePair(index));
let workRoot = '';
const netpolicyByPair = new Map<number, NetpolicyDiffRow[]>();
const coverage = { opened: 0, closed: 0, unchangedPairs: 0, removedWorkloads: 0, externalChanges: 0 };
/** One pair's data kept for the test that shows a disagreement fails the comparison. */
let sample: { ours: Map<string, string>; theirs: Map<string, string> } | undefined;

async function writeFolder(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [file, text] of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
}

describe('diff agrees with netpolicy diff (np-guard netpol-analyzer)', () => {
  beforeAll(async () => {
    const binary = netpolicyBinary();
    if (!existsSync(binary)) {
      throw new Error(`netpolicy is missing at ${binary}: run "bash tools/install-tools.sh" (npm test does) to build the pinned version`);
    }
    workRoot = await mkdtemp(path.join(tmpdir(), 'diff-differential-'));
    await mapWithConcurrency(pairs, NETPOLICY_CONCURRENCY, async (pair) => {
      const dir = path.join(workRoot, `pair-${pair.index}`);
      await writeFolder(path.join(dir, 'old'), pair.oldFiles);
      await writeFolder(path.join(dir, 'new'), pair.newFiles);
      netpolicyByPair.set(pair.index, await runNetpolicyDiff(binary, path.join(dir, 'old'), path.join(dir, 'new')));
    });
  }, 600_000);

  afterAll(async () => {
    if (workRoot !== '') await rm(workRoot, { recursive: true, force: true });
  });

  it.each(pairs.map((pair) => [pair.index, pair] as const))('pair %i opens and closes the same connections', async (_, pair) => {
    const rows = netpolicyByPair.get(pair.index)!;
    const { code, report } = await runDiff(path.join(workRoot, `pair-${pair.index}`), pair.externals);
    const ours = oursByConnection(report);
    const theirs = netpolicyByConnection(rows, pair);
    const reproduction = `seed ${pair.seed}\n# OLD\n${[...pair.oldFiles].map(([f, t]) => `# ${f}\n${t}`).join('')}# NEW\n${[...pair.newFiles].map(([f, t]) => `# ${f}\n${t}`).join('')}`;
    expect(disagreements(ours, theirs), reproduction).toEqual([]);
    expect(code, 'exit 1 exactly when NEW opens a connection').toBe([...ours.values()].includes('opened') ? 1 : 0);
    expect(report.endpoints).toEqual({ added: [], removed: pair.removed });
    for (const workload of workloadsNamed(rows)) expect(pair.removed).toContain(workload);
    coverage.opened += [...ours.values()].filter((change) => change === 'opened').length;
    coverage.closed += [...ours.values()].filter((change) => change === 'closed').length;
    coverage.externalChanges += [...ours.keys()].filter((key) => !key.split(' ')[0]!.includes('/') || !key.split(' ')[2]!.includes('/')).length;
    if (ours.size === 0) coverage.unchangedPairs++;
    coverage.removedWorkloads += pair.removed.length;
    if (!sample && ours.size >= 2) sample = { ours, theirs };
  });

  it('compared enough changes of every kind to mean something', () => {
    expect(coverage.opened).toBeGreaterThan(2 * PAIR_COUNT);
    expect(coverage.closed).toBeGreaterThan(2 * PAIR_COUNT);
    expect(coverage.externalChanges).toBeGreaterThan(PAIR_COUNT / 2);
    expect(coverage.removedWorkloads).toBeGreaterThan(PAIR_COUNT / 10);
    // Some pairs change nothing: the exit-0 path is compared too.
    expect(coverage.unchangedPairs).toBeGreaterThan(0);
  });

  it('fails on a real disagreement: a change missing or flipped on our side is reported', () => {
    expect(sample, 'a pair with at least two changes').toBeDefined();
    const { ours, theirs } = sample!;
    expect(disagreements(ours, theirs)).toEqual([]);
    const [first, second] = [...ours.keys()];
    const missing = new Map(ours);
    missing.delete(first!);
    expect(disagreements(missing, theirs)).toEqual([`${first}: ours unchanged, netpolicy ${theirs.get(first!)}`]);
    const flipped = new Map(ours).set(second!, ours.get(second!) === 'opened' ? 'closed' : 'opened');
    expect(disagreements(flipped, theirs)).toHaveLength(1);
  });

  it('reads netpolicy diff CSV, quoted connection strings included', () => {
    const rows = parseNetpolicyDiff(
      'diff-type,source,destination,dir1,dir2,workloads-diff-info\nchanged,a/x[Deployment],b/y[Pod],"TCP 1-79,81-65535",All Connections,\nadded,a/z[Job],b/y[Pod],No Connections,UDP 53,workload a/z[Job] added\n',
    );
    expect(rows).toEqual([
      { source: 'a/x[Deployment]', destination: 'b/y[Pod]', dir1: 'TCP 1-79,81-65535', dir2: 'All Connections', workloadsInfo: '' },
      { source: 'a/z[Job]', destination: 'b/y[Pod]', dir1: 'No Connections', dir2: 'UDP 53', workloadsInfo: 'workload a/z[Job] added' },
    ]);
    expect(workloadsNamed(rows)).toEqual(new Set(['a/z']));
    expect(() => parseNetpolicyDiff('source,destination\n')).toThrow(/unexpected netpolicy diff header/);
  });
});
