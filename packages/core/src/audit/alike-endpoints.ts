/**
 * Pods that every policy judges alike, merged into one endpoint: the all-sources scan of AUD005
 * then evaluates one pod per kind instead of every pod of the cluster.
 */
import type { ClusterEndpoint, ClusterModel } from '../analyzer/cluster-model.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer } from '../model/network-policy.js';

/** Label keys that some pod selector reads: other labels cannot change a verdict. */
function podLabelKeysInUse(model: ClusterModel): Set<string> {
  const keys = new Set<string>();
  const addKeys = (selector: LabelSelector | undefined) => {
    for (const key of Object.keys(selector?.matchLabels ?? {})) keys.add(key);
    for (const expression of selector?.matchExpressions ?? []) keys.add(expression.key);
  };
  for (const policy of model.policies) {
    addKeys(policy.spec.podSelector);
    for (const peer of peersOf(policy)) addKeys(peer.podSelector);
  }
  // Cluster policies: every selector key they hold (namespace selectors too: more keys only merge fewer pods).
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'matchLabels' || key === 'matchExpressions') addKeys({ [key]: child } as LabelSelector);
        else visit(child);
      }
    }
  };
  visit(model.clusterPolicies ?? []);
  return keys;
}

function peersOf(policy: NetworkPolicy): NetworkPolicyPeer[] {
  return [...(policy.spec.ingress ?? []).flatMap((rule) => rule.from ?? []), ...(policy.spec.egress ?? []).flatMap((rule) => rule.to ?? [])];
}

/**
 * Pods of one namespace that agree on the labels selectors read and on their ports are judged
 * alike by every policy, so one stands for all. IPs tell them apart only when some policy has an ipBlock.
 */
export function alikeEndpoints(model: ClusterModel, synthetic: ReadonlySet<string>, endpoints: readonly ClusterEndpoint[]) {
  const ipsMatter =
    model.policies.some((policy) => peersOf(policy).some((peer) => peer.ipBlock !== undefined)) || JSON.stringify(model.clusterPolicies ?? []).includes('"networks"');
  const keysInUse = podLabelKeysInUse(model);
  const byKey = new Map<string, string>();
  const alike = new Map<string, number>();
  const representatives: ClusterEndpoint[] = [];
  for (const endpoint of endpoints) {
    if (synthetic.has(endpoint.id) || endpoint.kind === 'External') {
      representatives.push(endpoint);
      continue;
    }
    const labelsRead = Object.entries(endpoint.labels)
      .filter(([labelKey]) => keysInUse.has(labelKey))
      .sort();
    const key = JSON.stringify([endpoint.namespace, labelsRead, endpoint.ports, ipsMatter ? (endpoint.ip ?? '') : '']);
    const representative = byKey.get(key);
    if (representative === undefined) {
      byKey.set(key, endpoint.id);
      alike.set(endpoint.id, 1);
      representatives.push(endpoint);
    } else alike.set(representative, alike.get(representative)! + 1);
  }
  return { representatives, alike };
}
