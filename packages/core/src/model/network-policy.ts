/**
 * The `networking.k8s.io/v1` NetworkPolicy wire model, with static factories for the
 * shapes this project renders. Field names and nesting follow the Kubernetes API exactly,
 * so objects serialize to valid manifests with no mapping layer.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 */

/** Label key that Kubernetes sets on every namespace (immutable, GA in 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Transport protocols a NetworkPolicy port can name. */
export type NetworkPolicyProtocol = 'TCP' | 'UDP' | 'SCTP';

/** The protocols in the order the API documents them. */
export const NETWORK_POLICY_PROTOCOLS: readonly NetworkPolicyProtocol[] = ['TCP', 'UDP', 'SCTP'];

/** Operators of a set-based label selector requirement. */
export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One set-based requirement of a {@link LabelSelector}. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  /** Required for `In` and `NotIn`; must be absent for `Exists` and `DoesNotExist`. */
  readonly values?: readonly string[];
}

/** A Kubernetes label selector. `{}` selects everything. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** A CIDR range with optional carved-out sub-ranges. Meant for cluster-external IPs. */
export interface IPBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/**
 * One peer of an ingress `from` or egress `to` list. A peer with both selectors matches
 * pods that satisfy both (AND); separate peers in one list are alternatives (OR).
 */
export interface NetworkPolicyPeer {
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

/** A destination port (container port, after Service DNAT). */
export interface NetworkPolicyPort {
  /** @default 'TCP' (applied by the API server when omitted) */
  readonly protocol?: NetworkPolicyProtocol;
  /** A number, or the name of a container port on the destination pod. Absent: every port. */
  readonly port?: number | string;
  /** Last port of a range that starts at the numeric `port`. */
  readonly endPort?: number;
}

/** One ingress rule: traffic matching any `from` peer AND any `ports` entry is allowed. */
export interface NetworkPolicyIngressRule {
  readonly from?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

/** One egress rule: traffic matching any `to` peer AND any `ports` entry is allowed. */
export interface NetworkPolicyEgressRule {
  readonly to?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

/** Direction a policy governs. */
export type NetworkPolicyType = 'Ingress' | 'Egress';

/** What a policy selects and which traffic it allows, per direction. */
export interface NetworkPolicySpec {
  readonly podSelector: LabelSelector;
  readonly policyTypes?: readonly NetworkPolicyType[];
  readonly ingress?: readonly NetworkPolicyIngressRule[];
  readonly egress?: readonly NetworkPolicyEgressRule[];
}

/** The metadata this project sets on the objects it renders. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A `networking.k8s.io/v1` NetworkPolicy. */
export interface NetworkPolicy {
  readonly apiVersion: 'networking.k8s.io/v1';
  readonly kind: 'NetworkPolicy';
  readonly metadata: ObjectMeta;
  readonly spec: NetworkPolicySpec;
}

/** Factories for {@link LabelSelector}. */
export const LabelSelector = {
  /** `{}`: selects every pod of the policy's namespace (as a `spec.podSelector`). */
  all(): LabelSelector {
    return {};
  },
  /** Selects objects carrying every one of `labels`. */
  labels(labels: Readonly<Record<string, string>>): LabelSelector {
    return { matchLabels: sortedRecord(labels) };
  },
  /** Selects the one namespace called `name`, by its immutable `kubernetes.io/metadata.name` label. */
  namespaceNamed(name: string): LabelSelector {
    return { matchLabels: { [NAMESPACE_NAME_LABEL]: name } };
  },
} as const;

/** Factories for {@link NetworkPolicyPeer}. */
export const NetworkPolicyPeer = {
  /** Pods matching `podSelector` inside the namespace called `namespace` (one peer: AND). */
  podsInNamespace(namespace: string, podSelector: LabelSelector): NetworkPolicyPeer {
    return { namespaceSelector: LabelSelector.namespaceNamed(namespace), podSelector };
  },
  /** Every pod of the policy's own namespace. */
  sameNamespace(): NetworkPolicyPeer {
    return { podSelector: LabelSelector.all() };
  },
  /** An IP range, minus `except`. */
  ipBlock(cidr: string, except: readonly string[] = []): NetworkPolicyPeer {
    return except.length > 0 ? { ipBlock: { cidr, except: [...except] } } : { ipBlock: { cidr } };
  },
} as const;

/** Factories for {@link NetworkPolicyPort}. */
export const NetworkPolicyPort = {
  tcp(port: number | string): NetworkPolicyPort {
    return { protocol: 'TCP', port };
  },
  udp(port: number | string): NetworkPolicyPort {
    return { protocol: 'UDP', port };
  },
  sctp(port: number | string): NetworkPolicyPort {
    return { protocol: 'SCTP', port };
  },
  /** Ports `port` through `endPort`, both included (Kubernetes 1.25+). */
  range(protocol: NetworkPolicyProtocol, port: number, endPort: number): NetworkPolicyPort {
    return { protocol, port, endPort };
  },
} as const;

/** A copy of `record` with keys in code-point order, for byte-stable output. */
export function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
