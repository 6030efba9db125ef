/**
 * The reachability evaluator: may endpoint A open a connection to endpoint B on port P?
 * Pure: it reads a {@link ClusterModel} and returns verdicts with explanations.
 *
 * Semantics (docs/pitfalls.md, pitfalls 1-8; checked by the conformance cases in ./conformance):
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
 * Scale: nothing here compares endpoints pairwise by rule.
 * 1. Classes: endpoints with the same (namespace, label set, container ports, ipBlocks their IP
 *    falls in) are matched by the same selectors and blocks. Each class is matched once against
 *    the podSelectors of its namespace's policies and against the rule peers that can reach it
 *    (a peer only visits the classes of the namespaces its namespaceSelector admits, or of its
 *    ipBlock).
 * 2. Behaviour groups: classes with the same selecting policies per direction, matched peers
 *    and ports merge; equal policy lists are shared objects (policy sets).
 * 3. Verdicts per group pair and port. A side depends on the other end only through the rule
 *    peers it matches. Egress answers of a source policy set are judged per destination group
 *    only for the groups its peers match ("touched"); every other destination shares one answer
 *    per port profile. Ingress answers of a destination profile (ingress policy set + ports)
 *    are judged per source only when the source matches one of its peers, and then cached by
 *    exactly those peers; untouched sources share one answer. A pair that neither side touches
 *    reuses one cell per (source policy set, destination profile).
 * 4. Emission: endpoint pairs appear only when connections are emitted, one at a time, from a
 *    bounded row cache; {@link summarizeReachability} weights group pairs by their sizes instead.
 * Work therefore grows with groups squared (cheap array lookups) plus the touched combinations,
 * never with pods squared times rules.
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

  // A hand-built model may leave a port's protocol out; the API server would default it to TCP.
  const endpoints = model.endpoints
    .map((endpoint) =>
      endpoint.ports.every((port) => port.protocol !== undefined)
        ? endpoint
        : { ...endpoint, ports: endpoint.ports.map((port) => ({ ...port, protocol: port.protocol ?? 'TCP' })) },
    )
    .sort((a, b) => compareText(a.id, b.id));
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
  deniedAnswer?: SideExplanation,
): SideExplanation {
  if (selecting === 'external') return NOT_ISOLATED_EXTERNAL;
  if (selecting.length === 0) return NOT_ISOLATED_NO_POLICY;
  let allowedBy: PolicyRuleRef[] | undefined;
  for (const policy of selecting) {
    for (const rule of rulesOf(policy, direction)!) {
      // Ports first: cheaper than peers, and most rules of an isolation set fail on them.
      if (portsAdmit(rule.ports, port, protocol, destinationPorts) && (rule.peers === undefined || rule.peers.some(peerMatches))) {
        (allowedBy ??= []).push({ policy: policy.ref, direction, rule: rule.index });
      }
    }
  }
  if (allowedBy) return { state: 'allowed', allowedBy };
  return deniedAnswer ?? { state: 'denied', isolatedBy: selecting.map((policy) => policy.ref) };
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

/** A list of selecting policies shared by every group that has it, with its "denied" answer. */
interface PolicySet {
  readonly id: number;
  readonly policies: readonly CompiledPolicy[] | 'external';
  readonly denied: SideExplanation;
}

interface EndpointGroup {
  readonly ingress: PolicySet;
  readonly egress: PolicySet;
  /** Ids of the rule peers that match this group's endpoints. */
  readonly matchedPeers: readonly number[];
  readonly matchesPeer: (peer: CompiledPeer) => boolean;
  /** Declared ports, sorted by number then protocol, one per (number, protocol). */
  readonly targets: readonly ClusterContainerPort[];
  /** Ports as declared, for named-port resolution. */
  readonly ports: readonly ClusterContainerPort[];
  /** Groups with the same declared ports share a port profile. */
  readonly portProfile: number;
  /** Groups with the same ingress policies and ports judge ingress from a given source alike. */
  readonly destinationProfile: number;
}

interface Grouping {
  readonly groups: readonly EndpointGroup[];
  /** Group index of each endpoint, by endpoint index. */
  readonly groupOf: Int32Array;
  /** Groups matched by each peer id. */
  readonly groupsByPeer: ReadonlyMap<number, readonly number[]>;
  /** Destination profiles whose ingress rules list each peer id. */
  readonly profilesByPeer: ReadonlyMap<number, readonly number[]>;
  /** A group of each destination profile, and of each port profile. */
  readonly profileRepresentatives: readonly number[];
  readonly portProfileRepresentatives: readonly number[];
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
    seen.set(`${port.port}/${port.protocol}`, { port: port.port, protocol: port.protocol });
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
    const portsKey = endpoint.ports.map((p) => `${p.port}/${p.protocol}/${p.name ?? ''}`).sort().join(',');
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
  // Many peers share a namespaceSelector (e.g. the ingress controller's namespace in every policy set).
  const namespacesBySelector = new Map<string, string[]>();
  for (const peer of peers) {
    if (peer.kind === 'ipBlock') {
      for (const endpointClass of classesByBlock.get(peer.blockKey) ?? []) endpointClass.matchedPeers.push(peer.id);
      continue;
    }
    const namespaces =
      peer.namespaceSelector === undefined
        ? [prepared.peerNamespaces[peer.id]!]
        : namespacesBySelector.get(peer.namespaceSelector.key) ??
          namespacesBySelector
            .set(peer.namespaceSelector.key, namespaceNames.filter((name) => peer.namespaceSelector!.matches(prepared.namespaceLabels.get(name)!)))
            .get(peer.namespaceSelector.key)!;
    for (const namespace of namespaces) {
      for (const endpointClass of classesByNamespace.get(namespace) ?? []) {
        if (peer.podSelector === undefined || peer.podSelector.matches(endpoints[endpointClass.representative]!.labels)) {
          endpointClass.matchedPeers.push(peer.id);
        }
      }
    }
  }

  const policyNumber = new Map(prepared.policies.map((policy, index) => [policy, index]));
  const policySets = new Map<string, PolicySet>();
  const policySetOf = (policies: readonly CompiledPolicy[] | 'external'): PolicySet => {
    const key = policies === 'external' ? 'x' : policies.map((policy) => policyNumber.get(policy)).join(',');
    let set = policySets.get(key);
    if (!set) {
      const denied: SideExplanation =
        policies === 'external' || policies.length === 0 ? NOT_ISOLATED_NO_POLICY : { state: 'denied', isolatedBy: policies.map((policy) => policy.ref) };
      set = { id: policySets.size, policies, denied };
      policySets.set(key, set);
    }
    return set;
  };
  const portProfiles = new Map<string, number>();
  const destinationProfiles = new Map<string, number>();
  const profileRepresentatives: number[] = [];
  const portProfileRepresentatives: number[] = [];

  const groups: EndpointGroup[] = [];
  const groupByClass = new Map<EndpointClass, number>();
  const groupBySignature = new Map<string, number>();
  for (const endpointClass of classes.values()) {
    const representative = endpoints[endpointClass.representative]!;
    const ingress = policySetOf(selectingPolicies(prepared, representative, 'Ingress'));
    const egress = policySetOf(selectingPolicies(prepared, representative, 'Egress'));
    const signature = [ingress.id, egress.id, endpointClass.matchedPeers.join(','), endpointClass.portsKey].join('|');
    let group = groupBySignature.get(signature);
    if (group === undefined) {
      group = groups.length;
      let portProfile = portProfiles.get(endpointClass.portsKey);
      if (portProfile === undefined) {
        portProfile = portProfiles.size;
        portProfiles.set(endpointClass.portsKey, portProfile);
        portProfileRepresentatives.push(group);
      }
      const profileKey = `${ingress.id}|${portProfile}`;
      let destinationProfile = destinationProfiles.get(profileKey);
      if (destinationProfile === undefined) {
        destinationProfile = destinationProfiles.size;
        destinationProfiles.set(profileKey, destinationProfile);
        profileRepresentatives.push(group);
      }
      const matched = new Set(endpointClass.matchedPeers);
      groups.push({
        ingress,
        egress,
        matchedPeers: endpointClass.matchedPeers,
        matchesPeer: (peer) => matched.has(peer.id),
        targets: sortedTargets(representative.ports),
        ports: representative.ports,
        portProfile,
        destinationProfile,
      });
      groupBySignature.set(signature, group);
    }
    groupByClass.set(endpointClass, group);
  }

  const groupsByPeer = new Map<number, number[]>();
  groups.forEach((group, index) => {
    for (const peer of group.matchedPeers) {
      const list = groupsByPeer.get(peer) ?? [];
      list.push(index);
      groupsByPeer.set(peer, list);
    }
  });
  const profilesByPeer = new Map<number, number[]>();
  const profilePeers = profileRepresentatives.map((representative) => rulePeers(groups[representative]!.ingress, 'Ingress'));
  profilePeers.forEach((peers, profile) => {
    for (const peer of peers) {
      const list = profilesByPeer.get(peer) ?? [];
      list.push(profile);
      profilesByPeer.set(peer, list);
    }
  });

  const groupOf = new Int32Array(endpoints.length);
  classOf.forEach((endpointClass, index) => (groupOf[index] = groupByClass.get(endpointClass)!));
  prepared.groups = { groups, groupOf, groupsByPeer, profilesByPeer, profileRepresentatives, portProfileRepresentatives };
  return prepared.groups;
}

/** Ids of the peers in the rules a policy set applies in `direction`. */
function rulePeers(set: PolicySet, direction: NetworkPolicyType): Set<number> {
  const ids = new Set<number>();
  if (set.policies === 'external') return ids;
  for (const policy of set.policies) {
    for (const rule of rulesOf(policy, direction)!) for (const peer of rule.peers ?? []) ids.add(peer.id);
  }
  return ids;
}

interface InternedSide {
  readonly side: SideExplanation;
  readonly id: number;
  /** Verdicts combining this (egress) side with each ingress side, by ingress side id. */
  readonly verdicts: Map<number, Verdict>;
}

/** The sides of one direction for each target port of a destination group. */
interface SideRow {
  readonly sides: readonly InternedSide[];
}

/** Verdicts from one source group to each destination group, filled on demand. */
interface VerdictRow {
  readonly source: number;
  /** Cells by destination group, kept only for rows that will be read again (streaming). */
  readonly cells: (Verdict[] | undefined)[] | undefined;
  /** Destination groups whose peers the source's egress rules name. */
  readonly egressTouched: Uint8Array;
  /** Cells for destinations neither side touches, by destination profile; shared by rows with the same egress policy set. */
  readonly untouchedCells: (Verdict[] | undefined)[];
}

/** Touched ingress answers, keyed by the path of peer ids the source matches. */
interface PeerTrieNode {
  sides?: SideRow;
  children?: Map<number, PeerTrieNode>;
}

/** Caps on cached arrays; past them a cache is dropped and refilled on demand. */
const ROW_CACHE_SLOTS = 4_000_000;
const EGRESS_CACHE_SLOTS = 4_000_000;

const NO_PEER_MATCHES = (): boolean => false;

/**
 * One pass over the connections a query selects.
 *
 * A side only depends on the other end through the rule peers it matches. So for a source
 * policy set, every destination group that matches none of its egress peers gets one shared
 * answer per port profile, and for a source group, every destination profile whose ingress
 * peers it does not match gets one shared answer per profile. Only "touched" combinations,
 * found through peer-to-group indexes, are judged rule by rule. Sides and verdicts are
 * interned, so each (egress sides, ingress sides) combination is combined once.
 */
class ReachabilityScan {
  readonly sources: readonly number[];
  readonly destinations: readonly number[];
  /** The ports judged for each destination group. */
  readonly targets: readonly (readonly ClusterContainerPort[])[];
  private readonly groups: readonly EndpointGroup[];
  private readonly sharedSides = new Map<SideExplanation, InternedSide>();
  private readonly allowedSides = new Map<string, InternedSide>();
  private nextSideId = 0;
  /** Egress sides by source policy set, then destination group. */
  private readonly egressSides = new Map<number, (SideRow | undefined)[]>();
  private egressSlots = 0;
  /** Destination groups touched by each egress policy set's peers. */
  private readonly egressTouched = new Map<number, Uint8Array>();
  /** Untouched answers: egress by (policy set, port profile), ingress by destination profile. */
  private readonly untouchedEgress = new Map<number, SideRow>();
  private readonly untouchedIngress: (SideRow | undefined)[];
  /** Touched ingress answers by destination profile, then the source's peers that touch it. */
  private readonly touchedIngress: (PeerTrieNode | undefined)[];
  /** Ingress answers of the stamped row, by destination profile (valid where the stamp matches). */
  private readonly rowIngress: (SideRow | undefined)[];
  private readonly rowIngressStamps: Int32Array;
  /** For each profile the stamped row touches: the source's peers listed in its ingress rules, ascending. */
  private readonly touchingPeers: number[][];
  private readonly rows = new Map<number, VerdictRow>();
  private readonly untouchedCellsBySet = new Map<number, (Verdict[] | undefined)[]>();
  /** Marks the destination profiles whose ingress peers the stamped row's source matches (value === stamp). */
  private readonly profileStamps: Int32Array;
  private stamp = 0;
  private stampedRow: VerdictRow | undefined;
  private cachedRowSlots = 0;

  constructor(
    private readonly grouping: Grouping,
    prepared: PreparedModel,
    query: ReachabilityQuery,
  ) {
    const { endpoints } = prepared;
    if (query.port !== undefined) checkPort(query.port, 'query');
    const protocol = query.protocol === undefined ? undefined : compileProtocol(query.protocol, 'query', 'protocol');
    this.sources = query.from === undefined ? endpoints.map((_, index) => index) : [endpointIndex(prepared, query.from, 'from')];
    this.destinations = query.to === undefined ? endpoints.map((_, index) => index) : [endpointIndex(prepared, query.to, 'to')];
    this.groups = grouping.groups;
    const profileCount = grouping.profileRepresentatives.length;
    this.profileStamps = new Int32Array(profileCount);
    this.rowIngressStamps = new Int32Array(profileCount);
    // Filled up front so the arrays stay dense (index writes into [] would make them sparse).
    this.untouchedIngress = new Array<SideRow | undefined>(profileCount).fill(undefined);
    this.touchedIngress = new Array<PeerTrieNode | undefined>(profileCount).fill(undefined);
    this.rowIngress = new Array<SideRow | undefined>(profileCount).fill(undefined);
    this.touchingPeers = Array.from({ length: profileCount }, () => []);
    this.targets = grouping.groups.map((group) =>
      query.port !== undefined
        ? [{ port: query.port, protocol: protocol ?? 'TCP' }]
        : protocol === undefined
          ? group.targets
          : group.targets.filter((target) => target.protocol === protocol),
    );
  }

  /** Shared answers (not isolated, a policy set's denial) intern by identity; "allowed" answers by content. */
  private intern(side: SideExplanation): InternedSide {
    const shared = this.sharedSides.get(side);
    if (shared) return shared;
    if (side.state !== 'allowed') {
      const interned = { side, id: this.nextSideId++, verdicts: new Map<number, Verdict>() };
      this.sharedSides.set(side, interned);
      return interned;
    }
    const key = `${side.allowedBy[0]!.direction}:${side.allowedBy.map((r) => `${r.policy}#${r.rule}`).join(' ')}`;
    let interned = this.allowedSides.get(key);
    if (!interned) {
      interned = { side, id: this.nextSideId++, verdicts: new Map<number, Verdict>() };
      this.allowedSides.set(key, interned);
    }
    return interned;
  }

  /** Judges one side for every target port of `destination`. */
  private judge(direction: NetworkPolicyType, set: PolicySet, peerMatches: (peer: CompiledPeer) => boolean, destination: number): SideRow {
    const destinationPorts = this.groups[destination]!.ports;
    const sides = this.targets[destination]!.map((target) =>
      this.intern(judgeSide(direction, set.policies, peerMatches, target.port, target.protocol, destinationPorts, set.denied)),
    );
    return { sides };
  }

  private touchedByEgress(set: PolicySet): Uint8Array {
    let touched = this.egressTouched.get(set.id);
    if (!touched) {
      touched = new Uint8Array(this.groups.length);
      for (const peer of rulePeers(set, 'Egress')) for (const group of this.grouping.groupsByPeer.get(peer) ?? []) touched[group] = 1;
      this.egressTouched.set(set.id, touched);
    }
    return touched;
  }

  private egressFor(sourceGroup: EndpointGroup, destination: number): SideRow {
    const set = sourceGroup.egress;
    let table = this.egressSides.get(set.id);
    if (!table) {
      if (this.egressSlots + this.groups.length > EGRESS_CACHE_SLOTS) {
        this.egressSides.clear();
        this.egressSlots = 0;
      }
      table = new Array<SideRow | undefined>(this.groups.length).fill(undefined);
      this.egressSides.set(set.id, table);
      this.egressSlots += this.groups.length;
    }
    const cached = table[destination];
    if (cached) return cached;
    let sides: SideRow;
    if (this.touchedByEgress(set)[destination]) {
      sides = this.judge('Egress', set, this.groups[destination]!.matchesPeer, destination);
    } else {
      const portProfile = this.groups[destination]!.portProfile;
      const key = set.id * this.grouping.portProfileRepresentatives.length + portProfile;
      sides = this.untouchedEgress.get(key) ?? this.judge('Egress', set, NO_PEER_MATCHES, this.grouping.portProfileRepresentatives[portProfile]!);
      this.untouchedEgress.set(key, sides);
    }
    table[destination] = sides;
    return sides;
  }

  /** Call with the row stamped (see computeCell). */
  private ingressFor(row: VerdictRow, destination: number): SideRow {
    const destinationGroup = this.groups[destination]!;
    const profile = destinationGroup.destinationProfile;
    if (this.profileStamps[profile] === this.stamp) {
      if (this.rowIngressStamps[profile] === this.stamp) return this.rowIngress[profile]!;
      // The side only depends on which of the profile's peers the source matches.
      const sourceGroup = this.groups[row.source]!;
      let node = (this.touchedIngress[profile] ??= {});
      for (const peer of this.touchingPeers[profile]!) {
        const children = (node.children ??= new Map());
        let child = children.get(peer);
        if (!child) {
          child = {};
          children.set(peer, child);
        }
        node = child;
      }
      const sides = (node.sides ??= this.judge('Ingress', destinationGroup.ingress, sourceGroup.matchesPeer, destination));
      this.rowIngress[profile] = sides;
      this.rowIngressStamps[profile] = this.stamp;
      return sides;
    }
    return (this.untouchedIngress[profile] ??= this.judge(
      'Ingress',
      destinationGroup.ingress,
      NO_PEER_MATCHES,
      this.grouping.profileRepresentatives[profile]!,
    ));
  }

  /**
   * The verdict row of a source group; pass it to {@link ReachabilityScan.verdicts}. With
   * `keep`, the row and its cells are cached for the next endpoint of the same group.
   */
  rowFor(source: number, keep: boolean): VerdictRow {
    const cached = this.rows.get(source);
    if (cached) return cached;
    const egressSet = this.groups[source]!.egress;
    let untouchedCells = this.untouchedCellsBySet.get(egressSet.id);
    if (!untouchedCells) {
      untouchedCells = new Array<Verdict[] | undefined>(this.profileStamps.length).fill(undefined);
      this.untouchedCellsBySet.set(egressSet.id, untouchedCells);
    }
    const row: VerdictRow = {
      source,
      cells: keep ? new Array<Verdict[] | undefined>(this.groups.length).fill(undefined) : undefined,
      egressTouched: this.touchedByEgress(egressSet),
      untouchedCells,
    };
    if (keep) {
      if (this.cachedRowSlots + this.groups.length > ROW_CACHE_SLOTS) {
        this.rows.clear();
        this.cachedRowSlots = 0;
      }
      this.rows.set(source, row);
      this.cachedRowSlots += this.groups.length;
    }
    return row;
  }

  /** The verdicts for each target port of `destination`, from any endpoint of the row's source group. */
  verdicts(row: VerdictRow, destination: number): Verdict[] {
    return row.cells?.[destination] ?? this.computeCell(row, destination);
  }

  /** Marks the destination profiles the row's source touches, and lists the touching peers of each. */
  private stampRow(row: VerdictRow): void {
    const stamp = ++this.stamp;
    for (const peer of this.groups[row.source]!.matchedPeers) {
      for (const profile of this.grouping.profilesByPeer.get(peer) ?? []) {
        const peers = this.touchingPeers[profile]!;
        if (this.profileStamps[profile] !== stamp) {
          this.profileStamps[profile] = stamp;
          peers.length = 0;
        }
        peers.push(peer);
      }
    }
    this.stampedRow = row;
  }

  private computeCell(row: VerdictRow, destination: number): Verdict[] {
    if (this.stampedRow !== row) this.stampRow(row);
    const profile = this.groups[destination]!.destinationProfile;
    const untouched = !row.egressTouched[destination] && this.profileStamps[profile] !== this.stamp;
    // Fast path: neither side's rules name a peer of the other end, so the answer only
    // depends on the source's egress policy set and the destination profile.
    const cached = untouched ? row.untouchedCells[profile] : undefined;
    const cell = cached ?? this.combine(row, destination);
    if (untouched) row.untouchedCells[profile] = cell;
    if (row.cells) row.cells[destination] = cell;
    return cell;
  }

  private combine(row: VerdictRow, destination: number): Verdict[] {
    const egress = this.egressFor(this.groups[row.source]!, destination);
    const ingress = this.ingressFor(row, destination);
    // Touched combinations rarely repeat, so their cells are not cached here (rows cache them).
    return egress.sides.map((egressSide, k) => {
      const ingressSide = ingress.sides[k]!;
      let verdict = egressSide.verdicts.get(ingressSide.id);
      if (!verdict) {
        verdict = verdictOf(false, egressSide.side, ingressSide.side);
        egressSide.verdicts.set(ingressSide.id, verdict);
      }
      return verdict;
    });
  }
}

function startScan(model: ClusterModel, query: ReachabilityQuery): { scan: ReachabilityScan; prepared: PreparedModel; groupOf: Int32Array } {
  const prepared = prepare(model);
  const grouping = groupEndpoints(prepared);
  return { scan: new ReachabilityScan(grouping, prepared, query), prepared, groupOf: grouping.groupOf };
}

/**
 * Calls `visit` for each connection {@link analyzeReachability} would return, in the same
 * order, without holding them: the fastest way through a large cluster. `visit` may keep the
 * connection object; explanations are shared between connections with the same reasons.
 *
 * @returns the number of connections visited.
 * @throws {AnalyzerInputError} for an unknown endpoint id in the query, a bad port or
 *   protocol, or a malformed model.
 */
export function forEachConnection(model: ClusterModel, query: ReachabilityQuery, visit: (connection: Connection) => void): number {
  const { scan, prepared, groupOf } = startScan(model, query);
  const { endpoints } = prepared;
  let count = 0;
  for (const source of scan.sources) {
    const row = scan.rowFor(groupOf[source]!, true);
    const from = endpoints[source]!.id;
    for (const destination of scan.destinations) {
      if (destination === source) continue;
      const destinationGroup = groupOf[destination]!;
      const verdicts = scan.verdicts(row, destinationGroup);
      const targets = scan.targets[destinationGroup]!;
      const to = endpoints[destination]!.id;
      for (let k = 0; k < targets.length; k++) {
        const verdict = verdicts[k]!;
        const target = targets[k]!;
        visit({ from, to, port: target.port, protocol: target.protocol, allowed: verdict.allowed, explanation: verdict.explanation });
      }
      count += targets.length;
    }
  }
  return count;
}

/**
 * Streams the connections {@link analyzeReachability} returns, in the same order, holding
 * only per-group state: memory stays bounded however many pairs the cluster has.
 * {@link forEachConnection} does the same several times faster.
 *
 * @throws {AnalyzerInputError} as {@link forEachConnection}, when iteration starts.
 */
export function* iterateReachability(model: ClusterModel, query: ReachabilityQuery = {}): Generator<Connection, void, undefined> {
  const { scan, prepared, groupOf } = startScan(model, query);
  const { endpoints } = prepared;
  for (const source of scan.sources) {
    const row = scan.rowFor(groupOf[source]!, true);
    const from = endpoints[source]!.id;
    for (const destination of scan.destinations) {
      if (destination === source) continue;
      const destinationGroup = groupOf[destination]!;
      const verdicts = scan.verdicts(row, destinationGroup);
      const targets = scan.targets[destinationGroup]!;
      const to = endpoints[destination]!.id;
      for (let k = 0; k < targets.length; k++) {
        const verdict = verdicts[k]!;
        const target = targets[k]!;
        yield { from, to, port: target.port, protocol: target.protocol, allowed: verdict.allowed, explanation: verdict.explanation };
      }
    }
  }
}

/**
 * Judges every ordered pair of distinct endpoints on each container port the destination
 * declares, or on `query.port`/`query.protocol` when given (declared or not). Sorted by
 * from, to, port, then protocol (TCP, UDP, SCTP). This holds every connection in memory; for
 * large clusters use {@link forEachConnection} or {@link iterateReachability}.
 *
 * @throws {AnalyzerInputError} as {@link forEachConnection}.
 */
export function analyzeReachability(model: ClusterModel, query: ReachabilityQuery = {}): Connection[] {
  const connections: Connection[] = [];
  forEachConnection(model, query, (connection) => connections.push(connection));
  return connections;
}

/** Totals over the connections a query selects. */
export interface ReachabilitySummary {
  readonly connections: number;
  readonly allowed: number;
  readonly denied: number;
  /** (source group, destination group) pairs judged to reach these totals. */
  readonly groupPairs: number;
}

/**
 * Counts the connections {@link analyzeReachability} would return, and how many are allowed,
 * without visiting them: each group pair is judged once and weighted by the number of
 * endpoint pairs it stands for. Cost grows with groups squared, not endpoints squared.
 *
 * @throws {AnalyzerInputError} as {@link forEachConnection}.
 */
export function summarizeReachability(model: ClusterModel, query: ReachabilityQuery = {}): ReachabilitySummary {
  const { scan, prepared, groupOf } = startScan(model, query);
  const groupCount = scan.targets.length;
  const sourceCount = new Float64Array(groupCount);
  const destinationCount = new Float64Array(groupCount);
  // Endpoints that are both a source and a destination: their pair with themselves is left out.
  const bothCount = new Float64Array(groupCount);
  const isDestination = new Uint8Array(prepared.endpoints.length);
  for (const destination of scan.destinations) {
    destinationCount[groupOf[destination]!]!++;
    isDestination[destination] = 1;
  }
  for (const source of scan.sources) {
    sourceCount[groupOf[source]!]!++;
    if (isDestination[source]) bothCount[groupOf[source]!]!++;
  }
  let connections = 0;
  let allowed = 0;
  let groupPairs = 0;
  for (let source = 0; source < groupCount; source++) {
    if (sourceCount[source] === 0) continue;
    const row = scan.rowFor(source, false);
    for (let destination = 0; destination < groupCount; destination++) {
      const pairs = sourceCount[source]! * destinationCount[destination]! - (source === destination ? bothCount[source]! : 0);
      if (pairs === 0) continue;
      groupPairs++;
      const verdicts = scan.verdicts(row, destination);
      for (let k = 0; k < verdicts.length; k++) {
        connections += pairs;
        if (verdicts[k]!.allowed) allowed += pairs;
      }
    }
  }
  return { connections, allowed, denied: connections - allowed, groupPairs };
}

/** Counts of what the grouping found; useful to see why a cluster is fast or slow to analyze. */
export interface ReachabilityStatistics {
  readonly endpoints: number;
  readonly policies: number;
  /** Behaviour groups: endpoints no policy can tell apart. Pairwise work grows with groups squared. */
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
