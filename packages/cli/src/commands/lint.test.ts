import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENVIRONMENTS, RENDER_TARGETS, renderEnvironment, toYamlStream } from '@k8s-security-pro/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { officialSarifSchemaProblems, sarifStructureProblems, xmlWellFormednessProblem } from '../report/test-support/report-checks.js';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd });
  return { code, stdout, stderr };
}

const UDP_ONLY_DNS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - protocol: UDP
          port: 53
`;

const IMPLICIT_TYPES = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-egress
  namespace: shop
spec:
  podSelector: {}
  egress: []
`;

const CALICO_AND_WORKLOAD = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: deny-all
spec:
  selector: all()
  types: [Ingress, Egress]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: shop
spec:
  selector: app == 'web'
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: web
`;

const CILIUM_WORLD = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: open-egress
  namespace: shop
spec:
  endpointSelector:
    matchLabels:
      app: web
  egress:
    - toEntities: [world]
      toPorts:
        - ports:
            - port: "443"
              protocol: TCP
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-lint-'));
  for (const environment of ENVIRONMENTS) {
    mkdirSync(path.join(dir, 'generated', environment.name), { recursive: true });
    for (const target of RENDER_TARGETS) {
      writeFileSync(path.join(dir, 'generated', environment.name, `${target.name}.yaml`), toYamlStream(renderEnvironment(target.name, environment)));
    }
  }
  mkdirSync(path.join(dir, 'other-kinds'));
  writeFileSync(path.join(dir, 'other-kinds', 'calico.yaml'), CALICO_AND_WORKLOAD);
  mkdirSync(path.join(dir, 'cilium'));
  writeFileSync(path.join(dir, 'cilium', 'world.yaml'), CILIUM_WORLD);
  mkdirSync(path.join(dir, 'bad'));
  writeFileSync(path.join(dir, 'bad', 'dns.yaml'), UDP_ONLY_DNS);
  writeFileSync(path.join(dir, 'bad', 'types.yml'), `# a comment first\n${IMPLICIT_TYPES}`);
  writeFileSync(path.join(dir, 'broken.yaml'), 'kind: NetworkPolicy\nmetadata: [unclosed\n');
});

describe('k8s-security lint', () => {
  it('passes the render of every target for every environment with exit code 0, checking every object', async () => {
    const { code, stdout, stderr } = await run(['lint', 'generated'], dir);
    const policyCount = ENVIRONMENTS.reduce((n, e) => n + RENDER_TARGETS.reduce((m, t) => m + renderEnvironment(t.name, e).length, 0), 0);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(`k8s-security lint: ${policyCount} policies checked, no failures\n`);
  });

  it('refuses input without any policy it can check (exit 2), naming what it found and what it checks', async () => {
    const { code, stdout, stderr } = await run(['lint', 'other-kinds'], dir);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.trimEnd().split('\n')).toEqual([
      'k8s-security: no policy lint can check in other-kinds: found 1 GlobalNetworkPolicy (projectcalico.org/v3) object, ' +
        '1 NetworkPolicy (projectcalico.org/v3) object, 1 Deployment object; lint checks NetworkPolicy (networking.k8s.io/v1), ' +
        'ClusterNetworkPolicy (policy.networking.k8s.io/v1beta1), AdminNetworkPolicy, BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1), ' +
        'CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy (cilium.io/v2). Pass --allow-empty to accept input without policies',
    ]);
  });

  it('accepts input without policies with --allow-empty, and says per kind what it skipped', async () => {
    const { code, stdout } = await run(['lint', 'other-kinds', '--allow-empty', '-o', 'json'], dir);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).notes).toEqual([
      'skipped 1 GlobalNetworkPolicy (projectcalico.org/v3) object: lint does not check this kind',
      'skipped 1 NetworkPolicy (projectcalico.org/v3) object: lint does not check this kind',
      'read 1 Deployment object as context (labels for the rules), not as policies',
      expect.stringMatching(/^the input holds no policy lint checks \(NetworkPolicy \(networking\.k8s\.io\/v1\), /),
    ]);
  });

  it('checks CiliumNetworkPolicies, names them by kind, and notes the kinds it skips', async () => {
    const { code, stdout } = await run(['lint', 'cilium'], dir);
    expect(code).toBe(1);
    expect(stdout).toContain('WARNING NP021  CiliumNetworkPolicy shop/open-egress');
    expect(stdout).toContain('spec.egress[0].toEntities[0]');
    expect(stdout).toContain('at cilium/world.yaml:1');
    expect(stdout).toContain('note: skipped 1 ConfigMap (v1) object: lint does not check this kind');
  });
  it('reports findings with rule, policy, path and file line, and exits 1', async () => {
    const { code, stdout } = await run(['lint', 'bad'], dir);
    expect(code).toBe(1);
    expect(stdout).toContain('WARNING NP002  shop/allow-dns spec.egress[0].ports[0]');
    expect(stdout).toContain('at bad/dns.yaml:1');
    expect(stdout).toContain('WARNING NP005  shop/deny-egress spec.policyTypes');
    expect(stdout).toContain('at bad/types.yml:3');
    expect(stdout.trimEnd().split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it('lints each item of a kind: List document (kubectl get -o json output)', async () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'listed', namespace: 'shop' }, spec: { podSelector: {} } }] };
    writeFileSync(path.join(dir, 'list.json'), JSON.stringify(list));
    const parsed = JSON.parse((await run(['lint', 'list.json', '--output', 'json'], dir)).stdout);
    expect(parsed.results.map((r: { ruleId: string; subject: string; location: unknown }) => [r.ruleId, r.subject, r.location])).toEqual([
      ['NP005', 'shop/listed', { file: 'list.json', line: 1 }],
    ]);
  });

  it('lints the items of a typed list as the API returns it, without kind on the items', async () => {
    const list = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicyList',
      metadata: { resourceVersion: '7' },
      items: [{ metadata: { name: 'from-api', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{}] }] } }],
    };
    writeFileSync(path.join(dir, 'api-list.json'), JSON.stringify(list));
    const parsed = JSON.parse((await run(['lint', 'api-list.json', '--output', 'json'], dir)).stdout);
    expect(parsed.results.map((r: { ruleId: string; subject: string; path: string }) => `${r.ruleId} ${r.subject} ${r.path}`)).toEqual([
      'NP003 shop/from-api spec.ingress[0]',
      'NP006 shop/from-api spec.ingress[0].ports[0]',
    ]);
  });

  it('exits 0 when findings are below --fail-on', async () => {
    expect((await run(['lint', 'bad', '--fail-on', 'error'], dir)).code).toBe(0);
    expect((await run(['lint', 'bad', '--fail-on', 'note'], dir)).code).toBe(1);
  });

  it('skips rules named by --disable, given once or repeated', async () => {
    const { code, stdout } = await run(['lint', 'bad', '--disable', 'np002', '--disable', 'NP005'], dir);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/NP00[25]/);
  });

  it('prints JSON with every finding', async () => {
    const { stdout } = await run(['lint', 'bad', '--output', 'json'], dir);
    const parsed = JSON.parse(stdout);
    expect(parsed.command).toBe('lint');
    expect(parsed.results.map((r: { ruleId: string; subject: string; path: string }) => `${r.ruleId} ${r.subject} ${r.path}`)).toEqual([
      'NP002 shop/allow-dns spec.egress[0].ports[0]',
      'NP005 shop/deny-egress spec.policyTypes',
    ]);
    expect(parsed.rules).toHaveLength(23);
  });

  it('prints a structurally valid SARIF log pointing at the files', async () => {
    const { stdout } = await run(['lint', 'bad', '--output', 'sarif'], dir);
    const log = JSON.parse(stdout);
    expect(sarifStructureProblems(log)).toEqual([]);
    expect(officialSarifSchemaProblems(log)).toEqual([]);
    expect(log.runs[0].results[0]).toMatchObject({
      ruleId: 'NP002',
      level: 'warning',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'bad/dns.yaml' }, region: { startLine: 1 } } }],
    });
  });

  it('prints JUnit XML that parses, with a failure per finding and a passing case per clean policy', async () => {
    const { stdout } = await run(['lint', 'bad', 'generated/prod', '--output', 'junit'], dir);
    expect(xmlWellFormednessProblem(stdout)).toBeUndefined();
    expect(stdout.match(/<failure /g)).toHaveLength(2);
    expect(stdout).toContain('<testsuite name="production/default-deny-ingress" tests="1" failures="0"');
  });

  it('prints a Markdown table', async () => {
    const { stdout } = await run(['lint', 'bad', '--output', 'md'], dir);
    expect(stdout).toContain('| warning | NP002 udp-only-dns | shop/allow-dns | spec.egress[0].ports[0] |');
  });

  it('prints its usage within 80 columns', async () => {
    for (const command of ['lint', 'audit']) {
      const { code, stdout } = await run([command, '--help'], dir);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: k8s-security ${command} PATH...`);
      expect(stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
    }
  });

  const errorCases: [string, string[], RegExp][] = [
    ['no path', ['lint'], /needs at least one file or folder/],
    ['a missing file', ['lint', 'nope.yaml'], /nope\.yaml: cannot read \(no such file or folder\)/],
    ['invalid YAML', ['lint', 'broken.yaml'], /broken\.yaml:\d+:\d+: invalid YAML/],
    ['an unknown format', ['lint', 'bad', '--output', 'xml'], /--output "xml" is not a format/],
    ['an unknown --fail-on', ['lint', 'bad', '--fail-on', 'fatal'], /--fail-on "fatal" is not a level/],
    ['an unknown rule id', ['lint', 'bad', '--disable', 'NP999'], /unknown rule NP999/],
    ['an unknown flag', ['lint', 'bad', '--colour'], /Unknown option '--colour'/],
  ];
  for (const [what, args, message] of errorCases) {
    it(`prints one line and exits 2 on ${what}`, async () => {
      const { code, stdout, stderr } = await run(args, dir);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }
});
