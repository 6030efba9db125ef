/**
 * A real dataplane for one test file: a kube-apiserver (see ../control-plane.ts), one "node"
 * network namespace with kube-router enforcing NetworkPolicies, and one network namespace per
 * pod or outside endpoint, each with an agent listening on its declared ports. Pods are real
 * API objects bound to the node, with the IPs of their namespaces. Probes are real TCP and UDP
 * connections from one namespace to another, and are compared with the core analyzer.
 *
 * Everything is torn down on stop(), on exit, on SIGINT/SIGTERM/SIGHUP, and by a watchdog if the
 * test process is killed outright (./teardown.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { analyzeReachability, clusterModelFromObjects, explanationText, type ClusterModel, type Connection } from '@k8s-security-pro/core';
import { Cluster } from '../cluster.js';
import { ControlPlane } from '../control-plane.js';
import { ApiClient } from './api-client.js';
import { ApiForwarder } from './api-forwarder.js';
import { createPods, deletePods, registerNode, relabelPod, syncNamespaces } from './api-objects.js';
import { checkDataplaneHost } from './host-requirements.js';
import { KubeRouter } from './kube-router.js';
import { createEndpointNetns, createNodeNetns, deleteEndpointLink, deleteNetnsSync, NETNS_PREFIX } from './netns.js';
import { PodAgent, type ListenPort, type ProbeResult } from './pod-agent.js';
import { TeardownRecord } from './teardown.js';

/** The node's address, on the node namespace's loopback (TEST-NET-2: never routed anywhere). */
export const NODE_IP = '198.51.100.1';
export const NODE_NAME = 'dataplane-node';
const POLICIES_PATH = '/apis/networking.k8s.io/v1/networkpolicies';

/** `from>to:port/protocol`, the key of one connection. */
export function connectionKey(c: Pick<Connection, 'from' | 'to' | 'port' | 'protocol'>): string {
  return `${c.from}>${c.to}:${c.port}/${c.protocol}`;
}

/** One connection the dataplane and the analyzer disagree on. */
export interface Disagreement {
  readonly connection: Connection;
  readonly observed: ProbeResult;
  /** The analyzer's reasons, as text. */
  readonly why: string;
}

/** The outcome of comparing every probe with the analyzer. */
export interface Comparison {
  /** The connections compared (every pair x declared TCP/UDP port). */
  readonly connections: readonly Connection[];
  readonly disagreements: readonly Disagreement[];
  /** From the start of the wait until the dataplane agreed (or the deadline). */
  readonly elapsedMs: number;
  /** How many rounds of probes it took. */
  readonly rounds: number;
}

export interface DataplaneOptions {
  /** How long one TCP/UDP probe waits for an answer. @default 1500 */
  readonly probeTimeoutMs?: number;
  /** Probes in flight at once. @default 48 */
  readonly concurrency?: number;
  /** DNS names (-> IPv4) that every agent's UDP ports answer as a DNS server, for the chart's test-dns hook. @default {} */
  readonly dnsRecords?: Readonly<Record<string, string>>;
}

let runCounter = 0;

export class Dataplane {
  readonly cluster: Cluster;
  private readonly api: ApiClient;
  /** What is built now, by endpoint id. */
  private readonly built = new Map<string, { endpoint: ClusterModel['endpoints'][number]; readonly netns: string; readonly hostIfName: string; readonly agent: PodAgent }>();
  private nextIndex = 0;
  private kubeRouterValue: KubeRouter | undefined;
  private forwarder: ApiForwarder | undefined;
  private readonly netnsId: string;
  private readonly nodeNetns: string;
  private stopped = false;

  private constructor(
    readonly controlPlane: ControlPlane,
    private readonly record: TeardownRecord,
    private readonly workDir: string,
    private readonly options: Required<DataplaneOptions>,
  ) {
    this.cluster = new Cluster(controlPlane.endpoints);
    this.api = new ApiClient(controlPlane.endpoints.kubeconfig);
    this.netnsId = `${NETNS_PREFIX}${process.pid}-${runCounter++}`;
    this.nodeNetns = `${this.netnsId}-node`;
  }

  /**
   * Checks the host (root, network namespaces, iptables, ipset, kube-router), starts a control
   * plane, the node namespace, an API relay into it and kube-router.
   * @throws naming exactly what is missing; everything started is stopped first.
   */
  static async start(options: DataplaneOptions = {}): Promise<Dataplane> {
    await checkDataplaneHost();
    const workDir = mkdtempSync(join(tmpdir(), 'k8s-security-dataplane-'));
    const record = new TeardownRecord(join(workDir, 'teardown.json'));
    let controlPlane: ControlPlane | undefined;
    try {
      controlPlane = await ControlPlane.start();
      const dataplane = new Dataplane(controlPlane, record, workDir, { probeTimeoutMs: 1500, concurrency: 48, dnsRecords: {}, ...options });
      await dataplane.boot();
      return dataplane;
    } catch (error) {
      record.killNow();
      await controlPlane?.stop();
      rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  private async boot(): Promise<void> {
    this.record.addNetns(this.nodeNetns);
    await createNodeNetns(this.nodeNetns, NODE_IP);
    const port = Number(new URL(this.controlPlane.endpoints.apiServerUrl).port);
    this.forwarder = await ApiForwarder.start(this.nodeNetns, port, join(this.workDir, 'apiserver.sock'), (pid) => this.record.addPid(pid));
    await registerNode(this.cluster, NODE_NAME, NODE_IP);
    this.kubeRouterValue = KubeRouter.start(this.nodeNetns, this.controlPlane.endpoints.kubeconfig, NODE_NAME, join(this.workDir, 'kube-router.log'), (pid) =>
      this.record.addPid(pid),
    );
  }

  get kubeRouter(): KubeRouter {
    if (!this.kubeRouterValue) throw new Error('kube-router is not running');
    return this.kubeRouterValue;
  }

  /** Every process the dataplane started (kube-router, the API relay, the agents), for teardown checks. */
  get pids(): number[] {
    return [this.kubeRouterValue?.pid, this.forwarder?.pid, ...[...this.built.values()].map((b) => b.agent.pid)].filter((pid): pid is number => pid !== undefined && pid > 0);
  }

  /** The node's network namespace, where kube-router's rules live. */
  get nodeNamespace(): string {
    return this.nodeNetns;
  }

  /** The network namespace of an endpoint built by {@link setTopology}. */
  namespaceOf(id: string): string {
    const built = this.built.get(id);
    if (!built) throw new Error(`no endpoint ${id} on this dataplane`);
    return built.netns;
  }

  /** The network namespaces of this run (for leak checks). */
  get namespacePrefix(): string {
    return this.netnsId;
  }

  /**
   * Makes the dataplane hold exactly the model's endpoints: each Pod is a network namespace
   * with its IP, an agent on its TCP and UDP container ports, and an API object bound to the
   * node with that IP in its status; each External endpoint is a namespace outside the cluster.
   * Namespaces get exactly the model's labels. Endpoints that stay the same (IP and ports) are
   * kept and only relabelled, so a series of similar scenarios costs little. Policies are not
   * touched.
   */
  async setTopology(model: ClusterModel): Promise<void> {
    const wanted = new Map(model.endpoints.map((e) => [e.id, e]));
    for (const endpoint of model.endpoints) {
      if (endpoint.kind !== 'Pod' && endpoint.kind !== 'External') throw new Error(`${endpoint.id}: only Pods and External endpoints can be built, not ${endpoint.kind}`);
      if (!endpoint.ip) throw new Error(`${endpoint.id}: a pod needs status.podIP to be built on the dataplane`);
    }
    const gone = [...this.built.values()].filter((b) => {
      const next = wanted.get(b.endpoint.id);
      return !next || next.kind !== b.endpoint.kind || next.ip !== b.endpoint.ip || portsKey(next) !== portsKey(b.endpoint);
    });
    await deletePods(this.api, gone.filter((b) => b.endpoint.kind === 'Pod').map((b) => b.endpoint));
    for (const b of gone) {
      await b.agent.stop();
      this.record.removePid(b.agent.pid);
      await deleteEndpointLink(this.nodeNetns, b.hostIfName);
      deleteNetnsSync(b.netns);
      this.built.delete(b.endpoint.id);
    }
    await syncNamespaces(this.api, model);
    const created: ClusterModel['endpoints'][number][] = [];
    for (const endpoint of model.endpoints) {
      const existing = this.built.get(endpoint.id);
      if (existing) {
        if (endpoint.kind === 'Pod' && labelsKey(existing.endpoint.labels) !== labelsKey(endpoint.labels)) await relabelPod(this.api, existing.endpoint, endpoint);
        existing.endpoint = endpoint;
        continue;
      }
      const index = this.nextIndex++;
      const netns = `${this.netnsId}-${index}`;
      this.record.addNetns(netns);
      const hostIfName = `h${index}`;
      await createEndpointNetns(this.nodeNetns, netns, hostIfName, endpoint.ip!);
      const agent = await PodAgent.start(netns, endpoint.id, listenPorts(endpoint.ports), (pid) => this.record.addPid(pid), this.options.dnsRecords);
      this.built.set(endpoint.id, { endpoint, netns, hostIfName, agent });
      if (endpoint.kind === 'Pod') created.push(endpoint);
    }
    await createPods(this.api, created, NODE_NAME, NODE_IP);
  }

  /** The topology with the NetworkPolicies the API server stores now (defaults applied): what the analyzer judges. */
  async withStoredPolicies(topology: ClusterModel): Promise<ClusterModel> {
    const { model } = clusterModelFromObjects(await this.storedPolicies());
    return { ...topology, policies: model.policies };
  }

  /** Every stored NetworkPolicy, with the kind and apiVersion a list's items leave out. */
  private async storedPolicies(): Promise<Record<string, unknown>[]> {
    const list = (await this.api.send('GET', POLICIES_PATH)) as { items: Record<string, unknown>[] };
    return list.items.map((item) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...item }));
  }

  /**
   * Creates NetworkPolicies (each names its namespace) through the API, one request each: a
   * kubectl process per scenario costs more than the scenario's probes.
   */
  async createPolicies(policies: readonly unknown[]): Promise<void> {
    for (const policy of policies) {
      const namespace = (policy as { metadata?: { namespace?: string } }).metadata?.namespace;
      if (!namespace) throw new Error(`a NetworkPolicy to create names no namespace: ${JSON.stringify(policy)}`);
      await this.api.send('POST', `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`, policy);
    }
  }

  /** Deletes every NetworkPolicy in every namespace. */
  async deleteAllPolicies(): Promise<void> {
    const namespaces = new Set((await this.storedPolicies()).map((p) => (p['metadata'] as { namespace: string }).namespace));
    for (const namespace of namespaces) await this.api.send('DELETE', `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`);
  }

  /** One probe: a new connection from `from` to `to`'s IP, waiting `timeoutMs` (the dataplane's probe timeout by default) for an answer. */
  probe(from: string, to: string, port: number, protocol: ListenPort['protocol'], timeoutMs = this.options.probeTimeoutMs): Promise<ProbeResult> {
    const agent = this.built.get(from)?.agent;
    const ip = this.built.get(to)?.endpoint.ip;
    if (!agent || !ip) throw new Error(`no endpoint ${agent ? to : from} on this dataplane`);
    return agent.probe(ip, port, protocol, timeoutMs);
  }

  /** Probes every connection, `concurrency` at a time. */
  async probeAll(connections: readonly Connection[], timeoutMs = this.options.probeTimeoutMs): Promise<ProbeResult[]> {
    const results = new Array<ProbeResult>(connections.length);
    let next = 0;
    const worker = async () => {
      while (next < connections.length) {
        const i = next++;
        const c = connections[i]!;
        results[i] = await this.probe(c.from, c.to, c.port, c.protocol as ListenPort['protocol'], timeoutMs);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, connections.length) }, worker));
    return results;
  }

  /** True when a probe reached `to` itself (its agent answered with its identity). */
  static reached(result: ProbeResult, to: string): boolean {
    return result.outcome === 'open' && result.peer === to;
  }

  /**
   * Probes the analyzer's full matrix for `model` (every ordered pair of endpoints x each TCP
   * and UDP port the destination declares) until every observed verdict equals the prediction,
   * or `timeoutMs` passes; enforcement is asynchronous. Disagreements `isExplained` accepts
   * (known enforcer deviations) do not keep it waiting. Returns what still disagrees.
   */
  async compareWithAnalyzer(model: ClusterModel, timeoutMs = 30_000, isExplained: (d: Disagreement) => boolean = () => false): Promise<Comparison> {
    const connections = analyzeReachability(model).filter((c) => c.protocol !== 'SCTP' && this.built.has(c.from) && this.built.has(c.to));
    return this.compare(connections, timeoutMs, isExplained);
  }

  /** Like {@link compareWithAnalyzer}, for a given list of expected verdicts (a conformance case's truth table). SCTP is not probed. */
  async compare(expected: readonly Connection[], timeoutMs = 30_000, isExplained: (d: Disagreement) => boolean = () => false): Promise<Comparison> {
    const connections = expected.filter((c) => c.protocol !== 'SCTP');
    const started = Date.now();
    for (let rounds = 1; ; rounds++) {
      const observed = await this.probeAll(connections);
      const disagreements: Disagreement[] = [];
      connections.forEach((connection, i) => {
        const result = observed[i]!;
        if (Dataplane.reached(result, connection.to) !== connection.allowed) {
          disagreements.push({ connection, observed: result, why: connection.explanation ? explanationText(connection.explanation) : '' });
        }
      });
      const elapsedMs = Date.now() - started;
      if (disagreements.every(isExplained) || elapsedMs > timeoutMs) return { connections, disagreements, elapsedMs, rounds };
      if (!this.kubeRouter.running) throw new Error(`kube-router exited. Last lines of its log:\n${this.kubeRouter.tail()}`);
      // kube-router programs a change in 0.1-0.5 s: poll often, each round is a fresh matrix of probes.
      await sleep(100);
    }
  }

  /** Stops kube-router, the agents and the relay by PID, deletes every namespace, stops the control plane. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.kubeRouterValue?.stop();
    await Promise.all([...this.built.values()].map((b) => b.agent.stop()));
    await this.forwarder?.stop();
    this.record.killNow();
    await this.controlPlane.stop();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** The ports an agent can listen on: TCP and UDP, each once. */
function listenPorts(ports: ClusterModel['endpoints'][number]['ports']): ListenPort[] {
  const seen = new Set<string>();
  const result: ListenPort[] = [];
  for (const { port, protocol } of ports) {
    if (protocol === 'SCTP' || seen.has(`${port}/${protocol}`)) continue;
    seen.add(`${port}/${protocol}`);
    result.push({ port, protocol });
  }
  return result;
}

function portsKey(endpoint: ClusterModel['endpoints'][number]): string {
  return JSON.stringify(listenPorts(endpoint.ports));
}

function labelsKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}
