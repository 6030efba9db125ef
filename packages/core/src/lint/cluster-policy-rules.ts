/**
 * Lint rules for the cluster tiers: ClusterNetworkPolicy (v1beta1) and the v1alpha1
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy, all read in the v1beta1 shape. Each rule
 * enforces one item of docs/pitfalls.md and is documented in `docs/lint/<id>.md`.
 */
import { NAMESPACE_NAME_LABEL } from '../model/network-policy.js';
import { SYSTEM_NAMESPACES } from '../options/namespace-isolation-options.js';
import { isRecord } from '../kubernetes/object-fields.js';
import type { ClusterPolicyLintRule, LintedClusterPolicy } from './lint-types.js';
import {
  actionsOf,
  clusterPolicyLabel,
  clusterRulesOf,
  describeClusterRule,
  everyAddressNetworks,
  ruleCovers,
  selectsEveryNamespace,
  subjectCovers,
  subjectIsEveryNamespace,
  subjectsDisjoint,
  type ClusterRuleView,
} from './cluster-policy-view.js';

/** The policies other rules can read: those the reader accepted. */
const readable = (policies: readonly LintedClusterPolicy[]) => policies.filter((policy) => policy.problem === undefined);

const priorityOf = (policy: LintedClusterPolicy) => policy.spec?.priority as number;
const tierOf = (policy: LintedClusterPolicy) => policy.spec?.tier as string;

const clusterPolicyInvalid: ClusterPolicyLintRule = {
  id: 'NP013',
  appliesTo: 'ClusterNetworkPolicy',
  name: 'cluster-policy-invalid',
  severity: 'error',
  summary: 'A ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy has a field the API cannot read: a priority outside 0-1000, an unknown action, a peer with two fields, a bad CIDR or port.',
  pitfall: 23,
  *check({ policy }) {
    if (policy.problem === undefined) return;
    yield { path: policy.problem.field, message: `${policy.problem.fix}. The other cluster-policy rules skip this policy until it is fixed.` };
  },
};

const samePriorityOverlap: ClusterPolicyLintRule = {
  id: 'NP014',
  appliesTo: 'ClusterNetworkPolicy',
  name: 'same-priority-overlap',
  severity: 'error',
  summary: 'Two policies of one tier have the same priority and subjects that can overlap: which one applies first is undefined, so network plugins may decide differently.',
  pitfall: 24,
  *check({ policy, clusterPolicies }) {
    if (policy.problem !== undefined) return;
    const others = readable(clusterPolicies);
    const own = others.indexOf(policy);
    for (const other of others.slice(0, Math.max(own, 0))) {
      if (tierOf(other) !== tierOf(policy) || priorityOf(other) !== priorityOf(policy) || subjectsDisjoint(policy, other)) continue;
      // Only one action between them: whichever goes first, the outcome is the same.
      const actions = new Set([...actionsOf(policy), ...actionsOf(other)]);
      if (actions.size <= 1) continue;
      yield {
        path: 'spec.priority',
        message:
          `has priority ${priorityOf(policy)} in the ${tierOf(policy)} tier, like ${clusterPolicyLabel(other)}, and their subjects can overlap: ` +
          'the API leaves the order of equal priorities undefined, so network plugins may apply either first. Give one of them another priority (lower goes first).',
      };
    }
  },
};

/** The rules evaluated before `rule` for the same pods: earlier rules of the policy, then rules of earlier policies whose subject covers it. */
function rulesBefore(policy: LintedClusterPolicy, rule: ClusterRuleView, all: readonly LintedClusterPolicy[]) {
  const own = clusterRulesOf(policy)
    .filter((other) => other.direction === rule.direction && other.index < rule.index)
    .map((other) => ({ other, where: describeClusterRule(other) }));
  const earlierPolicies = readable(all).filter(
    (other) => other !== policy && tierOf(other) === tierOf(policy) && priorityOf(other) < priorityOf(policy) && subjectCovers(other, policy),
  );
  const inEarlier = earlierPolicies.flatMap((other) =>
    clusterRulesOf(other)
      .filter((candidate) => candidate.direction === rule.direction)
      .map((candidate) => ({ other: candidate, where: `${describeClusterRule(candidate)} of ${clusterPolicyLabel(other)} (priority ${priorityOf(other)})` })),
  );
  return [...own, ...inEarlier];
}

const shadowedRule: ClusterPolicyLintRule = {
  id: 'NP015',
  appliesTo: 'ClusterNetworkPolicy',
  name: 'shadowed-cluster-rule',
  severity: 'warning',
  summary: 'A rule never decides: an earlier rule of the policy, or a rule of a higher-priority policy of the tier over the same pods, already matches all its traffic.',
  pitfall: 24,
  *check({ policy, clusterPolicies }) {
    if (policy.problem !== undefined) return;
    for (const rule of clusterRulesOf(policy)) {
      const shadow = rulesBefore(policy, rule, clusterPolicies).find(({ other }) => ruleCovers(other, rule));
      if (!shadow) continue;
      const sameAction = shadow.other.action === rule.action;
      yield {
        path: rule.path,
        severity: sameAction ? 'note' : 'warning',
        message: sameAction
          ? `${rule.action} never decides: ${shadow.where} already ${rule.action}s all its traffic. Remove the rule, or narrow the earlier one.`
          : `${rule.action} never applies: ${shadow.where} matches all its traffic first and decides ${shadow.other.action}. ` +
            `Move this rule before it (or give its policy a lower priority number), or narrow the earlier rule.`,
      };
    }
  },
};

const acceptsEveryAddress: ClusterPolicyLintRule = {
  id: 'NP016',
  appliesTo: 'ClusterNetworkPolicy',
  name: 'accepts-every-address',
  severity: 'warning',
  summary: 'An Accept rule lists `0.0.0.0/0` or `::/0` in `networks`: the selected pods may reach every address, the internet included.',
  pitfall: 25,
  *check({ policy }) {
    if (policy.problem !== undefined) return;
    for (const rule of clusterRulesOf(policy)) {
      if (rule.action !== 'Accept') continue;
      for (const [peerIndex, peer] of rule.peers.entries()) {
        for (const { index, cidr } of everyAddressNetworks(peer)) {
          const ports = rule.protocols ? '' : ', on every port';
          yield {
            path: `${rule.path}.${rule.peersKey}[${peerIndex}].networks[${index}]`,
            message:
              `accepts egress to ${cidr}, every ${cidr.includes(':') ? 'IPv6' : 'IPv4'} address (the internet)${ports}, and no NetworkPolicy can narrow an ${tierOf(policy)}-tier Accept. ` +
              'List the networks the pods need, each with its protocols.',
          };
        }
      }
    }
  },
};

const acceptsEveryNamespace: ClusterPolicyLintRule = {
  id: 'NP017',
  appliesTo: 'ClusterNetworkPolicy',
  name: 'accepts-every-namespace',
  severity: 'warning',
  summary: 'An Accept rule has a peer that selects every pod of every namespace: in the Admin tier it overrides the namespaces\' own policies, in the Baseline tier it undoes the default deny.',
  pitfall: 25,
  *check({ policy }) {
    if (policy.problem !== undefined) return;
    for (const rule of clusterRulesOf(policy)) {
      if (rule.action !== 'Accept') continue;
      const index = rule.peers.findIndex(selectsEveryNamespace);
      if (index < 0) continue;
      const traffic = `${rule.direction === 'ingress' ? 'from' : 'to'} every pod of every namespace${rule.protocols ? '' : ', on every port'}`;
      const effect =
        tierOf(policy) === 'Admin'
          ? 'an Admin-tier Accept is final, so no NetworkPolicy of the subject namespaces can narrow it'
          : 'in the Baseline tier that undoes the default deny (such as the template\'s k8s-security-baseline-* Deny rule) for every namespace without policies of its own';
      yield {
        path: `${rule.path}.${rule.peersKey}[${index}]`,
        message: `accepts traffic ${traffic}: ${effect}. Name the namespaces: namespaces: {matchLabels: {${NAMESPACE_NAME_LABEL}: <namespace>}}.`,
      };
    }
  },
};

/** A Deny rule that cuts in-cluster traffic or every address: what breaks system namespaces. */
function isBroadDeny(rule: ClusterRuleView): boolean {
  return rule.action === 'Deny' && rule.peers.some((peer) => isRecord(peer) && (isRecord(peer.namespaces) || isRecord(peer.pods) || everyAddressNetworks(peer).length > 0));
}

const subjectEveryNamespaceDeny: ClusterPolicyLintRule = {
  id: 'NP018',
  appliesTo: 'ClusterNetworkPolicy',
  name: 'deny-for-every-namespace',
  severity: 'warning',
  summary: 'A policy whose subject is every namespace denies in-cluster traffic (or every address), so it also isolates kube-system and the network plugin\'s namespace.',
  pitfall: 17,
  *check({ policy }) {
    if (policy.problem !== undefined || !subjectIsEveryNamespace(policy)) return;
    const deny = clusterRulesOf(policy).find(isBroadDeny);
    if (!deny) return;
    yield {
      path: 'spec.subject',
      message:
        `selects every namespace, ${SYSTEM_NAMESPACES.slice(0, 3).join(', ')} and the network plugin's included, and ${describeClusterRule(deny)} denies traffic there: ` +
        `DNS, the network plugin or the control plane can be cut off. Leave the system namespaces out: namespaces: {matchExpressions: [{key: ${NAMESPACE_NAME_LABEL}, operator: NotIn, values: [kube-system, ...]}]}.`,
    };
  },
};

const namedPort: ClusterPolicyLintRule = {
  id: 'NP019',
  appliesTo: 'ClusterNetworkPolicy',
  name: 'named-port-not-standard',
  severity: 'warning',
  summary: 'A rule names a port (`destinationNamedPort`, v1alpha1 `namedPort`): the v1beta1 standard-channel CRD has no such field, only the experimental one.',
  pitfall: 26,
  *check({ policy }) {
    if (policy.problem !== undefined) return;
    const field = policy.portsField === 'ports' ? 'namedPort' : 'destinationNamedPort';
    for (const rule of clusterRulesOf(policy)) {
      for (const [index, entry] of (rule.protocols ?? []).entries()) {
        if (!isRecord(entry) || typeof entry.destinationNamedPort !== 'string') continue;
        yield {
          path: `${rule.path}.${policy.portsField}[${index}].${field}`,
          message:
            `names the port "${entry.destinationNamedPort}": ClusterNetworkPolicy v1beta1 has destinationNamedPort only in the experimental channel, so the standard-channel CRD refuses it` +
            `${policy.portsField === 'ports' ? ' when this policy moves to v1beta1' : ''}. Give the number: {tcp: {destinationPort: {number: <port>}}}.`,
        };
      }
    }
  },
};

/** Every cluster-policy rule, in id order. */
export const CLUSTER_POLICY_LINT_RULES: readonly ClusterPolicyLintRule[] = [
  clusterPolicyInvalid,
  samePriorityOverlap,
  shadowedRule,
  acceptsEveryAddress,
  acceptsEveryNamespace,
  subjectEveryNamespaceDeny,
  namedPort,
];
