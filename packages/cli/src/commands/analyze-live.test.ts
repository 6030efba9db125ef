import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { fakeKubeconfig, sendJson, startFakeServer, startRecordedApiServer, type FakeApiServer } from '../live/test-support/fake-api-server.js';

let dir: string;
let server: FakeApiServer;
let broken: FakeApiServer;

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(['analyze', ...args], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: dir, env });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-analyze-live-'));
  server = await startRecordedApiServer();
  broken = await startFakeServer((_request, response) => sendJson(response, 200, { kind: 'NamespaceList', items: 'x' }));
  writeFileSync(path.join(dir, 'kubeconfig.yaml'), fakeKubeconfig(server.url));
  writeFileSync(path.join(dir, 'broken.yaml'), fakeKubeconfig(broken.url));
});

afterAll(async () => {
  await Promise.all([server.close(), broken.close()]);
  rmSync(dir, { recursive: true, force: true });
});

interface Row {
  from: string;
  to: string;
  port: number;
  allowed: boolean;
}

const verdict = (rows: Row[], from: string, to: string, port: number) => rows.find((r) => r.from === from && r.to === to && r.port === port)?.allowed;

describe('k8s-security analyze of a live cluster', () => {
  it('reads the cluster of --kubeconfig, read-only, and judges its pods by its policies', async () => {
    server.requests.length = 0;
    const { code, stdout, stderr } = await run(['--kubeconfig', 'kubeconfig.yaml', '--to', 'production/web-84f6d7c9b-m5n2r', '-o', 'json']);
    expect(code).toBe(0);
    expect(stderr).not.toContain('error');
    expect(server.requests.every((request) => request.startsWith('GET '))).toBe(true);
    const rows = (JSON.parse(stdout) as { connections: Row[] }).connections;
    // production isolates ingress: the ingress controller is allowed in, the legacy app is not.
    expect(verdict(rows, 'ingress-nginx/ingress-nginx-controller-7d9f8c6b5-x2kqp', 'production/web-84f6d7c9b-m5n2r', 8080)).toBe(true);
    expect(verdict(rows, 'legacy/billing-6c8b7f9d4-q7wzt', 'production/web-84f6d7c9b-m5n2r', 8080)).toBe(false);
  });

  it('takes the kubeconfig from $KUBECONFIG with --context or --cluster', async () => {
    const env = { KUBECONFIG: path.join(dir, 'kubeconfig.yaml') };
    const byContext = await run(['--context', 'fake', '--port', '8080', '-o', 'csv'], env);
    const byCurrent = await run(['--cluster', '--port', '8080', '-o', 'csv'], env);
    expect(byContext.code).toBe(0);
    expect(byContext.stdout).toContain('legacy/billing-6c8b7f9d4-q7wzt');
    expect(byCurrent.stdout).toBe(byContext.stdout);
  });

  it.each([
    [['--kubeconfig', 'kubeconfig.yaml', 'some/path.yaml'], 'analyze reads either files or a cluster: give PATH... or --kubeconfig/--context/--cluster, not both'],
    [['--kubeconfig', 'kubeconfig.yaml', '--context', 'denied'], 'HTTP 401: Unauthorized (needs list on namespaces'],
    [['--kubeconfig', 'broken.yaml'], 'items is a string, not a list: is this a Kubernetes API server?'],
    [['--context', 'fake'], 'cannot read kubeconfig'],
  ])('fails with one line and exit 2 for %j', async (args, message) => {
    const { code, stdout, stderr } = await run(args, { HOME: dir });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
