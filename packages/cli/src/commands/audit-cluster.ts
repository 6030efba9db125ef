/**
 * Reads a live cluster for `audit --kubeconfig`: Namespaces, Pods and NetworkPolicies, with
 * read-only list calls (RBAC: list on namespaces, pods, networkpolicies.networking.k8s.io).
 *
 * client-node loads the kubeconfig and applies its TLS, proxy and credentials (tokens, client
 * certificates, exec plugins). The list calls read the raw JSON instead of client-node's typed
 * models: those rename `from` to `_from` and drop fields the client does not know, and a policy
 * read through them would look like "allow from everywhere" to the analyzer.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError } from '../io.js';

/** Page size of list calls: bounded memory per response on large clusters. */
const PAGE_SIZE = 500;
const REQUEST_TIMEOUT_MS = 30_000;

interface ListResponse {
  readonly items?: readonly Record<string, unknown>[];
  readonly metadata?: { readonly continue?: string };
}

class ApiCallError extends Error {}

function getJson(url: URL, options: https.RequestOptions): Promise<unknown> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.get(url, { ...options, headers: { ...options.headers, Accept: 'application/json' }, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300 && body !== undefined) return resolve(body);
        const serverMessage = (body as { message?: unknown } | undefined)?.message;
        const hint = status === 401 || status === 403 ? ' (audit needs list on namespaces, pods and networkpolicies)' : '';
        reject(new ApiCallError(`HTTP ${status}${typeof serverMessage === 'string' ? `: ${serverMessage}` : ''}${hint}`));
      });
    });
    request.on('timeout', () => request.destroy(new ApiCallError(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
  });
}

async function listAll(what: string, server: string, apiPath: string, options: https.RequestOptions, kind: string, apiVersion: string) {
  const objects: object[] = [];
  let continueToken: string | undefined;
  do {
    const url = new URL(`${server.replace(/\/+$/, '')}${apiPath}`);
    url.searchParams.set('limit', String(PAGE_SIZE));
    if (continueToken) url.searchParams.set('continue', continueToken);
    let page: ListResponse;
    try {
      page = (await getJson(url, options)) as ListResponse;
    } catch (error) {
      throw new UsageError(`cannot list ${what} from ${server}: ${String((error as Error).message).split('\n')[0]}`);
    }
    // List responses omit kind and apiVersion on their items.
    objects.push(...(page.items ?? []).map((item) => ({ ...item, apiVersion, kind })));
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken);
  return objects;
}

/** What a live read returns: the objects, where they came from, and the server's version. */
export interface ClusterRead {
  readonly objects: object[];
  readonly source: string;
  /** `gitVersion` from the server's /version; null when the server does not say. */
  readonly serverVersion: string | null;
}

/** Loads `kubeconfigPath` (relative to `cwd`), switches to `context` when given, and lists what the audit needs. */
export async function readClusterObjects(kubeconfigPath: string, context: string | undefined, cwd: string): Promise<ClusterRead> {
  const config = new KubeConfig();
  try {
    config.loadFromFile(path.resolve(cwd, kubeconfigPath));
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : String((error as Error).message).split('\n')[0];
    throw new UsageError(`cannot read kubeconfig ${kubeconfigPath}: ${reason}`);
  }
  if (context !== undefined) {
    if (!config.getContextObject(context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new UsageError(`--context "${context}" is not in ${kubeconfigPath}: it has ${known.length > 0 ? known.join(', ') : 'no contexts'}`);
    }
    config.setCurrentContext(context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new UsageError(`${kubeconfigPath} names no cluster for context "${config.getCurrentContext()}": pass --context`);
  const server = cluster.server;
  const options: https.RequestOptions = {};
  try {
    await config.applyToHTTPSOptions(options);
  } catch (error) {
    throw new UsageError(`cannot use context ${config.getCurrentContext()} of ${kubeconfigPath}: ${String((error as Error).message).split('\n')[0]}`);
  }
  const namespaces = await listAll('namespaces', server, '/api/v1/namespaces', options, 'Namespace', 'v1');
  const pods = await listAll('pods', server, '/api/v1/pods', options, 'Pod', 'v1');
  const policies = await listAll('networkpolicies', server, '/apis/networking.k8s.io/v1/networkpolicies', options, 'NetworkPolicy', 'networking.k8s.io/v1');
  return { objects: [...namespaces, ...pods, ...policies], source: `context ${config.getCurrentContext()} (${server})`, serverVersion: await readServerVersion(server, options) };
}

/** The server's version, for the evidence bundle; a server that hides /version yields null rather than a failure. */
async function readServerVersion(server: string, options: https.RequestOptions): Promise<string | null> {
  try {
    const version = (await getJson(new URL(`${server.replace(/\/+$/, '')}/version`), options)) as { gitVersion?: unknown };
    return typeof version.gitVersion === 'string' ? version.gitVersion : null;
  } catch {
    return null;
  }
}
