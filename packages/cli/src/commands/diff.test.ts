import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectOneLineFailure, runCli, writeFilesIn, type CliRun } from '../test-support/cli-run.js';
import { fakeKubeconfig, startRecordedApiServer, type FakeApiServer } from '../live/test-support/fake-api-server.js';
import { officialSarifSchemaProblems, sarifStructureProblems } from '../report/test-support/report-checks.js';

let workDir = '';

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'diff-test-'));
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function run(args: readonly string[], options: { stdin?: string; cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runCli(['diff', ...args], { ...options, cwd: options.cwd ?? workDir });
}

function writeFiles(files: Record<string, string>, root = workDir): Promise<void> {
  return writeFilesIn(root, files);
}

const APPS = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, ports: [{containerPort: 5432, name: postgres}, {containerPort: 9187}]}]}
`;

const DENY_ALL = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

const DB_FROM_WEB = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: postgres}]
`;

/** OLD: default-deny only. NEW: plus db-from-web, which opens web -> db on 5432. */
async function writeOldAndNew(): Promise<void> {
  await writeFiles({
    'old/apps.yaml': APPS,
    'old/policies.yaml': DENY_ALL,
    'new/apps.yaml': APPS,
    'new/policies.yaml': `${DENY_ALL}---\n${DB_FROM_WEB}`,
  });
}

interface DiffJson {
  schemaVersion: number;
  old: string;
  new: string;
  endpoints: { added: string[]; removed: string[] };
  changes: { change: string; from: string; to: string; ports: string[]; cause: string; rules: unknown[]; isolatedBy: string[]; formerlyIsolatedBy: string[]; location?: { file: string; line: number } }[];
  summary: { pairs: number; opened: number; closed: number; endpointsAdded: number; endpointsRemoved: number };
}

describe('k8s-security diff', () => {
  it('reports the connection NEW opens with the rule that opens it, and exits 1', async () => {
    await writeOldAndNew();
    const result = await run(['old', 'new']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'OLD: old',
        'NEW: new',
        '',
        'CHANGE  FROM      TO        PORTS              CAUSE',
        'opened  shop/web  shop/db   5432/TCP           allowed in NEW by shop/db-from-web ingress rule 0 (in OLD denied: isolated by shop/deny-all)',
        '',
        '1 connection opened, 0 closed, in 1 endpoint pair; 0 endpoints added, 0 removed.',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 when NEW only closes connections, naming the OLD rule and the NEW isolating policy', async () => {
    await writeOldAndNew();
    const result = await run(['new', 'old', '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DiffJson;
    expect(report.changes).toEqual([
      {
        change: 'closed',
        from: 'shop/web',
        to: 'shop/db',
        ports: ['5432/TCP'],
        cause: 'allowed in OLD by shop/db-from-web ingress rule 0; in NEW denied: isolated by shop/deny-all, and no rule matches',
        rules: [{ policy: 'shop/db-from-web', direction: 'Ingress', rule: 0 }],
        isolatedBy: ['shop/deny-all'],
        formerlyIsolatedBy: [],
        location: { file: 'old/policies.yaml', line: 1 },
      },
    ]);
    expect(report.summary).toEqual({ pairs: 1, opened: 0, closed: 1, endpointsAdded: 0, endpointsRemoved: 0 });
  });

  it('exits 0 and says so when nothing changes', async () => {
    await writeOldAndNew();
    const result = await run(['old', 'old/']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No connection changes between OLD and NEW; 0 endpoints added, 0 removed.');
  });

  it('lists endpoints of one side as added or removed instead of as changed connections', async () => {
    await writeOldAndNew();
    const cache = `---\napiVersion: v1\nkind: Pod\nmetadata: {name: cache, namespace: shop, labels: {app: cache}}\nspec: {containers: [{name: c, ports: [{containerPort: 6379}]}]}\n`;
    await writeFiles({ 'more/apps.yaml': APPS + cache, 'more/policies.yaml': DENY_ALL });
    const added = JSON.parse((await run(['old', 'more', '-o', 'json'])).stdout) as DiffJson;
    expect(added.endpoints).toEqual({ added: ['shop/cache'], removed: [] });
    expect(added.changes).toEqual([]);
    const removed = await run(['more', 'old']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Endpoints removed (their connections are not listed): shop/cache');
  });

  it('reads single files and one side from stdin', async () => {
    await writeFiles({ 'old.yaml': `${APPS}---\n${DENY_ALL}`, 'new.yaml': `${APPS}---\n${DENY_ALL}---\n${DB_FROM_WEB}` });
    const fromFiles = await run(['old.yaml', 'new.yaml', '-o', 'json']);
    const fromStdin = await run(['-', 'new.yaml', '-o', 'json'], { stdin: `${APPS}---\n${DENY_ALL}` });
    expect(fromFiles.code).toBe(1);
    expect(fromStdin.code).toBe(1);
    const changes = (stdout: string) => (JSON.parse(stdout) as DiffJson).changes;
    expect(changes(fromStdin.stdout)).toEqual(changes(fromFiles.stdout));
    expect((JSON.parse(fromStdin.stdout) as DiffJson).old).toBe('-');
  });

  it('writes a PR comment in md', async () => {
    await writeOldAndNew();
    const result = await run(['old', 'new', '-o', 'md']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        '### Connectivity diff: `old` → `new`',
        '',
        '**1 connection opened, 0 closed, in 1 endpoint pair; 0 endpoints added, 0 removed.**',
        '',
        '| Change | From | To | Ports | Cause |',
        '| --- | --- | --- | --- | --- |',
        '| **opened** | `shop/web` | `shop/db` | 5432/TCP | allowed in NEW by shop/db-from-web ingress rule 0 (in OLD denied: isolated by shop/deny-all) |',
        '',
      ].join('\n'),
    );
  });

  it('writes valid SARIF 2.1.0 with a result per opened connection pointing at the policy', async () => {
    await writeOldAndNew();
    const result = await run(['old', 'new', '-o', 'sarif']);
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout) as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation?: unknown }[] }[] }[] };
    expect(sarifStructureProblems(log)).toEqual([]);
    expect(officialSarifSchemaProblems(log)).toEqual([]);
    const [opened] = log.runs[0]!.results;
    expect(log.runs[0]!.results).toHaveLength(1);
    expect(opened).toMatchObject({ ruleId: 'connection-opened', level: 'warning' });
    expect(opened!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'new/policies.yaml' }, region: { startLine: 8 } });
    const none = JSON.parse((await run(['old', 'old', '-o', 'sarif'])).stdout) as { runs: { results: unknown[] }[] };
    expect(none.runs[0]!.results).toEqual([]);
    expect(officialSarifSchemaProblems(none)).toEqual([]);
  });

  it('compares with an --external endpoint on both sides', async () => {
    const egress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 203.0.113.0/24}}]
    ports: [{port: 443}]
`;
    await writeFiles({ 'old/apps.yaml': APPS, 'new/apps.yaml': APPS, 'new/egress.yaml': egress });
    const report = JSON.parse((await run(['old', 'new', '--external', '203.0.113.10:443/TCP,80/TCP', '-o', 'json'])).stdout) as DiffJson;
    expect(report.changes.filter((change) => change.to === '203.0.113.10').map((change) => [change.change, change.ports])).toEqual([['closed', ['80/TCP']]]);
  });
});

describe('k8s-security diff of git revisions', () => {
  let repo = '';

  beforeAll(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'diff-git-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'test@example.invalid');
    git('config', 'user.name', 'diff test');
    await writeFiles({ 'deploy/apps.yaml': APPS, 'deploy/policies/deny.yaml': DENY_ALL, 'deploy/README.md': 'not a manifest' }, repo);
    git('add', '.');
    git('commit', '-qm', 'deny all');
    await writeFiles({ 'deploy/policies/db.yaml': DB_FROM_WEB }, repo);
    git('add', '.');
    git('commit', '-qm', 'db from web');
  });

  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('compares a folder at two revisions', async () => {
    const result = await run(['git:HEAD~1:deploy', 'git:main:deploy', '-o', 'json'], { cwd: repo });
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as DiffJson;
    expect(report.old).toBe('git:HEAD~1:deploy');
    expect(report.changes.map((change) => [change.change, change.from, change.to, change.ports])).toEqual([['opened', 'shop/web', 'shop/db', ['5432/TCP']]]);
    // SARIF and json locations name the path in the repository, which a scanner opens.
    expect(report.changes[0]!.location).toEqual({ file: 'deploy/policies/db.yaml', line: 1 });
  });

  it('compares a revision with the working tree, reading paths from ./ in a subfolder', async () => {
    const result = await run(['git:HEAD~1:./', '.'], { cwd: path.join(repo, 'deploy') });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('opened  shop/web  shop/db');
  });

  it('reads a single file of a revision', async () => {
    await writeFiles({ 'all-old.yaml': `${APPS}---\n${DENY_ALL}` }, repo);
    const result = await run(['all-old.yaml', `git:HEAD:deploy/policies/db.yaml`], { cwd: repo });
    // NEW holds only a policy and no workloads: every endpoint of OLD is removed.
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Endpoints removed (their connections are not listed): shop/db, shop/web');
  });

  it.each([
    [['git:no-such-branch:deploy', 'git:HEAD:deploy'], 'git:no-such-branch:deploy: no revision "no-such-branch" in this repository'],
    [['git:HEAD:no/such/path', 'git:HEAD:deploy'], 'git:HEAD:no/such/path: no path "no/such/path" in revision HEAD'],
    [['git:HEAD', 'git:HEAD:deploy'], '"git:HEAD" is not a git source: write git:REV:PATH'],
    [['git:HEAD~1:deploy/README.md', 'git:HEAD:deploy'], 'git:HEAD~1:deploy/README.md:1: not a Kubernetes object'],
  ])('fails with one line for %j', async (args, message) => {
    expectOneLineFailure(await run(args, { cwd: repo }), message);
  });

  it('fails with one line outside a git repository', async () => {
    await writeOldAndNew();
    expectOneLineFailure(await run(['git:HEAD:old', 'new']), 'is not inside a git repository');
  });
});

describe('k8s-security diff of a live cluster', () => {
  let server: FakeApiServer;

  beforeAll(async () => {
    server = await startRecordedApiServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('reads cluster: sides read-only and finds no change between a cluster and itself', async () => {
    await writeFiles({ 'kubeconfig.yaml': fakeKubeconfig(server.url) });
    server.requests.length = 0;
    const result = await run(['cluster:', 'cluster:fake', '--kubeconfig', 'kubeconfig.yaml']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^OLD: context fake \(http/);
    expect(result.stdout).toContain('No connection changes between OLD and NEW');
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((request) => request.startsWith('GET '))).toBe(true);
  });

  it('compares a cluster with a folder, taking the kubeconfig from $KUBECONFIG', async () => {
    await writeFiles({ 'kubeconfig.yaml': fakeKubeconfig(server.url) });
    await writeOldAndNew();
    const result = await run(['cluster:', 'new', '-o', 'json'], { env: { KUBECONFIG: path.join(workDir, 'kubeconfig.yaml') } });
    expect([0, 1]).toContain(result.code);
    const report = JSON.parse(result.stdout) as DiffJson;
    // The recorded cluster and the folder share no workload: all of them are added or removed.
    expect(report.endpoints.added).toEqual(['shop/db', 'shop/web']);
    expect(report.endpoints.removed.length).toBeGreaterThan(3);
    expect(report.changes).toEqual([]);
  });

  it.each([
    [['old', 'new', '--old-kubeconfig', 'kubeconfig.yaml'], '--old-kubeconfig reads a cluster, but OLD is not one'],
    [['old', 'new', '--kubeconfig', 'kubeconfig.yaml'], '--kubeconfig reads a cluster, but neither OLD nor NEW is one'],
    [['cluster:nope', 'new', '--kubeconfig', 'kubeconfig.yaml'], '--context "nope" is not in kubeconfig.yaml'],
  ])('fails with one line for %j', async (args, message) => {
    await writeFiles({ 'kubeconfig.yaml': fakeKubeconfig(server.url) });
    await writeOldAndNew();
    expectOneLineFailure(await run(args), message);
  });
});

describe('k8s-security diff refuses bad input with one line and exit 2', () => {
  it.each([
    [['old'], 'diff compares two inputs: k8s-security diff OLD NEW'],
    [['old', 'new', 'extra'], 'diff compares two inputs'],
    [['old', 'missing'], 'missing: cannot read (no such file or folder)'],
    [['-', '-'], 'OLD and NEW are both "-" (stdin), which can be read once'],
    [['old', 'new', '-o', 'csv'], '--output "csv" is not a format of diff: use one of table, json, md, sarif'],
    [['old', 'new', '--outptu', 'json'], "Did you mean '--output'?"],
    [['old', 'new', '--external', 'nope'], '--external "nope" has no valid IP address'],
    [['old', 'bomb'], 'bomb/bomb.yaml:1: YAML aliases expand this document to more than 1,000,000 nodes'],
    [['old', 'broken'], 'broken/policy.yaml'],
  ])('%j', async (args, message) => {
    await writeOldAndNew();
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb, namespace: shop}', 'data:', '  l0: &l0 "x"'];
    for (let level = 1; level <= 9; level++) lines.push(`  l${level}: &l${level} [${Array.from({ length: 10 }, () => `*l${level - 1}`).join(', ')}]`);
    await writeFiles({
      'bomb/bomb.yaml': `${lines.join('\n')}\n`,
      'broken/policy.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: shop}\nspec: {podSelector: {}, ingress: "everything"}\n',
    });
    expectOneLineFailure(await run(args, { stdin: '' }), message);
  });

  it('prints its usage with --help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: k8s-security diff OLD NEW [options]');
  });
});
