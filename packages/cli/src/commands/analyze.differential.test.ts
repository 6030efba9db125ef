/**
 * Differential test: `k8s-security analyze` against np-guard netpol-analyzer (`netpolicy`,
 * pinned in tools/toolchain.env, built by tools/install-tools.sh) on seeded random scenarios.
 * Every verdict per (from, to, port, protocol) must be identical. A missing netpolicy fails
 * the suite: it is never skipped.
 *
 * Disagreements found while building this test, and how each was settled:
 *
 * 1. Named port in an egress rule that may reach an IP (no `to`, or an `ipBlock` peer):
 *    netpolicy v1.4.4 refuses the whole directory ("named port error: cannot convert named
 *    port for an IP destination", exit 1). The API accepts such rules, and a named port
 *    resolves on the destination pod (SEMANTICS.md 21; API NetworkPolicyPort): it still
 *    matches pods that declare the name and matches nothing on an external IP. Ours does
 *    that (see analyze.test.ts "named port in an egress rule"). Settled: netpolicy limitation;
 *    the generator never writes a named port into such a rule.
 * 2. ipBlock and pod IPs (`status.podIP`): netpolicy never matches a pod by ipBlock, so a pod
 *    allowed only by an ipBlock that holds its IP is denied there. The core matches egress
 *    ipBlocks against destination pod IPs, as the upstream e2e test "should allow egress
 *    access to server in CIDR block" requires (SEMANTICS.md 14), and ingress ipBlocks against
 *    source pod IPs (implementation-defined; the core's documented choice). Settled: by
 *    design; the generator writes no pod IPs (workloads have none anyway).
 * 3. hostNetwork pods: netpolicy judges them like other pods; the core skips them with a note,
 *    as NetworkPolicy does not apply to them (docs/pitfalls.md, pitfall 8). Settled: by design; the
 *    generator writes none.
 * 4. External-to-external pairs: netpolicy reports none; the core judges them (allowed, no
 *    policy can select either end); the CLI drops them. Not compared.
 *
 * 5. AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1, generated in every other
 *    scenario by test-support/admin-policy-scenarios.ts): no disagreement was found, so none is settled.
 *    Same-priority ANPs are not generated: their order is implementation-defined upstream.
 *
 * Beyond these, no verdict differed: 240 scenarios here (about 22,500 verdicts), and 3,000 in
 * one-off runs with ANALYZE_DIFFERENTIAL_SCENARIOS=3000. Semantic mutations of the
 * core (egress governed by a present-but-empty `egress`, `except` ignored, podSelector-only
 * peers matching every namespace) each made several scenarios fail, so the comparison has teeth.
 * For the tiers, one-off mutations of the core's evaluator failed scenarios out of 240: Admin
 * Pass read as Deny 29, the Baseline tier ignored 9, Admin priorities reversed 4; and the
 * suite checks that the admin scenarios, read without their admin policies, disagree.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../test-support/cli-run.js';
import { withAdminPolicies } from '../test-support/admin-policy-scenarios.js';
import {
  allowedSetIncludes,
  constructsOf,
  externalFlags,
  generateScenario,
  mapWithConcurrency,
  netpolicyBinary,
  parseConnectionString,
  runNetpolicy,
  type ExternalSpec,
  type NetpolicyVerdicts,
  type PortProbe,
  type Protocol,
  type Scenario,
} from '../test-support/netpolicy-scenarios.js';

/** Override for a deeper, slower search: ANALYZE_DIFFERENTIAL_SCENARIOS=3000. */
const SCENARIO_COUNT = Math.max(200, Number(process.env.ANALYZE_DIFFERENTIAL_SCENARIOS ?? 240));
const NETPOLICY_CONCURRENCY = 2;

interface Verdict {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
}


// ---------------------------------------------------------------------------------------------
// Our side: the CLI, in-process

interface PairRow {
  readonly from: string;
  readonly to: string;
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
}

async function runAnalyze(dir: string, args: readonly string[], externals: readonly ExternalSpec[]): Promise<string> {
  const { code, stdout, stderr } = await runCli(['analyze', '.', '--output', 'json', ...externalFlags(externals), ...args], { cwd: dir });
  if (code !== 0) throw new Error(`analyze exited ${code}: ${stderr}`);
  return stdout;
}

/** The endpoint pairs of the default output (only pairs with an allowed port), or of --all. */
async function analyzePairs(dir: string, all: boolean, externals: readonly ExternalSpec[]): Promise<PairRow[]> {
  return (JSON.parse(await runAnalyze(dir, all ? ['--all'] : [], externals)) as { pairs: PairRow[] }).pairs;
}

/** A --port probe: one verdict per connection, today's contract. */
async function analyzeJson(dir: string, extraArgs: readonly string[], externals: readonly ExternalSpec[]): Promise<Verdict[]> {
  return (JSON.parse(await runAnalyze(dir, extraArgs, externals)) as { connections: Verdict[] }).connections;
}

/** One verdict per port of each pair's allowed and denied sets. */
function connectionsOfPairs(pairs: readonly PairRow[]): Verdict[] {
  return pairs.flatMap(({ from, to, allowed, denied }) =>
    [...allowed.map((port) => [port, true] as const), ...denied.map((port) => [port, false] as const)].map(([port, verdict]) => {
      const [number, protocol] = port.split('/');
      return { from, to, port: Number(number), protocol: protocol as Protocol, allowed: verdict };
    }),
  );
}

function verdictKey(verdict: Omit<Verdict, 'allowed'>): string {
  return `${verdict.from} -> ${verdict.to} ${verdict.port}/${verdict.protocol}`;
}

/** What the default run must cover: every ordered pair of distinct endpoints, each declared port of the destination. */
function expectedDefaultQueries(scenario: Scenario): string[] {
  const endpoints = new Map<string, readonly PortProbe[]>([...scenario.workloadPorts, ...scenario.externals.map(({ ip, ports }) => [ip, ports] as const)]);
  const keys: string[] = [];
  for (const from of endpoints.keys()) {
    for (const [to, ports] of endpoints) {
      if (from === to || (!from.includes('/') && !to.includes('/'))) continue;
      for (const { port, protocol } of ports) keys.push(verdictKey({ from, to, port, protocol }));
    }
  }
  return keys.sort();
}

// ---------------------------------------------------------------------------------------------

const scenarios = Array.from({ length: SCENARIO_COUNT }, (_, index) => withAdminPolicies(generateScenario(index)));
let workRoot = '';
/** What the comparisons covered, so a generator that drifts into trivial cases fails loudly. */
const coverage = { verdicts: 0, allowed: 0, denied: 0, externalSource: 0, externalDestination: 0, probes: 0 };
const netpolicyByScenario = new Map<number, NetpolicyVerdicts>();

describe('analyze agrees with netpolicy (np-guard netpol-analyzer)', () => {
  beforeAll(async () => {
    const binary = netpolicyBinary();
    if (!existsSync(binary)) {
      throw new Error(`netpolicy is missing at ${binary}: run "bash tools/install-tools.sh" (npm test does) to build the pinned version`);
    }
    workRoot = await mkdtemp(path.join(tmpdir(), 'analyze-differential-'));
    await mapWithConcurrency(scenarios, NETPOLICY_CONCURRENCY, async (scenario) => {
      const dir = path.join(workRoot, `scenario-${scenario.index}`);
      for (const [file, text] of scenario.files) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), text);
      }
      netpolicyByScenario.set(scenario.index, await runNetpolicy(binary, dir));
      if (scenario.files.has('policies/admin.yaml')) {
        // The same scenario without its admin policies: what a tier-blind analyzer would see.
        const bare = path.join(workRoot, `scenario-${scenario.index}-without-admin`);
        for (const [file, text] of scenario.files) {
          if (file === 'policies/admin.yaml') continue;
          await mkdir(path.dirname(path.join(bare, file)), { recursive: true });
          await writeFile(path.join(bare, file), text);
        }
      }
    });
  }, 600_000);

  afterAll(async () => {
    if (workRoot !== '') await rm(workRoot, { recursive: true, force: true });
  });

  it('generates scenarios that use every peer form, port form and workload kind', () => {
    const forms = new Set<string>();
    for (const scenario of scenarios) {
      for (const text of scenario.files.values()) {
        for (const object of parseAllDocuments(text).map((document) => document.toJS() as Record<string, unknown>)) {
          for (const form of constructsOf(object)) forms.add(form);
        }
      }
    }
    expect([...forms].sort()).toEqual(
      [
        ...['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'].map((kind) => `kind ${kind}`),
        'admin subject namespaces',
        'admin subject pods',
        ...['Allow', 'Deny', 'Pass'].map((action) => `admin action ${action}`),
        'admin ingress peer namespaces',
        'admin ingress peer pods',
        'admin egress peer namespaces',
        'admin egress peer pods',
        'admin egress peer networks',
        ...['portNumber', 'portRange', 'namedPort'].map((form) => `admin port ${form}`),
        ...['Namespace', 'NetworkPolicy', 'List', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'].map((kind) => `kind ${kind}`),
        'container port named',
        'container port unnamed',
        ...['TCP', 'UDP', 'SCTP'].map((protocol) => `container port ${protocol}`),
        'namespace without declared name label',
        'policyTypes absent',
        'policyTypes empty',
        'rules empty',
        'peers absent',
        'peers empty',
        'peer podSelector only',
        'peer podSelector only, empty',
        'peer namespaceSelector only',
        'peer namespaceSelector only, empty',
        'peer both selectors',
        'peer ipBlock',
        'peer ipBlock with except',
        ...['In', 'NotIn', 'Exists', 'DoesNotExist'].map((operator) => `operator ${operator}`),
        'ports absent',
        'ports empty',
        'port number',
        'port named',
        'port range',
        'port without port',
        ...['TCP', 'UDP', 'SCTP'].map((protocol) => `port protocol ${protocol}`),
        'port protocol defaulted',
      ].sort(),
    );
  });

  it.each(scenarios.map((scenario) => [scenario.index, scenario] as const))('scenario %i gives the same verdicts', async (_, scenario) => {
    const dir = path.join(workRoot, `scenario-${scenario.index}`);
    const netpolicy = netpolicyByScenario.get(scenario.index)!;
    const everyPair = await analyzePairs(dir, true, scenario.externals);
    const defaultRun = connectionsOfPairs(everyPair);
    expect(defaultRun.map(verdictKey).sort(), 'the --all run covers every pair and declared port').toEqual(expectedDefaultQueries(scenario));
    expect(await analyzePairs(dir, false, scenario.externals), 'the default run lists exactly the pairs with an allowed port').toEqual(
      everyPair.filter((pair) => pair.allowed.length > 0),
    );
    const probeRuns = await Promise.all(
      scenario.probes.map((probe) => analyzeJson(dir, ['--port', String(probe.port), '--protocol', probe.protocol], scenario.externals)),
    );
    coverage.probes += probeRuns.flat().length;
    const mismatches: string[] = [];
    for (const verdict of [...defaultRun, ...probeRuns.flat()]) {
      if (!verdict.from.includes('/') && !verdict.to.includes('/')) continue; // netpolicy has no external-to-external traffic
      const theirs = netpolicy.allows(verdict.from, verdict.to, verdict.port, verdict.protocol);
      coverage.verdicts++;
      coverage[verdict.allowed ? 'allowed' : 'denied']++;
      if (!verdict.from.includes('/')) coverage.externalSource++;
      if (!verdict.to.includes('/')) coverage.externalDestination++;
      if (theirs !== verdict.allowed) mismatches.push(`${verdictKey(verdict)}: ours ${verdict.allowed}, netpolicy ${theirs}`);
    }
    const reproduction = `seed ${scenario.seed}\n${[...scenario.files].map(([file, text]) => `# ${file}\n${text}`).join('')}`;
    expect(mismatches, reproduction).toEqual([]);
  });

  it('can fail: without their admin policies, many admin scenarios disagree with netpolicy', async () => {
    const withAdmin = scenarios.filter((scenario) => scenario.files.has('policies/admin.yaml'));
    expect(withAdmin.length).toBeGreaterThan(SCENARIO_COUNT / 4);
    let disagreeing = 0;
    for (const scenario of withAdmin) {
      const netpolicy = netpolicyByScenario.get(scenario.index)!;
      const verdicts = connectionsOfPairs(await analyzePairs(path.join(workRoot, `scenario-${scenario.index}-without-admin`), true, scenario.externals));
      const differs = verdicts.some(
        (verdict) => (verdict.from.includes('/') || verdict.to.includes('/')) && netpolicy.allows(verdict.from, verdict.to, verdict.port, verdict.protocol) !== verdict.allowed,
      );
      if (differs) disagreeing++;
    }
    // 38 of the 109 admin scenarios at the default 240.
    expect(disagreeing).toBeGreaterThan(withAdmin.length / 4);
  });

  it('compared enough verdicts of every kind to mean something', () => {
    expect(coverage.verdicts).toBeGreaterThan(40 * SCENARIO_COUNT);
    expect(coverage.denied / coverage.verdicts).toBeGreaterThan(0.15);
    expect(coverage.allowed / coverage.verdicts).toBeGreaterThan(0.15);
    expect(coverage.externalSource).toBeGreaterThan(5 * SCENARIO_COUNT);
    expect(coverage.externalDestination).toBeGreaterThan(5 * SCENARIO_COUNT);
    expect(coverage.probes).toBeGreaterThan(20 * SCENARIO_COUNT);
  });

  it('reads netpolicy connection strings', () => {
    const parsed = parseConnectionString('SCTP 1-65535,TCP 1-79,81-65535,UDP 53');
    expect(allowedSetIncludes(parsed, 80, 'TCP')).toBe(false);
    expect(allowedSetIncludes(parsed, 81, 'TCP')).toBe(true);
    expect(allowedSetIncludes(parsed, 53, 'UDP')).toBe(true);
    expect(allowedSetIncludes(parsed, 54, 'UDP')).toBe(false);
    expect(allowedSetIncludes(parsed, 7, 'SCTP')).toBe(true);
    expect(allowedSetIncludes(parseConnectionString('All Connections'), 9, 'UDP')).toBe(true);
    expect(allowedSetIncludes(parseConnectionString('No Connections'), 9, 'UDP')).toBe(false);
    expect(() => parseConnectionString('ICMP 8')).toThrow(/unexpected netpolicy connection string/);
  });
});
