/**
 * Nothing outlives a dataplane: stop() and, when the test process is ended by SIGTERM, SIGINT or
 * SIGKILL, its handlers or watchdog remove every network namespace and end every process
 * (kube-router, the API relay, the agents) and the control plane.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, eventually, isAlive } from '../process.js';
import { Dataplane } from './dataplane.js';
import { listNetns } from './netns.js';



const TWO_PODS = `{
  namespaces: [{ name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' } }],
  endpoints: [
    { id: 'a/one', kind: 'Pod', namespace: 'a', name: 'one', labels: {}, ip: '10.244.9.10', ports: [{ port: 80, protocol: 'TCP' }] },
    { id: 'a/two', kind: 'Pod', namespace: 'a', name: 'two', labels: {}, ip: '10.244.9.11', ports: [{ port: 53, protocol: 'UDP' }] },
  ],
  policies: [],
}`;

it('stop() ends every process and deletes every network namespace', async () => {
  const dataplane = await Dataplane.start();
  let pids: number[];
  try {
    await dataplane.setTopology({
      namespaces: [{ name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' } }],
      endpoints: [{ id: 'a/one', kind: 'Pod', namespace: 'a', name: 'one', labels: {}, ip: '10.244.9.10', ports: [{ port: 80, protocol: 'TCP' }] }],
      policies: [],
    });
    pids = [...dataplane.pids, dataplane.controlPlane.endpoints.pids.apiServer, dataplane.controlPlane.endpoints.pids.etcd];
    expect(listNetns(dataplane.namespacePrefix)).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
  } finally {
    await dataplane.stop();
  }
  expect(listNetns(dataplane.namespacePrefix)).toEqual([]);
  expect(pids.filter(isAlive)).toEqual([]);
});

describe.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('a dataplane whose test process gets %s', (signal) => {
  it('leaves no network namespace and no process behind', async () => {
    const modulePath = join(REPO_ROOT, 'packages/e2e/dist/dataplane/dataplane.js');
    expect(existsSync(modulePath), `${modulePath} is missing: build the package (npx nx run e2e:build)`).toBe(true);
    const script = `const { Dataplane } = await import(${JSON.stringify(modulePath)});
const dataplane = await Dataplane.start();
await dataplane.setTopology(${TWO_PODS});
const plane = dataplane.controlPlane.endpoints.pids;
process.stdout.write(JSON.stringify({ prefix: dataplane.namespacePrefix, pids: [...dataplane.pids, plane.apiServer, plane.etcd] }) + '\\n');
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = await new Promise<{ prefix: string; pids: number[] }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out) as { prefix: string; pids: number[] });
      });
      child.on('exit', (code) => reject(new Error(`the child exited ${code} before its dataplane was up:\n${stderr}`)));
    });
    expect(listNetns(started.prefix)).toHaveLength(3);
    expect(started.pids.every(isAlive)).toBe(true);

    child.kill(signal);
    const cleaned = await eventually(() => listNetns(started.prefix).length === 0 && started.pids.every((pid) => !isAlive(pid)), 30_000);
    expect(cleaned, `after ${signal}: namespaces ${JSON.stringify(listNetns(started.prefix))}, live pids ${JSON.stringify(started.pids.filter(isAlive))}`).toBe(true);
  });
});
