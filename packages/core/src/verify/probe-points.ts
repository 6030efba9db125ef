/**
 * "Any port" and "any address" without trying 65,535 ports or 2^32 addresses: policies only
 * tell ports apart at the edges of the ranges they name (and at declared container ports, for
 * named ports), and addresses only at the edges of their ipBlocks. Between two edges every
 * port (address) is judged alike, so one probe per interval decides the whole interval.
 */
import { cidrContains, formatIp, type ParsedCidr } from '../model/kubernetes-names.js';
import type { NetworkPolicyProtocol } from '../model/network-policy.js';
import type { ClusterContainerPort } from '../analyzer/cluster-model.js';
import type { CompiledPort } from '../analyzer/compiled-policy.js';
import type { EndpointGroup } from '../analyzer/reachability-grouping.js';
import type { PreparedModel } from '../analyzer/reachability-preparation.js';
import { NETWORK_POLICY_PROTOCOLS } from '../model/network-policy.js';

/** Ports `first`..`last` of one protocol, all judged like `first`. */
export interface PortInterval {
  readonly protocol: NetworkPolicyProtocol;
  readonly first: number;
  readonly last: number;
}

/** `8080/TCP` or `1-52/UDP`. */
export function portIntervalText(interval: PortInterval): string {
  return `${interval.first === interval.last ? interval.first : `${interval.first}-${interval.last}`}/${interval.protocol}`;
}

/**
 * Where the rules' port ranges tell ports apart: the first port of each interval, per protocol.
 * Every tier counts: NetworkPolicy rules, and the Admin and Baseline rules of cluster policies
 * (an Admin Accept of one port splits "any port" as much as a NetworkPolicy rule does).
 */
export function policyPortEdges(prepared: PreparedModel): ReadonlyMap<NetworkPolicyProtocol, ReadonlySet<number>> {
  const edges = new Map<NetworkPolicyProtocol, Set<number>>(NETWORK_POLICY_PROTOCOLS.map((protocol) => [protocol, new Set([1])]));
  const add = (ports: readonly CompiledPort[] | undefined) => {
    for (const port of ports ?? []) {
      if (port.kind !== 'range') continue;
      edges.get(port.protocol)!.add(port.first);
      if (port.last < 65535) edges.get(port.protocol)!.add(port.last + 1);
    }
  };
  for (const policy of prepared.policies) {
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) add(rule.ports);
  }
  for (const policy of prepared.clusterPolicies) {
    for (const rule of [...policy.ingress, ...policy.egress]) add(rule.ports);
  }
  return edges;
}

/**
 * {@link policyPortEdges} plus the ports `destination` declares: a named port matches only the
 * number the destination declares under that name, so those are its only other edges.
 */
export function destinationPortEdges(
  edges: ReadonlyMap<NetworkPolicyProtocol, ReadonlySet<number>>,
  destination: { readonly ports: readonly { readonly port: number; readonly protocol: NetworkPolicyProtocol }[] },
): ReadonlyMap<NetworkPolicyProtocol, ReadonlySet<number>> {
  if (destination.ports.length === 0) return edges;
  const mine = new Map([...edges].map(([protocol, set]) => [protocol, new Set(set)]));
  for (const port of destination.ports) {
    mine.get(port.protocol)!.add(port.port);
    if (port.port < 65535) mine.get(port.protocol)!.add(port.port + 1);
  }
  return mine;
}

/**
 * Splits `ranges` (per protocol) into intervals no policy of the model tells apart.
 * `edges` comes from {@link policyPortEdges}.
 */
export function portIntervals(ranges: readonly PortInterval[], edges: ReadonlyMap<NetworkPolicyProtocol, ReadonlySet<number>>): PortInterval[] {
  const intervals: PortInterval[] = [];
  for (const protocol of NETWORK_POLICY_PROTOCOLS) {
    const mine = ranges.filter((range) => range.protocol === protocol);
    if (mine.length === 0) continue;
    const cuts = new Set(edges.get(protocol) ?? [1]);
    for (const range of mine) {
      cuts.add(range.first);
      if (range.last < 65535) cuts.add(range.last + 1);
    }
    const sorted = [...cuts].sort((a, b) => a - b);
    sorted.forEach((first, index) => {
      const last = (sorted[index + 1] ?? 65536) - 1;
      if (mine.some((range) => first >= range.first && first <= range.last)) intervals.push({ protocol, first, last });
    });
  }
  return intervals;
}

/** Every port of every protocol. */
export const EVERY_PORT: readonly PortInterval[] = NETWORK_POLICY_PROTOCOLS.map((protocol) => ({ protocol, first: 1, last: 65535 }));

/** Every port of every protocol cut into the intervals a destination's policies tell apart, and one probe port each. */
export interface ProbeIntervals {
  readonly edges: ReadonlyMap<NetworkPolicyProtocol, ReadonlySet<number>>;
  readonly intervals: readonly PortInterval[];
  /** The first port of each interval: what the scan judges. */
  readonly targets: readonly ClusterContainerPort[];
  /** The interval holding `port`. */
  indexOf(protocol: NetworkPolicyProtocol, port: number): number;
}

/**
 * The probe intervals of each behaviour group, from the model's edges and the group's declared
 * ports; groups that declare the same ports (a port profile) share one.
 */
export class GroupProbes {
  private readonly byProfile = new Map<number, ProbeIntervals>();

  constructor(private readonly edges: ReadonlyMap<NetworkPolicyProtocol, ReadonlySet<number>>) {}

  of(group: EndpointGroup): ProbeIntervals {
    let probes = this.byProfile.get(group.portProfile);
    if (!probes) {
      const edges = destinationPortEdges(this.edges, group);
      const intervals = portIntervals(EVERY_PORT, edges);
      probes = {
        edges,
        intervals,
        targets: intervals.map((interval) => ({ port: interval.first, protocol: interval.protocol })),
        indexOf: (protocol, port) => intervals.findIndex((interval) => interval.protocol === protocol && interval.first <= port && port <= interval.last),
      };
      this.byProfile.set(group.portProfile, probes);
    }
    return probes;
  }
}

/** The complement of `ranges` within every port of every protocol. */
export function otherPorts(ranges: readonly PortInterval[]): PortInterval[] {
  const rest: PortInterval[] = [];
  for (const protocol of NETWORK_POLICY_PROTOCOLS) {
    const mine = ranges.filter((range) => range.protocol === protocol).sort((a, b) => a.first - b.first);
    let next = 1;
    for (const range of mine) {
      if (range.first > next) rest.push({ protocol, first: next, last: range.first - 1 });
      next = Math.max(next, range.last + 1);
    }
    if (next <= 65535) rest.push({ protocol, first: next, last: 65535 });
  }
  return rest;
}

function blockEnd(cidr: ParsedCidr): bigint {
  const bits = cidr.family === 4 ? 32 : 128;
  return cidr.network + (1n << BigInt(bits - cidr.prefixLength)) - 1n;
}

/**
 * One address per part of `cidr` (minus `except`) that the model's ipBlocks treat alike: the
 * start of the range and every ipBlock edge inside it. `prepared.peers` holds the peers of
 * every tier, so cluster policies' `networks` CIDRs are edges too.
 */
export function probeAddresses(cidr: ParsedCidr, except: readonly ParsedCidr[], prepared: PreparedModel): string[] {
  const end = blockEnd(cidr);
  const candidates = new Set<bigint>([cidr.network]);
  const addEdges = (block: ParsedCidr) => {
    if (block.family !== cidr.family) return;
    candidates.add(block.network);
    candidates.add(blockEnd(block) + 1n);
  };
  for (const peer of prepared.peers) {
    if (peer.kind !== 'ipBlock') continue;
    addEdges(peer.cidr);
    peer.except.forEach(addEdges);
  }
  except.forEach(addEdges);
  return [...candidates]
    .filter((value) => value >= cidr.network && value <= end)
    .filter((value) => !except.some((block) => cidrContains(block, { family: cidr.family, value })))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((value) => formatIp(cidr.family, value));
}
