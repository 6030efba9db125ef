/**
 * Template #14, Namespace Isolation: five NetworkPolicy layers per target namespace.
 *
 * The set is built to *work*, not only to deny (docs/pitfalls.md):
 * - a connection needs egress at the client and ingress at the server, so layer 2 carries an
 *   egress mirror whenever layer 5 isolates egress (pitfall 2);
 * - every policy states `policyTypes` (pitfall 3);
 * - peers are namespace AND pods in one item, namespaces by `kubernetes.io/metadata.name`
 *   (pitfalls 4, 12, 13), and DNS is bound to the DNS pods on UDP and TCP 53 (pitfalls 9, 10).
 */
import { NAMESPACE_ISOLATION } from '../catalog/namespace-isolation.js';
import {
  LabelSelector,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  sortedRecord,
  type NetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicySpec,
} from '../model/network-policy.js';
import { cidrOf } from '../options/guardrails.js';
import { optInsInUse } from '../options/opt-ins.js';
import {
  resolveNamespaceIsolationOptions,
  type NamespaceIsolationOptions,
  type ResolvedNamespaceIsolationOptions,
} from '../options/namespace-isolation-options.js';

/** Keys of the options that toggle a layer. */
export type NamespaceIsolationLayerKey =
  | 'defaultDenyIngress'
  | 'allowSameNamespace'
  | 'allowIngressController'
  | 'allowMonitoring'
  | 'denyEgressExceptDns';

/** One layer of the set: its toggle, the policy it renders, and what it is for. */
export interface NamespaceIsolationLayer {
  /** 1-5, the layer's number in the template. */
  readonly number: number;
  /** Options key whose `enabled` toggles the layer. */
  readonly key: NamespaceIsolationLayerKey;
  /** `metadata.name` of the rendered policy. */
  readonly policyName: string;
  /** Allow layers are applied before deny layers, so an install never drops live traffic. */
  readonly effect: 'allow' | 'deny';
  /** One sentence on what the layer does, used in annotations, comments and docs. */
  readonly summary: string;
  /** One sentence on what turning the layer off leaves open or breaks, for NOTES.txt and the docs. */
  readonly whenOff: string;
}

/** The five layers in template order. */
export const NAMESPACE_ISOLATION_LAYERS: readonly NamespaceIsolationLayer[] = [
  {
    number: 1,
    key: 'defaultDenyIngress',
    policyName: 'default-deny-ingress',
    effect: 'deny',
    summary: 'Denies all ingress to every pod in the namespace unless another policy allows it.',
    whenOff: 'ingress is isolated only while layer 2, 3 or 4 selects the pods; with those off too, every pod of the cluster can connect in.',
  },
  {
    number: 2,
    key: 'allowSameNamespace',
    policyName: 'allow-same-namespace',
    effect: 'allow',
    summary: 'Allows traffic between pods of the same namespace, with the egress mirror that layer 5 needs.',
    whenOff: 'pods of the namespace can no longer reach each other wherever another layer isolates them.',
  },
  {
    number: 3,
    key: 'allowIngressController',
    policyName: 'allow-ingress-controller',
    effect: 'allow',
    summary: 'Allows ingress from the ingress controller pods in their namespace.',
    whenOff: 'the ingress controller can no longer reach the namespace while layer 1 is on.',
  },
  {
    number: 4,
    key: 'allowMonitoring',
    policyName: 'allow-monitoring',
    effect: 'allow',
    summary: 'Allows Prometheus in the monitoring namespace to scrape the metrics ports.',
    whenOff: 'Prometheus can no longer scrape the namespace while layer 1 is on.',
  },
  {
    number: 5,
    key: 'denyEgressExceptDns',
    policyName: 'deny-egress-except-dns',
    effect: 'deny',
    summary: 'Denies all egress except DNS to the cluster DNS pods on UDP and TCP 53, plus opted-in destinations.',
    whenOff: 'egress is open: a compromised pod can connect to every namespace and to the internet.',
  },
];

/** The layers in apply order: allows first, then denies, each group in template order. */
export const NAMESPACE_ISOLATION_APPLY_ORDER: readonly NamespaceIsolationLayer[] = [
  ...NAMESPACE_ISOLATION_LAYERS.filter((layer) => layer.effect === 'allow'),
  ...NAMESPACE_ISOLATION_LAYERS.filter((layer) => layer.effect === 'deny'),
];

/** Labels on every policy of the set. */
export const NAMESPACE_ISOLATION_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'k8s-security',
  'app.kubernetes.io/part-of': 'k8s-security-pro',
  'app.kubernetes.io/managed-by': 'k8s-security-pro',
  'app.kubernetes.io/component': 'namespace-isolation',
};

/** Annotation keys carrying the catalog references. */
export const ANNOTATION_PREFIX = 'k8s-security-pro.io';

/** Annotation listing the opt-ins the set was rendered with, for lint and audit to report. */
export const OPT_INS_ANNOTATION = `${ANNOTATION_PREFIX}/opt-ins`;

function annotationsFor(layer: NamespaceIsolationLayer, optIns: readonly string[]): Record<string, string> {
  return sortedRecord({
    ...(optIns.length > 0 ? { [OPT_INS_ANNOTATION]: optIns.join(', ') } : {}),
    [`${ANNOTATION_PREFIX}/template`]: `${NAMESPACE_ISOLATION.id}-${NAMESPACE_ISOLATION.slug}`,
    [`${ANNOTATION_PREFIX}/layer`]: `${layer.number}`,
    [`${ANNOTATION_PREFIX}/cis-benchmark`]: NAMESPACE_ISOLATION.cis.map((c) => c.id).join(','),
    [`${ANNOTATION_PREFIX}/mitre-attack`]: NAMESPACE_ISOLATION.mitre.map((m) => m.id).join(','),
    [`${ANNOTATION_PREFIX}/description`]: layer.summary,
  });
}

/** DNS on UDP and TCP 53 (pitfall 9). A fresh array per rule: rendered policies share no mutable objects. */
function dnsPorts(): NetworkPolicyPort[] {
  return [NetworkPolicyPort.udp(53), NetworkPolicyPort.tcp(53)];
}

function portsOf(ports: ResolvedNamespaceIsolationOptions['allowMonitoring']['ports']): NetworkPolicyPort[] {
  return ports.map((p) => ({
    protocol: p.protocol as NetworkPolicyPort['protocol'],
    ...(p.port !== undefined ? { port: p.port } : {}),
    ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
  }));
}

function selectorOf(selector: ResolvedNamespaceIsolationOptions['allowMonitoring']['podSelector']): LabelSelector {
  return {
    ...(selector.matchLabels ? { matchLabels: sortedRecord(selector.matchLabels) } : {}),
    ...(selector.matchExpressions
      ? {
          matchExpressions: selector.matchExpressions.map((e) => ({
            key: e.key,
            operator: e.operator,
            ...(e.values ? { values: [...e.values] } : {}),
          })),
        }
      : {}),
  };
}

type SpecBuilder = (options: ResolvedNamespaceIsolationOptions) => NetworkPolicySpec;

const SPEC_BUILDERS: Record<NamespaceIsolationLayerKey, SpecBuilder> = {
  defaultDenyIngress: () => ({ podSelector: LabelSelector.all(), policyTypes: ['Ingress'] }),

  allowSameNamespace: (options) => {
    const ingress: NetworkPolicyIngressRule[] = [{ from: [NetworkPolicyPeer.sameNamespace()] }];
    // The egress mirror only exists while layer 5 isolates egress: on its own, an Egress
    // policyType would itself isolate egress and cut every other destination.
    if (!options.denyEgressExceptDns.enabled) {
      return { podSelector: LabelSelector.all(), policyTypes: ['Ingress'], ingress };
    }
    return {
      podSelector: LabelSelector.all(),
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress: [{ to: [NetworkPolicyPeer.sameNamespace()] }],
    };
  },

  allowIngressController: ({ allowIngressController: controller }) => {
    const from = [
      NetworkPolicyPeer.podsInNamespace(controller.namespace, selectorOf(controller.podSelector)),
      ...controller.nodeCidrs.map((entry) => NetworkPolicyPeer.ipBlock(cidrOf(entry))),
    ];
    const rule: NetworkPolicyIngressRule = controller.opensEveryPort ? { from } : { from, ports: portsOf(controller.ports) };
    return { podSelector: LabelSelector.all(), policyTypes: ['Ingress'], ingress: [rule] };
  },

  allowMonitoring: ({ allowMonitoring: monitoring }) => ({
    podSelector: LabelSelector.all(),
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [NetworkPolicyPeer.podsInNamespace(monitoring.namespace, selectorOf(monitoring.podSelector))],
        ports: portsOf(monitoring.ports),
      },
    ],
  }),

  denyEgressExceptDns: ({ denyEgressExceptDns: egress }) => {
    const rules: NetworkPolicyEgressRule[] = [
      { to: [NetworkPolicyPeer.podsInNamespace(egress.dns.namespace, selectorOf(egress.dns.podSelector))], ports: dnsPorts() },
    ];
    if (egress.nodeLocalDns.enabled) {
      rules.push({ to: [NetworkPolicyPeer.ipBlock(`${egress.nodeLocalDns.ip}/32`)], ports: dnsPorts() });
    }
    if (egress.apiServer.enabled) {
      rules.push({ to: egress.apiServer.cidrs.map((entry) => NetworkPolicyPeer.ipBlock(cidrOf(entry))), ports: portsOf(egress.apiServer.ports) });
    }
    for (const entry of egress.allowedEgress) {
      rules.push({ to: [NetworkPolicyPeer.ipBlock(entry.cidr, entry.except)], ports: portsOf(entry.ports) });
    }
    return { podSelector: LabelSelector.all(), policyTypes: ['Egress'], egress: rules };
  },
};

/** The policy one layer renders for one namespace, from resolved options. */
export function namespaceIsolationPolicy(
  layer: NamespaceIsolationLayer,
  namespace: string,
  options: ResolvedNamespaceIsolationOptions,
): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: layer.policyName,
      namespace,
      labels: sortedRecord(NAMESPACE_ISOLATION_LABELS),
      annotations: annotationsFor(layer, optInsInUse(options)),
    },
    spec: SPEC_BUILDERS[layer.key](options),
  };
}

/**
 * Builds template #14's NetworkPolicies for every target namespace.
 *
 * Policies come in apply order: every enabled allow layer of every namespace, then the deny
 * layers, so applying the list in order never drops live traffic.
 *
 * @param options - validated against the options schema; `{}` or nothing gives the production set.
 * @throws {NamespaceIsolationOptionsError} when an option is invalid, naming the field and the fix.
 * @example
 * ```ts
 * const policies = namespaceIsolation({ targetNamespaces: ['payments'] });
 * ```
 */
export function namespaceIsolation(options: NamespaceIsolationOptions = {}): NetworkPolicy[] {
  const resolved = resolveNamespaceIsolationOptions(options);
  return NAMESPACE_ISOLATION_APPLY_ORDER.filter((layer) => resolved[layer.key].enabled).flatMap((layer) =>
    resolved.targetNamespaces.map((namespace) => namespaceIsolationPolicy(layer, namespace, resolved)),
  );
}
