/**
 * The harness itself: the control plane comes up on 127.0.0.1 only, reports the pinned
 * version, and is always torn down, whether the suite stops it or the test process dies.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';
import { ControlPlane } from './control-plane.js';
import { REPO_ROOT, eventually, isAlive, pinnedVersion as pinned } from './process.js';
import { listeningAddresses } from './sockets.js';



describe('ControlPlane', () => {
  let plane: ControlPlane;
  let cluster: Cluster;

  beforeAll(async () => {
    plane = await ControlPlane.start();
    cluster = new Cluster(plane.endpoints);
  });
  afterAll(async () => {
    await plane?.stop();
  });

  it('serves /readyz to the admin kubeconfig', async () => {
    const { stdout } = await cluster.kubectlOk(['get', '--raw', '/readyz']);
    expect(stdout.trim()).toBe('ok');
  });

  it('runs the kube-apiserver and kubectl versions pinned in tools/toolchain.env', async () => {
    const { stdout } = await cluster.kubectlOk(['version', '-o', 'json']);
    const version = JSON.parse(stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    expect(version.serverVersion.gitVersion).toBe(pinned('KUBERNETES_VERSION'));
    expect(version.clientVersion.gitVersion).toBe(pinned('KUBERNETES_VERSION'));
  });

  it('listens on 127.0.0.1 only, in etcd and in kube-apiserver', () => {
    const { pids, apiServerUrl, etcdUrl } = plane.endpoints;
    const apiServer = listeningAddresses(pids.apiServer);
    const etcd = listeningAddresses(pids.etcd);
    expect(apiServer).toEqual([apiServerUrl.replace('https://', '')]);
    expect(etcd).toContain(etcdUrl.replace('http://', ''));
    expect([...apiServer, ...etcd].every((address) => address.startsWith('127.0.0.1:'))).toBe(true);
  });

  it('authorizes the admin kubeconfig as cluster-admin through RBAC', async () => {
    const { stdout } = await cluster.kubectlOk(['auth', 'can-i', '*', '*', '--all-namespaces']);
    expect(stdout.trim()).toBe('yes');
    // RBAC is on: an unprivileged identity is refused.
    const denied = await cluster.kubectl(['auth', 'can-i', 'list', 'networkpolicies', '--as', 'nobody']);
    expect(denied.stdout.trim()).toBe('no');
  });

  it('stops both processes and removes its data directory', async () => {
    const extra = await ControlPlane.start();
    const { pids, dataDir } = extra.endpoints;
    expect(isAlive(pids.etcd) && isAlive(pids.apiServer) && existsSync(dataDir)).toBe(true);
    await extra.stop();
    expect(isAlive(pids.etcd)).toBe(false);
    expect(isAlive(pids.apiServer)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('fails with the command that builds a missing binary', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'k8s-security-e2e-no-tools-'));
    const saved = process.env['K8S_SECURITY_TOOLS_DIR'];
    process.env['K8S_SECURITY_TOOLS_DIR'] = empty;
    try {
      await expect(ControlPlane.start()).rejects.toThrow(/etcd is missing: .*tools\/install-control-plane\.sh/);
    } finally {
      if (saved === undefined) delete process.env['K8S_SECURITY_TOOLS_DIR'];
      else process.env['K8S_SECURITY_TOOLS_DIR'] = saved;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

/**
 * A child process starts a control plane (from the built dist/), prints its endpoints, and is
 * then ended by a signal: its handlers, or for SIGKILL the watchdog, must clean up.
 */
describe.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('ControlPlane when its test process gets %s', (signal) => {
  it('stops etcd and kube-apiserver and removes the data directory', async () => {
    const modulePath = join(REPO_ROOT, 'packages/e2e/dist/control-plane.js');
    expect(existsSync(modulePath), `${modulePath} is missing: build the package (npx nx run e2e:build)`).toBe(true);
    const script = `const { ControlPlane } = await import(${JSON.stringify(modulePath)});
const plane = await ControlPlane.start();
process.stdout.write(JSON.stringify(plane.endpoints) + '\\n');
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const endpoints = await new Promise<{ pids: { etcd: number; apiServer: number }; dataDir: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out) as { pids: { etcd: number; apiServer: number }; dataDir: string });
      });
      child.on('exit', (code) => reject(new Error(`the child exited ${code} before its control plane was up:\n${stderr}`)));
    });
    expect(isAlive(endpoints.pids.etcd) && isAlive(endpoints.pids.apiServer)).toBe(true);

    child.kill(signal);
    // Handlers clean up at once; the watchdog polls every 500 ms and waits 5 s before SIGKILL.
    const cleaned = await eventually(
      () => !isAlive(endpoints.pids.etcd) && !isAlive(endpoints.pids.apiServer) && !existsSync(endpoints.dataDir),
      20_000,
    );
    expect(cleaned, `after ${signal}: etcd alive=${isAlive(endpoints.pids.etcd)}, kube-apiserver alive=${isAlive(endpoints.pids.apiServer)}, data dir exists=${existsSync(endpoints.dataDir)}`).toBe(true);
  });
});
