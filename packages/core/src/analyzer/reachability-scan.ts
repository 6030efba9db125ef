/**
 * The scan: verdicts per (source group, destination group) and target port, computed on demand
 * and shared (see the comment of reachability.ts, steps 3 and 4).
 */
import type { NetworkPolicyType } from '../model/network-policy.js';
import type { ClusterContainerPort, ClusterModel } from './cluster-model.js';
import { compileProtocol, type CompiledPeer } from './compiled-policy.js';
import { judgeSide, verdictOf } from './reachability-explain.js';
import { groupEndpoints, rulePeers, type EndpointGroup, type Grouping, type PolicySet } from './reachability-grouping.js';
import { checkPort, endpointIndex, prepare, type PreparedModel } from './reachability-preparation.js';
import type { ReachabilityQuery, SideExplanation, Verdict } from './reachability-types.js';

interface InternedSide {
  readonly side: SideExplanation;
  readonly id: number;
  /** Verdicts combining this (egress) side with each ingress side, by ingress side id. */
  readonly verdicts: Map<number, Verdict>;
}

/** The sides of one direction for each target port of a destination group. */
interface SideRow {
  readonly sides: readonly InternedSide[];
}

/** Verdicts from one source group to each destination group, filled on demand. */
export interface VerdictRow {
  readonly source: number;
  /** Cells by destination group, kept only for rows that will be read again (streaming). */
  readonly cells: (Verdict[] | undefined)[] | undefined;
  /** Destination groups whose peers the source's egress rules name. */
  readonly egressTouched: Uint8Array;
  /** Cells for destinations neither side touches, by destination profile; shared by rows with the same egress policy set. */
  readonly untouchedCells: (Verdict[] | undefined)[];
}

/** Touched ingress answers, keyed by the path of peer ids the source matches. */
interface PeerTrieNode {
  sides?: SideRow;
  children?: Map<number, PeerTrieNode>;
}

/** Caps on cached arrays; past them a cache is dropped and refilled on demand. */
const ROW_CACHE_SLOTS = 4_000_000;
const EGRESS_CACHE_SLOTS = 4_000_000;

const NO_PEER_MATCHES = (): boolean => false;

/**
 * One pass over the connections a query selects.
 *
 * A side only depends on the other end through the rule peers it matches. So for a source
 * policy set, every destination group that matches none of its egress peers gets one shared
 * answer per port profile, and for a source group, every destination profile whose ingress
 * peers it does not match gets one shared answer per profile. Only "touched" combinations,
 * found through peer-to-group indexes, are judged rule by rule. Sides and verdicts are
 * interned, so each (egress sides, ingress sides) combination is combined once.
 */
export class ReachabilityScan {
  readonly sources: readonly number[];
  readonly destinations: readonly number[];
  /** The ports judged for each destination group. */
  readonly targets: readonly (readonly ClusterContainerPort[])[];
  private readonly groups: readonly EndpointGroup[];
  private readonly sharedSides = new Map<SideExplanation, InternedSide>();
  private readonly allowedSides = new Map<string, InternedSide>();
  private nextSideId = 0;
  /** Egress sides by source policy set, then destination group. */
  private readonly egressSides = new Map<number, (SideRow | undefined)[]>();
  private egressSlots = 0;
  /** Destination groups touched by each egress policy set's peers. */
  private readonly egressTouched = new Map<number, Uint8Array>();
  /** Untouched answers: egress by (policy set, port profile), ingress by destination profile. */
  private readonly untouchedEgress = new Map<number, SideRow>();
  private readonly untouchedIngress: (SideRow | undefined)[];
  /** Touched ingress answers by destination profile, then the source's peers that touch it. */
  private readonly touchedIngress: (PeerTrieNode | undefined)[];
  /** Ingress answers of the stamped row, by destination profile (valid where the stamp matches). */
  private readonly rowIngress: (SideRow | undefined)[];
  private readonly rowIngressStamps: Int32Array;
  /** For each profile the stamped row touches: the source's peers listed in its ingress rules, ascending. */
  private readonly touchingPeers: number[][];
  private readonly rows = new Map<number, VerdictRow>();
  private readonly untouchedCellsBySet = new Map<number, (Verdict[] | undefined)[]>();
  /** Marks the destination profiles whose ingress peers the stamped row's source matches (value === stamp). */
  private readonly profileStamps: Int32Array;
  private stamp = 0;
  private stampedRow: VerdictRow | undefined;
  private cachedRowSlots = 0;

  /**
   * `targetsOf` replaces the query's ports: the ports judged for a destination group (verify
   * probes one port per interval). It must give the same ports to groups of the same port
   * profile, since untouched answers are shared per profile.
   */
  constructor(
    private readonly grouping: Grouping,
    prepared: PreparedModel,
    readonly query: ReachabilityQuery,
    targetsOf?: (group: EndpointGroup) => readonly ClusterContainerPort[],
  ) {
    const { endpoints } = prepared;
    if (query.port !== undefined) checkPort(query.port, 'query');
    const protocol = query.protocol === undefined ? undefined : compileProtocol(query.protocol, 'query', 'protocol');
    this.sources = query.from === undefined ? endpoints.map((_, index) => index) : [endpointIndex(prepared, query.from, 'from')];
    this.destinations = query.to === undefined ? endpoints.map((_, index) => index) : [endpointIndex(prepared, query.to, 'to')];
    this.groups = grouping.groups;
    const profileCount = grouping.profileRepresentatives.length;
    this.profileStamps = new Int32Array(profileCount);
    this.rowIngressStamps = new Int32Array(profileCount);
    // Filled up front so the arrays stay dense (index writes into [] would make them sparse).
    this.untouchedIngress = new Array<SideRow | undefined>(profileCount).fill(undefined);
    this.touchedIngress = new Array<PeerTrieNode | undefined>(profileCount).fill(undefined);
    this.rowIngress = new Array<SideRow | undefined>(profileCount).fill(undefined);
    this.touchingPeers = Array.from({ length: profileCount }, () => []);
    this.targets = grouping.groups.map((group) =>
      targetsOf !== undefined
        ? targetsOf(group)
        : query.port !== undefined
        ? [{ port: query.port, protocol: protocol ?? 'TCP' }]
        : protocol === undefined
          ? group.targets
          : group.targets.filter((target) => target.protocol === protocol),
    );
  }

  /** Shared answers (not isolated, a policy set's denial) intern by identity; "allowed" answers by content. */
  private intern(side: SideExplanation): InternedSide {
    const shared = this.sharedSides.get(side);
    if (shared) return shared;
    if (side.state !== 'allowed') {
      const interned = { side, id: this.nextSideId++, verdicts: new Map<number, Verdict>() };
      this.sharedSides.set(side, interned);
      return interned;
    }
    const key = `${side.allowedBy[0]!.direction}:${side.allowedBy.map((r) => `${r.policy}#${r.rule}`).join(' ')}`;
    let interned = this.allowedSides.get(key);
    if (!interned) {
      interned = { side, id: this.nextSideId++, verdicts: new Map<number, Verdict>() };
      this.allowedSides.set(key, interned);
    }
    return interned;
  }

  /** Judges one side for every target port of `destination`. */
  private judge(direction: NetworkPolicyType, set: PolicySet, peerMatches: (peer: CompiledPeer) => boolean, destination: number): SideRow {
    const destinationPorts = this.groups[destination]!.ports;
    const sides = this.targets[destination]!.map((target) =>
      this.intern(judgeSide(direction, set.policies, peerMatches, target.port, target.protocol, destinationPorts, set.denied, set.tiers)),
    );
    return { sides };
  }

  private touchedByEgress(set: PolicySet): Uint8Array {
    let touched = this.egressTouched.get(set.id);
    if (!touched) {
      touched = new Uint8Array(this.groups.length);
      for (const peer of rulePeers(set, 'Egress')) for (const group of this.grouping.groupsByPeer.get(peer) ?? []) touched[group] = 1;
      this.egressTouched.set(set.id, touched);
    }
    return touched;
  }

  private egressFor(sourceGroup: EndpointGroup, destination: number): SideRow {
    const set = sourceGroup.egress;
    let table = this.egressSides.get(set.id);
    if (!table) {
      if (this.egressSlots + this.groups.length > EGRESS_CACHE_SLOTS) {
        this.egressSides.clear();
        this.egressSlots = 0;
      }
      table = new Array<SideRow | undefined>(this.groups.length).fill(undefined);
      this.egressSides.set(set.id, table);
      this.egressSlots += this.groups.length;
    }
    const cached = table[destination];
    if (cached) return cached;
    let sides: SideRow;
    if (this.touchedByEgress(set)[destination]) {
      sides = this.judge('Egress', set, this.groups[destination]!.matchesPeer, destination);
    } else {
      const portProfile = this.groups[destination]!.portProfile;
      const key = set.id * this.grouping.portProfileRepresentatives.length + portProfile;
      sides = this.untouchedEgress.get(key) ?? this.judge('Egress', set, NO_PEER_MATCHES, this.grouping.portProfileRepresentatives[portProfile]!);
      this.untouchedEgress.set(key, sides);
    }
    table[destination] = sides;
    return sides;
  }

  /** Call with the row stamped (see computeCell). */
  private ingressFor(row: VerdictRow, destination: number): SideRow {
    const destinationGroup = this.groups[destination]!;
    const profile = destinationGroup.destinationProfile;
    if (this.profileStamps[profile] === this.stamp) {
      if (this.rowIngressStamps[profile] === this.stamp) return this.rowIngress[profile]!;
      // The side only depends on which of the profile's peers the source matches.
      const sourceGroup = this.groups[row.source]!;
      let node = (this.touchedIngress[profile] ??= {});
      for (const peer of this.touchingPeers[profile]!) {
        const children = (node.children ??= new Map());
        let child = children.get(peer);
        if (!child) {
          child = {};
          children.set(peer, child);
        }
        node = child;
      }
      const sides = (node.sides ??= this.judge('Ingress', destinationGroup.ingress, sourceGroup.matchesPeer, destination));
      this.rowIngress[profile] = sides;
      this.rowIngressStamps[profile] = this.stamp;
      return sides;
    }
    return (this.untouchedIngress[profile] ??= this.judge(
      'Ingress',
      destinationGroup.ingress,
      NO_PEER_MATCHES,
      this.grouping.profileRepresentatives[profile]!,
    ));
  }

  /**
   * The verdict row of a source group; pass it to {@link ReachabilityScan.verdicts}. With
   * `keep`, the row and its cells are cached for the next endpoint of the same group.
   */
  rowFor(source: number, keep: boolean): VerdictRow {
    const cached = this.rows.get(source);
    if (cached) return cached;
    const egressSet = this.groups[source]!.egress;
    let untouchedCells = this.untouchedCellsBySet.get(egressSet.id);
    if (!untouchedCells) {
      untouchedCells = new Array<Verdict[] | undefined>(this.profileStamps.length).fill(undefined);
      this.untouchedCellsBySet.set(egressSet.id, untouchedCells);
    }
    const row: VerdictRow = {
      source,
      cells: keep ? new Array<Verdict[] | undefined>(this.groups.length).fill(undefined) : undefined,
      egressTouched: this.touchedByEgress(egressSet),
      untouchedCells,
    };
    if (keep) {
      if (this.cachedRowSlots + this.groups.length > ROW_CACHE_SLOTS) {
        this.rows.clear();
        this.cachedRowSlots = 0;
      }
      this.rows.set(source, row);
      this.cachedRowSlots += this.groups.length;
    }
    return row;
  }

  /** The verdicts for each target port of `destination`, from any endpoint of the row's source group. */
  verdicts(row: VerdictRow, destination: number): Verdict[] {
    return row.cells?.[destination] ?? this.computeCell(row, destination);
  }

  /** Marks the destination profiles the row's source touches, and lists the touching peers of each. */
  private stampRow(row: VerdictRow): void {
    const stamp = ++this.stamp;
    for (const peer of this.groups[row.source]!.matchedPeers) {
      for (const profile of this.grouping.profilesByPeer.get(peer) ?? []) {
        const peers = this.touchingPeers[profile]!;
        if (this.profileStamps[profile] !== stamp) {
          this.profileStamps[profile] = stamp;
          peers.length = 0;
        }
        peers.push(peer);
      }
    }
    this.stampedRow = row;
  }

  private computeCell(row: VerdictRow, destination: number): Verdict[] {
    if (this.stampedRow !== row) this.stampRow(row);
    const profile = this.groups[destination]!.destinationProfile;
    const untouched = !row.egressTouched[destination] && this.profileStamps[profile] !== this.stamp;
    // Fast path: neither side's rules name a peer of the other end, so the answer only
    // depends on the source's egress policy set and the destination profile.
    const cached = untouched ? row.untouchedCells[profile] : undefined;
    const cell = cached ?? this.combine(row, destination);
    if (untouched) row.untouchedCells[profile] = cell;
    if (row.cells) row.cells[destination] = cell;
    return cell;
  }

  private combine(row: VerdictRow, destination: number): Verdict[] {
    const egress = this.egressFor(this.groups[row.source]!, destination);
    const ingress = this.ingressFor(row, destination);
    // Touched combinations rarely repeat, so their cells are not cached here (rows cache them).
    return egress.sides.map((egressSide, k) => {
      const ingressSide = ingress.sides[k]!;
      let verdict = egressSide.verdicts.get(ingressSide.id);
      if (!verdict) {
        verdict = verdictOf(false, egressSide.side, ingressSide.side);
        egressSide.verdicts.set(ingressSide.id, verdict);
      }
      return verdict;
    });
  }
}

export function startScan(model: ClusterModel, query: ReachabilityQuery): { scan: ReachabilityScan; prepared: PreparedModel; groupOf: Int32Array } {
  const prepared = prepare(model);
  const grouping = groupEndpoints(prepared);
  return { scan: new ReachabilityScan(grouping, prepared, query), prepared, groupOf: grouping.groupOf };
}

