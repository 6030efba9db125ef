/**
 * Validates a ClusterNetworkPolicy (or a v1alpha1 AdminNetworkPolicy/BaselineAdminNetworkPolicy,
 * read into the v1beta1 shape by the one reader) and compiles it for the evaluator: subject
 * selectors, and rules in written order with their action, peers and ports.
 *
 * Peers the analyzer cannot see (`nodes`, `domainNames`) match no endpoint; a peer with no field
 * it knows is read "fail closed" as the API asks: an Accept rule matches nothing, a Deny or Pass
 * rule matches everything.
 */
import { clusterPolicySpec, ClusterPolicyFieldError } from '../kubernetes/cluster-policies.js';
import { isRecord, kindOf, nameOf } from '../kubernetes/object-fields.js';
import { checkPortName } from '../model/kubernetes-names.js';
import { NETWORK_POLICY_PROTOCOLS, type NetworkPolicyType } from '../model/network-policy.js';
import { AnalyzerInputError } from './analyzer-input-error.js';
import {
  compileCidr,
  compileSelector,
  isPortNumber,
  MATCH_EVERYTHING,
  optionalList,
  type CompiledPeer,
  type CompiledPort,
  type CompiledSelector,
} from './compiled-policy.js';
import type { PolicyRuleRef, SideExplanation } from './reachability-types.js';

/** What a rule does when it matches. */
export type ClusterRuleAction = 'Accept' | 'Deny' | 'Pass';

/** One rule, in the order the policy writes it. `peers` undefined: matches every peer (fail closed). */
export interface CompiledClusterRule {
  readonly ref: PolicyRuleRef;
  readonly action: ClusterRuleAction;
  readonly peers: readonly CompiledPeer[] | undefined;
  readonly ports: readonly CompiledPort[] | undefined;
  /** The side answer when this rule decides (shared, so the scan interns it once). */
  readonly answer: SideExplanation;
}

/** A cluster policy ready to evaluate. */
export interface CompiledClusterPolicy {
  /** `ClusterNetworkPolicy/<name>` (or the v1alpha1 kind): cluster-scoped, so no namespace. */
  readonly ref: string;
  readonly tier: 'Admin' | 'Baseline';
  readonly priority: number;
  readonly subjectNamespaces: CompiledSelector;
  /** Undefined when the subject is `namespaces`: every pod of them. */
  readonly subjectPods: CompiledSelector | undefined;
  readonly ingress: readonly CompiledClusterRule[];
  readonly egress: readonly CompiledClusterRule[];
}

const ACTIONS: readonly ClusterRuleAction[] = ['Accept', 'Deny', 'Pass'];
const PROTOCOL_KEYS = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' } as const;

/** `<kind>/<name>`, or the position in the input when the object has no name. */
export function clusterPolicyRef(raw: unknown, fallback: string): string {
  const kind = kindOf(raw) ?? 'ClusterNetworkPolicy';
  const name = nameOf(raw);
  return name === undefined ? `${kind} ${fallback}` : `${kind}/${name}`;
}

function compileNamespacedPods(raw: unknown, ref: string, field: string): { namespaces: CompiledSelector; pods: CompiledSelector } {
  if (!isRecord(raw)) throw new AnalyzerInputError(ref, field, 'must be {namespaceSelector: {...}, podSelector: {...}}');
  const namespaces = raw['namespaceSelector'] === undefined || raw['namespaceSelector'] === null ? MATCH_EVERYTHING : compileSelector(raw['namespaceSelector'], ref, `${field}.namespaceSelector`);
  if (raw['podSelector'] === undefined || raw['podSelector'] === null) {
    throw new AnalyzerInputError(ref, `${field}.podSelector`, 'is required: use {} for every pod of the selected namespaces');
  }
  return { namespaces, pods: compileSelector(raw['podSelector'], ref, `${field}.podSelector`) };
}

/** A peer's compiled forms: none when it names what the analyzer cannot see; `unknown` when no field is known. */
function compileClusterPeer(raw: unknown, ref: string, field: string, direction: NetworkPolicyType, nextPeerId: () => number): CompiledPeer[] | 'unknown' {
  if (!isRecord(raw)) throw new AnalyzerInputError(ref, field, 'each peer must be an object with exactly one of namespaces, pods, networks');
  const set = Object.keys(raw).filter((key) => raw[key] !== undefined && raw[key] !== null);
  if (set.length > 1) throw new AnalyzerInputError(ref, field, `sets ${set.join(' and ')}: a peer has exactly one field, so split it into ${set.length} peers`);
  const [key] = set;
  switch (key) {
    case 'namespaces':
      return [{ kind: 'pods', id: nextPeerId(), namespaceSelector: compileSelector(raw['namespaces'], ref, `${field}.namespaces`), podSelector: undefined }];
    case 'pods': {
      const { namespaces, pods } = compileNamespacedPods(raw['pods'], ref, `${field}.pods`);
      return [{ kind: 'pods', id: nextPeerId(), namespaceSelector: namespaces, podSelector: pods }];
    }
    case 'networks':
    case 'nodes':
    case 'domainNames':
      if (direction === 'Ingress') throw new AnalyzerInputError(ref, `${field}.${key}`, `ingress peers are namespaces or pods only; ${key} is an egress peer`);
      if (key !== 'networks') return [];
      return (optionalList(raw['networks'], ref, `${field}.networks`, '["10.0.0.0/8"]') ?? []).map((cidr, index) => {
        const parsed = compileCidr(cidr, ref, `${field}.networks[${index}]`);
        return { kind: 'ipBlock' as const, id: nextPeerId(), blockKey: `${parsed.family}:${parsed.network}/${parsed.prefixLength}`, cidr: parsed, except: [] };
      });
    default:
      return 'unknown';
  }
}

function compileClusterPort(raw: unknown, ref: string, field: string): CompiledPort[] {
  if (!isRecord(raw)) throw new AnalyzerInputError(ref, field, 'each protocols entry must be an object such as {tcp: {destinationPort: {number: 80}}}');
  if (typeof raw['destinationNamedPort'] === 'string') {
    const name = raw['destinationNamedPort'];
    const problem = checkPortName(name);
    if (problem) throw new AnalyzerInputError(ref, `${field}.destinationNamedPort`, problem);
    // A named port carries no protocol: the destination's container port decides it.
    return NETWORK_POLICY_PROTOCOLS.map((protocol) => ({ kind: 'named' as const, protocol, name }));
  }
  const keys = Object.keys(raw).filter((key) => Object.hasOwn(PROTOCOL_KEYS, key));
  if (keys.length !== 1) throw new AnalyzerInputError(ref, field, 'set exactly one of tcp, udp, sctp or destinationNamedPort');
  const key = keys[0] as keyof typeof PROTOCOL_KEYS;
  const protocol = PROTOCOL_KEYS[key];
  const body = raw[key];
  const destination = isRecord(body) ? body['destinationPort'] : undefined;
  if (destination === undefined || destination === null) return [{ kind: 'all', protocol }];
  if (!isRecord(destination)) throw new AnalyzerInputError(ref, `${field}.${key}.destinationPort`, 'must be {number: 80} or {range: {start: 8000, end: 8080}}');
  if (destination['number'] !== undefined) {
    const number = destination['number'];
    if (!isPortNumber(number)) throw new AnalyzerInputError(ref, `${field}.${key}.destinationPort.number`, `must be a port number from 1 to 65535, got ${JSON.stringify(number)}`);
    return [{ kind: 'range', protocol, first: number, last: number }];
  }
  const range = destination['range'];
  if (!isRecord(range) || !isPortNumber(range['start']) || !isPortNumber(range['end']) || range['end'] < range['start']) {
    throw new AnalyzerInputError(ref, `${field}.${key}.destinationPort.range`, 'must be {start, end}: port numbers from 1 to 65535, start up to end');
  }
  return [{ kind: 'range', protocol, first: range['start'], last: range['end'] }];
}

function compileClusterRules(
  raw: unknown,
  direction: NetworkPolicyType,
  policyRef: string,
  tier: 'Admin' | 'Baseline',
  nextPeerId: () => number,
): CompiledClusterRule[] {
  const key = direction === 'Ingress' ? 'ingress' : 'egress';
  const peerKey = direction === 'Ingress' ? 'from' : 'to';
  const rules = optionalList(raw, policyRef, `spec.${key}`, `[{action: Deny, ${peerKey}: [...]}]`) ?? [];
  return rules.map((rule, index) => {
    const field = `spec.${key}[${index}]`;
    if (!isRecord(rule)) throw new AnalyzerInputError(policyRef, field, `each rule must be an object with action and ${peerKey}`);
    const action = rule['action'];
    if (!ACTIONS.includes(action as ClusterRuleAction)) {
      throw new AnalyzerInputError(policyRef, `${field}.action`, `"${String(action)}" is not an action: use Accept, Deny or Pass (v1alpha1: Allow, Deny, Pass)`);
    }
    const rawPeers = optionalList(rule[peerKey], policyRef, `${field}.${peerKey}`, '[{namespaces: {}}]');
    if (!rawPeers || rawPeers.length === 0) throw new AnalyzerInputError(policyRef, `${field}.${peerKey}`, 'list at least one peer, e.g. [{namespaces: {}}]');
    const compiled = rawPeers.map((peer, i) => compileClusterPeer(peer, policyRef, `${field}.${peerKey}[${i}]`, direction, nextPeerId));
    const failClosed = compiled.includes('unknown');
    const peers = compiled.flatMap((peer) => (peer === 'unknown' ? [] : peer));
    const protocols = optionalList(rule['protocols'], policyRef, `${field}.protocols`, '[{tcp: {destinationPort: {number: 80}}}]');
    const name = typeof rule['name'] === 'string' && rule['name'] !== '' ? rule['name'] : undefined;
    const ref: PolicyRuleRef = { policy: policyRef, direction, rule: index, tier, action: action as ClusterRuleAction, ...(name ? { name } : {}) };
    const answer: SideExplanation =
      action === 'Accept' ? { state: 'allowed', allowedBy: [ref] } : { state: 'denied', isolatedBy: [policyRef], deniedBy: ref };
    return {
      ref,
      action: action as ClusterRuleAction,
      // An unknown peer in a Deny or Pass rule matches everything (fail closed); in an Accept rule, nothing.
      peers: failClosed && action !== 'Accept' ? undefined : peers,
      ports: protocols && protocols.length > 0 ? protocols.flatMap((entry, i) => compileClusterPort(entry, policyRef, `${field}.protocols[${i}]`)) : undefined,
      answer,
    };
  });
}

/**
 * Validates and compiles one ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy.
 * @throws {AnalyzerInputError} naming the object, the field and the fix.
 */
export function compileClusterPolicy(raw: unknown, fallbackRef: string, nextPeerId: () => number): CompiledClusterPolicy {
  const ref = clusterPolicyRef(raw, fallbackRef);
  if (!isRecord(raw)) throw new AnalyzerInputError(ref, '(object)', 'must be a ClusterNetworkPolicy object');
  if (nameOf(raw) === undefined) throw new AnalyzerInputError(ref, 'metadata.name', `every ${kindOf(raw)} needs a name: set metadata.name`);
  let spec: unknown;
  try {
    spec = clusterPolicySpec(raw);
  } catch (error) {
    if (error instanceof ClusterPolicyFieldError) throw new AnalyzerInputError(ref, error.field, error.fix);
    throw error;
  }
  if (!isRecord(spec)) throw new AnalyzerInputError(ref, 'spec', 'needs a spec with tier, priority, subject and rules');
  const tier = spec['tier'];
  if (tier !== 'Admin' && tier !== 'Baseline') throw new AnalyzerInputError(ref, 'spec.tier', `"${String(tier)}" is not a tier: use Admin or Baseline`);
  const priority = spec['priority'];
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 1000) {
    throw new AnalyzerInputError(ref, 'spec.priority', `must be a whole number from 0 to 1000, got ${JSON.stringify(priority)}`);
  }
  const subject = spec['subject'];
  if (!isRecord(subject)) throw new AnalyzerInputError(ref, 'spec.subject', 'must set namespaces or pods, e.g. {namespaces: {}}');
  let subjectNamespaces: CompiledSelector;
  let subjectPods: CompiledSelector | undefined;
  if (subject['namespaces'] !== undefined && subject['namespaces'] !== null && (subject['pods'] === undefined || subject['pods'] === null)) {
    subjectNamespaces = compileSelector(subject['namespaces'], ref, 'spec.subject.namespaces');
  } else if (subject['pods'] !== undefined && subject['pods'] !== null && (subject['namespaces'] === undefined || subject['namespaces'] === null)) {
    const compiled = compileNamespacedPods(subject['pods'], ref, 'spec.subject.pods');
    subjectNamespaces = compiled.namespaces;
    subjectPods = compiled.pods;
  } else {
    throw new AnalyzerInputError(ref, 'spec.subject', 'set exactly one of namespaces or pods');
  }
  return {
    ref,
    tier,
    priority,
    subjectNamespaces,
    subjectPods,
    ingress: compileClusterRules(spec['ingress'], 'Ingress', ref, tier, nextPeerId),
    egress: compileClusterRules(spec['egress'], 'Egress', ref, tier, nextPeerId),
  };
}
