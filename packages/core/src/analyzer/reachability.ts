/**
 * The reachability evaluator: may endpoint A open a connection to endpoint B on port P?
 * Pure: it reads a {@link ClusterModel} and returns verdicts with explanations.
 *
 * Semantics (shared/conformance/SEMANTICS.md, NETPOL-PITFALLS.md 1-8):
 * - A policy isolates the pods of its namespace that its podSelector selects, per direction it
 *   governs; policyTypes absent or empty means Ingress, plus Egress iff `egress` has a rule.
 * - An isolated direction allows what at least one rule of one selecting policy allows (union).
 *   A connection needs egress at the source AND ingress at the destination.
 * - A rule matches when a peer matches (none listed: every peer) and a port entry matches
 *   (none listed: every port). Peers: podSelector alone = the policy's namespace;
 *   namespaceSelector + podSelector in one peer = AND; ipBlock = cidr minus except, host bits
 *   masked. Ports: protocol defaults to TCP; `endPort` closes a range; a named port matches
 *   only when the DESTINATION has a container port with that name, protocol and number.
 * - Pod IPs and ipBlocks (implementation-defined upstream; this is our choice): an ipBlock
 *   matches any endpoint whose IP lies in it. Egress ipBlocks match destination pod IPs (the
 *   upstream e2e suite requires it) and ingress ipBlocks match the source pod IP, as CNIs that
 *   do not SNAT pod traffic behave. Workloads have no IP, so ipBlocks never match them.
 *   External endpoints are never selected by policies (not isolated); only ipBlocks match them.
 * - Traffic from an endpoint to itself is always allowed; the explanation says so and still
 *   reports what the rules alone would say.
 *
 * Scale: {@link iterateReachability} never compares endpoints pairwise by rule. It groups
 * endpoints into classes by (namespace, label set, container ports, the ipBlocks their IP falls
 * in): every member of a class is matched by the same selectors and blocks. For each class it
 * computes once which policies select it per direction and which rule peers match it, then
 * merges classes with identical (selecting policies, matched peers, ports) into behaviour
 * groups. Verdicts are computed per (source group, destination group, port) on first use, kept
 * in a bounded row cache, and interned, so the work grows with the number of groups; endpoint
 * pairs only appear when connections are emitted, one at a time.
 */
import { parseIp } from '../model/kubernetes-names.js';
import { NAMESPACE_NAME_LABEL, type NetworkPolicyType } from '../model/network-policy.js';
import { AnalyzerInputError } from './analyzer-input-error.js';
import {
  compareText,
  type ClusterContainerPort,
  type ClusterEndpoint,
  type ClusterModel,
  type EndpointId,
  type Protocol,
} from './cluster-model.js';
import {
  compilePolicy,
  compileProtocol,
  ipBlockContains,
  portsAdmit,
  type CompiledIpBlockPeer,
  type CompiledPeer,
  type CompiledPolicy,
  type Labels,
  type ParsedIp,
} from './compiled-policy.js';

/** One rule of one policy: `policy` is `<namespace>/<name>`, `rule` the 0-based index in its list. */
export interface PolicyRuleRef {
  readonly policy: string;
  readonly direction: NetworkPolicyType;
  readonly rule: number;
}

/** What one side of a connection (egress at the source, or ingress at the destination) decided. */
export type SideExplanation =
  | {
      readonly state: 'not-isolated';
      /** `no-policy`: no policy selects the endpoint for this direction; `external`: it is outside the cluster. */
      readonly reason: 'no-policy' | 'external';
    }
  | {
      readonly state: 'allowed';
      /** Every rule that admits the connection, by policy then rule index. */
      readonly allowedBy: readonly PolicyRuleRef[];
    }
  | {
      readonly state: 'denied';
      /** The policies that isolate the endpoint in this direction; none of their rules matched. */
      readonly isolatedBy: readonly string[];
    };

/** Why a connection is allowed or denied. Shared between connections with the same reasons. */
export interface Explanation {
  /** Source and destination are the same endpoint: always allowed, whatever the sides say. */
  readonly selfTraffic: boolean;
  /** Egress, judged at the source. */
  readonly egress: SideExplanation;
  /** Ingress, judged at the destination. */
  readonly ingress: SideExplanation;
}

/** The answer for one connection. */
export interface Verdict {
  readonly allowed: boolean;
  readonly explanation: Explanation;
}

/** One judged connection: `from` opens it to `to` on destination port `port`/`protocol`. */
export interface Connection {
  readonly from: EndpointId;
  readonly to: EndpointId;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  readonly explanation?: Explanation;
}

/** Narrows {@link analyzeReachability}. Every field is optional. */
export interface ReachabilityQuery {
  /** Only connections from this endpoint id. */
  readonly from?: EndpointId;
  /** Only connections to this endpoint id. */
  readonly to?: EndpointId;
  /** Judge this port for every destination, declared or not, instead of the declared container ports. */
  readonly port?: number;
  /** Only this protocol. With `port`: @default 'TCP' */
  readonly protocol?: Protocol;
}

interface PreparedModel {
  /** Sorted by id. */
  readonly endpoints: readonly ClusterEndpoint[];
  readonly indexById: ReadonlyMap<string, number>;
  readonly ips: readonly (ParsedIp | undefined)[];
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
  /** Sorted by ref. */
  readonly policies: readonly CompiledPolicy[];
  readonly policiesByNamespace: ReadonlyMap<string, readonly CompiledPolicy[]>;
  /** Every peer of every governed rule. */
  readonly peers: readonly CompiledPeer[];
  /** The namespace of the policy that owns each peer, by peer id. */
  readonly peerNamespaces: readonly string[];
  groups?: Grouping;
}

const preparedModels = new WeakMap<ClusterModel, PreparedModel>();

function endpointRef(endpoint: ClusterEndpoint): string {
  return `${endpoint.kind} ${endpoint.id}`;
}

/** Validates and indexes a model once; models are immutable, so the result is cached per object. */
function prepare(model: ClusterModel): PreparedModel {
  const cached = preparedModels.get(model);
  if (cached) return cached;

  const endpoints = [...model.endpoints].sort((a, b) => compareText(a.id, b.id));
  const indexById = new Map<string, number>();
  const namespaceLabels = new Map<string, Labels>();
  for (const namespace of model.namespaces) {
    namespaceLabels.set(namespace.name, { [NAMESPACE_NAME_LABEL]: namespace.name, ...namespace.labels });
  }
  const ips = endpoints.map((endpoint, index) => {
    if (indexById.has(endpoint.id)) {
      throw new AnalyzerInputError(endpointRef(endpoint), 'id', `two endpoints share the id ${endpoint.id}: ids must be unique`);
    }
    indexById.set(endpoint.id, index);
    if (endpoint.kind !== 'External') {
      if (!endpoint.namespace) {
        throw new AnalyzerInputError(endpointRef(endpoint), 'namespace', 'every endpoint except external ones needs a namespace');
      }
      if (!namespaceLabels.has(endpoint.namespace)) namespaceLabels.set(endpoint.namespace, { [NAMESPACE_NAME_LABEL]: endpoint.namespace });
    } else if (endpoint.namespace !== undefined) {
      throw new AnalyzerInputError(endpointRef(endpoint), 'namespace', 'external endpoints belong to no namespace: remove it, or use a Pod');
    }
    endpoint.ports.forEach((port, index) => {
      if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
        throw new AnalyzerInputError(endpointRef(endpoint), `ports[${index}].port`, `must be a port number from 1 to 65535, got ${String(port.port)}`);
      }
      compileProtocol(port.protocol, endpointRef(endpoint), `ports[${index}].protocol`);
    });
    if (endpoint.ip === undefined) return undefined;
    const ip = parseIp(endpoint.ip);
    if (!ip) throw new AnalyzerInputError(endpointRef(endpoint), 'ip', `"${endpoint.ip}" is not an IP address`);
    return ip;
  });

  const peers: CompiledPeer[] = [];
  const peerNamespaces: string[] = [];
  let peerCount = 0;
  const policies = model.policies.map((policy, index) => compilePolicy(policy, `policies[${index}]`, () => peerCount++));
  // Peers of a direction a policy does not govern are dropped, so ids can have gaps.
  for (const policy of policies) {
    for (const rules of [policy.ingress, policy.egress]) {
      for (const rule of rules ?? []) {
        for (const peer of rule.peers ?? []) {
          peers.push(peer);
          peerNamespaces[peer.id] = policy.namespace;
        }
      }
    }
  }
  policies.sort((a, b) => compareText(a.ref, b.ref));
  const policiesByNamespace = new Map<string, CompiledPolicy[]>();
  policies.forEach((policy, index) => {
    if (index > 0 && policies[index - 1]!.ref === policy.ref) {
      throw new AnalyzerInputError(`NetworkPolicy ${policy.ref}`, 'metadata.name', 'two policies share this namespace and name: keep one');
    }
    if (!namespaceLabels.has(policy.namespace)) namespaceLabels.set(policy.namespace, { [NAMESPACE_NAME_LABEL]: policy.namespace });
    const list = policiesByNamespace.get(policy.namespace) ?? [];
    list.push(policy);
    policiesByNamespace.set(policy.namespace, list);
  });

  const prepared: PreparedModel = { endpoints, indexById, ips, namespaceLabels, policies, policiesByNamespace, peers, peerNamespaces };
  preparedModels.set(model, prepared);
  return prepared;
}

function rulesOf(policy: CompiledPolicy, direction: NetworkPolicyType) {
  return direction === 'Ingress' ? policy.ingress : policy.egress;
}

/** Policies of the endpoint's namespace that govern `direction` and select it; `external` for externals. */
function selectingPolicies(prepared: PreparedModel, endpoint: ClusterEndpoint, direction: NetworkPolicyType): readonly CompiledPolicy[] | 'external' {
  if (endpoint.namespace === undefined) return 'external';
  const candidates = prepared.policiesByNamespace.get(endpoint.namespace) ?? [];
  return candidates.filter((policy) => rulesOf(policy, direction) !== undefined && policy.podSelector.matches(endpoint.labels));
}

/**
 * Judges one side. `selecting` are the policies isolating the judged endpoint in `direction`;
 * `peerMatches` says whether a rule peer matches the other end.
 */
function judgeSide(
  direction: NetworkPolicyType,
  selecting: readonly CompiledPolicy[] | 'external',
  peerMatches: (peer: CompiledPeer) => boolean,
  port: number,
  protocol: Protocol,
  destinationPorts: readonly ClusterContainerPort[],
): SideExplanation {
  if (selecting === 'external') return NOT_ISOLATED_EXTERNAL;
  if (selecting.length === 0) return NOT_ISOLATED_NO_POLICY;
  const allowedBy: PolicyRuleRef[] = [];
  for (const policy of selecting) {
    for (const rule of rulesOf(policy, direction)!) {
      const peerOk = rule.peers === undefined || rule.peers.some(peerMatches);
      if (peerOk && portsAdmit(rule.ports, port, protocol, destinationPorts)) {
        allowedBy.push({ policy: policy.ref, direction, rule: rule.index });
      }
    }
  }
  if (allowedBy.length > 0) return { state: 'allowed', allowedBy };
  return { state: 'denied', isolatedBy: selecting.map((policy) => policy.ref) };
}

const NOT_ISOLATED_EXTERNAL: SideExplanation = { state: 'not-isolated', reason: 'external' };
const NOT_ISOLATED_NO_POLICY: SideExplanation = { state: 'not-isolated', reason: 'no-policy' };

function peerMatchesEndpoint(prepared: PreparedModel, peer: CompiledPeer, index: number): boolean {
  if (peer.kind === 'ipBlock') {
    const ip = prepared.ips[index];
    return ip !== undefined && ipBlockContains(peer, ip);
  }
  const endpoint = prepared.endpoints[index]!;
  if (endpoint.namespace === undefined) return false;
  const namespaceOk =
    peer.namespaceSelector === undefined
      ? endpoint.namespace === prepared.peerNamespaces[peer.id]
      : peer.namespaceSelector.matches(prepared.namespaceLabels.get(endpoint.namespace)!);
  return namespaceOk && (peer.podSelector === undefined || peer.podSelector.matches(endpoint.labels));
}

function verdictOf(selfTraffic: boolean, egress: SideExplanation, ingress: SideExplanation): Verdict {
  return {
    allowed: selfTraffic || (egress.state !== 'denied' && ingress.state !== 'denied'),
    explanation: { selfTraffic, egress, ingress },
  };
}

function checkPort(port: number, objectRef: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AnalyzerInputError(objectRef, 'port', `must be a port number from 1 to 65535, got ${String(port)}`);
  }
}

function endpointIndex(prepared: PreparedModel, id: EndpointId, field: 'from' | 'to'): number {
  const index = prepared.indexById.get(id);
  if (index === undefined) {
    throw new AnalyzerInputError('query', field, `no endpoint "${id}" in the model: use <namespace>/<name> for pods and workloads, or the bare IP of an external endpoint`);
  }
  return index;
}

/**
 * Judges one connection, endpoint by endpoint (no grouping): egress at `from`, ingress at `to`,
 * on destination port `port`/`protocol`. Traffic from an endpoint to itself is always allowed.
 *
 * @throws {AnalyzerInputError} for an unknown endpoint id, a bad port or protocol, or a malformed model.
 * @example
 * ```ts
 * const { allowed, explanation } = evaluateConnection(model, 'shop/web', 'shop/db', 5432, 'TCP');
 * console.log(explanationText(explanation));
 * ```
 */
export function evaluateConnection(model: ClusterModel, from: EndpointId, to: EndpointId, port: number, protocol: Protocol): Verdict {
  const prepared = prepare(model);
  const source = endpointIndex(prepared, from, 'from');
  const destination = endpointIndex(prepared, to, 'to');
  checkPort(port, 'query');
  compileProtocol(protocol, 'query', 'protocol');
  const destinationPorts = prepared.endpoints[destination]!.ports;
  const egress = judgeSide(
    'Egress',
    selectingPolicies(prepared, prepared.endpoints[source]!, 'Egress'),
    (peer) => peerMatchesEndpoint(prepared, peer, destination),
    port,
    protocol,
    destinationPorts,
  );
  const ingress = judgeSide(
    'Ingress',
    selectingPolicies(prepared, prepared.endpoints[destination]!, 'Ingress'),
    (peer) => peerMatchesEndpoint(prepared, peer, source),
    port,
    protocol,
    destinationPorts,
  );
  return verdictOf(source === destination, egress, ingress);
}

// ---------------------------------------------------------------------------------------------
// Grouping

interface EndpointGroup {
  readonly ingressPolicies: readonly CompiledPolicy[] | 'external';
  readonly egressPolicies: readonly CompiledPolicy[] | 'external';
  readonly matchedPeers: ReadonlySet<number>;
  /** Declared ports, sorted by number then protocol, one per (number, protocol). */
  readonly targets: readonly ClusterContainerPort[];
  /** Ports as declared, for named-port resolution. */
  readonly ports: readonly ClusterContainerPort[];
}

interface Grouping {
  readonly groups: readonly EndpointGroup[];
  /** Group index of each endpoint, by endpoint index. */
  readonly groupOf: Int32Array;
}

interface EndpointClass {
  readonly representative: number;
  readonly namespace: string | undefined;
  readonly blockKeys: readonly string[];
  readonly portsKey: string;
  readonly matchedPeers: number[];
}

const PROTOCOL_ORDER: Readonly<Record<Protocol, number>> = { TCP: 0, UDP: 1, SCTP: 2 };

function sortedTargets(ports: readonly ClusterContainerPort[]): ClusterContainerPort[] {
  const seen = new Map<string, ClusterContainerPort>();
  for (const port of ports) {
    const protocol = port.protocol ?? 'TCP';
    seen.set(`${port.port}/${protocol}`, { port: port.port, protocol });
  }
  return [...seen.values()].sort((a, b) => a.port - b.port || PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol]);
}

function labelsKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join('\u0002');
}

/** Builds classes, then behaviour groups; see the module comment. Cached with the prepared model. */
function groupEndpoints(prepared: PreparedModel): Grouping {
  if (prepared.groups) return prepared.groups;
  const { endpoints, peers } = prepared;

  const distinctBlocks = new Map<string, CompiledIpBlockPeer>();
  for (const peer of peers) if (peer.kind === 'ipBlock' && !distinctBlocks.has(peer.blockKey)) distinctBlocks.set(peer.blockKey, peer);

  const classes = new Map<string, EndpointClass>();
  const classOf: EndpointClass[] = [];
  endpoints.forEach((endpoint, index) => {
    const ip = prepared.ips[index];
    const blockKeys = ip === undefined ? [] : [...distinctBlocks.values()].filter((block) => ipBlockContains(block, ip)).map((b) => b.blockKey).sort();
    const portsKey = endpoint.ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}/${p.name ?? ''}`).sort().join(',');
    const key = [endpoint.namespace ?? '\u0000external', labelsKey(endpoint.labels), portsKey, blockKeys.join('\u0002')].join('\u0001');
    let endpointClass = classes.get(key);
    if (!endpointClass) {
      endpointClass = { representative: index, namespace: endpoint.namespace, blockKeys, portsKey, matchedPeers: [] };
      classes.set(key, endpointClass);
    }
    classOf.push(endpointClass);
  });

  const classesByNamespace = new Map<string, EndpointClass[]>();
  const classesByBlock = new Map<string, EndpointClass[]>();
  for (const endpointClass of classes.values()) {
    if (endpointClass.namespace !== undefined) {
      const list = classesByNamespace.get(endpointClass.namespace) ?? [];
      list.push(endpointClass);
      classesByNamespace.set(endpointClass.namespace, list);
    }
    for (const blockKey of endpointClass.blockKeys) {
      const list = classesByBlock.get(blockKey) ?? [];
      list.push(endpointClass);
      classesByBlock.set(blockKey, list);
    }
  }

  // Each peer visits only the classes it can match: those of the namespaces its
  // namespaceSelector admits (or its policy's namespace), or those inside its ipBlock.
  const namespaceNames = [...prepared.namespaceLabels.keys()];
  for (const peer of peers) {
    if (peer.kind === 'ipBlock') {
      for (const endpointClass of classesByBlock.get(peer.blockKey) ?? []) endpointClass.matchedPeers.push(peer.id);
      continue;
    }
    const namespaces =
      peer.namespaceSelector === undefined
        ? [prepared.peerNamespaces[peer.id]!]
        : namespaceNames.filter((name) => peer.namespaceSelector!.matches(prepared.namespaceLabels.get(name)!));
    for (const namespace of namespaces) {
      for (const endpointClass of classesByNamespace.get(namespace) ?? []) {
        if (peer.podSelector === undefined || peer.podSelector.matches(endpoints[endpointClass.representative]!.labels)) {
          endpointClass.matchedPeers.push(peer.id);
        }
      }
    }
  }

  const policyNumber = new Map(prepared.policies.map((policy, index) => [policy, index]));
  const policyListKey = (list: readonly CompiledPolicy[] | 'external') =>
    list === 'external' ? 'x' : list.map((policy) => policyNumber.get(policy)).join(',');
  const groups: EndpointGroup[] = [];
  const groupByClass = new Map<EndpointClass, number>();
  const groupBySignature = new Map<string, number>();
  for (const endpointClass of classes.values()) {
    const representative = endpoints[endpointClass.representative]!;
    const ingressPolicies = selectingPolicies(prepared, representative, 'Ingress');
    const egressPolicies = selectingPolicies(prepared, representative, 'Egress');
    const signature = [policyListKey(ingressPolicies), policyListKey(egressPolicies), endpointClass.matchedPeers.join(','), endpointClass.portsKey].join('|');
    let group = groupBySignature.get(signature);
    if (group === undefined) {
      group = groups.length;
      groups.push({
        ingressPolicies,
        egressPolicies,
        matchedPeers: new Set(endpointClass.matchedPeers),
        targets: sortedTargets(representative.ports),
        ports: representative.ports,
      });
      groupBySignature.set(signature, group);
    }
    groupByClass.set(endpointClass, group);
  }

  const groupOf = new Int32Array(endpoints.length);
  classOf.forEach((endpointClass, index) => (groupOf[index] = groupByClass.get(endpointClass)!));
  prepared.groups = { groups, groupOf };
  return prepared.groups;
}

/** Interns verdicts so that equal explanations are one object, whatever the number of pairs. */
class VerdictInterner {
  private readonly sides = new Map<string, { side: SideExplanation; id: number }>();
  private readonly verdicts = new Map<string, Verdict>();

  private side(side: SideExplanation): { side: SideExplanation; id: number } {
    const key =
      side.state === 'allowed'
        ? `a:${side.allowedBy.map((r) => `${r.policy}#${r.rule}`).join(' ')}`
        : side.state === 'denied'
          ? `d:${side.isolatedBy.join(' ')}`
          : `n:${side.reason}`;
    const directionKey = side.state === 'allowed' ? `${side.allowedBy[0]!.direction}:` : '';
    let interned = this.sides.get(directionKey + key);
    if (!interned) {
      interned = { side, id: this.sides.size };
      this.sides.set(directionKey + key, interned);
    }
    return interned;
  }

  verdict(egress: SideExplanation, ingress: SideExplanation): Verdict {
    const e = this.side(egress);
    const i = this.side(ingress);
    const key = `${e.id}|${i.id}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = verdictOf(false, e.side, i.side);
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }
}

/** Verdict rows kept at once; rows are recomputed on demand after eviction. */
const ROW_CACHE_CELLS = 4_000_000;

/**
 * Streams the connections {@link analyzeReachability} returns, in the same order, holding
 * only per-group state: memory stays bounded however many pairs the cluster has.
 *
 * @throws {AnalyzerInputError} for an unknown endpoint id in the query, a bad port or
 *   protocol, or a malformed model.
 */
export function* iterateReachability(model: ClusterModel, query: ReachabilityQuery = {}): Generator<Connection, void, undefined> {
  const prepared = prepare(model);
  const { groups, groupOf } = groupEndpoints(prepared);
  const { endpoints } = prepared;
  if (query.port !== undefined) checkPort(query.port, 'query');
  const protocol = query.protocol === undefined ? undefined : compileProtocol(query.protocol, 'query', 'protocol');
  const sources = query.from === undefined ? endpoints.map((_, index) => index) : [endpointIndex(prepared, query.from, 'from')];
  const destinations = query.to === undefined ? endpoints.map((_, index) => index) : [endpointIndex(prepared, query.to, 'to')];

  const targets: readonly (readonly ClusterContainerPort[])[] = groups.map((group) =>
    query.port !== undefined
      ? [{ port: query.port, protocol: protocol ?? 'TCP' }]
      : protocol === undefined
        ? group.targets
        : group.targets.filter((target) => target.protocol === protocol),
  );
  const interner = new VerdictInterner();
  const rows = new Map<number, (Verdict[] | undefined)[]>();
  let cachedCells = 0;

  const cell = (sourceGroup: number, destinationGroup: number): Verdict[] => {
    const source = groups[sourceGroup]!;
    const destination = groups[destinationGroup]!;
    return targets[destinationGroup]!.map((target) =>
      interner.verdict(
        judgeSide('Egress', source.egressPolicies, (peer) => destination.matchedPeers.has(peer.id), target.port, target.protocol, destination.ports),
        judgeSide('Ingress', destination.ingressPolicies, (peer) => source.matchedPeers.has(peer.id), target.port, target.protocol, destination.ports),
      ),
    );
  };

  for (const source of sources) {
    const sourceGroup = groupOf[source]!;
    let row = rows.get(sourceGroup);
    if (!row) {
      if (cachedCells + groups.length > ROW_CACHE_CELLS) {
        rows.clear();
        cachedCells = 0;
      }
      row = new Array<Verdict[] | undefined>(groups.length);
      rows.set(sourceGroup, row);
      cachedCells += groups.length;
    }
    const from = endpoints[source]!.id;
    for (const destination of destinations) {
      if (destination === source) continue;
      const destinationGroup = groupOf[destination]!;
      const verdicts = (row[destinationGroup] ??= cell(sourceGroup, destinationGroup));
      const destinationTargets = targets[destinationGroup]!;
      const to = endpoints[destination]!.id;
      for (let k = 0; k < destinationTargets.length; k++) {
        const verdict = verdicts[k]!;
        const target = destinationTargets[k]!;
        yield { from, to, port: target.port, protocol: target.protocol, allowed: verdict.allowed, explanation: verdict.explanation };
      }
    }
  }
}

/**
 * Judges every ordered pair of distinct endpoints on each container port the destination
 * declares, or on `query.port`/`query.protocol` when given (declared or not). Sorted by
 * from, to, port, then protocol (TCP, UDP, SCTP). Use {@link iterateReachability} for large
 * clusters: this holds every connection in memory.
 *
 * @throws {AnalyzerInputError} as {@link iterateReachability}.
 */
export function analyzeReachability(model: ClusterModel, query: ReachabilityQuery = {}): Connection[] {
  return [...iterateReachability(model, query)];
}

/** Counts of what the grouping found; useful to see why a cluster is fast or slow to analyze. */
export interface ReachabilityStatistics {
  readonly endpoints: number;
  readonly policies: number;
  /** Behaviour groups: endpoints no policy can tell apart. */
  readonly groups: number;
}

/** How many behaviour groups the evaluator works with for this model. */
export function reachabilityStatistics(model: ClusterModel): ReachabilityStatistics {
  const prepared = prepare(model);
  return { endpoints: prepared.endpoints.length, policies: prepared.policies.length, groups: groupEndpoints(prepared).groups.length };
}

function describeSide(side: SideExplanation, direction: 'egress' | 'ingress'): string {
  switch (side.state) {
    case 'not-isolated':
      return side.reason === 'external'
        ? 'is not isolated (an external endpoint is never selected by a policy)'
        : `is not isolated (no policy selects it for ${direction})`;
    case 'allowed':
      return `is allowed by ${side.allowedBy.map((ref) => `policy ${ref.policy} ${direction} rule ${ref.rule}`).join(', ')}`;
    case 'denied':
      return `is denied: isolated for ${direction} by ${side.isolatedBy.map((ref) => `policy ${ref}`).join(', ')}, and no rule matches`;
  }
}

/**
 * One readable line, e.g. `denied: egress at the source is not isolated (no policy selects it
 * for egress); ingress at the destination is denied: isolated for ingress by policy x/deny-all,
 * and no rule matches`.
 */
export function explanationText(explanation: Explanation): string {
  const sides = `egress at the source ${describeSide(explanation.egress, 'egress')}; ingress at the destination ${describeSide(explanation.ingress, 'ingress')}`;
  if (explanation.selfTraffic) {
    return `allowed: traffic from an endpoint to itself is always allowed (a pod cannot block access to itself); by the rules alone, ${sides}`;
  }
  const allowed = explanation.egress.state !== 'denied' && explanation.ingress.state !== 'denied';
  return `${allowed ? 'allowed' : 'denied'}: ${sides}`;
}
