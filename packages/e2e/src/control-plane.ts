/**
 * A real Kubernetes control plane for one test file: etcd and kube-apiserver, both on
 * 127.0.0.1 at free ports, with a fresh PKI and an admin kubeconfig. No controller-manager or
 * scheduler runs: NetworkPolicies, namespaces and Helm's release Secrets only need the API
 * server, but a deleted namespace stays in Terminating forever, so tests clean up by deleting
 * what they created inside namespaces, never the namespaces.
 *
 * Whatever ends the run, both processes are stopped and the data directory is removed: by
 * {@link ControlPlane.stop}, by exit and signal handlers, and, should this process be killed
 * outright, by a detached watchdog that notices its parent is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPki } from './certificates.js';
import { toolPath } from './process.js';

/** Where a running control plane can be reached. */
export interface ControlPlaneEndpoints {
  /** `https://127.0.0.1:<port>` */
  readonly apiServerUrl: string;
  /** `http://127.0.0.1:<port>` */
  readonly etcdUrl: string;
  /** An admin kubeconfig (client certificate in `system:masters`). */
  readonly kubeconfig: string;
  /** Process ids, for tests that check the shutdown. */
  readonly pids: { readonly etcd: number; readonly apiServer: number };
  /** Holds the PKI, etcd's data, the logs and the kubeconfig; removed by stop(). */
  readonly dataDir: string;
}

export interface ControlPlaneOptions {
  /** Give up waiting for /readyz after this long. @default 120000 */
  readonly readyTimeoutMs?: number;
}

/** Asks the kernel for `count` distinct free TCP ports on 127.0.0.1. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('could not read a free port');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Runs detached; when the test process is gone, stops the pids it lists and removes the data dir. */
const WATCHDOG = `
const { readFileSync, rmSync, existsSync } = require('node:fs');
const [parent, dir] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const pids = () => { try { return readFileSync(dir + '/pids', 'utf8').split(/\\s+/).filter(Boolean).map(Number); } catch { return []; } };
const timer = setInterval(() => {
  if (!existsSync(dir)) { clearInterval(timer); return; }
  if (alive(Number(parent))) return;
  clearInterval(timer);
  for (const pid of pids()) { try { process.kill(pid, 'SIGTERM'); } catch {} }
  setTimeout(() => {
    for (const pid of pids()) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    rmSync(dir, { recursive: true, force: true });
  }, 5000);
}, 500);
`;

/** Everything started, so every exit path can stop it synchronously. */
const running = new Set<ControlPlane>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killAll(): void {
  for (const plane of running) plane.killNow();
}

/** Stops every control plane, then lets the signal do what it would have done without us. */
function onSignal(signal: NodeJS.Signals): void {
  killAll();
  untrack();
  process.kill(process.pid, signal);
}

/** Exit and signal handlers are installed while a control plane runs, and only then. */
function track(plane: ControlPlane): void {
  if (running.size === 0) {
    process.on('exit', killAll);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  running.add(plane);
}

function untrack(plane?: ControlPlane): void {
  if (plane) running.delete(plane);
  else running.clear();
  if (running.size === 0) {
    process.off('exit', killAll);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Last lines of a log file, for error messages. */
function tail(path: string, lines = 40): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** GET `url`; resolves with the status code and body, or undefined when nothing answers. */
function get(url: string, tls?: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const onResponse = (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    };
    const req = tls
      ? httpsRequest(url, { ...tls, timeout: 5000 }, onResponse)
      : httpRequest(url, { timeout: 5000 }, onResponse);
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export class ControlPlane {
  private etcd: ChildProcess | undefined;
  private apiServer: ChildProcess | undefined;
  private watchdog: ChildProcess | undefined;
  private endpointsValue: ControlPlaneEndpoints | undefined;
  readonly dataDir: string;

  private constructor() {
    this.dataDir = mkdtempSync(join(tmpdir(), 'k8s-security-e2e-'));
  }

  /**
   * Starts etcd and kube-apiserver and resolves once /readyz answers `ok`.
   * @throws when a binary is missing (naming the command that builds it), or a process exits
   *   or is not ready in time (with the tail of its log); everything started is stopped first.
   */
  static async start(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const etcdBin = toolPath('etcd');
    const apiServerBin = toolPath('kube-apiserver');
    const plane = new ControlPlane();
    track(plane);
    try {
      await plane.boot(etcdBin, apiServerBin, options.readyTimeoutMs ?? 120_000);
    } catch (error) {
      await plane.stop();
      throw error;
    }
    return plane;
  }

  get endpoints(): ControlPlaneEndpoints {
    if (!this.endpointsValue) throw new Error('the control plane is not running');
    return this.endpointsValue;
  }

  private spawnLogged(bin: string, args: readonly string[], logName: string): ChildProcess {
    const log = createWriteStream(join(this.dataDir, logName));
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.recordPids();
    return child;
  }

  private recordPids(): void {
    const pids = [this.apiServer?.pid, this.etcd?.pid].filter((pid): pid is number => pid !== undefined);
    if (existsSync(this.dataDir)) writeFileSync(join(this.dataDir, 'pids'), `${pids.join('\n')}\n`);
  }

  private async boot(etcdBin: string, apiServerBin: string, readyTimeoutMs: number): Promise<void> {
    const dir = this.dataDir;
    this.watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), dir], { detached: true, stdio: 'ignore' });
    this.watchdog.unref();

    const pki = await createPki(dir);
    const [etcdClientPort, etcdPeerPort, apiServerPort] = (await freePorts(3)) as [number, number, number];
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;

    this.etcd = this.spawnLogged(
      etcdBin,
      [
        '--name=e2e',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=e2e=${peerUrl}`,
        // Throwaway data: skip fsync, which dominates etcd's latency on a shared disk.
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      'etcd.log',
    );
    this.recordPids();
    await this.waitFor('etcd', this.etcd, 'etcd.log', 30_000, async () => {
      const res = await get(`${etcdUrl}/health`);
      return res?.status === 200 && res.body.includes('"health":"true"');
    });

    const apiServerUrl = `https://127.0.0.1:${apiServerPort}`;
    this.apiServer = this.spawnLogged(
      apiServerBin,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiServerPort}`,
        `--cert-dir=${join(dir, 'apiserver-certs')}`,
        `--tls-cert-file=${pki.servingCert}`,
        `--tls-private-key-file=${pki.servingKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--service-account-key-file=${pki.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--authorization-mode=RBAC',
        // No other API server shares this etcd, and 127.0.0.1 is not a valid Endpoints address.
        '--endpoint-reconciler-type=none',
        '--enable-priority-and-fairness=false',
        '--profiling=false',
        '--v=1',
      ],
      'kube-apiserver.log',
    );
    this.recordPids();

    const ca = await readFile(pki.caCert);
    const cert = await readFile(pki.adminCert);
    const key = await readFile(pki.adminKey);
    await this.waitFor('kube-apiserver', this.apiServer, 'kube-apiserver.log', readyTimeoutMs, async () => {
      const res = await get(`${apiServerUrl}/readyz`, { ca, cert, key });
      return res?.status === 200 && res.body.trim() === 'ok';
    });

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(apiServerUrl, ca, cert, key), { mode: 0o600 });
    this.endpointsValue = {
      apiServerUrl,
      etcdUrl,
      kubeconfig,
      dataDir: dir,
      pids: { etcd: this.etcd.pid ?? -1, apiServer: this.apiServer.pid ?? -1 },
    };
  }

  private async waitFor(name: string, child: ChildProcess, logName: string, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready. Last lines of its log:\n${tail(join(this.dataDir, logName))}`);
      }
      if (await ready()) return;
      if (Date.now() > deadline) {
        throw new Error(`${name} was not ready after ${timeoutMs / 1000} s. Last lines of its log:\n${tail(join(this.dataDir, logName))}`);
      }
      await sleep(250);
    }
  }

  /** Stops kube-apiserver, then etcd (SIGTERM, then SIGKILL after 10 s), and removes the data directory. Safe to call twice. */
  async stop(): Promise<void> {
    for (const child of [this.apiServer, this.etcd]) {
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    rmSync(this.dataDir, { recursive: true, force: true });
    untrack(this);
  }

  /** Synchronous last resort for exit and signal handlers: SIGKILL both, remove the data directory. */
  killNow(): void {
    for (const child of [this.apiServer, this.etcd]) {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function kubeconfigYaml(server: string, ca: Buffer, cert: Buffer, key: Buffer): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: e2e',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca.toString('base64')}`,
    'users:',
    '- name: e2e-admin',
    '  user:',
    `    client-certificate-data: ${cert.toString('base64')}`,
    `    client-key-data: ${key.toString('base64')}`,
    'contexts:',
    '- name: e2e',
    '  context:',
    '    cluster: e2e',
    '    user: e2e-admin',
    'current-context: e2e',
    '',
  ].join('\n');
}
