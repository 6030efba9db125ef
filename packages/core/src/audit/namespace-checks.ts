/**
 * The six checks of one namespace (AUD001-AUD006), each a verdict of the reachability evaluator
 * on the probe model, with a message that explains it and names the fix.
 */
import { evaluateConnection, type SideExplanation, type Verdict } from '../analyzer/reachability.js';
import type { NetworkPolicyProtocol } from '../model/network-policy.js';
import { describeOptIn } from '../options/opt-ins.js';
import { OPT_INS_ANNOTATION } from '../templates/namespace-isolation.js';
import { AUDIT_CHECKS, type AuditCheck, type AuditCheckResult, type NamespaceAudit } from './audit-model.js';
import { ARBITRARY_PORT, ELSEWHERE_NAMESPACE, OUTSIDE_IP, PEER, PROBE, checkModelFor, type ProbeModel } from './audit-probes.js';
import { sortedUnique } from './sorted-unique.js';

function policiesOf(side: SideExplanation): string[] {
  if (side.state === 'allowed') return side.allowedBy.map((ref) => ref.policy);
  if (side.state === 'denied') return [...side.isolatedBy];
  return [];
}

function describeSide(side: SideExplanation, direction: 'ingress' | 'egress'): string {
  switch (side.state) {
    case 'not-isolated':
      return `not isolated for ${direction} (no policy selects a new pod)`;
    case 'allowed':
      return `allowed by ${sortedUnique(side.allowedBy.map((ref) => `${ref.policy} ${direction}[${ref.rule}]`)).join(', ')}`;
    case 'denied':
      if (side.deniedBy) {
        const name = side.deniedBy.name === undefined ? '' : ` "${side.deniedBy.name}"`;
        return `denied by the ${side.deniedBy.tier} tier (${side.deniedBy.policy} ${direction}[${side.deniedBy.rule}]${name})`;
      }
      return `denied (isolated by ${sortedUnique(side.isolatedBy).join(', ')})`;
  }
}

/** Why a cluster-tier-only namespace still takes outside traffic, for AUD001's message. */
const CLUSTER_TIER_INGRESS_LIMIT =
  ' ClusterNetworkPolicy ingress rules can name only namespaces and pods, so the Admin and Baseline tiers cannot deny sources outside the cluster: a NetworkPolicy with podSelector {} still has to.';

function check(checkInfo: AuditCheck, passed: boolean, message: string, policies: Iterable<string>): AuditCheckResult {
  return { checkId: checkInfo.id, passed, severity: checkInfo.severity, message, policies: sortedUnique(policies) };
}

/** The six checks of `namespace`, in report order. */
export function auditNamespace(probes: ProbeModel, namespace: string): NamespaceAudit {
  const { outsideId, dnsPod } = probes;
  const target = `${namespace}/${PROBE}`;
  const peer = `${namespace}/${PEER}`;
  const elsewhere = `${ELSEWHERE_NAMESPACE}/${PROBE}`;
  const checkModel = checkModelFor(probes, namespace);
  const judge = (from: string, to: string, port: number, protocol: NetworkPolicyProtocol): Verdict => evaluateConnection(checkModel, from, to, port, protocol);

  // AUD001: ingress to a new pod, from a new pod elsewhere and from outside.
  const ingressFromPod = judge(elsewhere, target, ARBITRARY_PORT, 'TCP').explanation.ingress;
  const ingressFromOutside = judge(outsideId, target, ARBITRARY_PORT, 'TCP').explanation.ingress;
  const ingressDenied = ingressFromPod.state === 'denied' && ingressFromOutside.state === 'denied';
  const defaultDenyIngress = check(
    AUDIT_CHECKS.defaultDenyIngress,
    ingressDenied,
    ingressDenied
      ? `default deny ingress holds: a new pod is ${describeSide(ingressFromPod, 'ingress')} for traffic from other namespaces and outside the cluster.`
      : `no default deny for ingress: from a pod of another namespace, TCP ${ARBITRARY_PORT} to a new pod is ${describeSide(ingressFromPod, 'ingress')}; ` +
          `from ${OUTSIDE_IP} it is ${describeSide(ingressFromOutside, 'ingress')}. Fix: add a policy with podSelector {} and policyTypes [Ingress], and no rule that allows every source.` +
          (ingressFromPod.state === 'denied' && ingressFromPod.deniedBy && ingressFromOutside.state === 'not-isolated' ? CLUSTER_TIER_INGRESS_LIMIT : ''),
    [...policiesOf(ingressFromPod), ...policiesOf(ingressFromOutside)],
  );

  // AUD002: egress from a new pod, to a new pod elsewhere and to outside.
  const egressToPod = judge(target, elsewhere, ARBITRARY_PORT, 'TCP').explanation.egress;
  const egressToOutside = judge(target, outsideId, ARBITRARY_PORT, 'TCP').explanation.egress;
  const egressDenied = egressToPod.state === 'denied' && egressToOutside.state === 'denied';
  const defaultDenyEgress = check(
    AUDIT_CHECKS.defaultDenyEgress,
    egressDenied,
    egressDenied
      ? `default deny egress holds: a new pod's connections to other namespaces and outside are ${describeSide(egressToPod, 'egress')}.`
      : `no default deny for egress: a new pod's TCP ${ARBITRARY_PORT} to another namespace is ${describeSide(egressToPod, 'egress')}; ` +
          `to ${OUTSIDE_IP} it is ${describeSide(egressToOutside, 'egress')}. Fix: add a policy with podSelector {} and policyTypes [Egress] that allows only what pods need (DNS first).`,
    [...policiesOf(egressToPod), ...policiesOf(egressToOutside)],
  );

  // AUD003: two new pods of the namespace, both directions.
  const forth = judge(target, peer, ARBITRARY_PORT, 'TCP');
  const back = judge(peer, target, ARBITRARY_PORT, 'TCP');
  const intraWorks = forth.allowed && back.allowed;
  const blocked = [forth, back].find((verdict) => !verdict.allowed)?.explanation;
  const intraNamespace = check(
    AUDIT_CHECKS.intraNamespace,
    intraWorks,
    intraWorks
      ? `pods of ${namespace} reach each other both ways: egress ${describeSide(forth.explanation.egress, 'egress')}, ingress ${describeSide(forth.explanation.ingress, 'ingress')}.`
      : `pods of ${namespace} cannot reach each other: egress ${describeSide(blocked!.egress, 'egress')}, ingress ${describeSide(blocked!.ingress, 'ingress')}. ` +
          'Fix: allow ingress from podSelector {} and, when egress is isolated, the egress mirror to podSelector {}.',
    [forth, back].flatMap((v) => [...policiesOf(v.explanation.egress), ...policiesOf(v.explanation.ingress)]),
  );

  // AUD004: DNS to the DNS pods on UDP and TCP, and port 53 nowhere else.
  const dnsUdp = judge(target, dnsPod, 53, 'UDP');
  const dnsTcp = judge(target, dnsPod, 53, 'TCP');
  const leaks = [
    ...(['UDP', 'TCP'] as const).map((protocol) => ({ where: `another namespace on ${protocol} 53`, verdict: judge(target, elsewhere, 53, protocol) })),
    ...(['UDP', 'TCP'] as const).map((protocol) => ({ where: `${OUTSIDE_IP} on ${protocol} 53`, verdict: judge(target, outsideId, 53, protocol) })),
  ].filter((probeResult) => probeResult.verdict.explanation.egress.state !== 'denied');
  const dnsProblems = [
    ...(dnsUdp.allowed ? [] : [`UDP 53 to ${dnsPod} is denied (egress ${describeSide(dnsUdp.explanation.egress, 'egress')}; ingress ${describeSide(dnsUdp.explanation.ingress, 'ingress')})`]),
    ...(dnsTcp.allowed ? [] : [`TCP 53 to ${dnsPod} is denied (egress ${describeSide(dnsTcp.explanation.egress, 'egress')}; ingress ${describeSide(dnsTcp.explanation.ingress, 'ingress')})`]),
    ...(leaks.length > 0
      ? [
          `port 53 is open beyond the DNS pods, to ${leaks.map((leak) => leak.where).join(', ')}: ` +
            sortedUnique(leaks.map((leak) => describeSide(leak.verdict.explanation.egress, 'egress'))).join('; '),
        ]
      : []),
  ];
  const dnsEgress = check(
    AUDIT_CHECKS.dnsEgress,
    dnsProblems.length === 0,
    dnsProblems.length === 0
      ? `DNS reaches ${dnsPod} on UDP and TCP 53 (${describeSide(dnsUdp.explanation.egress, 'egress')}) and port 53 is closed elsewhere.`
      : `${dnsProblems.join('; ')}. Fix: one egress rule to the DNS pods (namespaceSelector AND podSelector in one peer) on UDP and TCP 53, and no ports-only rule.`,
    [dnsUdp, dnsTcp, ...leaks.map((leak) => leak.verdict)].flatMap((v) => policiesOf(v.explanation.egress)),
  );

  // AUD005: who else can reach the namespace, on the ports its policies name and an arbitrary one.
  const { reachers, openTo, policies } = probes.reach.get(namespace) ?? { reachers: new Map<string, Set<string>>(), openTo: new Set<string>(), policies: new Set<string>() };
  const reachList = sortedUnique(reachers.keys()).map((who) => `${who} (${sortedUnique(reachers.get(who)!).join(', ')})`);
  const crossNamespaceReach = check(
    AUDIT_CHECKS.crossNamespaceReach,
    openTo.size === 0,
    openTo.size === 0
      ? reachList.length === 0
        ? `no pod of another namespace in the input, and no arbitrary pod or outside address, can reach ${namespace}.`
        : `only these pods of other namespaces can reach ${namespace}: ${reachList.join('; ')}.`
      : `${namespace} is open to ${sortedUnique(openTo).join(', ')}: ${reachList.join('; ')}. Fix: allow specific pods, one peer with namespaceSelector AND podSelector.`,
    policies,
  );

  // AUD006: opt-ins the namespace's policies were rendered with (template #14's annotation).
  const optIns = new Map<string, Set<string>>();
  for (const policy of probes.model.policies) {
    const listed = policy.metadata.namespace === namespace ? policy.metadata.annotations?.[OPT_INS_ANNOTATION] : undefined;
    if (typeof listed !== 'string') continue;
    for (const optIn of listed.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
      optIns.set(optIn, (optIns.get(optIn) ?? new Set()).add(`${namespace}/${policy.metadata.name}`));
    }
  }
  const optInsInUse = check(
    AUDIT_CHECKS.optInsInUse,
    optIns.size === 0,
    optIns.size === 0
      ? 'no policy was rendered with an opt-in: the guardrails hold as documented.'
      : `opt-ins in use: ${sortedUnique(optIns.keys()).map((optIn) => `${optIn} (${describeOptIn(optIn)})`).join('; ')}. Fix: check each is still needed; without it the guardrails refuse the value.`,
    [...optIns.values()].flatMap((set) => [...set]),
  );

  return { namespace, checks: [defaultDenyIngress, defaultDenyEgress, intraNamespace, dnsEgress, crossNamespaceReach, optInsInUse] };
}
