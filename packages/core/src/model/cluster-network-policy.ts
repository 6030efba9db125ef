/**
 * The `policy.networking.k8s.io/v1beta1` ClusterNetworkPolicy wire model
 * (`sigs.k8s.io/network-policy-api` v0.3.0, standard channel): the fields this project renders.
 * Field names and nesting follow the CRD exactly, so objects serialize with no mapping layer.
 *
 * Tiers are evaluated Admin (by priority, lower first), then namespaced NetworkPolicy, then
 * Baseline; inside one policy, rules apply in the order written. See docs/cluster-network-policy.md.
 */
import type { LabelSelector, ObjectMeta } from './network-policy.js';

/** The API group and version of ClusterNetworkPolicy. */
export const CLUSTER_NETWORK_POLICY_API_VERSION = 'policy.networking.k8s.io/v1beta1';

/** The two tiers a ClusterNetworkPolicy can sit in. */
export type ClusterNetworkPolicyTier = 'Admin' | 'Baseline';

/** What a matching rule does: Accept and Deny are final; Pass hands over to the next tier. */
export type ClusterNetworkPolicyAction = 'Accept' | 'Deny' | 'Pass';

/** A port number, or an inclusive range whose `start` is below its `end` (CEL rule of the CRD). */
export type ClusterNetworkPolicyPort = { readonly number: number } | { readonly range: { readonly start: number; readonly end: number } };

/** Exactly one protocol key per entry (the CRD's MinProperties/MaxProperties). */
export type ClusterNetworkPolicyProtocol =
  | { readonly tcp: { readonly destinationPort: ClusterNetworkPolicyPort } }
  | { readonly udp: { readonly destinationPort: ClusterNetworkPolicyPort } }
  | { readonly sctp: { readonly destinationPort: ClusterNetworkPolicyPort } };

/** Pods chosen by a namespace selector AND a pod selector. */
export interface NamespacedPodSelector {
  readonly namespaceSelector: LabelSelector;
  readonly podSelector: LabelSelector;
}

/** One peer: exactly one field set. Ingress peers can only be namespaces or pods. */
export type ClusterNetworkPolicyPeer =
  | { readonly namespaces: LabelSelector }
  | { readonly pods: NamespacedPodSelector }
  | { readonly networks: readonly string[] };

/** One ingress rule: `from` lists the sources it matches; rules apply in the order written. */
export interface ClusterNetworkPolicyIngressRule {
  readonly name: string;
  readonly action: ClusterNetworkPolicyAction;
  readonly from: readonly ClusterNetworkPolicyPeer[];
  readonly protocols?: readonly ClusterNetworkPolicyProtocol[];
}

/** One egress rule. */
export interface ClusterNetworkPolicyEgressRule {
  readonly name: string;
  readonly action: ClusterNetworkPolicyAction;
  readonly to: readonly ClusterNetworkPolicyPeer[];
  readonly protocols?: readonly ClusterNetworkPolicyProtocol[];
}

/** The spec: a tier, a priority from 0 to 1000, the subject pods, and ordered rules. */
export interface ClusterNetworkPolicySpec {
  readonly tier: ClusterNetworkPolicyTier;
  readonly priority: number;
  readonly subject: { readonly namespaces: LabelSelector } | { readonly pods: NamespacedPodSelector };
  readonly ingress?: readonly ClusterNetworkPolicyIngressRule[];
  readonly egress?: readonly ClusterNetworkPolicyEgressRule[];
}

/** A cluster-scoped `policy.networking.k8s.io/v1beta1` ClusterNetworkPolicy. */
export interface ClusterNetworkPolicy {
  readonly apiVersion: typeof CLUSTER_NETWORK_POLICY_API_VERSION;
  readonly kind: 'ClusterNetworkPolicy';
  readonly metadata: Omit<ObjectMeta, 'namespace'>;
  readonly spec: ClusterNetworkPolicySpec;
}

/** The CRD's limits, checked before rendering so no object the API server would refuse leaves the core. */
export const CLUSTER_NETWORK_POLICY_LIMITS = {
  /** Rules per direction (`maxItems` of spec.ingress / spec.egress). */
  rulesPerDirection: 25,
  /** Peers per rule, and CIDRs per `networks` peer. */
  peersPerRule: 25,
  networksPerPeer: 25,
  /** `metadata.name` of a cluster-scoped object (DNS-1123 subdomain). */
  nameLength: 253,
  /** `spec.ingress[].name` / `spec.egress[].name`. */
  ruleNameLength: 100,
} as const;
