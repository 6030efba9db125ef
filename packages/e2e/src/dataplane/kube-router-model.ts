/**
 * What kube-router v2.1.0 decides for a connection: the analyzer's verdict by the NetworkPolicy
 * spec, changed only where one of its known deviations (./known-deviations.ts) applies. Each
 * deviation is modelled from kube-router's code, with the analyzer judging the rules involved,
 * so a deviation changes exactly the connections whose rules kube-router programs differently,
 * never a whole scenario.
 */
import {
  analyzeReachability,
  type ClusterModel,
  type Connection,
  type Explanation,
  type NetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPort,
  type NetworkPolicyType,
} from '@k8s-security-pro/core';
import { kubeRouterIpBlockPeers } from './ipset-net-semantics.js';

/** The known deviations, by id (see KUBE_ROUTER_DEVIATIONS for what each one breaks). */
export type DeviationId =
  | 'policy-chain-shared-by-both-directions'
  | 'egress-named-port-without-to-matches-any-destination'
  | 'egress-named-port-skips-ipblock-peers'
  | 'ipblock-exceptions-shared-by-a-rules-peers';

export const DEVIATION_IDS: readonly DeviationId[] = [
  'policy-chain-shared-by-both-directions',
  'egress-named-port-without-to-matches-any-destination',
  'egress-named-port-skips-ipblock-peers',
  'ipblock-exceptions-shared-by-a-rules-peers',
];

type ConnectionKey = Pick<Connection, 'from' | 'to' | 'port' | 'protocol'>;

/** The policy types the API server stores (it defaults them the same way when they are left out). */
function policyTypesOf(policy: NetworkPolicy): readonly NetworkPolicyType[] {
  return policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** `policy` with only one direction's rules (the other direction's rules and type dropped). */
function oneDirection(policy: NetworkPolicy, direction: NetworkPolicyType, rules?: readonly unknown[]): NetworkPolicy {
  const { ingress, egress, ...spec } = policy.spec;
  const kept = rules ?? (direction === 'Ingress' ? ingress : egress) ?? [];
  return { ...policy, spec: { ...spec, policyTypes: [direction], [direction === 'Ingress' ? 'ingress' : 'egress']: kept } };
}

const isNamed = (port: NetworkPolicyPort) => typeof port.port === 'string';

/**
 * kube-router matches a named port in an egress rule only against destination pods the rule's
 * pod and namespace selectors pick (`grabNamedPortFromPod` on `dstPods`); its ipBlock rules get
 * the numeric ports alone. Models that by splitting such a rule.
 */
function withoutIpBlockNamedPorts(policy: NetworkPolicy): NetworkPolicy {
  if (!policy.spec.egress) return policy;
  const egress = policy.spec.egress.flatMap((rule): NetworkPolicyEgressRule[] => {
    const to = rule.to ?? [];
    const ports = rule.ports ?? [];
    if (to.length === 0 || !ports.some(isNamed) || !to.some((peer) => peer.ipBlock)) return [rule];
    const selectorPeers = to.filter((peer) => !peer.ipBlock);
    const ipBlockPeers = to.filter((peer) => peer.ipBlock);
    const numeric = ports.filter((port) => !isNamed(port));
    return [...(selectorPeers.length > 0 ? [{ to: selectorPeers, ports }] : []), ...(numeric.length > 0 ? [{ to: ipBlockPeers, ports: numeric }] : [])];
  });
  return { ...policy, spec: { ...policy.spec, egress } };
}

/** Every rule's ipBlock peers as kube-router's one hash:net set per rule matches them; a rule left with no peer matches nothing and goes. */
function withSharedIpBlockExceptions(policy: NetworkPolicy): NetworkPolicy {
  const rewrite = <R extends NetworkPolicyIngressRule | NetworkPolicyEgressRule>(rules: readonly R[] | undefined, peersKey: 'from' | 'to'): R[] | undefined =>
    rules?.flatMap((rule) => {
      const peers = (rule as Record<string, unknown>)[peersKey] as NetworkPolicyIngressRule['from'];
      if (!peers || peers.length === 0) return [rule];
      const merged = kubeRouterIpBlockPeers(peers);
      return merged.length > 0 ? [{ ...rule, [peersKey]: merged }] : [];
    });
  const ingress = rewrite(policy.spec.ingress, 'from');
  const egress = rewrite(policy.spec.egress, 'to');
  return { ...policy, spec: { ...policy.spec, ...(ingress ? { ingress } : {}), ...(egress ? { egress } : {}) } };
}

/**
 * An egress rule without `to` and with a named port: kube-router resolves the name against the
 * pods of the policy's own namespace and then allows that port number to any destination.
 */
function namedPortToAnyDestination(model: ClusterModel, policy: NetworkPolicy, c: ConnectionKey): boolean {
  const namespacePorts = model.endpoints.filter((e) => e.kind === 'Pod' && e.namespace === policy.metadata.namespace).flatMap((e) => e.ports);
  return (policy.spec.egress ?? []).some(
    (rule) =>
      (rule.to ?? []).length === 0 &&
      (rule.ports ?? []).some(
        (port) =>
          isNamed(port) &&
          (port.protocol ?? 'TCP') === c.protocol &&
          namespacePorts.some((declared) => declared.name === port.port && declared.protocol === c.protocol && declared.port === c.port),
      ),
  );
}

const key = (c: ConnectionKey) => `${c.from}>${c.to}:${c.port}/${c.protocol}`;

/**
 * The analyzer's explanations in variants of one model, each variant analysed once in full
 * (a scenario asks about every connection) and looked up per connection.
 */
class Explanations {
  private readonly tables = new Map<string, { model: ClusterModel; byConnection: Map<string, Explanation> }>();

  get(variant: string, build: () => ClusterModel, c: ConnectionKey): Explanation {
    let table = this.tables.get(variant);
    if (!table) {
      const model = build();
      table = { model, byConnection: new Map(analyzeReachability(model).map((judged) => [key(judged), judged.explanation!])) };
      this.tables.set(variant, table);
    }
    const found = table.byConnection.get(key(c));
    if (found) return found;
    // A port the destination does not declare (a conformance query): judge it on its own.
    const [judged] = analyzeReachability(table.model, { from: c.from, to: c.to, port: c.port, protocol: c.protocol });
    if (!judged?.explanation) throw new Error(`the analyzer did not judge ${key(c)}`);
    return judged.explanation;
  }
}

const explanationsByModel = new WeakMap<ClusterModel, Explanations>();

/**
 * kube-router's verdict on `c` with the given deviations modelled (all by default). With none,
 * it is the analyzer's verdict by the spec.
 */
export function kubeRouterAllows(model: ClusterModel, c: ConnectionKey, deviations: ReadonlySet<DeviationId> = new Set(DEVIATION_IDS)): boolean {
  let explanations = explanationsByModel.get(model);
  if (!explanations) explanationsByModel.set(model, (explanations = new Explanations()));
  const splitIpBlocks = deviations.has('egress-named-port-skips-ipblock-peers');
  const shareExceptions = deviations.has('ipblock-exceptions-shared-by-a-rules-peers');
  const policies = model.policies.map((p) => (splitIpBlocks ? withoutIpBlockNamedPorts(p) : p)).map((p) => (shareExceptions ? withSharedIpBlockExceptions(p) : p));
  const rewritten = `${splitIpBlocks}:${shareExceptions}`;
  const sides = explanations.get(`all:${rewritten}`, () => ({ ...model, policies }), c);
  if (sides.selfTraffic) return true;
  const variant = (i: number, what: string, policy: () => NetworkPolicy) => explanations.get(`${i}:${rewritten}:${what}`, () => ({ ...model, policies: [policy()] }), c);
  /** True when policy i selects the connection's source (Egress) or destination (Ingress). */
  const selects = (i: number, direction: NetworkPolicyType) => {
    const judged = variant(i, `selects-${direction}`, () => oneDirection(policies[i]!, direction, []));
    return (direction === 'Ingress' ? judged.ingress : judged.egress).state === 'denied';
  };
  /** True when policy i's rules of one direction admit the connection (and so it selects that end). */
  const admits = (i: number, direction: NetworkPolicyType) => {
    const judged = variant(i, `admits-${direction}`, () => oneDirection(policies[i]!, direction));
    return (direction === 'Ingress' ? judged.ingress : judged.egress).state === 'allowed';
  };
  // A policy of both types is one iptables chain that both pods' chains jump to without a
  // direction match, so its ingress rules can pass the source's egress and vice versa.
  const bothTypes = deviations.has('policy-chain-shared-by-both-directions')
    ? policies.flatMap((p, i) => (policyTypesOf(p).includes('Ingress') && policyTypesOf(p).includes('Egress') ? [i] : []))
    : [];
  const egress =
    sides.egress.state !== 'denied' ||
    bothTypes.some((i) => selects(i, 'Egress') && admits(i, 'Ingress')) ||
    (deviations.has('egress-named-port-without-to-matches-any-destination') &&
      policies.some((p, i) => policyTypesOf(p).includes('Egress') && namedPortToAnyDestination(model, p, c) && selects(i, 'Egress')));
  const ingress = sides.ingress.state !== 'denied' || bothTypes.some((i) => selects(i, 'Ingress') && admits(i, 'Egress'));
  return egress && ingress;
}

/**
 * The deviations that make kube-router's verdict on `c` equal `observedAllowed` where the spec's
 * does not: those without which it would not, or, when several each suffice, each of those.
 * Empty when the known deviations do not explain the observation.
 */
export function deviationsExplaining(model: ClusterModel, c: ConnectionKey, observedAllowed: boolean): DeviationId[] {
  const all = new Set(DEVIATION_IDS);
  if (kubeRouterAllows(model, c, all) !== observedAllowed || kubeRouterAllows(model, c, new Set()) === observedAllowed) return [];
  const needed = DEVIATION_IDS.filter((id) => kubeRouterAllows(model, c, new Set(DEVIATION_IDS.filter((other) => other !== id))) !== observedAllowed);
  return needed.length > 0 ? needed : DEVIATION_IDS.filter((id) => kubeRouterAllows(model, c, new Set([id])) === observedAllowed);
}
