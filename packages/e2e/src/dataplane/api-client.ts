/**
 * A minimal client for the few API calls the dataplane makes many times (creating pods, setting
 * their status, relabelling, deleting): one HTTPS request each instead of a kubectl process,
 * which costs a few hundred milliseconds on a busy machine. Authenticates with the admin
 * kubeconfig's client certificate.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { parse } from 'yaml';

interface KubeconfigFile {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

export class ApiClient {
  private readonly server: string;
  private readonly tls: { ca: Buffer; cert: Buffer; key: Buffer };

  constructor(kubeconfigPath: string) {
    const config = parse(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
    const cluster = config.clusters[0]!.cluster;
    const user = config.users[0]!.user;
    this.server = cluster.server;
    const decode = (data: string) => Buffer.from(data, 'base64');
    this.tls = { ca: decode(cluster['certificate-authority-data']), cert: decode(user['client-certificate-data']), key: decode(user['client-key-data']) };
  }

  /**
   * Sends one request; resolves with the parsed body (undefined for a 404 when `allowMissing`).
   * @throws with the method, path, status and the server's message unless the status is 2xx
   *   (or 404 when `allowMissing`).
   */
  send(method: string, path: string, body?: unknown, contentType = 'application/json', allowMissing = false): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.server}${path}`,
        { method, ...this.tls, headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}) }, timeout: 30_000 },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (allowMissing && status === 404) resolve(undefined);
            else if (status >= 200 && status < 300) resolve(text ? (JSON.parse(text) as unknown) : undefined);
            else reject(new Error(`${method} ${path} failed with ${status}: ${(JSON.parse(text || '{}') as { message?: string }).message ?? text}`));
          });
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.end(payload);
    });
  }

  /** A JSON merge patch. */
  mergePatch(path: string, patch: unknown): Promise<unknown> {
    return this.send('PATCH', path, patch, 'application/merge-patch+json');
  }
}
