/**
 * One GET of a JSON document from an API server, with the three deadlines a hostile or broken
 * server needs: connecting, silence between bytes, and a caller's overall deadline (a server
 * that trickles one byte a second passes the first two).
 */
import http from 'node:http';
import https from 'node:https';

/** Per-request bounds. */
export interface JsonRequestLimits {
  /** From sending the request to an open (TLS) connection. */
  readonly connectTimeoutMs: number;
  /** Longest silence while waiting for or reading the answer. */
  readonly idleTimeoutMs: number;
}

/** Largest answer read: a page of 500 big objects is a few MiB. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

/** GETs `url` and parses the JSON body; rejects with a one-line reason on any failure or non-2xx status. */
export function getJson(url: URL, options: https.RequestOptions, limits: JsonRequestLimits, deadline: AbortSignal, what: string): Promise<unknown> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.get(
      url,
      { ...options, headers: { ...options.headers, Accept: 'application/json' }, timeout: limits.idleTimeoutMs, signal: deadline },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) request.destroy(new Error(`the answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`));
          else chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => settle(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      },
    );
    const connectTimer = setTimeout(() => request.destroy(new Error(`cannot connect within ${limits.connectTimeoutMs / 1000} s`)), limits.connectTimeoutMs);
    request.on('socket', (socket) => {
      const connected = () => clearTimeout(connectTimer);
      if (!socket.connecting) connected();
      socket.once(url.protocol === 'http:' ? 'connect' : 'secureConnect', connected);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${limits.idleTimeoutMs / 1000} s`)));
    request.on('error', (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    request.on('close', () => clearTimeout(connectTimer));

    function settle(status: number, text: string) {
      clearTimeout(connectTimer);
      let body: unknown;
      let parsed = true;
      try {
        body = JSON.parse(text);
      } catch {
        parsed = false;
      }
      if (status >= 200 && status < 300) {
        if (parsed) return resolve(body);
        return reject(new Error(text.trim() === '' ? 'the answer is empty, not a JSON list' : 'the answer is not JSON: is this a Kubernetes API server?'));
      }
      const serverMessage = parsed ? (body as { message?: unknown } | null)?.message : undefined;
      const hint = status === 401 || status === 403 ? ` (needs list on ${what}; read-only access to namespaces, pods and networkpolicies is enough)` : '';
      reject(new Error(`HTTP ${status}${typeof serverMessage === 'string' ? `: ${serverMessage}` : ''}${hint}`));
    }
  });
}
