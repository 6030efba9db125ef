import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../io.js';
import { DEFAULT_LIVE_READ_LIMITS, readLiveCluster, type LiveReadLimits } from './read-cluster.js';
import { fakeKubeconfig, sendJson, startFakeServer, startRecordedApiServer, type FakeApiServer } from './test-support/fake-api-server.js';

/** Small bounds, so each misbehaving server is caught in well under a second. */
const FAST: LiveReadLimits = { connectTimeoutMs: 500, idleTimeoutMs: 2_000, totalTimeoutMs: 800, pageSize: 10, maxPages: 5 };

let dir: string;
const servers: FakeApiServer[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-live-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a kubeconfig for `server` and returns its file name (relative to `dir`). */
function kubeconfigFor(server: string, name = 'kubeconfig.yaml'): string {
  writeFileSync(path.join(dir, name), fakeKubeconfig(server));
  return name;
}

/** A server that answers every list call with `body` (namespaces with `namespacesBody` when given). */
async function serving(body: (url: URL) => unknown, status = 200): Promise<FakeApiServer> {
  const server = await startFakeServer((_request, response, url) => sendJson(response, status, body(url)));
  servers.push(server);
  return server;
}

/** The one-line message readLiveCluster fails with. */
async function failure(kubeconfig: string, limits: LiveReadLimits = FAST, extra: { context?: string; env?: Record<string, string> } = {}): Promise<string> {
  try {
    await readLiveCluster({ kubeconfig, cwd: dir, ...extra }, limits);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    expect(error.message).not.toContain('\n');
    return error.message;
  }
  throw new Error('expected the read to fail');
}

const NAMESPACE_LIST = { kind: 'NamespaceList', apiVersion: 'v1', items: [{ metadata: { name: 'default' } }], metadata: {} };

describe('readLiveCluster', () => {
  it('reads ClusterNetworkPolicies where the cluster serves them, and takes a 404 as no such CRD', async () => {
    const cnp = { metadata: { name: 'k8s-security-environment-dev' }, spec: { tier: 'Admin', priority: 100, subject: { namespaces: {} } } };
    const server = await startFakeServer((_request, response, url) => {
      if (url.pathname === '/api/v1/namespaces') return sendJson(response, 200, NAMESPACE_LIST);
      if (url.pathname === '/apis/policy.networking.k8s.io/v1beta1/clusternetworkpolicies') return sendJson(response, 200, { kind: 'ClusterNetworkPolicyList', items: [cnp], metadata: {} });
      if (url.pathname.startsWith('/apis/policy.networking.k8s.io/')) return sendJson(response, 404, { kind: 'Status', message: 'the server could not find the requested resource', code: 404 });
      return sendJson(response, 200, { kind: 'List', items: [], metadata: {} });
    });
    servers.push(server);
    const { objects } = await readLiveCluster({ kubeconfig: kubeconfigFor(server.url), cwd: dir }, FAST);
    expect(objects.filter((o) => o.kind !== 'Namespace')).toEqual([{ ...cnp, apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy' }]);
  });

  it('still fails when the cluster refuses to list ClusterNetworkPolicies', async () => {
    const forbidden = await startFakeServer((_request, response, url) =>
      url.pathname === '/api/v1/namespaces'
        ? sendJson(response, 200, NAMESPACE_LIST)
        : url.pathname.includes('clusternetworkpolicies')
          ? sendJson(response, 403, { kind: 'Status', message: 'clusternetworkpolicies is forbidden', code: 403 })
          : sendJson(response, 200, { kind: 'List', items: [] }),
    );
    servers.push(forbidden);
    expect(await failure(kubeconfigFor(forbidden.url, 'forbidden.yaml'))).toContain('cannot list clusternetworkpolicies from');
  });

  it('reads namespaces, pods and policies page by page, giving items their kind', async () => {
    const server = await startRecordedApiServer();
    servers.push(server);
    const { objects, source } = await readLiveCluster({ kubeconfig: kubeconfigFor(server.url), cwd: dir });
    expect(source).toBe(`context fake (${server.url})`);
    expect(new Set(objects.map((o) => `${String(o.apiVersion)} ${String(o.kind)}`))).toEqual(
      new Set(['v1 Namespace', 'v1 Pod', 'networking.k8s.io/v1 NetworkPolicy']),
    );
    expect(server.requests.filter((r) => r.startsWith('GET /api/v1/pods')).length).toBeGreaterThan(1);
  });

  it('stops a server that always sends a new continue token after the page bound, with one line', async () => {
    const server = await serving((url) => ({ ...NAMESPACE_LIST, metadata: { continue: `${Number(url.searchParams.get('continue') ?? 0) + 1}` } }));
    expect(await failure(kubeconfigFor(server.url))).toBe(
      `cannot list namespaces from ${server.url}: the server still sent a continue token after 5 pages of 10: it does not end the list`,
    );
    expect(server.requests).toHaveLength(5);
  });

  it('stops at once when the server repeats a continue token', async () => {
    const server = await serving(() => ({ ...NAMESPACE_LIST, metadata: { continue: 'again' } }));
    expect(await failure(kubeconfigFor(server.url))).toMatch(/: the server sent continue token "again" twice: it would never end the list$/);
    expect(server.requests).toHaveLength(2);
  });

  it('ends a read that trickles bytes within the overall deadline', async () => {
    const server = await startFakeServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{');
      // One byte every 100 ms never trips the idle timeout; only the overall deadline can stop it.
      const timer = setInterval(() => response.write(' '), 100);
      response.on('close', () => clearInterval(timer));
    });
    servers.push(server);
    const started = Date.now();
    expect(await failure(kubeconfigFor(server.url))).toBe(`cannot list namespaces from ${server.url}: no complete answer within 0.8 s for the whole read`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('bounds the time to connect', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never routed, so the connection can only time out or be refused locally.
    const started = Date.now();
    const message = await failure(kubeconfigFor('https://192.0.2.1:6443'), { ...FAST, totalTimeoutMs: 10_000 });
    expect(message).toMatch(/^cannot list namespaces from https:\/\/192\.0\.2\.1:6443: (cannot connect within 0\.5 s|connect E\w+)/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ['a null answer', () => null, 'the answer is null, not a NamespaceList: is this a Kubernetes API server?'],
    ['an array', () => [], 'the answer is a JSON array, not a NamespaceList: is this a Kubernetes API server?'],
    ['items that are a string', () => ({ kind: 'NamespaceList', items: 'x' }), 'items is a string, not a list: is this a Kubernetes API server?'],
    ['items that are not objects', () => ({ kind: 'NamespaceList', items: [1] }), 'items[0] is a number, not an object: is this a Kubernetes API server?'],
    ['a continue token that is not a string', () => ({ ...NAMESPACE_LIST, metadata: { continue: 7 } }), 'metadata.continue is a number, not a string'],
    [
      'an empty namespace list',
      () => ({ kind: 'NamespaceList', items: [] }),
      'the server listed no namespaces, and every cluster has some (default, kube-system): check the server URL and that the credentials may list namespaces',
    ],
    [
      'items: null for namespaces (a Go nil list)',
      () => ({ kind: 'NamespaceList', items: null }),
      'the server listed no namespaces, and every cluster has some (default, kube-system): check the server URL and that the credentials may list namespaces',
    ],
  ])('refuses %s with one line naming the list and the server', async (_what, body, why) => {
    const server = await serving(body);
    expect(await failure(kubeconfigFor(server.url))).toBe(`cannot list namespaces from ${server.url}: ${why}`);
  });

  it('refuses an empty or non-JSON body', async () => {
    for (const [text, why] of [
      ['', 'the answer is empty, not a JSON list'],
      ['<html>proxy login</html>', 'the answer is not JSON: is this a Kubernetes API server?'],
    ] as const) {
      const server = await startFakeServer((_request, response) => response.end(text));
      servers.push(server);
      expect(await failure(kubeconfigFor(server.url))).toBe(`cannot list namespaces from ${server.url}: ${why}`);
    }
  });

  it('accepts empty pod and policy lists: a cluster may run nothing yet', async () => {
    const server = await serving((url) => (url.pathname === '/api/v1/namespaces' ? NAMESPACE_LIST : { kind: 'List', items: null }));
    const { objects } = await readLiveCluster({ kubeconfig: kubeconfigFor(server.url), cwd: dir }, FAST);
    expect(objects.map((o) => o.kind)).toEqual(['Namespace']);
  });

  it.each([
    ['127.0.0.1:6443', 'add the scheme, e.g. https://127.0.0.1:6443'],
    ['ftp://127.0.0.1:6443', 'use https:// (or http://)'],
  ])('refuses the server URL %s before connecting, naming the cluster and the fix', async (server, fix) => {
    expect(await failure(kubeconfigFor(server))).toBe(`kubeconfig.yaml: cluster "fake" has server "${server}", which is not an http(s) URL: ${fix}`);
  });

  it('reads $KUBECONFIG when no --kubeconfig is given, merging every file it lists, and honours --context', async () => {
    const server = await startRecordedApiServer();
    servers.push(server);
    writeFileSync(path.join(dir, 'first.yaml'), fakeKubeconfig('http://127.0.0.1:1').replace('current-context: fake', 'current-context: denied'));
    kubeconfigFor(server.url, 'second.yaml');
    const env = { KUBECONFIG: ['missing.yaml', 'first.yaml', 'second.yaml'].join(path.delimiter) };
    // The first file that defines a value wins, as with kubectl: cluster fake is the unreachable one.
    const fromFirst = await readLiveCluster({ cwd: dir, env, context: 'fake' }, FAST).catch((error: Error) => error.message);
    expect(fromFirst).toMatch(/^cannot list namespaces from http:\/\/127\.0\.0\.1:1:/);
    const fromSecond = await readLiveCluster({ cwd: dir, env: { KUBECONFIG: 'second.yaml' }, context: 'fake' }, FAST);
    expect(fromSecond.source).toBe(`context fake (${server.url})`);
  });

  it('says when $KUBECONFIG names no file, and falls back to ~/.kube/config without it', async () => {
    await expect(readLiveCluster({ cwd: dir, env: { KUBECONFIG: 'nope.yaml' } }, FAST)).rejects.toThrow(
      '$KUBECONFIG (nope.yaml) names no existing file: fix it, or pass --kubeconfig FILE',
    );
    await expect(readLiveCluster({ cwd: dir, env: { HOME: dir } }, FAST)).rejects.toThrow(`cannot read kubeconfig ${path.join(dir, '.kube', 'config')}: no such file`);
  });

  it('keeps generous defaults: minutes for the whole read, at least a million objects per kind', () => {
    expect(DEFAULT_LIVE_READ_LIMITS.totalTimeoutMs).toBeGreaterThanOrEqual(60_000);
    expect(DEFAULT_LIVE_READ_LIMITS.pageSize * DEFAULT_LIVE_READ_LIMITS.maxPages).toBeGreaterThanOrEqual(1_000_000);
  });
});
