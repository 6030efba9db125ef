/**
 * Validates a NetworkPolicy and turns it into the form the evaluator reads: defaults applied
 * (policyTypes, protocol), selectors as predicates, CIDRs parsed with host bits masked.
 * Everything the evaluator must not guess about throws {@link AnalyzerInputError}.
 */
import { checkPortName, cidrContains, parseCidr, parseIp, type ParsedCidr } from '../model/kubernetes-names.js';
import { NETWORK_POLICY_PROTOCOLS, type NetworkPolicyProtocol } from '../model/network-policy.js';
import { effectivePolicyTypes, isRecord, nameOf, namespaceOf, objectRef as kubernetesObjectRef } from '../kubernetes/object-fields.js';
import { AnalyzerInputError } from './analyzer-input-error.js';

/** Labels of a pod or a namespace. */
export type Labels = Readonly<Record<string, string>>;

/** A parsed IP address. */
export type ParsedIp = NonNullable<ReturnType<typeof parseIp>>;

/** A label selector as a predicate; `matchesAll` marks `{}`. Equal selectors have equal `key`s. */
export interface CompiledSelector {
  readonly key: string;
  readonly matchesAll: boolean;
  readonly matches: (labels: Labels) => boolean;
}

/** Pods chosen by selectors. `namespaceSelector` undefined means the policy's own namespace. */
export interface CompiledPodPeer {
  readonly kind: 'pods';
  readonly id: number;
  readonly namespaceSelector: CompiledSelector | undefined;
  readonly podSelector: CompiledSelector | undefined;
}

/** An IP range minus its exceptions. `blockKey` is the same for equal blocks in any policy. */
export interface CompiledIpBlockPeer {
  readonly kind: 'ipBlock';
  readonly id: number;
  readonly blockKey: string;
  readonly cidr: ParsedCidr;
  readonly except: readonly ParsedCidr[];
}

/** One compiled peer of a rule: selectors, or an IP range. */
export type CompiledPeer = CompiledPodPeer | CompiledIpBlockPeer;

/** One `ports` entry with its protocol defaulted. */
export type CompiledPort =
  | { readonly kind: 'all'; readonly protocol: NetworkPolicyProtocol }
  | { readonly kind: 'range'; readonly protocol: NetworkPolicyProtocol; readonly first: number; readonly last: number }
  | { readonly kind: 'named'; readonly protocol: NetworkPolicyProtocol; readonly name: string };

/** One rule. `undefined` peers or ports (absent or empty in the policy) match everything. */
export interface CompiledRule {
  readonly index: number;
  readonly peers: readonly CompiledPeer[] | undefined;
  readonly ports: readonly CompiledPort[] | undefined;
}

/** A policy ready to evaluate. `ingress`/`egress` are undefined for a direction it does not govern. */
export interface CompiledPolicy {
  /** `<namespace>/<name>` */
  readonly ref: string;
  readonly namespace: string;
  readonly podSelector: CompiledSelector;
  readonly ingress: readonly CompiledRule[] | undefined;
  readonly egress: readonly CompiledRule[] | undefined;
}

/** A container port as the evaluator reads it (named-port resolution needs name + protocol + number). */
export interface ResolvedContainerPort {
  readonly port: number;
  readonly protocol: NetworkPolicyProtocol;
  readonly name?: string;
}

export const MATCH_EVERYTHING: CompiledSelector = { key: '{}', matchesAll: true, matches: () => true };

/** Reads an optional list: `undefined`/`null` are absent, anything else must be an array. */
export function optionalList(value: unknown, objectRef: string, field: string, example: string): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AnalyzerInputError(objectRef, field, `must be a list, e.g. ${example}`);
  return value;
}

/** Compiles a label selector; `{}` matches everything. */
export function compileSelector(raw: unknown, objectRef: string, field: string): CompiledSelector {
  if (!isRecord(raw)) {
    throw new AnalyzerInputError(objectRef, field, 'must be a label selector such as {} or {matchLabels: {app: web}}');
  }
  const tests: ((labels: Labels) => boolean)[] = [];
  const keyParts: string[] = [];
  const matchLabels = raw['matchLabels'];
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isRecord(matchLabels)) {
      throw new AnalyzerInputError(objectRef, `${field}.matchLabels`, 'must be a map of label keys to values, e.g. {app: web}');
    }
    for (const [key, value] of Object.entries(matchLabels)) {
      if (typeof value !== 'string') {
        throw new AnalyzerInputError(objectRef, `${field}.matchLabels.${key}`, `label values are strings: quote it, e.g. "${String(value)}"`);
      }
      tests.push((labels) => labels[key] === value);
      keyParts.push(JSON.stringify(['=', key, value]));
    }
  }
  const expressions = optionalList(raw['matchExpressions'], objectRef, `${field}.matchExpressions`, '[{key: app, operator: In, values: [web]}]');
  expressions?.forEach((expression, index) => {
    tests.push(compileRequirement(expression, objectRef, `${field}.matchExpressions[${index}]`));
    const { key, operator, values } = expression as { key: string; operator: string; values?: string[] };
    keyParts.push(JSON.stringify([operator, key, [...(values ?? [])].sort()]));
  });
  if (tests.length === 0) return MATCH_EVERYTHING;
  return { key: keyParts.sort().join(','), matchesAll: false, matches: (labels) => tests.every((test) => test(labels)) };
}

function compileRequirement(raw: unknown, objectRef: string, field: string): (labels: Labels) => boolean {
  if (!isRecord(raw) || typeof raw['key'] !== 'string') {
    throw new AnalyzerInputError(objectRef, `${field}.key`, 'each requirement needs a label key, e.g. {key: app, operator: Exists}');
  }
  const key = raw['key'];
  const operator = raw['operator'];
  const values = raw['values'];
  const hasValues = Array.isArray(values) && values.length > 0;
  if (operator === 'In' || operator === 'NotIn') {
    if (!hasValues || !values.every((v) => typeof v === 'string')) {
      throw new AnalyzerInputError(objectRef, `${field}.values`, `operator ${operator} needs a non-empty list of string values, e.g. [web]`);
    }
    const set = new Set(values as string[]);
    // NotIn also matches objects that lack the key, as Kubernetes selectors do.
    return operator === 'In'
      ? (labels) => Object.hasOwn(labels, key) && set.has(labels[key]!)
      : (labels) => !Object.hasOwn(labels, key) || !set.has(labels[key]!);
  }
  if (operator === 'Exists' || operator === 'DoesNotExist') {
    if (hasValues) {
      throw new AnalyzerInputError(objectRef, `${field}.values`, `operator ${operator} takes no values: remove them, or use In/NotIn`);
    }
    return operator === 'Exists' ? (labels) => Object.hasOwn(labels, key) : (labels) => !Object.hasOwn(labels, key);
  }
  throw new AnalyzerInputError(objectRef, `${field}.operator`, `"${String(operator)}" is not an operator: use In, NotIn, Exists or DoesNotExist`);
}

export function compileCidr(raw: unknown, objectRef: string, field: string): ParsedCidr {
  const parsed = typeof raw === 'string' ? parseCidr(raw) : undefined;
  if (!parsed) {
    const ip = typeof raw === 'string' ? parseIp(raw) : undefined;
    const hint = ip ? `did you mean "${String(raw)}/${ip.family === 4 ? 32 : 128}"?` : 'write a network with its prefix length, e.g. "10.0.0.0/16"';
    throw new AnalyzerInputError(objectRef, field, `"${String(raw)}" is not a CIDR: ${hint}`);
  }
  return parsed;
}

function compilePeer(raw: unknown, objectRef: string, field: string, nextPeerId: () => number): CompiledPeer {
  if (!isRecord(raw)) {
    throw new AnalyzerInputError(objectRef, field, 'each peer must be an object with podSelector, namespaceSelector or ipBlock');
  }
  const { ipBlock, namespaceSelector, podSelector } = raw;
  const hasSelector = (namespaceSelector !== undefined && namespaceSelector !== null) || (podSelector !== undefined && podSelector !== null);
  if (ipBlock !== undefined && ipBlock !== null) {
    if (hasSelector) {
      throw new AnalyzerInputError(objectRef, field, 'a peer with ipBlock cannot also have selectors: split it into two peers');
    }
    if (!isRecord(ipBlock)) throw new AnalyzerInputError(objectRef, `${field}.ipBlock`, 'must be an object with cidr, e.g. {cidr: 10.0.0.0/8}');
    const cidr = compileCidr(ipBlock['cidr'], objectRef, `${field}.ipBlock.cidr`);
    const exceptRaw = optionalList(ipBlock['except'], objectRef, `${field}.ipBlock.except`, '["10.0.5.0/24"]') ?? [];
    const except = exceptRaw.map((entry, index) => compileCidr(entry, objectRef, `${field}.ipBlock.except[${index}]`));
    const describe = (c: ParsedCidr) => `${c.family}:${c.network}/${c.prefixLength}`;
    const blockKey = [describe(cidr), ...except.map(describe).sort()].join(' ');
    return { kind: 'ipBlock', id: nextPeerId(), blockKey, cidr, except };
  }
  if (!hasSelector) {
    throw new AnalyzerInputError(objectRef, field, 'a peer needs podSelector, namespaceSelector or ipBlock; to allow every peer, leave the whole list out');
  }
  return {
    kind: 'pods',
    id: nextPeerId(),
    namespaceSelector:
      namespaceSelector === undefined || namespaceSelector === null ? undefined : compileSelector(namespaceSelector, objectRef, `${field}.namespaceSelector`),
    podSelector: podSelector === undefined || podSelector === null ? undefined : compileSelector(podSelector, objectRef, `${field}.podSelector`),
  };
}

export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Reads a protocol, defaulting to TCP as the API server does. */
export function compileProtocol(raw: unknown, objectRef: string, field: string): NetworkPolicyProtocol {
  if (raw === undefined || raw === null) return 'TCP';
  if (!NETWORK_POLICY_PROTOCOLS.includes(raw as NetworkPolicyProtocol)) {
    throw new AnalyzerInputError(objectRef, field, `"${String(raw)}" is not a protocol: use TCP, UDP or SCTP (upper case)`);
  }
  return raw as NetworkPolicyProtocol;
}

function compilePort(raw: unknown, objectRef: string, field: string): CompiledPort {
  if (!isRecord(raw)) throw new AnalyzerInputError(objectRef, field, 'each ports entry must be an object, e.g. {protocol: TCP, port: 8080}');
  const protocol = compileProtocol(raw['protocol'], objectRef, `${field}.protocol`);
  const { port, endPort } = raw;
  if (endPort !== undefined && endPort !== null) {
    if (!isPortNumber(port)) {
      throw new AnalyzerInputError(objectRef, `${field}.endPort`, 'endPort needs a numeric port to start the range: set port to the first port number');
    }
    if (!isPortNumber(endPort) || endPort < port) {
      throw new AnalyzerInputError(objectRef, `${field}.endPort`, `must be a port number from ${port} (port) to 65535, got ${String(endPort)}`);
    }
    return { kind: 'range', protocol, first: port, last: endPort };
  }
  if (port === undefined || port === null) return { kind: 'all', protocol };
  if (isPortNumber(port)) return { kind: 'range', protocol, first: port, last: port };
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) {
      throw new AnalyzerInputError(objectRef, `${field}.port`, `"${port}" is a quoted number, which Kubernetes reads as a port name: write ${port} without quotes`);
    }
    const problem = checkPortName(port);
    if (problem) throw new AnalyzerInputError(objectRef, `${field}.port`, problem);
    return { kind: 'named', protocol, name: port };
  }
  throw new AnalyzerInputError(objectRef, `${field}.port`, `must be a port number from 1 to 65535 or a container port name, got ${JSON.stringify(port)}`);
}

function compileRules(
  raw: unknown,
  direction: 'ingress' | 'egress',
  objectRef: string,
  nextPeerId: () => number,
): readonly CompiledRule[] {
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  const rules = optionalList(raw, objectRef, `spec.${direction}`, `[{${peerKey}: [...], ports: [...]}]`) ?? [];
  return rules.map((rule, index) => {
    const field = `spec.${direction}[${index}]`;
    if (!isRecord(rule)) throw new AnalyzerInputError(objectRef, field, 'each rule must be an object; {} allows everything');
    const peers = optionalList(rule[peerKey], objectRef, `${field}.${peerKey}`, '[{podSelector: {}}]');
    const ports = optionalList(rule['ports'], objectRef, `${field}.ports`, '[{protocol: TCP, port: 80}]');
    return {
      index,
      peers: peers && peers.length > 0 ? peers.map((peer, i) => compilePeer(peer, objectRef, `${field}.${peerKey}[${i}]`, nextPeerId)) : undefined,
      ports: ports && ports.length > 0 ? ports.map((port, i) => compilePort(port, objectRef, `${field}.ports[${i}]`)) : undefined,
    };
  });
}

/** `NetworkPolicy <namespace>/<name>`, or the position in the input when there is no name. */
export function policyObjectRef(raw: unknown, fallback: string): string {
  return kubernetesObjectRef(isRecord(raw) ? { ...raw, kind: 'NetworkPolicy' } : raw, fallback).replace(/^object /, 'NetworkPolicy ');
}

/**
 * Validates and compiles one policy.
 *
 * policyTypes defaulting (pitfall 3): absent or empty means Ingress, plus Egress only when
 * `spec.egress` holds at least one rule. A missing or null `podSelector` is `{}`, as the API
 * server stores it.
 *
 * @param fallbackRef - how to name the object when it has no `metadata.name`, e.g. `objects[3]`.
 * @param nextPeerId - hands out model-wide peer ids, so grouping can record which peers an endpoint matches.
 * @throws {AnalyzerInputError} when a field the evaluator needs is missing or malformed.
 */
export function compilePolicy(raw: unknown, fallbackRef: string, nextPeerId: () => number): CompiledPolicy {
  const objectRef = policyObjectRef(raw, fallbackRef);
  if (!isRecord(raw)) throw new AnalyzerInputError(objectRef, '(object)', 'must be a NetworkPolicy object');
  const name = nameOf(raw);
  if (name === undefined) throw new AnalyzerInputError(objectRef, 'metadata.name', 'every NetworkPolicy needs a name: set metadata.name');
  const namespace = namespaceOf(raw);
  const spec = raw['spec'];
  if (!isRecord(spec)) throw new AnalyzerInputError(objectRef, 'spec', 'a NetworkPolicy needs a spec with at least podSelector: {}');
  // The API server stores a missing or null podSelector as {}: the policy selects every pod of its namespace.
  const podSelector = spec['podSelector'] === undefined || spec['podSelector'] === null ? MATCH_EVERYTHING : compileSelector(spec['podSelector'], objectRef, 'spec.podSelector');
  const ingress = compileRules(spec['ingress'], 'ingress', objectRef, nextPeerId);
  const egress = compileRules(spec['egress'], 'egress', objectRef, nextPeerId);
  const types = optionalList(spec['policyTypes'], objectRef, 'spec.policyTypes', '[Ingress, Egress]') ?? [];
  types.forEach((type, index) => {
    if (type !== 'Ingress' && type !== 'Egress') {
      throw new AnalyzerInputError(objectRef, `spec.policyTypes[${index}]`, `"${String(type)}" is not a policy type: use Ingress or Egress`);
    }
  });
  const governed = effectivePolicyTypes(spec);
  const governsIngress = governed.includes('Ingress');
  const governsEgress = governed.includes('Egress');
  return {
    ref: `${namespace}/${name}`,
    namespace,
    podSelector,
    ingress: governsIngress ? ingress : undefined,
    egress: governsEgress ? egress : undefined,
  };
}

/** Whether an IP lies in the block's CIDR and in none of its exceptions. */
export function ipBlockContains(peer: CompiledIpBlockPeer, ip: ParsedIp): boolean {
  return cidrContains(peer.cidr, ip) && !peer.except.some((except) => cidrContains(except, ip));
}

/**
 * Whether a rule's ports admit `port`/`protocol`. Named ports resolve on the destination's
 * container ports (name, protocol and number must all agree), also for egress rules.
 */
export function portsAdmit(
  ports: readonly CompiledPort[] | undefined,
  port: number,
  protocol: NetworkPolicyProtocol,
  destinationPorts: readonly ResolvedContainerPort[],
): boolean {
  if (ports === undefined) return true;
  return ports.some((entry) => {
    if (entry.protocol !== protocol) return false;
    switch (entry.kind) {
      case 'all':
        return true;
      case 'range':
        return port >= entry.first && port <= entry.last;
      case 'named':
        return destinationPorts.some((p) => p.name === entry.name && p.protocol === protocol && p.port === port);
    }
  });
}
