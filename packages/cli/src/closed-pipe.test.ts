/**
 * A reader that stops early closes the pipe (`k8s-security analyze ... | head -1`). The command
 * must end quietly, not with an EPIPE stack trace. These tests run the built command in real
 * processes, since only a real pipe can close under it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/k8s-security.js', import.meta.url));
let dir: string;

/** 150 Deployments: their table of pairs is megabytes, far more than a pipe buffers. */
function bigCluster(): string {
  const deployments = Array.from(
    { length: 150 },
    (_, i) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: shop}
spec:
  template:
    metadata: {labels: {app: app-${i}}}
    spec: {containers: [{name: main, ports: [{containerPort: 8080}]}]}
`,
  );
  return deployments.join('---\n');
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-pipe-'));
  writeFileSync(path.join(dir, 'big.yaml'), bigCluster());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a shell pipeline in `dir`; returns each stage's exit status and everything written to stderr. */
function pipeline(script: string): Promise<{ statuses: number[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${script}; echo "STATUS \${PIPESTATUS[*]}" >&2`], { cwd: dir, env: { ...process.env, K8S: `node ${BIN}` } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', () => {
      const match = /STATUS ([\d ]+)\n$/.exec(stderr);
      // analyze notes that it created Namespace shop; that line is expected, anything else is not.
      const lines = stderr.replace(/STATUS [\d ]+\n$/, '').split('\n').filter((line) => !line.startsWith('k8s-security: note: '));
      resolve({ statuses: match ? match[1]!.trim().split(' ').map(Number) : [], stderr: lines.join('\n') });
    });
  });
}

describe('a closed pipe', () => {
  it('ends the writer quietly when the reader stops after one line', async () => {
    const { statuses, stderr } = await pipeline('$K8S analyze big.yaml 2>&1 | head -1');
    expect(stderr).toBe('');
    expect(statuses).toEqual([0, 0]);
  });

  it('shows that the pipeline above closes the pipe early: without head the output is megabytes', async () => {
    const { stderr } = await pipeline('$K8S analyze big.yaml | wc -c >&2');
    expect(Number(stderr.trim())).toBeGreaterThan(500_000);
  });

  it('ends the writer quietly when a reading command exits early: only the reader says why', async () => {
    const { statuses, stderr } = await pipeline('$K8S analyze big.yaml | $K8S audit - --no-such-flag');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^k8s-security: Unknown option '--no-such-flag'/)]);
    expect(statuses).toEqual([0, 2]);
  });
});
