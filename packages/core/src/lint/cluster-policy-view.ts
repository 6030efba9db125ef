/**
 * The cluster-policy rules' view of a ClusterNetworkPolicy spec (v1beta1 shape, as the one reader
 * gives it for v1alpha1 kinds too): its rules in written order, and the structural questions the
 * rules ask: does a peer select every namespace, does one rule cover another, can two subjects
 * overlap. Answers are conservative: "covers" and "disjoint" are only said when they surely hold.
 */
import { arrayOf, isRecord, stringRecord } from '../kubernetes/object-fields.js';
import { cidrContains, parseCidr } from '../model/kubernetes-names.js';
import { NAMESPACE_NAME_LABEL } from '../model/network-policy.js';
import type { LintedClusterPolicy } from './lint-types.js';
import { isEmptySelector } from './manifest-objects.js';

/** One rule of a cluster policy, with its position and its paths. */
export interface ClusterRuleView {
  readonly direction: 'ingress' | 'egress';
  readonly index: number;
  /** `spec.ingress[0]` */
  readonly path: string;
  readonly peersKey: 'from' | 'to';
  readonly action: string;
  readonly name: string | undefined;
  readonly peers: readonly unknown[];
  /** Undefined or empty: every port. */
  readonly protocols: readonly unknown[] | undefined;
}

/** The rules of both directions, in the order written. */
export function clusterRulesOf(policy: LintedClusterPolicy): ClusterRuleView[] {
  const spec = policy.spec ?? {};
  return (['ingress', 'egress'] as const).flatMap((direction) => {
    const peersKey = direction === 'ingress' ? 'from' : 'to';
    return arrayOf(spec[direction]).map((raw, index) => {
      const rule = isRecord(raw) ? raw : {};
      return {
        direction,
        index,
        path: `spec.${direction}[${index}]`,
        peersKey,
        action: typeof rule.action === 'string' ? rule.action : '',
        name: typeof rule.name === 'string' && rule.name !== '' ? rule.name : undefined,
        peers: arrayOf(rule[peersKey]),
        protocols: Array.isArray(rule.protocols) && rule.protocols.length > 0 ? rule.protocols : undefined,
      };
    });
  });
}

/** `ingress rule 0 "name"`, as the analyzer's explanations name a rule. */
export function describeClusterRule(rule: ClusterRuleView): string {
  return `${rule.direction} rule ${rule.index}${rule.name ? ` "${rule.name}"` : ''}`;
}

/** `ClusterNetworkPolicy/name`. */
export function clusterPolicyLabel(policy: LintedClusterPolicy): string {
  return `${policy.kind}/${policy.name}`;
}

/** Whether a peer selects every pod of every namespace (`namespaces: {}`, or `pods` with both selectors empty). */
export function selectsEveryNamespace(peer: unknown): boolean {
  if (!isRecord(peer)) return false;
  if (isRecord(peer.namespaces)) return isEmptySelector(peer.namespaces);
  if (!isRecord(peer.pods)) return false;
  const namespaces = peer.pods.namespaceSelector;
  return (namespaces === undefined || namespaces === null || isEmptySelector(namespaces)) && isEmptySelector(peer.pods.podSelector);
}

/** The CIDRs of a `networks` peer that cover a whole address family (`0.0.0.0/0`, `::/0`), with their index. */
export function everyAddressNetworks(peer: unknown): { index: number; cidr: string }[] {
  if (!isRecord(peer)) return [];
  return arrayOf(peer.networks).flatMap((cidr, index) => (typeof cidr === 'string' && parseCidr(cidr)?.prefixLength === 0 ? [{ index, cidr }] : []));
}

/** JSON with sorted keys, so structurally equal selectors compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const sameSelector = (a: unknown, b: unknown) => canonical(a ?? {}) === canonical(b ?? {});

/** The namespace selector of a `namespaces` or `pods` peer or subject. */
function namespaceSelectorOf(peer: Record<string, unknown>): unknown {
  if (isRecord(peer.namespaces)) return peer.namespaces;
  return isRecord(peer.pods) ? (peer.pods.namespaceSelector ?? {}) : undefined;
}

/** Whether peer `a` surely matches everything peer `b` matches. */
function peerCovers(a: unknown, b: unknown): boolean {
  if (!isRecord(a) || !isRecord(b)) return false;
  if (isRecord(b.namespaces) || isRecord(b.pods)) {
    if (selectsEveryNamespace(a)) return true;
    if (isRecord(a.namespaces)) return sameSelector(a.namespaces, namespaceSelectorOf(b));
    if (isRecord(a.pods) && isRecord(b.pods)) {
      return sameSelector(a.pods.namespaceSelector, b.pods.namespaceSelector) && (isEmptySelector(a.pods.podSelector) || sameSelector(a.pods.podSelector, b.pods.podSelector));
    }
    return false;
  }
  if (Array.isArray(b.networks) && Array.isArray(a.networks)) {
    const outer = a.networks.flatMap((cidr) => (typeof cidr === 'string' ? [parseCidr(cidr)] : [])).filter((cidr) => cidr !== undefined);
    return b.networks.every((text) => {
      const inner = typeof text === 'string' ? parseCidr(text) : undefined;
      return inner !== undefined && outer.some((cidr) => cidr.prefixLength <= inner.prefixLength && cidrContains(cidr, { family: inner.family, value: inner.network }));
    });
  }
  return false;
}

/** A protocols entry as (protocol, first, last) or a named port; undefined when unreadable. */
function portRangeOf(entry: unknown): { protocol: string; first: number; last: number } | { named: string } | undefined {
  if (!isRecord(entry)) return undefined;
  if (typeof entry.destinationNamedPort === 'string') return { named: entry.destinationNamedPort };
  const protocol = ['tcp', 'udp', 'sctp'].find((key) => isRecord(entry[key]));
  if (protocol === undefined) return undefined;
  const destination = (entry[protocol] as Record<string, unknown>).destinationPort;
  if (!isRecord(destination)) return { protocol, first: 1, last: 65535 };
  if (typeof destination.number === 'number') return { protocol, first: destination.number, last: destination.number };
  const range = isRecord(destination.range) ? destination.range : {};
  return typeof range.start === 'number' && typeof range.end === 'number' ? { protocol, first: range.start, last: range.end } : undefined;
}

/** Whether port list `a` surely covers port list `b` (undefined: every port). */
function portsCover(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  if (a === undefined) return true;
  if (b === undefined) return false;
  const outer = a.map(portRangeOf);
  return b.every((entry) => {
    const inner = portRangeOf(entry);
    if (inner === undefined) return false;
    return outer.some((port) => {
      if (port === undefined) return false;
      if ('named' in port || 'named' in inner) return 'named' in port && 'named' in inner && port.named === inner.named;
      return port.protocol === inner.protocol && port.first <= inner.first && inner.last <= port.last;
    });
  });
}

/** Whether rule `a` matches all the traffic rule `b` matches (same direction), so `b` never decides after `a`. */
export function ruleCovers(a: ClusterRuleView, b: ClusterRuleView): boolean {
  return a.direction === b.direction && b.peers.length > 0 && b.peers.every((peer) => a.peers.some((outer) => peerCovers(outer, peer))) && portsCover(a.protocols, b.protocols);
}

/** The subject as `{namespaces, pods}` selectors; pods undefined for a `namespaces` subject. */
function subjectOf(policy: LintedClusterPolicy): { namespaces: unknown; pods: unknown } | undefined {
  const subject = policy.spec?.subject;
  if (!isRecord(subject)) return undefined;
  if (isRecord(subject.namespaces)) return { namespaces: subject.namespaces, pods: undefined };
  if (isRecord(subject.pods)) return { namespaces: subject.pods.namespaceSelector ?? {}, pods: subject.pods.podSelector };
  return undefined;
}

/** Whether the subject is every pod of every namespace. */
export function subjectIsEveryNamespace(policy: LintedClusterPolicy): boolean {
  const subject = subjectOf(policy);
  return subject !== undefined && isEmptySelector(subject.namespaces) && (subject.pods === undefined || isEmptySelector(subject.pods));
}

/** Whether policy `a`'s subject surely holds every pod of `b`'s subject. */
export function subjectCovers(a: LintedClusterPolicy, b: LintedClusterPolicy): boolean {
  const outer = subjectOf(a);
  const inner = subjectOf(b);
  if (!outer || !inner) return false;
  if (subjectIsEveryNamespace(a)) return true;
  return sameSelector(outer.namespaces, inner.namespaces) && (outer.pods === undefined || isEmptySelector(outer.pods) || sameSelector(outer.pods, inner.pods));
}

/** The namespace names a selector pins with `kubernetes.io/metadata.name` (matchLabels or In), or undefined. */
function pinnedNamespaces(selector: unknown): Set<string> | undefined {
  if (!isRecord(selector)) return undefined;
  const byLabel = stringRecord(selector.matchLabels)[NAMESPACE_NAME_LABEL];
  if (byLabel !== undefined) return new Set([byLabel]);
  const expression = arrayOf(selector.matchExpressions).find((e) => isRecord(e) && e.key === NAMESPACE_NAME_LABEL && e.operator === 'In');
  return isRecord(expression) ? new Set(arrayOf(expression.values).filter((v): v is string => typeof v === 'string')) : undefined;
}

/** Whether two selectors require different values of one label, so nothing matches both. */
function labelsConflict(a: unknown, b: unknown): boolean {
  const left = stringRecord(isRecord(a) ? a.matchLabels : undefined);
  const right = stringRecord(isRecord(b) ? b.matchLabels : undefined);
  return Object.keys(left).some((key) => Object.hasOwn(right, key) && right[key] !== left[key]);
}

/** Whether no pod can be in both subjects: pinned namespaces that differ, or conflicting labels. */
export function subjectsDisjoint(a: LintedClusterPolicy, b: LintedClusterPolicy): boolean {
  const left = subjectOf(a);
  const right = subjectOf(b);
  if (!left || !right) return false;
  const leftNames = pinnedNamespaces(left.namespaces);
  const rightNames = pinnedNamespaces(right.namespaces);
  if (leftNames && rightNames && ![...leftNames].some((name) => rightNames.has(name))) return true;
  return labelsConflict(left.namespaces, right.namespaces) || labelsConflict(left.pods, right.pods);
}

/** The distinct actions of a policy's rules. */
export function actionsOf(policy: LintedClusterPolicy): Set<string> {
  return new Set(clusterRulesOf(policy).map((rule) => rule.action));
}
