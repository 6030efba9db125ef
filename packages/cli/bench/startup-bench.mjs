#!/usr/bin/env node
/**
 * Start-up benchmark: whole `k8s-security analyze` processes on small real-world inputs, next
 * to np-guard's `netpolicy list` on the same folders, as a pre-commit hook or a per-PR job runs
 * them. The inputs are np-guard's own test folders (onlineboutique, Apache-2.0), fetched at
 * bench time into the Go module cache by `go mod download` at the pinned netpolicy version;
 * nothing of them is copied into the repository.
 *
 * Usage: npm run bench:startup [-- --runs N] [-- --check]
 *   --runs N   processes per command and folder (default 9); the median and the best are printed
 *   --check    exit 1 when a median misses the target
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Issue 12: `analyze` of a folder of at most 40 endpoints answers within 0.4 s wall. */
const TARGET_SECONDS = 0.4;
/** np-guard's onlineboutique folders, and the largest of its real-world test folders (29 endpoints; none has more than 40). */
const CASES = ['onlineboutique', 'onlineboutique_workloads', 'onlineboutique_with_replicas', 'acs-security-demos', 'test_with_named_ports'];

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cli = path.join(repoRoot, 'packages/cli/bin/k8s-security.js');
const netpolicy = path.join(repoRoot, '.tools/bin/netpolicy');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, check: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs "${values.runs}" is not a positive whole number`);
if (!existsSync(path.join(repoRoot, 'packages/cli/dist/main.js'))) fail('the CLI is not built: run "npm run build" first');

function fail(message) {
  process.stderr.write(`bench:startup: ${message}\n`);
  process.exit(2);
}

/** The pinned netpolicy version, from the one place versions live. */
function netpolicyVersion() {
  const match = /^NETPOLICY_VERSION=(\S+)$/m.exec(readFileSync(path.join(repoRoot, 'tools/toolchain.env'), 'utf8'));
  if (!match) fail('tools/toolchain.env has no NETPOLICY_VERSION');
  return match[1];
}

/** Downloads (or finds in the module cache) np-guard's module through the module proxy only, and returns its folder. */
function npGuardModule(version) {
  const proxy = (process.env.GOPROXY ?? execFileSync('go', ['env', 'GOPROXY'], { encoding: 'utf8' }).trim()).replace(/[,|]direct/g, '');
  if (proxy === '' || proxy === 'direct' || proxy === 'off') fail(`GOPROXY is "${proxy}": set it to a module proxy`);
  // Outside any module, so no go.mod around the checkout is read or changed.
  const cwd = mkdtempSync(path.join(tmpdir(), 'bench-startup-'));
  try {
    const json = execFileSync('go', ['mod', 'download', '-json', `github.com/np-guard/netpol-analyzer@${version}`], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GOPROXY: proxy, GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
    });
    return JSON.parse(json).Dir;
  } catch (error) {
    fail(`go mod download of np-guard/netpol-analyzer@${version} failed: ${String(error.stderr ?? error.message).split('\n')[0]}`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * Runs `command` `runs` times under bash's `time`; returns wall and CPU (user + system) seconds,
 * each sorted, failing on another exit status than `status`. CPU time says what the command
 * costs when other work shares the machine and stretches the wall clock.
 */
function time(command, args, status = 0) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync('bash', ['-c', 'TIMEFORMAT="CPU %3U %3S"; { time "$0" "$@" >/dev/null 2>/dev/null; } 2>&1', command, ...args], {
      encoding: 'utf8',
    });
    wall.push(Number(process.hrtime.bigint() - started) / 1e9);
    const used = /CPU (\d+\.\d+) (\d+\.\d+)/.exec(result.stdout ?? '');
    if (result.status !== status || !used) fail(`${path.basename(command)} ${args.join(' ')} exited ${result.status}, expected ${status}`);
    cpu.push(Number(used[1]) + Number(used[2]));
  }
  return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
}

const median = (sorted) => sorted[Math.floor(sorted.length / 2)];
const format = (s) => `${s.toFixed(3)} s`;

/** Endpoints of a folder as analyze reads them: the distinct sources and destinations of its JSON pairs (--all: denied ones too). */
function endpointCount(dir) {
  const report = JSON.parse(execFileSync(process.execPath, [cli, 'analyze', dir, '--skip-invalid', '--all', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  return new Set(report.pairs.flatMap((pair) => [pair.from, pair.to])).size;
}

const version = netpolicyVersion();
const moduleDir = npGuardModule(version);
const haveNetpolicy = existsSync(netpolicy);
const rows = [];
let missed = false;
for (const name of CASES) {
  const dir = path.join(moduleDir, 'tests', name);
  const ours = time(process.execPath, [cli, 'analyze', dir, '--skip-invalid', '-o', 'json']);
  const theirs = haveNetpolicy ? time(netpolicy, ['list', '--dirpath', dir, '-o', 'json', '--quiet']) : undefined;
  const met = median(ours.wall) <= TARGET_SECONDS;
  missed ||= !met;
  rows.push([
    name,
    String(endpointCount(dir)),
    format(median(ours.wall)),
    format(ours.wall[0]),
    format(median(ours.cpu)),
    theirs ? format(median(theirs.wall)) : 'not built',
    theirs ? format(median(theirs.cpu)) : '-',
    met ? 'yes' : 'NO',
  ]);
}
// A refused flag: the cost of starting the command at all.
const refused = time(process.execPath, [cli, 'analyze', '--no-such-flag'], 2);

const header = ['folder', 'endpoints', 'analyze wall', 'best', 'cpu', 'netpolicy wall', 'cpu', `wall <= ${TARGET_SECONDS} s`];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
process.stdout.write(
  [
    `k8s-security analyze vs netpolicy ${version} list, whole processes, ${runs} runs each (np-guard test data from the Go module cache)`,
    `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on this machine: wall times grow with it`,
    line(header),
    ...rows.map(line),
    'wall and cpu (user + system) are medians; best is the fastest wall time',
    `analyze --no-such-flag (start-up and exit 2): wall ${format(median(refused.wall))}, best ${format(refused.wall[0])}, cpu ${format(median(refused.cpu))}`,
    haveNetpolicy ? '' : 'netpolicy is not built: run "npm run tools" to compare',
  ]
    .filter((text) => text !== '')
    .join('\n') + '\n',
);
if (values.check && missed) process.exit(1);
