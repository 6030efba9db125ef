/**
 * Running the command-line tools under test (helm, kubectl, the k8s-security CLI) and the
 * pinned binaries they need.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** The monorepo root (this file is packages/e2e/src/process.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where tools/install-tools.sh, tools/install-control-plane.sh and tools/install-dataplane.sh put their binaries (all honour K8S_SECURITY_TOOLS_DIR). */
export function toolsBin(): string {
  return join(process.env['K8S_SECURITY_TOOLS_DIR'] ?? join(REPO_ROOT, '.tools'), 'bin');
}

/** A version pinned in tools/toolchain.env, the one place versions live (`KUBERNETES_VERSION` -> `v1.37.2`). */
export function pinnedVersion(name: string): string {
  const line = readFileSync(join(REPO_ROOT, 'tools/toolchain.env'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`${name} is not pinned in tools/toolchain.env`);
  return line.slice(name.length + 1).trim();
}

/** How each pinned binary is built, for the message when one is missing. */
const BUILT_BY: Record<string, string> = {
  'kube-apiserver': 'bash tools/install-control-plane.sh',
  kubectl: 'bash tools/install-control-plane.sh',
  etcd: 'bash tools/install-control-plane.sh',
  helm: 'bash tools/install-tools.sh',
  helm4: 'bash tools/install-tools.sh helm4',
  registry: 'bash tools/install-tools.sh registry',
  kustomize: 'bash tools/install-tools.sh',
  'kube-router': 'bash tools/install-dataplane.sh',
};

/**
 * The absolute path of a pinned binary in .tools/bin. Never falls back to PATH: the suite
 * must test the versions pinned in tools/toolchain.env, not whatever the machine has.
 * @throws when the binary is missing, naming the command that builds it.
 */
export function toolPath(name: string): string {
  const path = join(toolsBin(), name);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `${name} is missing: expected an executable at ${path}. Build it with \`${BUILT_BY[name] ?? 'bash tools/install-tools.sh'}\` ` +
        '(`npm test` does this first), then run the end-to-end suite again.',
    );
  }
  return path;
}

/** What a finished command printed and how it ended. */
export interface CommandResult {
  readonly command: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Written to the command's standard input, which is then closed. */
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Kill the command after this many milliseconds. @default 120000 */
  readonly timeoutMs?: number;
}

/** Runs a command to completion without a shell and returns its output, whatever its exit code. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const command = [file, ...args].join(' ');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    // A command that exits without reading its input must not crash the run with EPIPE.
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) =>
      resolvePromise({
        command,
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    child.stdin.end(options.input ?? '');
  });
}

/** Like {@link run}, but throws with the command's output unless it exits 0. */
export async function runOk(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const result = await run(file, args, options);
  if (result.code !== 0) throw new Error(describeFailure(result));
  return result;
}

/** A failed command as one readable message. */
export function describeFailure(result: CommandResult): string {
  const how = result.signal ? `was killed by ${result.signal}` : `exited ${result.code}`;
  return `\`${result.command}\` ${how}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}

/** Whether `pid` is a live process (a zombie waiting to be reaped counts as ended). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `check` every 200 ms until it holds or `timeoutMs` passes; the last answer is the result. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(200);
  }
  return check();
}
