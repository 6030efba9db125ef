/**
 * Stand-in API servers for live-read tests: plain HTTP on 127.0.0.1 at a free port, answering
 * from recorded list responses or from a test's own handler (for misbehaving servers).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const RECORDED_DIR = fileURLToPath(new URL('./recorded/', import.meta.url));
const RECORDED: Record<string, string> = {
  '/api/v1/namespaces': 'namespaces.json',
  '/api/v1/pods': 'pods.json',
  '/apis/networking.k8s.io/v1/networkpolicies': 'networkpolicies.json',
};

/** The bearer token the recorded server accepts; kubeconfigs from {@link fakeKubeconfig} use it for context `fake`. */
export const FAKE_TOKEN = 'audit-token';
/** What the recorded server reports at /version. */
export const FAKE_SERVER_VERSION = 'v1.37.2-fake';

/** A running fake server; `close()` ends it and every open connection. */
export interface FakeApiServer {
  readonly url: string;
  /** `GET /path continue=token` per request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 (free port) that hands each request to `handle`. */
export function startFakeServer(handle: (request: IncomingMessage, response: ServerResponse, url: URL) => void): Promise<FakeApiServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(`${request.method} ${url.pathname}${url.searchParams.has('continue') ? ` continue=${url.searchParams.get('continue')}` : ''}`);
    handle(request, response, url);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    }),
  );
}

/** Sends `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * A server that answers the three list calls from recorded responses of a real cluster, `pageSize`
 * items a page whatever limit the client asks for (exercises `continue`), /version with
 * {@link FAKE_SERVER_VERSION}, and 401 without the token.
 */
export function startRecordedApiServer(pageSize = 2): Promise<FakeApiServer> {
  return startFakeServer((request, response, url) => {
    if (request.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
      return sendJson(response, 401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    if (request.method === 'GET' && url.pathname === '/version') return sendJson(response, 200, { major: '1', minor: '37', gitVersion: FAKE_SERVER_VERSION });
    const fixture = RECORDED[url.pathname];
    if (request.method !== 'GET' || !fixture) return sendJson(response, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'not found', code: 404 });
    const list = JSON.parse(readFileSync(`${RECORDED_DIR}${fixture}`, 'utf8')) as { items: unknown[]; metadata: Record<string, unknown> };
    const start = Number(url.searchParams.get('continue') ?? '0');
    const items = list.items.slice(start, start + pageSize);
    const next = start + pageSize < list.items.length ? String(start + pageSize) : undefined;
    return sendJson(response, 200, { ...list, items, metadata: { ...list.metadata, ...(next ? { continue: next } : {}) } });
  });
}

/** A kubeconfig for `server` with contexts `fake` (right token, current) and `denied` (wrong token). */
export function fakeKubeconfig(server: string): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: fake
    cluster:
      server: ${server}
      # client-node speaks plain HTTP only with this set; the fake server has no TLS.
      insecure-skip-tls-verify: true
users:
  - name: auditor
    user:
      token: ${FAKE_TOKEN}
  - name: stranger
    user:
      token: wrong
contexts:
  - name: fake
    context: { cluster: fake, user: auditor }
  - name: denied
    context: { cluster: fake, user: stranger }
current-context: fake
`;
}
