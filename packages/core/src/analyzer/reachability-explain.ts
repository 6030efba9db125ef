/**
 * Explaining a verdict: how one side (egress at the source, ingress at the destination) decides,
 * how two sides combine, and the readable sentence for an explanation.
 */
import type { NetworkPolicyType } from '../model/network-policy.js';
import type { ClusterContainerPort, Protocol } from './cluster-model.js';
import { portsAdmit, type CompiledPeer, type CompiledPolicy } from './compiled-policy.js';
import { rulesOf, type ClusterTiers } from './reachability-preparation.js';
import type { CompiledClusterPolicy, CompiledClusterRule } from './compiled-cluster-policy.js';
import type { Explanation, PolicyRuleRef, SideExplanation, Verdict } from './reachability-types.js';

/**
 * The first rule of a tier that matches, policies in order: Accept or Deny decides, Pass ends
 * the tier. `undefined` when no rule matches.
 */
function firstMatchingRule(
  policies: readonly CompiledClusterPolicy[],
  direction: NetworkPolicyType,
  peerMatches: (peer: CompiledPeer) => boolean,
  port: number,
  protocol: Protocol,
  destinationPorts: readonly ClusterContainerPort[],
): CompiledClusterRule | undefined {
  for (const policy of policies) {
    for (const rule of direction === 'Ingress' ? policy.ingress : policy.egress) {
      if (portsAdmit(rule.ports, port, protocol, destinationPorts) && (rule.peers === undefined || rule.peers.some(peerMatches))) return rule;
    }
  }
  return undefined;
}

/**
 * Judges one side. `selecting` are the NetworkPolicies isolating the judged endpoint in
 * `direction`; `tiers` the cluster policies selecting it; `peerMatches` says whether a rule
 * peer matches the other end. Order: Admin tier (Accept/Deny final, Pass skips to the next
 * step), then NetworkPolicy (final when one selects the endpoint), then Baseline, then allowed.
 */
export function judgeSide(
  direction: NetworkPolicyType,
  selecting: readonly CompiledPolicy[] | 'external',
  peerMatches: (peer: CompiledPeer) => boolean,
  port: number,
  protocol: Protocol,
  destinationPorts: readonly ClusterContainerPort[],
  deniedAnswer?: SideExplanation,
  tiers?: ClusterTiers,
): SideExplanation {
  if (selecting === 'external') return NOT_ISOLATED_EXTERNAL;
  if (tiers && tiers.admin.length > 0) {
    const rule = firstMatchingRule(tiers.admin, direction, peerMatches, port, protocol, destinationPorts);
    if (rule && rule.action !== 'Pass') return rule.answer;
  }
  if (selecting.length === 0) {
    if (tiers && tiers.baseline.length > 0) {
      const rule = firstMatchingRule(tiers.baseline, direction, peerMatches, port, protocol, destinationPorts);
      if (rule && rule.action !== 'Pass') return rule.answer;
    }
    return NOT_ISOLATED_NO_POLICY;
  }
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

export const NOT_ISOLATED_EXTERNAL: SideExplanation = { state: 'not-isolated', reason: 'external' };
export const NOT_ISOLATED_NO_POLICY: SideExplanation = { state: 'not-isolated', reason: 'no-policy' };

export function verdictOf(selfTraffic: boolean, egress: SideExplanation, ingress: SideExplanation): Verdict {
  return {
    allowed: selfTraffic || (egress.state !== 'denied' && ingress.state !== 'denied'),
    explanation: { selfTraffic, egress, ingress },
  };
}

function describeRule(ref: PolicyRuleRef, direction: 'egress' | 'ingress'): string {
  if (ref.tier === undefined) return `policy ${ref.policy} ${direction} rule ${ref.rule}`;
  const name = ref.name === undefined ? '' : ` "${ref.name}"`;
  return `${ref.tier} tier ${ref.policy} ${direction} rule ${ref.rule}${name} (${ref.action})`;
}

function describeSide(side: SideExplanation, direction: 'egress' | 'ingress'): string {
  switch (side.state) {
    case 'not-isolated':
      return side.reason === 'external'
        ? 'is not isolated (an external endpoint is never selected by a policy)'
        : `is not isolated (no policy selects it for ${direction})`;
    case 'allowed':
      return `is allowed by ${side.allowedBy.map((ref) => describeRule(ref, direction)).join(', ')}`;
    case 'denied':
      if (side.deniedBy) return `is denied by ${describeRule(side.deniedBy, direction)}`;
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
