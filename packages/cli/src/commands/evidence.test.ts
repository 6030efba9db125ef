import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyDigest } from '../evidence/build-bundle.js';
import type { EvidenceBundle } from '../evidence/bundle-model.js';
import { evidenceBundleProblems } from '../evidence/bundle-schema.js';
import { main } from '../main.js';
import { FAKE_SERVER_VERSION, fakeKubeconfig, startRecordedApiServer, type FakeApiServer } from '../live/test-support/fake-api-server.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const ALL_ENVIRONMENTS = ['manifests/14_namespace_isolation-dev.yaml', 'manifests/14_namespace_isolation-staging.yaml', 'manifests/14_namespace_isolation-prod.yaml'];
const CLUSTER = 'examples/reference-cluster.yaml';
const SCOPE = ['--exclude', 'ingress-nginx,monitoring'];

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: REPO });
  return { code, stdout, stderr };
}

let out: string;
const bundleIn = (folder: string, stamp: string): EvidenceBundle => JSON.parse(readFileSync(path.join(folder, `k8s-security-evidence-${stamp}.json`), 'utf8'));

beforeAll(() => {
  out = mkdtempSync(path.join(tmpdir(), 'k8s-security-evidence-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('k8s-security evidence on the examples', () => {
  it('writes a dated md, html and json bundle that passes for the three isolated environments', async () => {
    const folder = path.join(out, 'all');
    const { code, stdout, stderr } = await run(['evidence', CLUSTER, ...ALL_ENVIRONMENTS, ...SCOPE, '--out', folder, '--timestamp', '2026-01-31T09:30:00Z']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(readdirSync(folder).sort()).toEqual(['html', 'json', 'md'].map((ext) => `k8s-security-evidence-20260131T093000Z.${ext}`));
    expect(stdout).toMatch(/k8s-security evidence: PASS: 3 namespaces audited, 0 checks and 0 assertions failed\n$/);

    const bundle = bundleIn(folder, '20260131T093000Z');
    expect(evidenceBundleProblems(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ schema: 'k8s-security-pro/evidence-bundle/v1', generatedAt: '2026-01-31T09:30:00Z', kubernetes: { serverVersion: null } });
    expect(bundle.namespaces.filter((ns) => ns.environment).map((ns) => ns.name)).toEqual(['dev', 'production', 'staging']);
    expect(bundle.assertions.map((a) => `${a.id} ${a.status}`)).toEqual([
      'isolation:dev->production pass',
      'isolation:dev->staging pass',
      'isolation:production->dev pass',
      'isolation:production->staging pass',
      'isolation:staging->dev pass',
      'isolation:staging->production pass',
      'isolation:outside->dev pass',
      'isolation:outside->production pass',
      'isolation:outside->staging pass',
    ]);
    expect(bundle.frameworks.map((f) => f.id)).toEqual(['pci-dss', 'soc2', 'hipaa', 'cis', 'mitre']);
    const pci = bundle.frameworks[0]!.controls;
    expect(pci.map((c) => `${c.tag} ${c.status}`)).toEqual([
      'PCI-DSS 1.2.5 pass',
      'PCI-DSS 1.2.7 manual',
      'PCI-DSS 1.3.1 pass',
      'PCI-DSS 1.3.2 pass',
      'PCI-DSS 11.4.5 pass',
      'PCI-DSS 11.4.6 pass',
    ]);
    expect(bundle.source.files.map((f) => f.path)).toEqual([CLUSTER, ...ALL_ENVIRONMENTS].sort());
  });

  it('digests each policy as the API server stores it, so the digest does not depend on formatting or defaults', async () => {
    const bundle = bundleIn(path.join(out, 'all'), '20260131T093000Z');
    const production = bundle.namespaces.find((ns) => ns.name === 'production')!;
    expect(production.policies.map((p) => p.name)).toEqual(['allow-ingress-controller', 'allow-monitoring', 'allow-same-namespace', 'default-deny-ingress', 'deny-egress-except-dns']);
    const fromFile = parseAllDocuments(readFileSync(path.join(REPO, ALL_ENVIRONMENTS[2]!), 'utf8')).map((d) => d.toJS());
    const denyIngress = fromFile.find((o) => o.metadata.name === 'default-deny-ingress');
    expect(production.policies.find((p) => p.name === 'default-deny-ingress')!.digest).toBe(policyDigest(denyIngress));
    // The server adds protocol: TCP and policyTypes; a reordered, defaulted copy digests the same.
    const defaulted = { ...denyIngress, spec: { policyTypes: ['Ingress'], ...denyIngress.spec } };
    expect(policyDigest(defaulted)).toBe(policyDigest(denyIngress));
    expect(policyDigest({ ...denyIngress, spec: { ...denyIngress.spec, podSelector: { matchLabels: { app: 'x' } } } })).not.toBe(policyDigest(denyIngress));
  });

  it('gives the same bytes for the same input and --timestamp', async () => {
    const again = path.join(out, 'again');
    await run(['evidence', CLUSTER, ...ALL_ENVIRONMENTS, ...SCOPE, '--out', again, '--timestamp', '2026-01-31T09:30:00Z']);
    for (const ext of ['json', 'md', 'html']) {
      const name = `k8s-security-evidence-20260131T093000Z.${ext}`;
      expect(readFileSync(path.join(again, name), 'utf8'), name).toBe(readFileSync(path.join(out, 'all', name), 'utf8'));
    }
  });

  it('fails the isolation assertions, with exit code 1, when only production is isolated', async () => {
    const folder = path.join(out, 'prod-only');
    const { code, stdout } = await run(['evidence', CLUSTER, 'manifests/14_namespace_isolation-prod.yaml', ...SCOPE, '--out', folder, '--timestamp', '2025-12-01T08:00:00Z', '--output', 'json']);
    expect(code).toBe(1);
    expect(stdout).toContain('k8s-security evidence: FAIL');
    expect(readdirSync(folder)).toEqual(['k8s-security-evidence-20251201T080000Z.json']);
    const bundle = bundleIn(folder, '20251201T080000Z');
    expect(evidenceBundleProblems(bundle)).toEqual([]);
    const failed = bundle.assertions.filter((a) => a.status === 'fail').map((a) => a.id);
    expect(failed).toEqual(['isolation:dev->staging', 'isolation:staging->dev', 'isolation:outside->dev', 'isolation:outside->staging']);
    expect(bundle.assertions.find((a) => a.id === 'isolation:dev->staging')!.observed).toMatch(/^\d+ of \d+ connections checked are allowed, e.g. dev\//);
    expect(bundle.assertions.find((a) => a.id === 'isolation:dev->production')!.status).toBe('pass');
  });

  it('adds the threat-model assertions of --expect files, checked by verify, and fails on a broken one', async () => {
    const threatModels = ['dev', 'staging', 'prod'].flatMap((environment) => ['--expect', `examples/threat-model/${environment}.yaml`]);
    const folder = path.join(out, 'verify');
    const passing = await run(['evidence', CLUSTER, ...ALL_ENVIRONMENTS, ...SCOPE, ...threatModels, '--out', folder, '--timestamp', '2026-02-01T08:00:00Z', '--output', 'json']);
    expect({ code: passing.code, stderr: passing.stderr }).toEqual({ code: 0, stderr: '' });
    const bundle = bundleIn(folder, '20260201T080000Z');
    expect(evidenceBundleProblems(bundle)).toEqual([]);
    const verified = bundle.assertions.filter((a) => a.producer === 'verify');
    expect(verified.length).toBeGreaterThanOrEqual(30);
    expect(verified.every((a) => a.status === 'pass')).toBe(true);
    expect(verified.find((a) => a.id === 'verify:prod-threat-model/production-monitoring')).toMatchObject({
      expected: 'allowed',
      statement: expect.stringContaining('Prometheus reaches every pod of production on its metrics ports 9090/TCP only.') as string,
    });
    expect(bundle.assertions.filter((a) => a.producer === 'analyzer').length).toBeGreaterThan(0);

    const prodOnly = path.join(out, 'verify-prod-only');
    const failing = await run(['evidence', CLUSTER, 'manifests/14_namespace_isolation-prod.yaml', ...SCOPE, ...threatModels, '--out', prodOnly, '--timestamp', '2026-02-01T08:00:00Z', '--output', 'json']);
    expect(failing.code).toBe(1);
    const broken = bundleIn(prodOnly, '20260201T080000Z').assertions.filter((a) => a.producer === 'verify' && a.status === 'fail').map((a) => a.id);
    expect(broken).toContain('verify:dev-threat-model/dev-no-ingress-from-other-namespaces');
    expect(broken.some((id) => id.startsWith('verify:prod-threat-model/'))).toBe(false);
  });

  it('refuses a broken --expect file before writing anything: exit 2, one line', async () => {
    const folder = path.join(out, 'verify-bad');
    const { code, stderr } = await run(['evidence', CLUSTER, '--expect', 'examples/reference-cluster.yaml', '--out', folder]);
    expect(code).toBe(2);
    expect(stderr).toContain('examples/reference-cluster.yaml');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(() => readdirSync(folder)).toThrow();
  });

  it('compares two bundles: policies added, assertions and controls that changed verdict', async () => {
    const previous = path.join(out, 'prod-only', 'k8s-security-evidence-20251201T080000Z.json');
    const current = path.join(out, 'all', 'k8s-security-evidence-20260131T093000Z.json');
    const text = await run(['evidence', 'compare', previous, current]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('ADDED   policies     policy dev/default-deny-ingress added (sha256:');
    expect(text.stdout).toContain('CHANGED assertions   assertion isolation:dev->staging: FAIL -> PASS');
    expect(text.stdout).toContain('CHANGED audit        check dev AUD001: FAIL -> PASS');
    expect(text.stdout).toMatch(/k8s-security evidence compare: 2025-12-01T08:00:00Z -> 2026-01-31T09:30:00Z: \d+ changes\n$/);
    const same = JSON.parse((await run(['evidence', 'compare', current, current, '-o', 'json'])).stdout);
    expect(same.changes).toEqual([]);
  });

  it('--previous records what changed since the last assessment in every format', async () => {
    const folder = path.join(out, 'with-previous');
    const previous = path.join(out, 'prod-only', 'k8s-security-evidence-20251201T080000Z.json');
    const { code } = await run(['evidence', CLUSTER, ...ALL_ENVIRONMENTS, ...SCOPE, '--out', folder, '--timestamp', '2026-02-01T00:00:00Z', '--previous', previous]);
    expect(code).toBe(0);
    const bundle = bundleIn(folder, '20260201T000000Z');
    expect(evidenceBundleProblems(bundle)).toEqual([]);
    expect(bundle.changesSincePrevious?.previousGeneratedAt).toBe('2025-12-01T08:00:00Z');
    expect(readFileSync(path.join(folder, 'k8s-security-evidence-20260201T000000Z.md'), 'utf8')).toContain('## Changes since 2025-12-01T08:00:00Z');
  });
});

describe('k8s-security evidence --kubeconfig', () => {
  let server: FakeApiServer;
  beforeAll(async () => {
    server = await startRecordedApiServer();
    writeFileSync(path.join(out, 'kubeconfig.yaml'), fakeKubeconfig(server.url));
  });
  afterAll(() => server.close());

  it('reads the cluster with GET calls only and records the server version and the context', async () => {
    const folder = path.join(out, 'live');
    const { code, stderr } = await run(['evidence', '--kubeconfig', path.join(out, 'kubeconfig.yaml'), '--out', folder, '--output', 'json', '--timestamp', '2026-04-01T00:00:00Z']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(server.requests.length).toBeGreaterThan(3);
    expect(server.requests.every((request) => request.startsWith('GET '))).toBe(true);
    const bundle = bundleIn(folder, '20260401T000000Z');
    expect(evidenceBundleProblems(bundle)).toEqual([]);
    expect(bundle.kubernetes.serverVersion).toBe(FAKE_SERVER_VERSION);
    expect(bundle.source).toMatchObject({ kind: 'cluster', files: [] });
    expect(bundle.source.description).toMatch(/^context fake \(http:\/\/127\.0\.0\.1:\d+\)$/);
    expect(bundle.namespaces.find((ns) => ns.name === 'production')!.environment).toBe(true);
    expect(bundle.audit.results.filter((r) => r.namespace === 'production').every((r) => r.status === 'pass')).toBe(true);
  });
});

describe('the evidence bundle schema', () => {
  it('rejects a bundle with a missing field, a wrong digest or an unknown key (the schema check can fail)', () => {
    const bundle = bundleIn(path.join(out, 'all'), '20260131T093000Z') as unknown as Record<string, unknown>;
    const { summary: _summary, ...withoutSummary } = bundle;
    expect(evidenceBundleProblems(withoutSummary)).toEqual(["the document must have required property 'summary'"]);
    const badDigest = structuredClone(bundle);
    (badDigest['namespaces'] as { policies: { digest: string }[] }[]).find((ns) => ns.policies.length > 0)!.policies[0]!.digest = 'md5:abc';
    expect(evidenceBundleProblems(badDigest)[0]).toMatch(/\/namespaces\/\d+\/policies\/0\/digest must match pattern/);
    expect(evidenceBundleProblems({ ...bundle, extra: 1 })).toEqual(['the document must NOT have additional properties "extra"']);
  });
});

describe('k8s-security evidence refuses bad input in one line and writes nothing', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['no input', () => ['evidence'], /evidence needs files or a cluster/],
    ['an unknown format', () => ['evidence', CLUSTER, '--output', 'pdf'], /--output "pdf": use md, html and\/or json/],
    ['a bad timestamp', () => ['evidence', CLUSTER, '--timestamp', 'yesterday'], /--timestamp "yesterday" is not an ISO 8601 time/],
    ['an environment not in the input', () => ['evidence', CLUSTER, '--environments', 'prod'], /--environments: namespace "prod" is not in the input \(it has dev, ingress-nginx/],
    ['a previous bundle that is not JSON', () => ['evidence', CLUSTER, '--previous', CLUSTER], /examples\/reference-cluster\.yaml: not JSON .*give the \.json file of an evidence bundle/],
    ['a previous file that is not a bundle', () => ['evidence', CLUSTER, '--previous', 'package.json'], /package\.json: not a version-1 evidence bundle: the document must have required property/],
    ['a missing previous bundle', () => ['evidence', CLUSTER, '--previous', 'nope.json'], /nope\.json: cannot read the file \(no such file\)/],
    ['an --out that is a file', () => ['evidence', CLUSTER, '--out', path.join(out, 'a-file', 'sub')], /--out .*cannot create the folder \(ENOTDIR\)/],
    ['compare with one bundle', () => ['evidence', 'compare', 'a.json'], /evidence compare needs two bundles/],
    ['malformed YAML', () => ['evidence', path.join(out, 'broken.yaml')], /broken\.yaml:\d+:\d+: invalid YAML/],
  ];
  beforeAll(() => {
    writeFileSync(path.join(out, 'a-file'), 'not a folder');
    writeFileSync(path.join(out, 'broken.yaml'), 'kind: [Namespace\n');
  });
  for (const [what, args, message] of cases) {
    it(`on ${what}`, async () => {
      const before = readdirSync(out).sort();
      const { code, stdout, stderr } = await run([...args(), ...(args().includes('--out') || args()[1] === 'compare' ? [] : ['--out', path.join(out, 'refused')])]);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(readdirSync(out).sort()).toEqual(before);
    });
  }
});
