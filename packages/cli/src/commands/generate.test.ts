import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
});
