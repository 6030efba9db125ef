import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENVIRONMENTS, namespaceIsolation, toYamlStream } from '@k8s-security-pro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { fakeKubeconfig, startRecordedApiServer, type FakeApiServer } from '../live/test-support/fake-api-server.js';
import { officialSarifSchemaProblems, sarifStructureProblems, xmlWellFormednessProblem } from '../report/test-support/report-checks.js';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd });
  return { code, stdout, stderr };
}

let dir: string;
let server: FakeApiServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-audit-'));
  for (const environment of ENVIRONMENTS) {
    mkdirSync(path.join(dir, 'generated', environment.name), { recursive: true });
    writeFileSync(path.join(dir, 'generated', environment.name, 'policies.yaml'), toYamlStream(namespaceIsolation(environment.values)));
  }
  writeFileSync(
    path.join(dir, 'allow-all.yaml'),
    toYamlStream([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all', namespace: 'legacy' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] } }]),
  );
  writeFileSync(
    path.join(dir, 'bad-cidr.yaml'),
    toYamlStream([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'legacy' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1' } }] }] } }]),
  );
  server = await startRecordedApiServer();
  writeFileSync(path.join(dir, 'kubeconfig.yaml'), fakeKubeconfig(server.url));
  writeFileSync(path.join(dir, 'kubeconfig-down.yaml'), fakeKubeconfig('http://127.0.0.1:1'));
});

afterAll(() => server.close());

describe('k8s-security audit PATH...', () => {
  it('passes the generated policy set of every environment with exit code 0', async () => {
    const { code, stdout, stderr } = await run(['audit', 'generated'], dir);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/k8s-security audit: 3 namespaces checked, no failures, 18 checks passed\n$/);
    expect(stdout.trimEnd().split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it('fails an allow-all namespace with exit code 1, naming the policy', async () => {
    const { code, stdout } = await run(['audit', 'allow-all.yaml'], dir);
    expect(code).toBe(1);
    expect(stdout).toContain('ERROR   AUD001 legacy');
    expect(stdout).toContain('policies: legacy/allow-all');
  });

  it('exits 0 for warnings-only failures under --fail-on error, and 1 for errors', async () => {
    const objects = [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }];
    writeFileSync(path.join(dir, 'deny-only.yaml'), toYamlStream(objects));
    expect((await run(['audit', 'deny-only.yaml', '--fail-on', 'error'], dir)).code).toBe(0);
    expect((await run(['audit', 'deny-only.yaml'], dir)).code).toBe(1);
    expect((await run(['audit', 'allow-all.yaml', '--fail-on', 'none'], dir)).code).toBe(0);
  });

  it('prints every format: JSON, SARIF with pass and fail results, JUnit that parses, Markdown', async () => {
    const json = JSON.parse((await run(['audit', 'allow-all.yaml', 'generated/prod', '--output', 'json'], dir)).stdout);
    expect(json.subjects).toEqual(['legacy', 'production']);
    expect(json.results).toHaveLength(12);
    expect(json.rules[0]).toMatchObject({ id: 'AUD001' });
    expect(json.rules[0].tags).toEqual(expect.arrayContaining(['PCI-DSS 1.3.1', 'SOC2 CC6.6', 'HIPAA 164.312(a)(1)', 'CIS 5.3.2', 'MITRE T1021', 'MITRE T1046']));
    expect(json.results[0]).toMatchObject({ ruleId: 'AUD001', subject: 'legacy', location: { file: 'allow-all.yaml', line: 2 } });

    const sarif = JSON.parse((await run(['audit', 'allow-all.yaml', 'generated/prod', '--output', 'sarif'], dir)).stdout);
    expect(sarifStructureProblems(sarif)).toEqual([]);
    expect(officialSarifSchemaProblems(sarif)).toEqual([]);
    const kinds = sarif.runs[0].results.map((r: { kind: string }) => r.kind);
    expect(kinds.filter((k: string) => k === 'pass')).toHaveLength(json.results.filter((r: { status: string }) => r.status === 'pass').length);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'allow-all.yaml' }, region: { startLine: 2 } });

    const junit = (await run(['audit', 'allow-all.yaml', 'generated/prod', '--output', 'junit'], dir)).stdout;
    expect(xmlWellFormednessProblem(junit)).toBeUndefined();
    expect(junit).toContain('<testsuite name="production" tests="6" failures="0"');

    const markdown = (await run(['audit', 'allow-all.yaml', '--output', 'md'], dir)).stdout;
    expect(markdown).toContain('| error | AUD001 default-deny-ingress | legacy |');
  });

  it('--framework groups the verdicts by control, per namespace, and fails a control where a mapped check fails', async () => {
    const { code, stdout } = await run(['audit', 'allow-all.yaml', 'generated/prod', '--framework', 'pci-dss', '--output', 'json'], dir);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.framework).toMatchObject({ id: 'pci-dss', name: 'PCI DSS' });
    expect(report.framework.source).toContain('v4.0');
    const lines = report.results.map((r: { ruleId: string; subject: string; status: string }) => `${r.ruleId} ${r.subject} ${r.status}`);
    expect(lines).toEqual([
      'PCI-DSS 1.2.5 legacy fail',
      'PCI-DSS 1.2.5 production pass',
      'PCI-DSS 1.3.1 legacy fail',
      'PCI-DSS 1.3.1 production pass',
      'PCI-DSS 1.3.2 legacy fail',
      'PCI-DSS 1.3.2 production pass',
      'PCI-DSS 11.4.5 legacy fail',
      'PCI-DSS 11.4.5 production pass',
      'PCI-DSS 11.4.6 legacy fail',
      'PCI-DSS 11.4.6 production pass',
    ]);
    expect(report.results[2].message).toContain('AUD001 default-deny-ingress FAIL');
    expect(report.results[2]).toMatchObject({ severity: 'error', policies: ['legacy/allow-all'], location: { file: 'allow-all.yaml', line: 2 } });
    expect(report.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^PCI-DSS 1\.2\.7 is not decided by the policies \(manual\)/)]));
    expect(report.rules.map((rule: { id: string }) => rule.id)).not.toContain('PCI-DSS 1.2.7');
  });

  it.each(['pci-dss', 'soc2', 'hipaa', 'cis', 'mitre'])('--framework %s passes the generated sets and carries control ids in SARIF and JUnit', async (framework) => {
    const table = await run(['audit', 'generated', '--framework', framework], dir);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^STATUS {2}CONTROL +NAMESPACE$/);
    expect(table.stdout.trimEnd().split('\n').every((line) => line.length <= 80)).toBe(true);
    const sarif = JSON.parse((await run(['audit', 'generated', '--framework', framework, '--output', 'sarif'], dir)).stdout);
    expect(sarifStructureProblems(sarif)).toEqual([]);
    expect(officialSarifSchemaProblems(sarif)).toEqual([]);
    const prefix = { 'pci-dss': 'PCI-DSS ', soc2: 'SOC2 ', hipaa: 'HIPAA ', cis: 'CIS ', mitre: 'MITRE ' }[framework]!;
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    for (const result of sarif.runs[0].results) expect(result.ruleId.startsWith(prefix), result.ruleId).toBe(true);
    const junit = (await run(['audit', 'generated', '--framework', framework, '--output', 'junit'], dir)).stdout;
    expect(xmlWellFormednessProblem(junit)).toBeUndefined();
    expect(junit).toContain(`<testsuites name="k8s-security audit --framework ${framework}"`);
    expect(junit).toMatch(new RegExp(`<property name="control" value="${prefix}[^"]+"/>`));
    expect(junit).toContain('<property name="check" value="AUD001"/>');
  });

  it('refuses an unknown --framework in one line naming the choices', async () => {
    const { code, stderr, stdout } = await run(['audit', 'generated', '--framework', 'iso27001'], dir);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe('k8s-security: --framework "iso27001" is not a framework: use one of pci-dss, soc2, hipaa, cis, mitre\n');
  });

  it('leaves system namespaces out with the reason, unless --include names them', async () => {
    const kubeSystemDeny = [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'kube-system' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }];
    writeFileSync(path.join(dir, 'kube-system.yaml'), toYamlStream(kubeSystemDeny));
    const skipped = await run(['audit', 'kube-system.yaml', 'generated/prod'], dir);
    expect(skipped.stdout).toContain('note: kube-system not audited: system namespace');
    const included = JSON.parse((await run(['audit', 'kube-system.yaml', '--include', 'kube-system', '--output', 'json'], dir)).stdout);
    expect(included.subjects).toEqual(['kube-system']);
  });
});

describe('k8s-security audit --kubeconfig', () => {
  it('lists namespaces, pods and policies read-only, page by page, and audits the cluster', async () => {
    server.requests.length = 0;
    const { code, stdout, stderr } = await run(['audit', '--kubeconfig', 'kubeconfig.yaml', '--output', 'json'], dir);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(server.requests.every((request) => request.startsWith('GET '))).toBe(true);
    expect(server.requests).toContain('GET /api/v1/pods continue=4');
    const report = JSON.parse(stdout);
    expect(report.subjects).toEqual(['default', 'ingress-nginx', 'legacy', 'monitoring', 'production']);
    const production = report.results.filter((r: { subject: string }) => r.subject === 'production');
    expect(production.map((r: { ruleId: string; status: string }) => `${r.ruleId} ${r.status}`)).toEqual([
      'AUD001 pass',
      'AUD002 pass',
      'AUD003 pass',
      'AUD004 pass',
      'AUD005 pass',
      'AUD006 pass',
    ]);
    expect(production[3].message).toContain('kube-system/coredns-5d78c9869d-4hjx2');
    expect(production[4].message).toContain('ingress-nginx/ingress-nginx-controller-7d9f8c6b5-x2kqp (TCP 47123, TCP 8080, TCP 9090)');
    expect(production[4].message).toContain('monitoring/prometheus-k8s-0 (TCP 9090)');
    const legacy = report.results.find((r: { subject: string; ruleId: string }) => r.subject === 'legacy' && r.ruleId === 'AUD001');
    expect(legacy).toMatchObject({ status: 'fail', policies: ['legacy/allow-all-ingress'] });
    expect(report.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^source: context fake \(http:\/\/127\.0\.0\.1:\d+\)$/), expect.stringContaining('kube-system not audited')]));
  });

  it('honours --exclude, so the clean namespace alone exits 0', async () => {
    const { code } = await run(['audit', '--kubeconfig', 'kubeconfig.yaml', '--exclude', 'default,ingress-nginx', '--exclude', 'legacy,monitoring'], dir);
    expect(code).toBe(0);
  });

  const errorCases: [string, string[], RegExp][] = [
    ['no input', ['audit'], /audit needs files or a cluster/],
    ['files and a cluster together', ['audit', 'generated', '--kubeconfig', 'kubeconfig.yaml'], /either files or a cluster/],
    ['files and --context together', ['audit', 'generated', '--context', 'fake'], /audit reads either files or a cluster/],
    ['a missing kubeconfig', ['audit', '--kubeconfig', 'nope.yaml'], /cannot read kubeconfig nope\.yaml: no such file/],
    ['an unknown context', ['audit', '--kubeconfig', 'kubeconfig.yaml', '--context', 'prod'], /--context "prod" is not in kubeconfig\.yaml: it has fake, denied/],
    ['a refused token', ['audit', '--kubeconfig', 'kubeconfig.yaml', '--context', 'denied'], /cannot list namespaces from http:\/\/127\.0\.0\.1:\d+: HTTP 401: Unauthorized \(needs list on namespaces/],
    ['an unreachable server', ['audit', '--kubeconfig', 'kubeconfig-down.yaml'], /cannot list namespaces from http:\/\/127\.0\.0\.1:1: /],
    ['a policy the analyzer cannot read', ['audit', 'bad-cidr.yaml'], /NetworkPolicy legacy\/x: spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr: .*did you mean "10\.0\.0\.1\/32"/],
    ['an unknown format', ['audit', 'generated', '--output', 'html'], /--output "html" is not a format/],
  ];
  for (const [what, args, message] of errorCases) {
    it(`prints one line and exits 2 on ${what}`, async () => {
      const { code, stdout, stderr } = await run(args, dir);
      expect(stderr).toMatch(message);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }
});
