/**
 * Template #14 as CiliumNetworkPolicy (`cilium.io/v2`): the same five layers, translated from
 * the NetworkPolicies {@link namespaceIsolation} builds, so the two targets cannot drift. Only
 * this target can add an egress allow-list by DNS name (`toFQDNs`), together with the DNS rule
 * (`rules.dns`) that sends the pods' lookups through Cilium's DNS proxy: Cilium learns a name's
 * addresses only from lookups it sees.
 *
 * Translation (Cilium's documented NetworkPolicy equivalents):
 * - `podSelector` -> `endpointSelector`; a peer's pods -> `fromEndpoints`/`toEndpoints`, its
 *   namespace -> the `k8s:io.kubernetes.pod.namespace` label (no label: the policy's namespace);
 * - `ipBlock` -> `fromCIDRSet`/`toCIDRSet`; ports -> `toPorts` (port numbers as strings);
 * - `policyTypes` -> `enableDefaultDeny`, with an empty rule (`- {}`) where a direction is
 *   isolated but nothing is allowed (layer 1).
 */
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, ObjectMeta } from '../model/network-policy.js';
import { NAMESPACE_NAME_LABEL } from '../model/network-policy.js';
import { resolveFqdnEgress, type CiliumOptions, type ResolvedFqdnEgress } from '../options/fqdn-egress.js';
import { resolveNamespaceIsolationOptions, type NamespaceIsolationOptions } from '../options/namespace-isolation-options.js';
import { namespaceIsolation, NAMESPACE_ISOLATION_LAYERS } from './namespace-isolation.js';

/** The label Cilium gives every endpoint with its pod's namespace. */
export const CILIUM_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';
/** Prefix under which Cilium exposes a pod's namespace labels on its endpoint. */
const CILIUM_NAMESPACE_LABELS_PREFIX = 'k8s:io.cilium.k8s.namespace.labels.';

/** A Cilium endpoint selector: a Kubernetes label selector over endpoint labels. */
export type CiliumEndpointSelector = LabelSelector;

/** `toPorts[]`: ports, and on the DNS rule the L7 DNS rules. */
export interface CiliumPortRule {
  readonly ports: readonly { readonly port: string; readonly endPort?: number; readonly protocol: string }[];
  readonly rules?: { readonly dns: readonly { readonly matchPattern?: string; readonly matchName?: string }[] };
}

/** `toFQDNs[]`. */
export interface CiliumFqdnSelector {
  readonly matchName?: string;
  readonly matchPattern?: string;
}

/** One ingress or egress rule of a CiliumNetworkPolicy (the fields this template uses). */
export interface CiliumRule {
  readonly fromEndpoints?: readonly CiliumEndpointSelector[];
  readonly fromCIDRSet?: readonly { readonly cidr: string; readonly except?: readonly string[] }[];
  readonly toEndpoints?: readonly CiliumEndpointSelector[];
  readonly toCIDRSet?: readonly { readonly cidr: string; readonly except?: readonly string[] }[];
  readonly toFQDNs?: readonly CiliumFqdnSelector[];
  readonly fromEntities?: readonly string[];
  readonly toEntities?: readonly string[];
  readonly toPorts?: readonly CiliumPortRule[];
}

/** A `cilium.io/v2` CiliumNetworkPolicy. */
export interface CiliumNetworkPolicy {
  readonly apiVersion: 'cilium.io/v2';
  readonly kind: 'CiliumNetworkPolicy';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly description?: string;
    readonly endpointSelector: CiliumEndpointSelector;
    readonly enableDefaultDeny: { readonly ingress: boolean; readonly egress: boolean };
    readonly ingress?: readonly CiliumRule[];
    readonly egress?: readonly CiliumRule[];
  };
}

/** A namespace selector of a NetworkPolicy peer, as endpoint labels. */
function namespaceLabels(selector: LabelSelector): LabelSelector {
  const key = (label: string) => (label === NAMESPACE_NAME_LABEL ? CILIUM_NAMESPACE_LABEL : `${CILIUM_NAMESPACE_LABELS_PREFIX}${label}`);
  const matchLabels = Object.fromEntries(Object.entries(selector.matchLabels ?? {}).map(([label, value]) => [key(label), value]));
  const matchExpressions = (selector.matchExpressions ?? []).map((expression) => ({ ...expression, key: key(expression.key) }));
  // An empty namespace selector means every namespace; an endpoint selector without a namespace
  // label would mean only the policy's own.
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
    return { matchExpressions: [{ key: CILIUM_NAMESPACE_LABEL, operator: 'Exists' }] };
  }
  return { ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}), ...(matchExpressions.length > 0 ? { matchExpressions } : {}) };
}

/** A pod (and namespace) peer as one endpoint selector: both selectors ANDed, like the peer. */
function endpointSelector(peer: NetworkPolicyPeer): CiliumEndpointSelector {
  const namespace = peer.namespaceSelector ? namespaceLabels(peer.namespaceSelector) : {};
  const pods = peer.podSelector ?? {};
  const matchLabels = { ...namespace.matchLabels, ...pods.matchLabels };
  const matchExpressions = [...(namespace.matchExpressions ?? []), ...(pods.matchExpressions ?? [])];
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels: Object.fromEntries(Object.entries(matchLabels).sort(([a], [b]) => (a < b ? -1 : 1))) } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

function portRule(ports: readonly NetworkPolicyPort[]): CiliumPortRule {
  return {
    ports: ports.map((p) => ({
      // Cilium reads port "0" as every port of the protocol.
      port: p.port === undefined ? '0' : String(p.port),
      ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
      protocol: p.protocol ?? 'TCP',
    })),
  };
}

/**
 * One NetworkPolicy rule as Cilium rules. Pod peers and CIDR peers go into separate rules with
 * the same ports: separate rules are alternatives, as separate peers of one rule are.
 */
function translateRule(direction: 'from' | 'to', peers: readonly NetworkPolicyPeer[] | undefined, ports: readonly NetworkPolicyPort[] | undefined): CiliumRule[] {
  const toPorts = ports && ports.length > 0 ? { toPorts: [portRule(ports)] } : {};
  const endpoints = (peers ?? []).filter((peer) => !peer.ipBlock).map(endpointSelector);
  const cidrs = (peers ?? []).filter((peer) => peer.ipBlock).map((peer) => ({ cidr: peer.ipBlock!.cidr, ...(peer.ipBlock!.except ? { except: [...peer.ipBlock!.except] } : {}) }));
  const rules: CiliumRule[] = [];
  if (endpoints.length > 0) rules.push({ [direction === 'from' ? 'fromEndpoints' : 'toEndpoints']: endpoints, ...toPorts });
  if (cidrs.length > 0) rules.push({ [direction === 'from' ? 'fromCIDRSet' : 'toCIDRSet']: cidrs, ...toPorts });
  // No peers at all: every source or destination, on the ports.
  if (peers === undefined) rules.push({ [direction === 'from' ? 'fromEntities' : 'toEntities']: ['all'], ...toPorts });
  return rules;
}

/** The DNS rule (UDP and TCP 53 to the DNS pods) with the L7 rule that lets Cilium's proxy see every lookup. */
function withDnsVisibility(rule: CiliumRule): CiliumRule {
  const dns = rule.toPorts?.[0]?.ports.every((p) => p.port === '53');
  if (!dns || !rule.toEndpoints) return rule;
  return { ...rule, toPorts: [{ ...rule.toPorts![0]!, rules: { dns: [{ matchPattern: '*' }] } }] };
}

function fqdnRule(fqdn: ResolvedFqdnEgress): CiliumRule {
  return {
    toFQDNs: [...fqdn.names.map((matchName) => ({ matchName })), ...fqdn.patterns.map((matchPattern) => ({ matchPattern }))],
    toPorts: [{ ports: fqdn.ports.map((p) => ({ port: String(p.port), protocol: p.protocol })) }],
  };
}

/** One NetworkPolicy of the set as a CiliumNetworkPolicy; `fqdn` only applies to layer 5's policy. */
export function ciliumNetworkPolicyFrom(policy: NetworkPolicy, fqdn?: ResolvedFqdnEgress): CiliumNetworkPolicy {
  const { spec } = policy;
  const types = spec.policyTypes ?? ['Ingress'];
  const ingressOn = types.includes('Ingress');
  const egressOn = types.includes('Egress');
  const ingress = (spec.ingress ?? []).flatMap((rule) => translateRule('from', rule.from, rule.ports));
  let egress = (spec.egress ?? []).flatMap((rule) => translateRule('to', rule.to, rule.ports));
  const isDnsLayer = policy.metadata.name === NAMESPACE_ISOLATION_LAYERS.find((layer) => layer.key === 'denyEgressExceptDns')!.policyName;
  if (fqdn && isDnsLayer) egress = [...egress.map(withDnsVisibility), fqdnRule(fqdn)];
  const description = policy.metadata.annotations?.['k8s-security-pro.io/description'];
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: policy.metadata,
    spec: {
      ...(description ? { description } : {}),
      endpointSelector: spec.podSelector,
      enableDefaultDeny: { ingress: ingressOn, egress: egressOn },
      // An isolated direction with nothing allowed still needs a section for Cilium to deny it.
      ...(ingressOn ? { ingress: ingress.length > 0 ? ingress : [{}] } : {}),
      ...(egressOn ? { egress: egress.length > 0 ? egress : [{}] } : {}),
    },
  };
}

/**
 * Template #14 as CiliumNetworkPolicies: the same layers, namespaces and apply order as
 * {@link namespaceIsolation}, plus the optional egress allow-list by DNS name.
 *
 * @param options - the namespace-isolation options; `{}` gives the production set.
 * @param cilium - Cilium-only options: `fqdnEgress` (names, patterns, ports).
 * @throws {NamespaceIsolationOptionsError} when a namespace-isolation option is invalid.
 * @throws {CiliumOptionsError} when the allow-list is invalid or too broad without its opt-in.
 * @example
 * ```ts
 * ciliumNetworkPolicies({ targetNamespaces: ['payments'] }, { fqdnEgress: { names: ['api.stripe.com'] } });
 * ```
 */
export function ciliumNetworkPolicies(options: NamespaceIsolationOptions = {}, cilium: CiliumOptions = {}): CiliumNetworkPolicy[] {
  const resolved = resolveNamespaceIsolationOptions(options);
  const fqdn = resolveFqdnEgress(cilium, resolved.denyEgressExceptDns.enabled);
  return namespaceIsolation(options).map((policy) => ciliumNetworkPolicyFrom(policy, fqdn));
}
