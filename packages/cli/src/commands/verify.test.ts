import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS, namespaceIsolation, toYamlStream } from '@k8s-security-pro/core';
import { main } from '../main.js';
import { fakeKubeconfig, startRecordedApiServer, type FakeApiServer } from '../live/test-support/fake-api-server.js';
import { officialSarifSchemaProblems, sarifStructureProblems, xmlWellFormednessProblem } from '../report/test-support/report-checks.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const PROD = ['--expect', 'examples/threat-model/prod.yaml', 'examples/reference-cluster.yaml'];
const PROD_MANIFEST = 'manifests/14_namespace_isolation-prod.yaml';

let dir: string;
let server: FakeApiServer;

async function run(args: readonly string[], cwd = REPO, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(['verify', ...args], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd, env });
  return { code, stdout, stderr };
}

/** The prod set rendered with the egress layer off: production may then open connections to anything. */
function weakenedManifest(): string {
  const prod = ENVIRONMENTS.find((environment) => environment.name === 'prod')!;
  const file = path.join(dir, 'weakened.yaml');
  writeFileSync(file, toYamlStream(namespaceIsolation({ ...prod.values, denyEgressExceptDns: { enabled: false } })));
  return file;
}

function writeExpectations(name: string, expectations: unknown[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ apiVersion: 'k8s-security.dev/v1alpha1', kind: 'ReachabilityExpectations', metadata: { name }, expectations }));
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-verify-'));
  server = await startRecordedApiServer();
  writeFileSync(path.join(dir, 'kubeconfig.yaml'), fakeKubeconfig(server.url));
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('k8s-security verify', () => {
  it('passes the prod threat model on the prod manifest and prints a table', async () => {
    const { code, stdout, stderr } = await run([...PROD, PROD_MANIFEST]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^RESULT {2}ID +ASSERTION$/m);
    expect(stdout).toMatch(/^PASS {4}production-monitoring +pods app\.kubernetes\.io\/name=prometheus of monitoring reach pods of production on 9090\/TCP only/m);
    expect(stdout).toContain('k8s-security verify: prod-threat-model (examples/threat-model/prod.yaml) on examples/reference-cluster.yaml, manifests/14_namespace_isolation-prod.yaml: 10 passed, 0 failed, 0 vacuous');
  });

  it('exits 1 on a weakened render and names the counter-examples and the rule that allows them', async () => {
    const { code, stdout } = await run([...PROD, weakenedManifest(), '-o', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      version: number;
      summary: { total: number; passed: number; failed: number; vacuous: number };
      results: { id: string; status: string; counterExamples: { from: string; to: string; ports: string[]; decidedBy: string[] }[] }[];
    };
    expect(report.version).toBe(1);
    expect(report.results.filter((result) => result.status !== 'pass').map((result) => result.id)).toEqual([
      'production-dns',
      'production-no-egress-to-other-namespaces',
      'production-no-egress-to-outside-ipv4',
      'production-no-egress-to-outside-ipv6',
    ]);
    expect(report.summary).toEqual({ total: 10, passed: 6, failed: 4, vacuous: 0 });
    const otherNamespaces = report.results.find((result) => result.id === 'production-no-egress-to-other-namespaces')!;
    expect(otherNamespaces.counterExamples[0]).toMatchObject({ from: 'production/app', to: 'dev/app', ports: ['1-65535/TCP', '1-65535/UDP', '1-65535/SCTP'], decidedBy: [] });
  });

  it('writes JUnit XML with one testcase per assertion and a failure carrying the counter-examples', async () => {
    const { code, stdout } = await run([...PROD, weakenedManifest(), '-o', 'junit']);
    expect(code).toBe(1);
    expect(xmlWellFormednessProblem(stdout)).toBeUndefined();
    expect(stdout).toContain('<testsuite name="prod-threat-model" tests="10" failures="4" errors="0" skipped="0">');
    expect(stdout.match(/<testcase /g)).toHaveLength(10);
    expect(stdout).toContain('<testcase classname="prod-threat-model" name="production-monitoring"/>');
    expect(stdout).toMatch(/<testcase classname="prod-threat-model" name="production-no-egress-to-other-namespaces">\n {6}<failure type="fail" message="broken by 18 of 18 endpoint pairs[^"]*">[^<]*production\/app -&gt; dev\/app 1-65535\/TCP/);
  });

  it('writes SARIF 2.1.0 that validates against the official schema, with pass and fail results', async () => {
    const { code, stdout } = await run([...PROD, weakenedManifest(), '-o', 'sarif']);
    expect(code).toBe(1);
    const log = JSON.parse(stdout) as { runs: { results: { ruleId: string; kind: string; level: string }[] }[] };
    expect(sarifStructureProblems(log)).toEqual([]);
    expect(officialSarifSchemaProblems(log)).toEqual([]);
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(10);
    expect(results.find((result) => result.ruleId === 'production-dns')).toMatchObject({ kind: 'fail', level: 'error' });
    expect(results.find((result) => result.ruleId === 'production-monitoring')).toMatchObject({ kind: 'pass', level: 'none' });
  });

  it('fails an assertion that matches no endpoint as vacuous, with exit 1', async () => {
    const file = writeExpectations('typo.json', [{ id: 'typo', from: { namespace: 'dev', podSelector: { matchLabels: { app: 'wbe' } } }, to: { namespace: 'production' }, expect: 'denied' }]);
    const { code, stdout } = await run(['--expect', file, 'examples/reference-cluster.yaml', PROD_MANIFEST]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^VACUOUS typo/m);
    expect(stdout).toContain('vacuous: "from" (pods app=wbe of dev) matches no endpoint; an assertion about nothing cannot hold');
  });

  it('judges every port an AdminNetworkPolicy or BaselineAdminNetworkPolicy tells apart, and names the tier rule', async () => {
    const admin = path.join(dir, 'admin.yaml');
    writeFileSync(
      admin,
      toYamlStream([
        {
          apiVersion: 'policy.networking.k8s.io/v1alpha1',
          kind: 'AdminNetworkPolicy',
          metadata: { name: 'dev-debug' },
          spec: {
            priority: 10,
            subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } } },
            ingress: [{ name: 'debug', action: 'Allow', from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }], ports: [{ portNumber: { protocol: 'TCP', port: 7000 } }] }],
          },
        },
        {
          apiVersion: 'policy.networking.k8s.io/v1alpha1',
          kind: 'BaselineAdminNetworkPolicy',
          metadata: { name: 'default' },
          spec: {
            subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'staging' } } },
            ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }], ports: [{ portRange: { protocol: 'UDP', start: 30000, end: 32767 } }] }],
          },
        },
      ]),
    );
    const prodOnly = path.join(dir, 'prod-isolation.yaml');
    const prod = ENVIRONMENTS.find((environment) => environment.name === 'prod')!;
    writeFileSync(prodOnly, toYamlStream(namespaceIsolation(prod.values).filter((policy) => policy.metadata.namespace === 'production')));
    const file = writeExpectations('tiers.yaml', [
      { id: 'dev-not-to-production', from: { namespace: 'dev' }, to: { namespace: 'production' }, expect: 'denied' },
      { id: 'dev-reaches-staging', from: { namespace: 'dev' }, to: { namespace: 'staging' }, expect: 'allowed' },
    ]);
    const { code, stdout } = await run(['--expect', file, 'examples/reference-cluster.yaml', prodOnly, admin, '-o', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { results: { id: string; status: string; counterExamples: { to: string; ports: string[]; allowed: boolean; decidedBy: string[] }[] }[] };
    const [production, staging] = report.results;
    expect(production).toMatchObject({ id: 'dev-not-to-production', status: 'fail' });
    expect(production!.counterExamples.map((example) => `${example.to} ${example.ports.join(',')}`)).toEqual(expect.arrayContaining(['production/app 7000/TCP', 'production/db 7000/TCP']));
    expect(production!.counterExamples[0]!.decidedBy).toEqual(['AdminNetworkPolicy/dev-debug ingress rule 0']);
    expect(staging).toMatchObject({ id: 'dev-reaches-staging', status: 'fail' });
    expect(new Set(staging!.counterExamples.map((example) => `${example.ports.join(',')} ${example.allowed ? 'allowed' : 'denied'}`))).toEqual(new Set(['30000-32767/UDP denied']));
  });

  it('reads a live cluster with --kubeconfig, read-only', async () => {
    const file = writeExpectations('live.yaml', [
      { id: 'legacy-not-to-production', from: { namespace: 'legacy' }, to: { namespace: 'production' }, expect: 'denied' },
      { id: 'controller-to-web', from: { namespace: 'ingress-nginx' }, to: { namespace: 'production', podSelector: { matchLabels: { app: 'web' } } }, ports: ['8080/TCP'], expect: 'allowed' },
      { id: 'production-only-dns-out', from: { namespace: 'production' }, to: { namespaceSelector: {}, except: [{ namespace: 'production' }, { namespace: 'kube-system', podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }, expect: 'denied' },
    ]);
    server.requests.length = 0;
    const { code, stdout } = await run(['--expect', file, '--kubeconfig', 'kubeconfig.yaml'], dir);
    expect(code).toBe(0);
    expect(stdout).toContain(`on context fake (${server.url}): 3 passed, 0 failed, 0 vacuous`);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((request) => request.startsWith('GET '))).toBe(true);
    const viaEnv = await run(['--expect', file, '--cluster'], dir, { KUBECONFIG: path.join(dir, 'kubeconfig.yaml') });
    expect(viaEnv.code).toBe(0);
  });

  it.each([
    [['examples/reference-cluster.yaml'], 'verify needs the assertions: k8s-security verify --expect FILE PATH...'],
    [['--expect', 'missing.yaml', 'examples/reference-cluster.yaml'], '--expect missing.yaml: cannot read the file (no such file)'],
    [['--expect', 'examples/threat-model/prod.yaml'], 'verify needs files or a cluster'],
    [['--expect', 'examples/threat-model/prod.yaml', 'examples/reference-cluster.yaml', '-o', 'html'], '--output "html" is not a format of verify: use table, json, junit, sarif'],
    [['--expect', 'examples/threat-model/prod.yaml', 'examples/reference-cluster.yaml', '--max-examples', 'lots'], '--max-examples "lots": give a whole number from 0 to 10000'],
    [['--expect', 'examples/reference-cluster.yaml', 'examples/reference-cluster.yaml'], 'an expectations file holds one document'],
    [['--expect', 'examples/threat-model/prod.yaml', 'no-such-dir'], 'no-such-dir'],
    [['--expect', 'examples/threat-model/prod.yaml', '--kubeconfig', 'kubeconfig.yaml', 'examples/reference-cluster.yaml'], 'verify reads either files or a cluster'],
  ])('exits 2 with one line for %j', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it.each([
    ['an unknown key', 'expectations:\n  - id: a\n    form: {namespace: dev}\n', 'bad.yaml: expectations[0].form: unknown key: use id, description, from, to, ports, expect'],
    ['a bad port', 'expectations:\n  - id: a\n    from: {namespace: dev}\n    to: {namespace: production}\n    ports: ["http/tcp"]\n    expect: denied\n', 'bad.yaml: expectations[0].ports[0]: "tcp" is not a protocol'],
    ['a bad selector', 'expectations:\n  - id: a\n    from: {namespace: dev, podSelector: {matchExpressions: [{key: app, operator: In}]}}\n    to: {namespace: production}\n    expect: denied\n', 'bad.yaml: expectations[0].from.podSelector.matchExpressions[0].values: operator In needs a non-empty list'],
    ['broken YAML', 'expectations: [\n', 'bad.yaml:'],
    ['hostile YAML', `a: &a [${'x,'.repeat(20)}]\nb: &b [${'*a,'.repeat(20)}]\nc: &c [${'*b,'.repeat(20)}]\nd: &d [${'*c,'.repeat(20)}]\ne: [${'*d,'.repeat(20)}]\n`, 'bad.yaml:'],
    ['an empty file', '# nothing\n', 'bad.yaml: (document): the file is empty'],
  ])('refuses an expectations file with %s: exit 2, one line naming the file and field', async (_what, body, message) => {
    const header = body.startsWith('expectations') ? 'apiVersion: k8s-security.dev/v1alpha1\nkind: ReachabilityExpectations\nmetadata: {name: bad}\n' : '';
    writeFileSync(path.join(dir, 'bad.yaml'), `${header}${body}`);
    const { code, stdout, stderr } = await run(['--expect', 'bad.yaml', path.join(REPO, 'examples/reference-cluster.yaml')], dir);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
