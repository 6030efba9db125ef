/** Running the CLI in-process for tests: captured output, manifests written to a folder, and the one-line failure check. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { main } from '../main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `k8s-security ...argv` in `cwd`, with `stdin` as standard input when given. */
export async function runCli(argv: readonly string[], options: { readonly cwd: string; readonly stdin?: string; readonly env?: Record<string, string> }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: options.cwd,
    ...(options.stdin !== undefined ? { stdin: Readable.from([options.stdin]) } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  return { code, stdout, stderr };
}

/** Writes `files` (relative name -> text) under `root`, creating folders. */
export async function writeFilesIn(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
}

/** Expects the one-line failure every bad input must give: exit 2, no stdout, no stack trace. */
export function expectOneLineFailure(result: CliRun, ...fragments: string[]): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^k8s-security: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  for (const fragment of fragments) expect(result.stderr).toContain(fragment);
}
