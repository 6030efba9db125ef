/**
 * Grouping (see the comment of reachability.ts): endpoints fall into classes by namespace,
 * labels, container ports and the ipBlocks their IP lies in; classes with the same selecting
 * policies per direction, matched rule peers and ports merge into behaviour groups, which no
 * policy can tell apart.
 */
import type { NetworkPolicyType } from '../model/network-policy.js';
import type { ClusterContainerPort, Protocol } from './cluster-model.js';
import { ipBlockContains, type CompiledIpBlockPeer, type CompiledPeer, type CompiledPolicy, type Labels } from './compiled-policy.js';
import { NOT_ISOLATED_NO_POLICY } from './reachability-explain.js';
import { rulesOf, selectingClusterPolicies, selectingPolicies, type ClusterTiers, type PreparedModel } from './reachability-preparation.js';
import type { SideExplanation } from './reachability-types.js';

/** A list of selecting policies shared by every group that has it, with its "denied" answer. */
export interface PolicySet {
  readonly id: number;
  readonly policies: readonly CompiledPolicy[] | 'external';
  readonly denied: SideExplanation;
  /** Cluster policies selecting the group in this direction. */
  readonly tiers: ClusterTiers;
}

export interface EndpointGroup {
  readonly ingress: PolicySet;
  readonly egress: PolicySet;
  /** Ids of the rule peers that match this group's endpoints. */
  readonly matchedPeers: readonly number[];
  readonly matchesPeer: (peer: CompiledPeer) => boolean;
  /** Declared ports, sorted by number then protocol, one per (number, protocol). */
  readonly targets: readonly ClusterContainerPort[];
  /** Ports as declared, for named-port resolution. */
  readonly ports: readonly ClusterContainerPort[];
  /** Groups with the same declared ports share a port profile. */
  readonly portProfile: number;
  /** Groups with the same ingress policies and ports judge ingress from a given source alike. */
  readonly destinationProfile: number;
}

export interface Grouping {
  readonly groups: readonly EndpointGroup[];
  /** Group index of each endpoint, by endpoint index. */
  readonly groupOf: Int32Array;
  /** Groups matched by each peer id. */
  readonly groupsByPeer: ReadonlyMap<number, readonly number[]>;
  /** Destination profiles whose ingress rules list each peer id. */
  readonly profilesByPeer: ReadonlyMap<number, readonly number[]>;
  /** A group of each destination profile, and of each port profile. */
  readonly profileRepresentatives: readonly number[];
  readonly portProfileRepresentatives: readonly number[];
}

interface EndpointClass {
  readonly representative: number;
  readonly namespace: string | undefined;
  readonly blockKeys: readonly string[];
  readonly portsKey: string;
  readonly matchedPeers: number[];
}

export const PROTOCOL_ORDER: Readonly<Record<Protocol, number>> = { TCP: 0, UDP: 1, SCTP: 2 };

function sortedTargets(ports: readonly ClusterContainerPort[]): ClusterContainerPort[] {
  const seen = new Map<string, ClusterContainerPort>();
  for (const port of ports) {
    seen.set(`${port.port}/${port.protocol}`, { port: port.port, protocol: port.protocol });
  }
  return [...seen.values()].sort((a, b) => a.port - b.port || PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol]);
}

function labelsKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join('\u0002');
}

/** Builds classes, then behaviour groups; see the module comment. Cached with the prepared model. */
export function groupEndpoints(prepared: PreparedModel): Grouping {
  if (prepared.groups) return prepared.groups;
  const { endpoints, peers } = prepared;

  const distinctBlocks = new Map<string, CompiledIpBlockPeer>();
  for (const peer of peers) if (peer.kind === 'ipBlock' && !distinctBlocks.has(peer.blockKey)) distinctBlocks.set(peer.blockKey, peer);

  const classes = new Map<string, EndpointClass>();
  const classOf: EndpointClass[] = [];
  endpoints.forEach((endpoint, index) => {
    const ip = prepared.ips[index];
    const blockKeys = ip === undefined ? [] : [...distinctBlocks.values()].filter((block) => ipBlockContains(block, ip)).map((b) => b.blockKey).sort();
    const portsKey = endpoint.ports.map((p) => `${p.port}/${p.protocol}/${p.name ?? ''}`).sort().join(',');
    const key = [endpoint.namespace ?? '\u0000external', labelsKey(endpoint.labels), portsKey, blockKeys.join('\u0002')].join('\u0001');
    let endpointClass = classes.get(key);
    if (!endpointClass) {
      endpointClass = { representative: index, namespace: endpoint.namespace, blockKeys, portsKey, matchedPeers: [] };
      classes.set(key, endpointClass);
    }
    classOf.push(endpointClass);
  });

  const classesByNamespace = new Map<string, EndpointClass[]>();
  const classesByBlock = new Map<string, EndpointClass[]>();
  for (const endpointClass of classes.values()) {
    if (endpointClass.namespace !== undefined) {
      const list = classesByNamespace.get(endpointClass.namespace) ?? [];
      list.push(endpointClass);
      classesByNamespace.set(endpointClass.namespace, list);
    }
    for (const blockKey of endpointClass.blockKeys) {
      const list = classesByBlock.get(blockKey) ?? [];
      list.push(endpointClass);
      classesByBlock.set(blockKey, list);
    }
  }

  // Each peer visits only the classes it can match: those of the namespaces its
  // namespaceSelector admits (or its policy's namespace), or those inside its ipBlock.
  const namespaceNames = [...prepared.namespaceLabels.keys()];
  // Many peers share a namespaceSelector (e.g. the ingress controller's namespace in every policy set).
  const namespacesBySelector = new Map<string, string[]>();
  for (const peer of peers) {
    if (peer.kind === 'ipBlock') {
      for (const endpointClass of classesByBlock.get(peer.blockKey) ?? []) endpointClass.matchedPeers.push(peer.id);
      continue;
    }
    const namespaces =
      peer.namespaceSelector === undefined
        ? [prepared.peerNamespaces[peer.id]!]
        : namespacesBySelector.get(peer.namespaceSelector.key) ??
          namespacesBySelector
            .set(peer.namespaceSelector.key, namespaceNames.filter((name) => peer.namespaceSelector!.matches(prepared.namespaceLabels.get(name)!)))
            .get(peer.namespaceSelector.key)!;
    for (const namespace of namespaces) {
      for (const endpointClass of classesByNamespace.get(namespace) ?? []) {
        if (peer.podSelector === undefined || peer.podSelector.matches(endpoints[endpointClass.representative]!.labels)) {
          endpointClass.matchedPeers.push(peer.id);
        }
      }
    }
  }

  const policyNumber = new Map(prepared.policies.map((policy, index) => [policy, index]));
  const policySets = new Map<string, PolicySet>();
  const clusterNumber = new Map(prepared.clusterPolicies.map((policy, index) => [policy, index]));
  const policySetOf = (policies: readonly CompiledPolicy[] | 'external', tiers: ClusterTiers): PolicySet => {
    const tierKey = [...tiers.admin, ...tiers.baseline].map((policy) => clusterNumber.get(policy)).join(',');
    const key = `${policies === 'external' ? 'x' : policies.map((policy) => policyNumber.get(policy)).join(',')}|${tierKey}`;
    let set = policySets.get(key);
    if (!set) {
      const denied: SideExplanation =
        policies === 'external' || policies.length === 0 ? NOT_ISOLATED_NO_POLICY : { state: 'denied', isolatedBy: policies.map((policy) => policy.ref) };
      set = { id: policySets.size, policies, denied, tiers };
      policySets.set(key, set);
    }
    return set;
  };
  const portProfiles = new Map<string, number>();
  const destinationProfiles = new Map<string, number>();
  const profileRepresentatives: number[] = [];
  const portProfileRepresentatives: number[] = [];

  const groups: EndpointGroup[] = [];
  const groupByClass = new Map<EndpointClass, number>();
  const groupBySignature = new Map<string, number>();
  for (const endpointClass of classes.values()) {
    const representative = endpoints[endpointClass.representative]!;
    const ingress = policySetOf(selectingPolicies(prepared, representative, 'Ingress'), selectingClusterPolicies(prepared, representative, 'Ingress'));
    const egress = policySetOf(selectingPolicies(prepared, representative, 'Egress'), selectingClusterPolicies(prepared, representative, 'Egress'));
    const signature = [ingress.id, egress.id, endpointClass.matchedPeers.join(','), endpointClass.portsKey].join('|');
    let group = groupBySignature.get(signature);
    if (group === undefined) {
      group = groups.length;
      let portProfile = portProfiles.get(endpointClass.portsKey);
      if (portProfile === undefined) {
        portProfile = portProfiles.size;
        portProfiles.set(endpointClass.portsKey, portProfile);
        portProfileRepresentatives.push(group);
      }
      const profileKey = `${ingress.id}|${portProfile}`;
      let destinationProfile = destinationProfiles.get(profileKey);
      if (destinationProfile === undefined) {
        destinationProfile = destinationProfiles.size;
        destinationProfiles.set(profileKey, destinationProfile);
        profileRepresentatives.push(group);
      }
      const matched = new Set(endpointClass.matchedPeers);
      groups.push({
        ingress,
        egress,
        matchedPeers: endpointClass.matchedPeers,
        matchesPeer: (peer) => matched.has(peer.id),
        targets: sortedTargets(representative.ports),
        ports: representative.ports,
        portProfile,
        destinationProfile,
      });
      groupBySignature.set(signature, group);
    }
    groupByClass.set(endpointClass, group);
  }

  const groupsByPeer = new Map<number, number[]>();
  groups.forEach((group, index) => {
    for (const peer of group.matchedPeers) {
      const list = groupsByPeer.get(peer) ?? [];
      list.push(index);
      groupsByPeer.set(peer, list);
    }
  });
  const profilesByPeer = new Map<number, number[]>();
  const profilePeers = profileRepresentatives.map((representative) => rulePeers(groups[representative]!.ingress, 'Ingress'));
  profilePeers.forEach((peers, profile) => {
    for (const peer of peers) {
      const list = profilesByPeer.get(peer) ?? [];
      list.push(profile);
      profilesByPeer.set(peer, list);
    }
  });

  const groupOf = new Int32Array(endpoints.length);
  classOf.forEach((endpointClass, index) => (groupOf[index] = groupByClass.get(endpointClass)!));
  prepared.groups = { groups, groupOf, groupsByPeer, profilesByPeer, profileRepresentatives, portProfileRepresentatives };
  return prepared.groups;
}

/** Ids of the peers in the rules a policy set applies in `direction`. */
export function rulePeers(set: PolicySet, direction: NetworkPolicyType): Set<number> {
  const ids = new Set<number>();
  if (set.policies === 'external') return ids;
  for (const policy of [...set.tiers.admin, ...set.tiers.baseline]) {
    for (const rule of direction === 'Ingress' ? policy.ingress : policy.egress) for (const peer of rule.peers ?? []) ids.add(peer.id);
  }
  for (const policy of set.policies) {
    for (const rule of rulesOf(policy, direction)!) for (const peer of rule.peers ?? []) ids.add(peer.id);
  }
  return ids;
}
