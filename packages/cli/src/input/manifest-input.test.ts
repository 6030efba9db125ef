import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { namespaceIsolation, toYamlStream } from '@k8s-security-pro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
const COMMANDS = ['analyze', 'lint', 'audit'] as const;

let dir: string;

async function run(args: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    cwd: dir,
    ...(stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(stdin)]) }),
  });
  return { code, stdout, stderr };
}

/** Asserts one line on stderr, exit 2, nothing on stdout; returns the line. */
function oneLineFailure(result: { code: number; stdout: string; stderr: string }): string {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

const POLICIES = toYamlStream(namespaceIsolation());
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: production}\n';

/** A ConfigMap whose data holds a chain of `levels` anchors, each referring `fanOut` times to the previous one. */
function aliasChain(levels: number, fanOut: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: chain, namespace: production}', 'data:', '  l0: &l0 "x"'];
  for (let level = 1; level <= levels; level++) lines.push(`  l${level}: &l${level} [${Array.from({ length: fanOut }, () => `*l${level - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-input-'));
  const files: Record<string, string> = {
    'empty.yaml': '',
    'comments.yaml': '# only a comment\n# and another\n',
    'dashes.yaml': '---\n---\n',
    'policies.yaml': `${NAMESPACE}---\n${POLICIES}`,
    'copies/a.yaml': `${NAMESPACE}---\n${POLICIES}`,
    'copies/b.yaml': `${NAMESPACE}---\n${POLICIES}`,
    'mixed/policies.yaml': `${NAMESPACE}---\n${POLICIES}`,
    'mixed/tool-output.json': '{"scanned": 3, "findings": []}',
    'mixed/broken.yaml': 'apiVersion: v1\nkind: [unclosed\n',
    'chain.yaml': `${NAMESPACE}---\n${POLICIES}---\n${aliasChain(10, 2)}`,
    'bomb.yaml': aliasChain(9, 10),
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  cpSync(path.join(REPOSITORY, 'charts', 'k8s-security'), path.join(dir, 'chart'), { recursive: true });
  mkdirSync(path.join(dir, 'overlay'));
  writeFileSync(path.join(dir, 'overlay', 'kustomization.yaml'), 'resources: [../policies.yaml]\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(COMMANDS)('k8s-security %s input', (command) => {
  it('reads stdin for -', async () => {
    const fromFile = await run([command, 'policies.yaml']);
    const fromStdin = await run([command, '-'], `${NAMESPACE}---\n${POLICIES}`);
    expect(fromStdin.code).toBe(fromFile.code);
    expect(fromStdin.stdout).toBe(fromFile.stdout.replaceAll('policies.yaml', '-'));
  });

  it.each(['empty.yaml', 'comments.yaml', 'dashes.yaml'])('refuses %s, which holds no Kubernetes object, unless --allow-empty', async (file) => {
    expect(oneLineFailure(await run([command, file]))).toBe(
      `k8s-security: no Kubernetes objects in ${file}: check the paths (empty, comments-only and ---only files hold none), or pass --allow-empty to accept empty input`,
    );
    expect((await run([command, file, '--allow-empty'])).code).toBe(0);
  });

  it('refuses empty stdin the same way', async () => {
    expect(oneLineFailure(await run([command, '-'], ''))).toMatch(/^k8s-security: no Kubernetes objects in -: /);
  });

  it('refuses a Helm chart folder with the command that renders it', async () => {
    expect(oneLineFailure(await run([command, 'chart']))).toBe(
      `k8s-security: chart is a Helm chart, not manifests: render it first, e.g. helm template RELEASE chart | k8s-security ${command} -`,
    );
  });

  it('refuses a Kustomize folder, also inside a folder, with the command that renders it', async () => {
    const expected = `k8s-security: overlay is a Kustomize folder, not manifests: render it first, e.g. kubectl kustomize overlay | k8s-security ${command} -`;
    expect(oneLineFailure(await run([command, 'overlay']))).toBe(expected);
    expect(oneLineFailure(await run([command, 'overlay/kustomization.yaml']))).toBe(expected);
  });

  it('refuses an unreadable document by file and line, and says --skip-invalid exists', async () => {
    expect(oneLineFailure(await run([command, 'mixed']))).toMatch(
      /^k8s-security: mixed\/broken\.yaml:\d+:\d+: invalid YAML: .* \(or pass --skip-invalid to skip unreadable documents with a warning\)$/,
    );
  });

  it('skips unreadable documents with --skip-invalid, warning about each by file and line', async () => {
    const { code, stderr } = await run([command, 'mixed', '--skip-invalid']);
    expect(code).toBe(0);
    const warnings = stderr.split('\n').filter((line) => line.startsWith('k8s-security: warning: '));
    expect(warnings).toEqual([
      expect.stringMatching(/^k8s-security: warning: mixed\/broken\.yaml:\d+:\d+: skipped: invalid YAML: /),
      'k8s-security: warning: mixed/tool-output.json:1: skipped: not a Kubernetes object: it has no kind (e.g. kind: NetworkPolicy)',
    ]);
  });

  it('reads a ten-level YAML alias chain, as kubectl does', async () => {
    expect((await run([command, 'chain.yaml'])).code).toBe(0);
  });

  it('refuses a billion-laughs file with one line', async () => {
    expect(oneLineFailure(await run([command, 'bomb.yaml']))).toBe(
      'k8s-security: bomb.yaml:1: YAML aliases expand this document to more than 1,000,000 nodes (an alias bomb): write the values out, or split the document (or pass --skip-invalid to skip unreadable documents with a warning)',
    );
  });

  it('reads a folder holding the same manifest twice as one copy', async () => {
    const twice = await run([command, 'copies']);
    const once = await run([command, 'copies/a.yaml']);
    expect(twice.code).toBe(0);
    // Only audit's "source:" note names the paths as given.
    const withoutSource = (text: string) => text.replace(/note: source: .*/, 'note: source: X');
    expect(withoutSource(twice.stdout)).toBe(withoutSource(once.stdout));
  });
});

describe('k8s-security input from stdin', () => {
  it('refuses - given twice, and - when no stdin is available', async () => {
    expect(oneLineFailure(await run(['lint', '-', '-'], NAMESPACE))).toBe('k8s-security: "-" (stdin) is given twice: stdin can be read once');
    expect(oneLineFailure(await run(['lint', '-']))).toBe('k8s-security: "-" means stdin, and no stdin is available here: give files or folders');
  });
});
