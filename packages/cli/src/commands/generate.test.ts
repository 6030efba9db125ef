import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileExpectations } from '@k8s-security-pro/core';
import { main } from '../main.js';

let dir: string;
let stdout: string;
let stderr: string;

async function run(...args: string[]): Promise<number> {
  return main(args, { cwd: dir, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8s-security-generate-'));
  stdout = '';
  stderr = '';
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('k8s-security generate', () => {
  it('writes a values file, an overlay and a manifest for each environment of the config', async () => {
    writeFileSync(
      join(dir, 'envs.yaml'),
      'environments:\n  - name: qa\n    values:\n      targetNamespaces: [qa]\n      allowMonitoring: {ports: [{port: 8443}]}\n',
    );
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'out')).toBe(0);
    expect(readFileSync(join(dir, 'out/values-qa.yaml'), 'utf8')).toContain('targetNamespaces:\n  - qa\n');
    const overlay = readFileSync(join(dir, 'out/kustomize/overlays/qa/kustomization.yaml'), 'utf8');
    expect(overlay).toContain('namespace: qa');
    expect(overlay).toContain('path: /spec/ingress/0/ports/0/port\n        value: 8443');
    expect(existsSync(join(dir, 'out/kustomize/base/kustomization.yaml'))).toBe(true);
    expect(readFileSync(join(dir, 'out/manifests/14_namespace_isolation-qa.yaml'), 'utf8')).toContain('namespace: qa');
    const threatModel = compileExpectations(parse(readFileSync(join(dir, 'out/threat-model/qa.yaml'), 'utf8')));
    expect(threatModel.document.metadata.name).toBe('qa-threat-model');
    expect(threatModel.document.expectations.find((expectation) => expectation.id === 'qa-monitoring')).toMatchObject({ ports: ['8443/TCP'], expect: 'allowedOnly' });
    expect(stdout).toContain('wrote');
  });

  it('writes nothing and names the key when a value is bad', async () => {
    writeFileSync(join(dir, 'envs.yaml'), 'environments:\n  - name: qa\n    values: {targetNamespaces: [Q_A]}\n');
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'out')).toBe(2);
    expect(stderr).toContain('environments[0].values.targetNamespaces[0]: "Q_A" is not a valid namespace name');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('reports malformed YAML with its line, and an unreadable file, in one line each', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'environments:\n  - name: qa\n  values: [\n');
    expect(await run('generate', '--config', 'bad.yaml', '--out', 'out')).toBe(2);
    expect(stderr).toMatch(/^k8s-security: bad\.yaml:\d+: malformed YAML: /);
    stderr = '';
    expect(await run('generate', '--config', 'missing.yaml', '--out', 'out')).toBe(2);
    expect(stderr).toBe('k8s-security: --config missing.yaml: cannot read it (ENOENT)\n');
  });

  it('asks for --config and --out', async () => {
    expect(await run('generate', '--out', 'out')).toBe(2);
    expect(stderr).toContain('--config FILE is required');
    stderr = '';
    expect(await run('generate', '--config', 'envs.yaml')).toBe(2);
    expect(stderr).toContain('--out DIR is required');
  });

  const QA = 'environments:\n  - name: qa\n    values: {targetNamespaces: [qa]}\n';

  it('keeps a newline in a description or a difference inside the comment: no key can be injected', async () => {
    const hostile = {
      environments: [
        {
          name: 'qa',
          description: 'QA\ndenyEgressExceptDns: {enabled: false}\r\nallowIngressController: {nodeCidrs: [0.0.0.0/0]}',
          differences: ['line one\u2028patches: [{patch: "evil"}]\u0085x: 1', 'a\u0000b'],
          values: { targetNamespaces: ['qa'] },
        },
      ],
    };
    writeFileSync(join(dir, 'envs.yaml'), JSON.stringify(hostile));
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'out')).toBe(0);
    const values = parse(readFileSync(join(dir, 'out/values-qa.yaml'), 'utf8')) as Record<string, unknown>;
    expect(values).toEqual({ targetNamespaces: ['qa'] });
    const overlay = parse(readFileSync(join(dir, 'out/kustomize/overlays/qa/kustomization.yaml'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(overlay).sort()).toEqual(['apiVersion', 'kind', 'namespace', 'resources', 'sortOptions']);
    for (const file of ['out/values-qa.yaml', 'out/kustomize/overlays/qa/kustomization.yaml']) {
      const text = readFileSync(join(dir, file), 'utf8');
      const commentLines = text.split('\n').filter((line) => line.includes('enabled: false') || line.includes('patches:') || line.includes('nodeCidrs'));
      expect(commentLines.length, file).toBeGreaterThan(0);
      for (const line of commentLines) expect(line, file).toMatch(/^#/);
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u0000\u0085\u2028\u2029\r]/);
    }
  });

  it('refuses to overwrite files it did not write, such as the chart values, unless --force', async () => {
    writeFileSync(join(dir, 'envs.yaml'), 'environments:\n  - name: prod\n    values: {targetNamespaces: [production]}\n');
    mkdirSync(join(dir, 'chart'));
    writeFileSync(join(dir, 'chart/values-prod.yaml'), '# hand-written\ntargetNamespaces: [production]\n');
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'chart')).toBe(2);
    expect(stderr).toBe(
      'k8s-security: --out chart: chart/values-prod.yaml exists and was not written by k8s-security generate. Fix: choose an empty --out folder, or pass --force to overwrite\n',
    );
    expect(readFileSync(join(dir, 'chart/values-prod.yaml'), 'utf8')).toBe('# hand-written\ntargetNamespaces: [production]\n');
    expect(readdirSync(join(dir, 'chart'))).toEqual(['values-prod.yaml']);
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'chart', '--force')).toBe(0);
    expect(readFileSync(join(dir, 'chart/values-prod.yaml'), 'utf8')).toMatch(/^# Written by `k8s-security generate`/);
  });

  it('replaces its own files on a second run without --force', async () => {
    writeFileSync(join(dir, 'envs.yaml'), QA);
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'out')).toBe(0);
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'out')).toBe(0);
    expect(stderr).toBe('');
  });

  it('refuses --out below a file, and a target that is a folder, in one line, writing nothing', async () => {
    writeFileSync(join(dir, 'envs.yaml'), QA);
    writeFileSync(join(dir, 'file.txt'), 'x');
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'file.txt/sub')).toBe(2);
    expect(stderr).toBe('k8s-security: --out file.txt/sub: ' + join(dir, 'file.txt') + ' is a file, not a folder. Fix: choose another --out, or move that file away\n');
    stderr = '';
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'file.txt')).toBe(2);
    expect(stderr).toMatch(/^k8s-security: --out file\.txt: .*file\.txt is a file, not a folder\. Fix: /);
    stderr = '';
    mkdirSync(join(dir, 'out/values-qa.yaml'), { recursive: true });
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'out')).toBe(2);
    expect(stderr).toBe('k8s-security: --out out: out/values-qa.yaml is a folder, where generate writes a file. Fix: choose another --out, or remove that folder\n');
    expect(readdirSync(join(dir, 'out'))).toEqual(['values-qa.yaml']);
    expect(readdirSync(dir).filter((name) => name.startsWith('.k8s-security-generate-'))).toEqual([]);
  });

  it('refuses a YAML bomb in the config in one line', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    writeFileSync(join(dir, 'bomb.yaml'), `${levels.join('\n')}\nenvironments: *i\n`);
    expect(await run('generate', '--config', 'bomb.yaml', '--out', 'out')).toBe(2);
    expect(stderr).toMatch(/^k8s-security: bomb\.yaml: YAML aliases expand too far .*Fix: write the values out without anchors and aliases\n$/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses a value the guardrails refuse, naming the environment, the key and the opt-in', async () => {
    writeFileSync(join(dir, 'envs.yaml'), 'environments:\n  - name: qa\n    values:\n      targetNamespaces: [qa]\n      allowIngressController: {nodeCidrs: [0.0.0.0/0]}\n');
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'out')).toBe(2);
    expect(stderr).toContain('environments[0].values.allowIngressController.nodeCidrs[0]: "0.0.0.0/0" is broader than /16');
    expect(stderr).toContain('add opensBroadNetwork: true to this entry');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('k8s-security generate --gitops', () => {
  it('writes the Argo CD fleet for the built-in environments without --config', async () => {
    expect(await run('generate', '--out', 'out', '--gitops', 'argocd', '--source', 'oci', '--repo', 'oci://registry.example.com/charts')).toBe(0);
    expect(readdirSync(join(dir, 'out'))).toEqual(['gitops']);
    const text = readFileSync(join(dir, 'out/gitops/argocd/fleet.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# Written by `k8s-security generate`/);
    const kinds = text.split('\n---\n').slice(1).map((doc) => (parse(doc) as { kind: string; metadata: { name: string } })).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(['AppProject/k8s-security', 'ApplicationSet/k8s-security-dev', 'ApplicationSet/k8s-security-staging', 'ApplicationSet/k8s-security-prod']);
    expect(text).toContain('repoURL: registry.example.com/charts');
  });

  it('writes the Flux fleet next to the overlays of a --config, pointing at them by --path', async () => {
    writeFileSync(join(dir, 'envs.yaml'), 'environments:\n  - name: qa\n    values: {targetNamespaces: [qa]}\n  - name: live\n    values: {targetNamespaces: [live]}\n');
    expect(await run('generate', '--config', 'envs.yaml', '--out', 'out', '--gitops', 'flux', '--source', 'kustomize', '--repo', 'https://git.example.com/p.git', '--path', 'clusters/policies', '--fleet', 'baseline')).toBe(0);
    const docs = readFileSync(join(dir, 'out/gitops/flux/fleet.yaml'), 'utf8').split('\n---\n').slice(1).map((doc) => parse(doc) as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    expect(docs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['GitRepository/baseline', 'Kustomization/baseline-qa', 'Kustomization/baseline-live']);
    expect(docs[2]!.spec['path']).toBe('./clusters/policies/kustomize/overlays/live');
    expect(docs[2]!.spec['dependsOn']).toEqual([{ name: 'baseline-qa' }]);
    expect(existsSync(join(dir, 'out/kustomize/overlays/live/kustomization.yaml'))).toBe(true);
  });

  it.each([
    [['--gitops', 'spinnaker'], '--gitops "spinnaker" is not an engine: use one of argocd, flux'],
    [['--gitops', 'flux'], '--source is required: use oci (the chart or an OCI artifact) or kustomize (the overlays in Git)'],
    [['--gitops', 'flux', '--source', 'git'], '--source "git" is not a source: use oci'],
    [['--gitops', 'flux', '--source', 'kustomize'], '--repo URL is required with --gitops: the Git repository'],
    [['--gitops', 'argocd', '--source', 'oci', '--repo', 'r.example.com', '--fleet', 'Bad_Name'], '--fleet "Bad_Name" is not a name'],
    [['--gitops', 'argocd', '--source', 'kustomize', '--repo', 'https://g.example.com/p.git', '--path', '../up'], "--path \"../up\" must be relative to the repository root, without '..'"],
    [['--source', 'oci'], '--source needs --gitops argocd|flux'],
  ])('refuses %j in one line and writes nothing', async (args, message) => {
    expect(await run('generate', '--out', 'out', ...args)).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
