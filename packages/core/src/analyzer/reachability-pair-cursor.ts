/**
 * The one loop over endpoint pairs: every streaming entry point (connections, endpoint pairs)
 * advances a {@link PairCursor}, so the order and the skipping rules live in one place.
 */
import type { ClusterContainerPort, ClusterEndpoint, ClusterModel, EndpointId } from './cluster-model.js';
import { startScan, type ReachabilityScan, type VerdictRow } from './reachability-scan.js';
import type { ReachabilityQuery, Verdict } from './reachability-types.js';

/** Caps the endpoint indexes kept for the allowed-destination lists of source groups. */
const ALLOWED_LIST_CACHE_SLOTS = 8_000_000;

/**
 * Walks the ordered (source, destination) pairs of distinct endpoints a query selects, sorted
 * by source id then destination id. After `next()` returns true, the fields describe the
 * current pair; `verdicts[k]` is the verdict on `targets[k]`. Both arrays are shared between
 * pairs: read them, do not keep or change them.
 */
export class PairCursor {
  from: EndpointId = '';
  to: EndpointId = '';
  targets: readonly ClusterContainerPort[] = [];
  verdicts: readonly Verdict[] = [];
  /** True when `from` and `to` are both outside the cluster: no policy can govern their traffic. */
  bothExternal = false;
  private readonly scan: ReachabilityScan;
  private readonly endpoints: readonly ClusterEndpoint[];
  private readonly groupOf: Int32Array;
  private sourceIndex = 0;
  private source = -1;
  private sourceExternal = false;
  private row: VerdictRow | undefined;
  private destinations: ArrayLike<number> = [];
  private destinationIndex = 0;
  private readonly allowedLists = new Map<number, Int32Array>();
  private allowedListSlots = 0;
  private groupMembers: Int32Array[] | undefined;

  /**
   * @param onlyAllowed skip the pairs where every judged port is denied, without visiting them:
   *   each source group lists the destination groups it reaches on some port once.
   */
  constructor(
    model: ClusterModel,
    query: ReachabilityQuery,
    private readonly onlyAllowed = false,
  ) {
    const { scan, prepared, groupOf } = startScan(model, query);
    this.scan = scan;
    this.endpoints = prepared.endpoints;
    this.groupOf = groupOf;
  }

  /** Moves to the next pair; false when there is none left. */
  next(): boolean {
    const { scan, groupOf, endpoints } = this;
    for (;;) {
      if (this.row === undefined) {
        if (this.sourceIndex >= scan.sources.length) return false;
        this.source = scan.sources[this.sourceIndex]!;
        const sourceEndpoint = endpoints[this.source]!;
        this.row = scan.rowFor(groupOf[this.source]!, true);
        this.from = sourceEndpoint.id;
        this.sourceExternal = sourceEndpoint.kind === 'External';
        this.destinations = this.onlyAllowed && scan.query.to === undefined ? this.allowedDestinations(this.row) : scan.destinations;
        this.destinationIndex = 0;
      }
      while (this.destinationIndex < this.destinations.length) {
        const destination = this.destinations[this.destinationIndex++]!;
        if (destination === this.source) continue;
        const destinationGroup = groupOf[destination]!;
        const destinationEndpoint = endpoints[destination]!;
        this.to = destinationEndpoint.id;
        this.targets = scan.targets[destinationGroup]!;
        this.verdicts = scan.verdicts(this.row, destinationGroup);
        this.bothExternal = this.sourceExternal && destinationEndpoint.kind === 'External';
        return true;
      }
      this.row = undefined;
      this.sourceIndex++;
    }
  }

  /** Endpoints (ascending) of the destination groups the row's source reaches on at least one port. */
  private allowedDestinations(row: VerdictRow): Int32Array {
    const cached = this.allowedLists.get(row.source);
    if (cached) return cached;
    const members = (this.groupMembers ??= this.membersByGroup());
    const reached: Int32Array[] = [];
    let size = 0;
    for (let group = 0; group < members.length; group++) {
      if (members[group]!.length === 0) continue;
      if (this.scan.verdicts(row, group).some((verdict) => verdict.allowed)) {
        reached.push(members[group]!);
        size += members[group]!.length;
      }
    }
    const list = new Int32Array(size);
    let offset = 0;
    for (const part of reached) {
      list.set(part, offset);
      offset += part.length;
    }
    list.sort();
    if (this.allowedListSlots + size > ALLOWED_LIST_CACHE_SLOTS) {
      this.allowedLists.clear();
      this.allowedListSlots = 0;
    }
    this.allowedLists.set(row.source, list);
    this.allowedListSlots += size;
    return list;
  }

  /** Destination endpoints of each group, ascending (endpoints are sorted by id). */
  private membersByGroup(): Int32Array[] {
    const counts = new Int32Array(this.scan.targets.length);
    for (const destination of this.scan.destinations) counts[this.groupOf[destination]!]!++;
    const members = Array.from(counts, (count) => new Int32Array(count));
    counts.fill(0);
    for (const destination of this.scan.destinations) {
      const group = this.groupOf[destination]!;
      members[group]![counts[group]!++] = destination;
    }
    return members;
  }
}
