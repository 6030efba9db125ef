/**
 * Reads a live cluster, read-only, for `audit` and `analyze` (and any command that judges a
 * cluster): Namespaces, Pods and NetworkPolicies with list calls (RBAC: list on namespaces, pods
 * and networkpolicies.networking.k8s.io), plus the cluster-scoped policy kinds of the
 * network-policy-api where the cluster serves them (ClusterNetworkPolicy, AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy).
 *
 * client-node loads the kubeconfig and applies its TLS, proxy and credentials (tokens, client
 * certificates, exec plugins); it is imported only when a cluster is read, since loading it
 * costs most of a second. The list calls read the raw JSON instead of client-node's typed
 * models: those rename `from` to `_from` and drop fields the client does not know, and a policy
 * read through them would look like "allow from everywhere" to the analyzer.
 *
 * A server is not trusted to behave: connecting and the whole read have deadlines, paging is
 * bounded, and every response is checked to be a list before it is used.
 */
import { existsSync } from 'node:fs';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../io.js';
import { getJson, type JsonRequestLimits } from './get-json.js';

/** Bounds of one live read. */
export interface LiveReadLimits extends JsonRequestLimits {
  /** Deadline for the whole read, every list call and page included. */
  readonly totalTimeoutMs: number;
  /** Items per page asked of the server (`limit`): bounded memory per response. */
  readonly pageSize: number;
  /** Pages per list call; a server that never stops sending `continue` tokens is an error. */
  readonly maxPages: number;
}

/** 500 items a page and 2,000 pages: a million objects per kind, far beyond real clusters. */
export const DEFAULT_LIVE_READ_LIMITS: LiveReadLimits = { connectTimeoutMs: 10_000, idleTimeoutMs: 30_000, totalTimeoutMs: 120_000, pageSize: 500, maxPages: 2_000 };

/** Where the kubeconfig comes from: `--kubeconfig`, else `$KUBECONFIG`, else `~/.kube/config`. */
export interface LiveClusterSource {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One kind to list. */
interface ListedResource {
  readonly plural: string;
  readonly apiPath: string;
  readonly kind: string;
  readonly apiVersion: string;
  /** A real cluster always has some (e.g. namespaces `default` and `kube-system`): none means a wrong server. */
  readonly neverEmpty?: boolean;
  /** A CRD kind: a 404 means the cluster does not serve it (no CRD), which is read as none. */
  readonly optional?: boolean;
}

const RESOURCES: readonly ListedResource[] = [
  { plural: 'namespaces', apiPath: '/api/v1/namespaces', kind: 'Namespace', apiVersion: 'v1', neverEmpty: true },
  { plural: 'pods', apiPath: '/api/v1/pods', kind: 'Pod', apiVersion: 'v1' },
  { plural: 'networkpolicies', apiPath: '/apis/networking.k8s.io/v1/networkpolicies', kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1' },
  ...(
    [
      ['clusternetworkpolicies', 'ClusterNetworkPolicy', 'v1beta1'],
      ['adminnetworkpolicies', 'AdminNetworkPolicy', 'v1alpha1'],
      ['baselineadminnetworkpolicies', 'BaselineAdminNetworkPolicy', 'v1alpha1'],
    ] as const
  ).map(([plural, kind, version]) => ({
    plural,
    apiPath: `/apis/policy.networking.k8s.io/${version}/${plural}`,
    kind,
    apiVersion: `policy.networking.k8s.io/${version}`,
    optional: true,
  })),
];

/** What a live read returns: the objects (with kind and apiVersion), and a description of the source. */
export interface LiveCluster {
  readonly objects: Record<string, unknown>[];
  /** `context NAME (https://server)` */
  readonly source: string;
  /** `gitVersion` from the server's /version (for the evidence bundle); null when it does not say. */
  readonly serverVersion: string | null;
}

/**
 * Loads the kubeconfig, switches to `context` when given, and lists Namespaces, Pods and
 * NetworkPolicies of every namespace.
 *
 * @throws {UsageError} with one line for every failure: kubeconfig, context, server URL,
 *   connection, timeout, HTTP status, response shape, paging.
 */
export async function readLiveCluster(source: LiveClusterSource, limits: LiveReadLimits = DEFAULT_LIVE_READ_LIMITS): Promise<LiveCluster> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  const shownConfig = loadKubeconfig(config, source);
  if (source.context !== undefined) {
    if (!config.getContextObject(source.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new UsageError(`--context "${source.context}" is not in ${shownConfig}: it has ${known.length > 0 ? known.join(', ') : 'no contexts'}`);
    }
    config.setCurrentContext(source.context);
  }
  const contextName = config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new UsageError(`${shownConfig} names no cluster for context "${contextName}": pass --context NAME`);
  const server = checkServerUrl(cluster.server, cluster.name, shownConfig);
  const options: https.RequestOptions = {};
  try {
    await config.applyToHTTPSOptions(options);
  } catch (error) {
    throw new UsageError(`cannot use context ${contextName} of ${shownConfig}: ${firstLine(error)}`);
  }
  const deadline = AbortSignal.timeout(limits.totalTimeoutMs);
  const objects: Record<string, unknown>[] = [];
  for (const resource of RESOURCES) {
    for (const item of await listAll(resource, server, options, limits, deadline)) objects.push(item);
  }
  return { objects, source: `context ${contextName} (${server})`, serverVersion: await readServerVersion(server, options, limits, deadline) };
}

/** The server's version; a server that hides /version yields null rather than a failure. */
async function readServerVersion(server: string, options: https.RequestOptions, limits: LiveReadLimits, deadline: AbortSignal): Promise<string | null> {
  try {
    const version = (await getJson(new URL(`${server.replace(/\/+$/, '')}/version`), options, limits, deadline, 'version')) as { gitVersion?: unknown };
    return typeof version.gitVersion === 'string' ? version.gitVersion : null;
  } catch {
    return null;
  }
}

function loadKubeconfig(config: { loadFromFile(file: string): void }, source: LiveClusterSource): string {
  const env = source.env ?? {};
  let files: string[];
  let shown: string;
  if (source.kubeconfig !== undefined) {
    files = [path.resolve(source.cwd, source.kubeconfig)];
    shown = source.kubeconfig;
  } else if (env['KUBECONFIG']) {
    // kubectl merges every file $KUBECONFIG lists; the first to set a value wins.
    files = env['KUBECONFIG'].split(path.delimiter).filter((file) => file !== '').map((file) => path.resolve(source.cwd, file));
    files = files.filter((file) => existsSync(file));
    shown = '$KUBECONFIG';
    if (files.length === 0) throw new UsageError(`$KUBECONFIG (${env['KUBECONFIG']}) names no existing file: fix it, or pass --kubeconfig FILE`);
  } else {
    files = [path.join(env['HOME'] ?? os.homedir(), '.kube', 'config')];
    shown = files[0]!;
  }
  try {
    config.loadFromFile(files[0]!);
    if (files.length > 1) mergeLater(config, files.slice(1));
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : firstLine(error);
    throw new UsageError(`cannot read kubeconfig ${shown}: ${reason}`);
  }
  return shown;
}

/** Merges further kubeconfig files into `config`; entries already present keep their first value. */
function mergeLater(config: object, files: readonly string[]): void {
  const merge = config as { mergeConfig(other: unknown, preserveContext?: boolean): void; constructor: new () => { loadFromFile(file: string): void } };
  for (const file of files) {
    const other = new merge.constructor();
    other.loadFromFile(file);
    try {
      merge.mergeConfig(other, true);
    } catch {
      // client-node refuses duplicate names; kubectl keeps the first, which is what we already have.
    }
  }
}

function checkServerUrl(server: string, clusterName: string, shownConfig: string): string {
  if (!/^https?:\/\/[^/]/i.test(server)) {
    const hint = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? 'use https:// (or http://)' : `add the scheme, e.g. https://${server}`;
    throw new UsageError(`${shownConfig}: cluster "${clusterName}" has server "${server}", which is not an http(s) URL: ${hint}`);
  }
  try {
    return new URL(server).toString().replace(/\/+$/, '');
  } catch {
    throw new UsageError(`${shownConfig}: cluster "${clusterName}" has server "${server}", which is not a valid URL`);
  }
}

async function listAll(
  resource: ListedResource,
  server: string,
  options: https.RequestOptions,
  limits: LiveReadLimits,
  deadline: AbortSignal,
): Promise<Record<string, unknown>[]> {
  const fail = (why: string): never => {
    throw new UsageError(`cannot list ${resource.plural} from ${server}: ${why}`);
  };
  const objects: Record<string, unknown>[] = [];
  const tokens = new Set<string>();
  let continueToken: string | undefined;
  let pages = 0;
  do {
    if (++pages > limits.maxPages) {
      fail(`the server still sent a continue token after ${limits.maxPages} pages of ${limits.pageSize}: it does not end the list`);
    }
    const url = new URL(`${server}${resource.apiPath}`);
    url.searchParams.set('limit', String(limits.pageSize));
    if (continueToken) url.searchParams.set('continue', continueToken);
    let page: unknown;
    try {
      page = await getJson(url, options, limits, deadline, resource.plural);
    } catch (error) {
      if (deadline.aborted) fail(`no complete answer within ${limits.totalTimeoutMs / 1000} s for the whole read`);
      if (resource.optional && pages === 1 && firstLine(error).startsWith('HTTP 404')) return [];
      fail(firstLine(error));
    }
    const { items, next } = checkListShape(page, resource, fail);
    for (const item of items) objects.push({ ...item, apiVersion: resource.apiVersion, kind: resource.kind });
    if (next !== undefined && tokens.has(next)) fail(`the server sent continue token "${next}" twice: it would never end the list`);
    if (next !== undefined) tokens.add(next);
    continueToken = next;
  } while (continueToken !== undefined);
  if (resource.neverEmpty && objects.length === 0) {
    fail(`the server listed no ${resource.plural}, and every cluster has some (default, kube-system): check the server URL and that the credentials may list ${resource.plural}`);
  }
  return objects;
}

/** A list response must be `{items: [objects...], metadata: {continue?: string}}`; Go sends a nil list as `items: null`. */
function checkListShape(page: unknown, resource: ListedResource, fail: (why: string) => never): { items: Record<string, unknown>[]; next?: string } {
  const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a JSON array' : `a ${typeof value}`);
  if (typeof page !== 'object' || page === null || Array.isArray(page)) fail(`the answer is ${describe(page)}, not a ${resource.kind}List: is this a Kubernetes API server?`);
  const { items, metadata } = page as { items?: unknown; metadata?: unknown };
  if (items !== undefined && items !== null && !Array.isArray(items)) fail(`items is ${describe(items)}, not a list: is this a Kubernetes API server?`);
  const list = (items ?? []) as unknown[];
  const index = list.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
  if (index >= 0) fail(`items[${index}] is ${describe(list[index])}, not an object: is this a Kubernetes API server?`);
  const token = typeof metadata === 'object' && metadata !== null ? (metadata as { continue?: unknown }).continue : undefined;
  if (token !== undefined && token !== null && typeof token !== 'string') fail(`metadata.continue is ${describe(token)}, not a string`);
  return { items: list as Record<string, unknown>[], ...(typeof token === 'string' && token !== '' ? { next: token } : {}) };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}
