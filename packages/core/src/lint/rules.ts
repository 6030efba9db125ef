/**
 * The lint rules for NetworkPolicy, and the catalogue of every rule (the cluster-tier and Cilium
 * rules live beside this file). Each enforces one item of docs/pitfalls.md and is documented in
 * `docs/lint/<id>.md`. Rules are pure: they read the context and yield violations.
 */
import {
  NAMESPACE_NAME_LABEL,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
} from '../model/network-policy.js';
import { describeOptIn } from '../options/opt-ins.js';
import { SYSTEM_NAMESPACES } from '../options/namespace-isolation-options.js';
import { OPT_INS_ANNOTATION } from '../templates/namespace-isolation.js';
import type { LintContext, LintRule, NetworkPolicyLintRule, RuleViolation } from './lint-types.js';
import { arrayOf, effectivePolicyTypes, isRecord } from '../kubernetes/object-fields.js';
import { isEmptySelector, selectorMatches } from './manifest-objects.js';
import { CILIUM_LINT_RULES } from './cilium-rules.js';
import { CLUSTER_POLICY_LINT_RULES } from './cluster-policy-rules.js';

type Direction = 'ingress' | 'egress';

interface RuleView {
  readonly direction: Direction;
  readonly index: number;
  /** `spec.ingress[0]` */
  readonly path: string;
  /** `from` or `to` */
  readonly peersKey: 'from' | 'to';
  /** Absent when the rule has no peer list (it matches every peer). */
  readonly peers: readonly NetworkPolicyPeer[] | undefined;
  readonly ports: readonly NetworkPolicyPort[] | undefined;
}

function rulesOf(context: LintContext, direction: Direction): RuleView[] {
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  return arrayOf<Record<string, unknown>>(context.policy.spec[direction]).map((rule, index) => {
    const record = isRecord(rule) ? rule : {};
    return {
      direction,
      index,
      path: `spec.${direction}[${index}]`,
      peersKey,
      peers: Array.isArray(record[peersKey]) ? (record[peersKey] as NetworkPolicyPeer[]) : undefined,
      ports: Array.isArray(record.ports) ? (record.ports as NetworkPolicyPort[]) : undefined,
    };
  });
}

function allRulesOf(context: LintContext): RuleView[] {
  return [...rulesOf(context, 'ingress'), ...rulesOf(context, 'egress')];
}

function describeSelector(selector: unknown): string {
  if (!isRecord(selector) || isEmptySelector(selector)) return '{}';
  const parts = Object.entries(isRecord(selector.matchLabels) ? selector.matchLabels : {}).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of arrayOf<Record<string, unknown>>(selector.matchExpressions)) {
    if (!isRecord(e)) continue;
    const values = arrayOf<string>(e.values);
    parts.push(values.length > 0 ? `${String(e.key)} ${String(e.operator)} (${values.join(',')})` : `${String(e.key)} ${String(e.operator)}`);
  }
  return parts.join(', ');
}

const hasKey = (peer: unknown, key: string): boolean => isRecord(peer) && isRecord(peer[key]);
const isNamespaceOnlyPeer = (peer: unknown) => hasKey(peer, 'namespaceSelector') && !hasKey(peer, 'podSelector') && !hasKey(peer, 'ipBlock');
const isPodOnlyPeer = (peer: unknown) => hasKey(peer, 'podSelector') && !hasKey(peer, 'namespaceSelector') && !hasKey(peer, 'ipBlock');

function protocolOf(port: NetworkPolicyPort): string {
  return typeof port.protocol === 'string' ? port.protocol : 'TCP';
}

/** Whether a port entry matches `protocol` port 53, by number, range or the CoreDNS port names. */
function coversDnsPort(port: unknown, protocol: 'UDP' | 'TCP', names: readonly string[]): boolean {
  if (!isRecord(port) || protocolOf(port as NetworkPolicyPort) !== protocol) return false;
  const value = port.port;
  if (value === undefined) return true;
  if (typeof value === 'string') return names.includes(value);
  if (typeof value !== 'number') return false;
  const end = typeof port.endPort === 'number' ? port.endPort : value;
  return value <= 53 && 53 <= end;
}

const UDP_DNS_NAMES = ['dns'];
const TCP_DNS_NAMES = ['dns-tcp'];

/** Whether a peer list reaches pods of the policy's own namespace `namespace`. */
function peersReachOwnNamespace(peers: readonly NetworkPolicyPeer[] | undefined, namespace: string): boolean {
  if (peers === undefined || peers.length === 0) return true;
  return peers.some((peer) => {
    if (!isRecord(peer) || hasKey(peer, 'ipBlock')) return false;
    if (!hasKey(peer, 'namespaceSelector')) return hasKey(peer, 'podSelector');
    return selectorMatches(peer.namespaceSelector, { [NAMESPACE_NAME_LABEL]: namespace });
  });
}

const orInsteadOfAnd: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP001',
  name: 'or-instead-of-and',
  severity: 'warning',
  summary: 'A peer list has a namespaceSelector-only item and a podSelector-only item: either matches (OR), where one item with both (AND) was likely meant.',
  pitfall: 4,
  *check(context) {
    for (const rule of allRulesOf(context)) {
      const peers = rule.peers ?? [];
      const namespaceOnly = peers.findIndex(isNamespaceOnlyPeer);
      const podOnly = peers.findIndex(isPodOnlyPeer);
      if (namespaceOnly < 0 || podOnly < 0) continue;
      const namespaces = describeSelector(peers[namespaceOnly]!.namespaceSelector);
      const pods = describeSelector(peers[podOnly]!.podSelector);
      yield {
        path: `${rule.path}.${rule.peersKey}[${namespaceOnly}]`,
        message:
          `${rule.peersKey}[${namespaceOnly}] matches every pod in namespaces {${namespaces}} and ${rule.peersKey}[${podOnly}] ` +
          `matches pods {${pods}} of this namespace; separate items are OR. To match only pods {${pods}} in namespaces ` +
          `{${namespaces}}, put namespaceSelector and podSelector in one item (no '-' before podSelector).`,
      };
    }
  },
};

const udpOnlyDns: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP002',
  name: 'udp-only-dns',
  severity: 'warning',
  summary: 'Egress allows DNS on UDP 53 but not TCP 53, so truncated answers that retry over TCP fail.',
  pitfall: 9,
  *check(context) {
    const egress = rulesOf(context, 'egress');
    for (const rule of egress) {
      const udpIndex = (rule.ports ?? []).findIndex((port) => isRecord(port) && port.port !== undefined && coversDnsPort(port, 'UDP', UDP_DNS_NAMES));
      if (udpIndex < 0) continue;
      const sameDestination = JSON.stringify(rule.peers ?? null);
      const tcpCovered = egress.some(
        (other) =>
          (other.peers === undefined || other.peers.length === 0 || JSON.stringify(other.peers) === sameDestination) &&
          (other.ports === undefined || other.ports.length === 0 || other.ports.some((port) => coversDnsPort(port, 'TCP', TCP_DNS_NAMES))),
      );
      if (tcpCovered) continue;
      yield {
        path: `${rule.path}.ports[${udpIndex}]`,
        message: 'DNS egress allows UDP 53 only: answers over 512 bytes are retried over TCP and will fail. Add {protocol: TCP, port: 53} to the same rule.',
      };
    }
  },
};

const portsOnlyRule: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP003',
  name: 'ports-without-peers',
  severity: 'warning',
  summary: 'An egress rule lists ports but no `to`, so it allows those ports to every destination, inside and outside the cluster.',
  pitfall: 10,
  *check(context) {
    for (const rule of allRulesOf(context)) {
      if (rule.ports === undefined || rule.ports.length === 0 || (rule.peers !== undefined && rule.peers.length > 0)) continue;
      const ports = rule.ports.map((p) => (isRecord(p) ? `${protocolOf(p)}/${p.port ?? 'any'}` : '?')).join(', ');
      if (rule.direction === 'egress') {
        yield {
          path: rule.path,
          message:
            `allows ${ports} to any IP, in or outside the cluster (an exfiltration channel). Add a \`to\` list: ` +
            'for DNS, namespaceSelector kubernetes.io/metadata.name=kube-system AND podSelector k8s-app=kube-dns in one item.',
        };
      } else {
        yield {
          path: rule.path,
          severity: 'note',
          message: `allows ${ports} from any source, including other namespaces and outside the cluster. If that is not meant, add a \`from\` list.`,
        };
      }
    }
  },
};

const nameLabelNamespaceSelector: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP004',
  name: 'ad-hoc-namespace-label',
  severity: 'warning',
  summary: 'A namespaceSelector uses a `name` label, which namespaces often lack and tenants can set; use `kubernetes.io/metadata.name`.',
  pitfall: 12,
  *check(context) {
    for (const rule of allRulesOf(context)) {
      for (const [index, peer] of (rule.peers ?? []).entries()) {
        if (!isRecord(peer) || !isRecord(peer.namespaceSelector)) continue;
        const selector = peer.namespaceSelector;
        const base = `${rule.path}.${rule.peersKey}[${index}].namespaceSelector`;
        const labels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
        if (Object.hasOwn(labels, 'name')) {
          yield {
            path: `${base}.matchLabels.name`,
            message: `selects namespaces by the ad-hoc label name=${String(labels.name)}: replace it with ${NAMESPACE_NAME_LABEL}: ${String(labels.name)}, which Kubernetes sets on every namespace and nobody can change.`,
          };
        }
        for (const [expressionIndex, expression] of arrayOf(selector.matchExpressions).entries()) {
          if (isRecord(expression) && expression.key === 'name') {
            yield {
              path: `${base}.matchExpressions[${expressionIndex}]`,
              message: `selects namespaces by the ad-hoc label key "name": use the key ${NAMESPACE_NAME_LABEL}, which Kubernetes sets on every namespace and nobody can change.`,
            };
          }
        }
      }
    }
  },
};

const implicitPolicyTypes: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP005',
  name: 'implicit-policy-types',
  severity: 'warning',
  summary: '`policyTypes` is left for the API server to infer: Egress is only inferred when egress rules exist, so a "deny egress" policy can silently do nothing.',
  pitfall: 3,
  *check(context) {
    if (arrayOf(context.policy.spec.policyTypes).length > 0) return;
    const inferred = effectivePolicyTypes(context.policy.spec);
    const egressNote = inferred.includes('Egress')
      ? ''
      : ' Egress is NOT isolated: a policy meant to deny egress needs policyTypes: [Egress].';
    const ingressNote =
      arrayOf(context.policy.spec.ingress).length === 0 ? ' With no ingress rules, that denies all ingress to the selected pods.' : '';
    yield {
      path: 'spec.policyTypes',
      message: `policyTypes is not set, so Kubernetes infers [${inferred.join(', ')}].${ingressNote}${egressNote} State it explicitly, e.g. policyTypes: [${inferred.join(', ')}].`,
    };
  },
};

const emptyPortEntry: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP006',
  name: 'empty-port-entry',
  severity: 'warning',
  summary: 'A `ports` entry with no fields matches every TCP port and no UDP or SCTP port.',
  pitfall: 5,
  *check(context) {
    for (const rule of allRulesOf(context)) {
      for (const [index, port] of (rule.ports ?? []).entries()) {
        if (isRecord(port) && port.port === undefined && port.protocol === undefined && port.endPort === undefined) {
          yield {
            path: `${rule.path}.ports[${index}]`,
            message: 'an empty port entry matches every TCP port (and no UDP): name the port and protocol, e.g. {protocol: TCP, port: 8080}, or drop `ports` if every port is meant.',
          };
        }
      }
    }
  },
};

const missingEgressMirror: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP007',
  name: 'missing-egress-mirror',
  severity: 'warning',
  summary: 'The namespace isolates egress and allows ingress from itself, but no egress rule lets its pods reach their own namespace, so that traffic is still dropped.',
  pitfall: 2,
  *check(context) {
    const egressPolicies = context.policies.filter(
      (entry) => entry.namespace === context.namespace && effectivePolicyTypes(entry.policy.spec).includes('Egress'),
    );
    if (egressPolicies.length === 0) return;
    const mirrored = egressPolicies.some((entry) =>
      arrayOf<Record<string, unknown>>(entry.policy.spec.egress).some(
        (rule) => isRecord(rule) && peersReachOwnNamespace(Array.isArray(rule.to) ? (rule.to as NetworkPolicyPeer[]) : undefined, context.namespace),
      ),
    );
    if (mirrored) return;
    if (!effectivePolicyTypes(context.policy.spec).includes('Ingress')) return;
    for (const rule of rulesOf(context, 'ingress')) {
      const peers = rule.peers ?? [];
      const index = peers.findIndex((peer) => peersReachOwnNamespace([peer], context.namespace));
      if (index < 0) continue;
      const isolating = egressPolicies.map((entry) => entry.policy.metadata?.name).join(', ');
      yield {
        path: `${rule.path}.from[${index}]`,
        message:
          `allows ingress from namespace ${context.namespace}, but ${isolating} isolates egress there and no egress rule allows ` +
          `${context.namespace} itself, so clients in the namespace cannot send this traffic. Add an egress rule \`to: [{podSelector: {}}]\`.`,
      };
    }
  },
};

const endPortWithNamedPort: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP008',
  name: 'end-port-needs-numeric-port',
  severity: 'error',
  summary: '`endPort` is set with a named or missing `port`; the API server rejects it (a range needs a numeric start).',
  pitfall: 6,
  *check(context) {
    for (const rule of allRulesOf(context)) {
      for (const [index, port] of (rule.ports ?? []).entries()) {
        if (!isRecord(port) || port.endPort === undefined) continue;
        if (typeof port.port === 'string') {
          yield {
            path: `${rule.path}.ports[${index}].endPort`,
            message: `endPort ${String(port.endPort)} follows the named port "${port.port}": a range needs a numeric port. Replace "${port.port}" with its number, or drop endPort.`,
          };
        } else if (port.port === undefined) {
          yield {
            path: `${rule.path}.ports[${index}].endPort`,
            message: `endPort ${String(port.endPort)} has no port to start from: add a numeric port, the first port of the range.`,
          };
        } else if (typeof port.port === 'number' && typeof port.endPort === 'number' && port.endPort < port.port) {
          yield {
            path: `${rule.path}.ports[${index}].endPort`,
            message: `endPort ${port.endPort} is below port ${port.port}: endPort must be greater than or equal to port.`,
          };
        }
      }
    }
  },
};

const emptyNamespaceSelector: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP009',
  name: 'cluster-wide-namespace-selector',
  severity: 'warning',
  summary: 'A peer has an empty namespaceSelector, which matches every namespace of the cluster.',
  pitfall: 13,
  *check(context) {
    for (const rule of allRulesOf(context)) {
      for (const [index, peer] of (rule.peers ?? []).entries()) {
        if (!isRecord(peer) || !isEmptySelector(peer.namespaceSelector)) continue;
        const pods = isRecord(peer.podSelector) && !isEmptySelector(peer.podSelector) ? `pods {${describeSelector(peer.podSelector)}}` : 'every pod';
        yield {
          path: `${rule.path}.${rule.peersKey}[${index}].namespaceSelector`,
          message: `namespaceSelector {} matches ${pods} in every namespace of the cluster. Name the namespaces: namespaceSelector: {matchLabels: {${NAMESPACE_NAME_LABEL}: <namespace>}}.`,
        };
      }
    }
  },
};

const systemNamespaceIsolated: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP010',
  name: 'system-namespace-isolated',
  severity: 'error',
  summary: 'A policy isolates pods in a system namespace (kube-system, kube-public, kube-node-lease or a CNI namespace), which can cut off DNS, the CNI or the control plane.',
  pitfall: 17,
  *check(context) {
    if (!SYSTEM_NAMESPACES.includes(context.namespace)) return;
    yield {
      path: 'metadata.namespace',
      message:
        `${context.namespace} is a system namespace: isolating its pods can cut DNS, the CNI or the control plane off from the cluster. ` +
        'Move the policy to an application namespace, or disable NP010 on it after testing it on a non-production cluster.',
    };
  },
};

/** The pods of the input in `namespace`, or `undefined` when the input shows none there (then nothing can be concluded). */
function podsIn(context: LintContext, namespace: string) {
  const pods = context.workloads.filter((workload) => workload.namespace === namespace);
  return pods.length > 0 ? pods : undefined;
}

const selectorMatchesNothing: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP011',
  name: 'selector-matches-nothing',
  severity: 'warning',
  summary: 'With workloads in the input: a pod selector matches none of the workloads of the namespaces it applies to.',
  pitfall: 1,
  *check(context) {
    if (context.workloads.length === 0) return;
    const ownPods = podsIn(context, context.namespace);
    const spec = context.policy.spec;
    if (ownPods && !ownPods.some((pod) => selectorMatches(spec.podSelector, pod.podLabels))) {
      yield {
        path: 'spec.podSelector',
        message: `podSelector {${describeSelector(spec.podSelector)}} matches none of the ${ownPods.length} workloads in ${context.namespace}: check the labels against the pod templates.`,
      };
    }
    for (const rule of allRulesOf(context)) {
      for (const [index, peer] of (rule.peers ?? []).entries()) {
        if (!isRecord(peer) || !isRecord(peer.podSelector)) continue;
        const namespaces = hasKey(peer, 'namespaceSelector')
          ? [...context.namespaceLabels].filter(([, labels]) => selectorMatches(peer.namespaceSelector, labels)).map(([name]) => name)
          : [context.namespace];
        const pods = namespaces.map((namespace) => podsIn(context, namespace));
        // Only conclude when every selected namespace's workloads are in the input.
        if (namespaces.length === 0 || pods.some((list) => list === undefined)) continue;
        if (pods.flat().some((pod) => selectorMatches(peer.podSelector, pod!.podLabels))) continue;
        yield {
          path: `${rule.path}.${rule.peersKey}[${index}].podSelector`,
          message: `podSelector {${describeSelector(peer.podSelector)}} matches no workload in ${namespaces.join(', ')}: check the labels against the pod templates.`,
        };
      }
    }
  },
};

const optInInUse: NetworkPolicyLintRule = {
  appliesTo: 'NetworkPolicy',
  id: 'NP012',
  name: 'opt-in-in-use',
  severity: 'note',
  summary: 'A policy of template #14 was rendered with an opt-in that opens more than the guarded default (its k8s-security-pro.io/opt-ins annotation).',
  pitfall: 7,
  *check(context) {
    const listed = context.policy.metadata.annotations?.[OPT_INS_ANNOTATION];
    if (typeof listed !== 'string') return;
    for (const optIn of listed.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
      yield {
        path: `metadata.annotations["${OPT_INS_ANNOTATION}"]`,
        message: `opt-in ${optIn} is in use: ${describeOptIn(optIn)}. Check that it is still needed; without it the guardrails refuse the value.`,
      };
    }
  },
};

/** Every NetworkPolicy rule, in id order. */
const NETWORK_POLICY_LINT_RULES: readonly NetworkPolicyLintRule[] = [
  orInsteadOfAnd,
  udpOnlyDns,
  portsOnlyRule,
  nameLabelNamespaceSelector,
  implicitPolicyTypes,
  emptyPortEntry,
  missingEgressMirror,
  endPortWithNamedPort,
  emptyNamespaceSelector,
  systemNamespaceIsolated,
  selectorMatchesNothing,
  optInInUse,
];

/** Every rule, in id order: NetworkPolicy, then the cluster tiers, then Cilium. */
export const LINT_RULES: readonly LintRule[] = [...NETWORK_POLICY_LINT_RULES, ...CLUSTER_POLICY_LINT_RULES, ...CILIUM_LINT_RULES];

export type { RuleViolation };
