/**
 * How kube-router v2.1.0 matches the ipBlock peers of one rule: it adds every peer's cidr, and
 * every peer's `except` entries flagged `nomatch`, to ONE ipset of type hash:net (restored with
 * -exist, so a later entry for the same CIDR wins). hash:net matches an address by its most
 * specific entry, so one peer's exception removes the address for the rule's other ipBlock
 * peers too. This rewrites a rule's ipBlock peers into NetworkPolicy ipBlocks with the same
 * meaning, so the analyzer can judge them. IPv4 only (the suites use no IPv6).
 */
import type { NetworkPolicyPeer } from '@k8s-security-pro/core';

interface Net {
  readonly cidr: string;
  readonly base: number;
  readonly bits: number;
}

function parseNet(cidr: string): Net {
  const [address = '', bitsText = '32'] = cidr.split('/');
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { cidr, base: ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) & mask, bits };
}

/** True when `inner` lies inside `outer` and is more specific. */
function strictlyInside(inner: Net, outer: Net): boolean {
  if (inner.bits <= outer.bits) return false;
  const mask = outer.bits === 0 ? 0 : (~0 << (32 - outer.bits)) >>> 0;
  return ((inner.base & mask) >>> 0) === outer.base >>> 0;
}

/**
 * The rule's peers with its ipBlock peers replaced by what kube-router's single hash:net set
 * admits: one ipBlock per CIDR entered as a match, excepting every `nomatch` CIDR inside it.
 * Rules with fewer than two ipBlock peers are returned unchanged.
 */
export function kubeRouterIpBlockPeers(peers: readonly NetworkPolicyPeer[]): readonly NetworkPolicyPeer[] {
  const ipBlocks = peers.filter((peer) => peer.ipBlock);
  if (ipBlocks.length < 2) return peers;
  // In the order kube-router adds them: each peer's cidr, then its exceptions; the last flag wins.
  const flags = new Map<string, { net: Net; match: boolean }>();
  for (const { ipBlock } of ipBlocks) {
    for (const [cidr, match] of [[ipBlock!.cidr, true] as const, ...(ipBlock!.except ?? []).map((except) => [except, false] as const)]) {
      const net = parseNet(cidr);
      const key = `${net.base}/${net.bits}`;
      flags.delete(key);
      flags.set(key, { net, match });
    }
  }
  const entries = [...flags.values()];
  const merged: NetworkPolicyPeer[] = entries
    .filter((entry) => entry.match)
    .map(({ net }) => {
      const except = entries.filter((other) => !other.match && strictlyInside(other.net, net)).map((other) => other.net.cidr);
      return { ipBlock: { cidr: net.cidr, ...(except.length > 0 ? { except } : {}) } };
    });
  return [...peers.filter((peer) => !peer.ipBlock), ...merged];
}
