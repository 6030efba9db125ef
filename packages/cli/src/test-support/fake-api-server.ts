/**
 * Test-only: a stand-in Kubernetes API server on 127.0.0.1 that answers the live-cluster list
 * calls (and /version) from recorded responses, a few items per page so `continue` is exercised,
 * and only for the bearer token of the kubeconfig it goes with.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { FAKE_TOKEN as TOKEN, fakeKubeconfig } from '../live/test-support/fake-api-server.js';

/** The kubeconfig that goes with both stand-ins (contexts `fake` and `denied`). */
export const kubeconfig = fakeKubeconfig;

const FIXTURES = fileURLToPath(new URL('../live/test-support/recorded/', import.meta.url));
const RECORDED: Record<string, string> = {
  '/api/v1/namespaces': 'namespaces.json',
  '/api/v1/pods': 'pods.json',
  '/apis/networking.k8s.io/v1/networkpolicies': 'networkpolicies.json',
};
/** Pages the fake server returns, whatever limit the client asks for: exercises `continue`. */
const PAGE = 2;
/** What the stand-in reports at /version. */
export const FAKE_SERVER_VERSION = 'v1.37.2-fake';

/** A stand-in API server on 127.0.0.1 that answers the three list calls from recorded responses. */
export function startFakeApiServer(requests: string[]): Promise<Server> {
  const server = createServer((request: IncomingMessage, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(`${request.method} ${url.pathname}${url.searchParams.has('continue') ? ` continue=${url.searchParams.get('continue')}` : ''}`);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      return send(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    if (request.method === 'GET' && url.pathname === '/version') return send(200, { major: '1', minor: '37', gitVersion: FAKE_SERVER_VERSION });
    const fixture = RECORDED[url.pathname];
    if (request.method !== 'GET' || !fixture) return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'not found', code: 404 });
    const list = JSON.parse(readFileSync(`${FIXTURES}${fixture}`, 'utf8')) as { items: unknown[]; metadata: Record<string, unknown> };
    const start = Number(url.searchParams.get('continue') ?? '0');
    const items = list.items.slice(start, start + PAGE);
    const next = start + PAGE < list.items.length ? String(start + PAGE) : undefined;
    return send(200, { ...list, items, metadata: { ...list.metadata, ...(next ? { continue: next } : {}) } });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
