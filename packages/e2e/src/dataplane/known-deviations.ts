/**
 * Where kube-router v2.1.0 enforces differently from the NetworkPolicy spec (and so from the
 * analyzer), each with the Kubernetes rule it breaks and where kube-router's code does it. The
 * differential and conformance suites accept a disagreement only when these deviations, modelled
 * rule by rule in ./kube-router-model.ts, turn the analyzer's verdict on that very connection
 * into what was observed. docs/dataplane.md lists them with a minimal reproduction each.
 */
import type { ClusterModel } from '@k8s-security-pro/core';
import type { Disagreement } from './dataplane.js';
import { deviationsExplaining, type DeviationId } from './kube-router-model.js';

export interface KnownDeviation {
  readonly id: DeviationId;
  /** What kube-router does. */
  readonly behaviour: string;
  /** The rule of the NetworkPolicy API it breaks, in the API reference's or the docs' words. */
  readonly rule: string;
  /** Where kube-router v2.1.0 does it (pkg/controllers/netpol). */
  readonly source: string;
}

export const KUBE_ROUTER_DEVIATIONS: readonly KnownDeviation[] = [
  {
    id: 'policy-chain-shared-by-both-directions',
    behaviour:
      'A policy with policyTypes [Ingress, Egress] is one iptables chain holding both its ingress and its egress rules, and each selected pod jumps to it ' +
      'for traffic in both directions. So when it selects both ends of a connection, its ingress rules can stand in for the source egress, and its egress rules for the destination ingress.',
    rule:
      'NetworkPolicySpec.ingress: "traffic is allowed if it matches at least one ingress rule"; egress likewise; and "Network Policies": ' +
      '"both the egress policy on the source pod and the ingress policy on the destination pod need to allow the connection".',
    source:
      'pod.go setupPodNetpolRules: case kubeBothPolicyType jumps to the policy chain with no -s/-d match (ingress-only and egress-only policies get -d ip / -s ip); ' +
      'policy.go processIngressRules and processEgressRules write into the same policy chain.',
  },
  {
    id: 'egress-named-port-without-to-matches-any-destination',
    behaviour:
      'An egress rule with no `to` and a named port resolves the name against the pods of the policy namespace, then allows that port number to every destination, ' +
      'including addresses outside the cluster and pods that do not declare the name.',
    rule:
      'NetworkPolicyPort.port: "If present, only traffic on the specified protocol AND port will be matched. This can either be a numerical or named port on a pod." ' +
      'A named port matches only a destination pod whose container port has that name.',
    source:
      'policy.go buildNetworkPoliciesInfo: an empty To lists every pod of policy.Namespace into namedPort2EgressEps; processEgressRules: ' +
      'the matchAllDestinations branch appends the named ports with no destination set.',
  },
  {
    id: 'egress-named-port-skips-ipblock-peers',
    behaviour:
      'In an egress rule, named ports are resolved only against pods picked by pod and namespace selectors; the ipBlock peers of the rule get its numeric ports alone, ' +
      'so a pod reached through an ipBlock on a named port is refused.',
    rule:
      'NetworkPolicyEgressRule: "traffic must match both ports and to"; an ipBlock peer matches a destination pod by its IP, and the named port is resolved on that pod.',
    source:
      'policy.go buildNetworkPoliciesInfo: grabNamedPortFromPod runs only for evalPodPeer results; processEgressRules: the dstIPBlocks branch loops over egressRule.ports, never egressRule.namedPorts.',
  },
  {
    id: 'ipblock-exceptions-shared-by-a-rules-peers',
    behaviour:
      'All ipBlock peers of one rule go into one hash:net ipset, each `except` as a nomatch entry; hash:net matches an address by its most specific entry, ' +
      "so an address one ipBlock excepts is refused even when another ipBlock of the same rule admits it (the rule's ipBlocks are no longer ORed).",
    rule:
      'NetworkPolicyIngressRule.from: "If this field is present and contains at least one item, this rule allows traffic only if the traffic matches at least one item in the from list" ' +
      '(egress `to` likewise); IPBlock.except: "except is a slice of CIDRs that should not be included within an IPBlock" — that IPBlock, not its siblings.',
    source:
      'policy.go buildNetworkPoliciesInfo: srcIPBlocks / dstIPBlocks append every peer\'s evalIPBlockPeer entries (except = utils.OptionNoMatch) into one list per rule; ' +
      'processIngressRules / processEgressRules: RefreshSet(policyIndexed...IPBlockIPSetName, ..., utils.TypeHashNet) makes it one set.',
  },
];

/** The known deviations that explain a disagreement; empty when none does (then it is a failure). */
export function deviationsFor(disagreement: Disagreement, model: ClusterModel): readonly KnownDeviation[] {
  const observedAllowed = disagreement.observed.outcome === 'open' && disagreement.observed.peer === disagreement.connection.to;
  const ids = deviationsExplaining(model, disagreement.connection, observedAllowed);
  return KUBE_ROUTER_DEVIATIONS.filter((deviation) => ids.includes(deviation.id));
}
