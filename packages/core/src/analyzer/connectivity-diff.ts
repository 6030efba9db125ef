/**
 * The connectivity diff of two cluster models (OLD and NEW): the connections that become
 * allowed or denied, per ordered endpoint pair and port, each with the explanations of both
 * sides, and the endpoints that exist on one side only. Pure: no I/O.
 *
 * Scale: neither side's full matrix is built. Endpoints on both sides fall into joint classes
 * (the same behaviour group in OLD and in NEW), which both sides judge alike; each pair of
 * joint classes is compared once, through each side's cached per-group verdicts, and endpoint
 * pairs appear only for the class pairs that changed. Memory stays at the two analyzers'
 * bounded caches plus a bounded cache of changed-destination lists.
 */
import { compareText, type ClusterContainerPort, type ClusterModel, type EndpointId, type Protocol } from './cluster-model.js';
import { PROTOCOL_ORDER } from './reachability-grouping.js';
import { startScan, type ReachabilityScan, type VerdictRow } from './reachability-scan.js';
import type { PreparedModel } from './reachability-preparation.js';
import type { Explanation, PolicyRuleRef, SideExplanation, Verdict } from './reachability-types.js';

/** One port whose verdict changed between OLD and NEW. */
export interface PortChange {
  readonly port: number;
  readonly protocol: Protocol;
  /** Why OLD decided as it did; absent when OLD's destination does not declare this port. */
  readonly old?: Explanation;
  /** Why NEW decides as it does; absent when NEW's destination no longer declares this port. */
  readonly new?: Explanation;
}

/**
 * The changed ports of one ordered pair of endpoints that exist in both OLD and NEW. The
 * `opened` and `closed` lists are shared by the pairs that change alike: read them, do not
 * change them.
 */
export interface PairChange {
  readonly from: EndpointId;
  readonly to: EndpointId;
  /** Ports denied (or not declared) in OLD and allowed in NEW, by port then protocol. */
  readonly opened: readonly PortChange[];
  /** Ports allowed in OLD and denied (or no longer declared) in NEW. */
  readonly closed: readonly PortChange[];
}

/** Endpoints that exist on one side only: reported once each, not as a change per pair. */
export interface EndpointChanges {
  /** In NEW only, sorted. */
  readonly added: readonly EndpointId[];
  /** In OLD only, sorted. */
  readonly removed: readonly EndpointId[];
}

/**
 * One side's scan: verdicts per (source group, destination group). Rows are not kept: the
 * diff asks for each (source class, destination class) once, so a kept row of every source
 * group would only hold millions of verdict lists nobody reads again (the scan's shared
 * answers stay cached and bounded).
 */
class SideScan {
  readonly scan: ReachabilityScan;
  readonly prepared: PreparedModel;
  readonly groupOf: Int32Array;
  /** The row of the source group asked last: one source class asks for every destination in turn. */
  private row: VerdictRow | undefined;

  constructor(model: ClusterModel) {
    const { scan, prepared, groupOf } = startScan(model, {});
    this.scan = scan;
    this.prepared = prepared;
    this.groupOf = groupOf;
  }

  /** The verdicts of each of `destinationGroup`'s ports (see {@link SideScan.ports}) from `sourceGroup`. */
  verdicts(sourceGroup: number, destinationGroup: number): readonly Verdict[] {
    if (this.row?.source !== sourceGroup) this.row = this.scan.rowFor(sourceGroup, false);
    return this.scan.verdicts(this.row, destinationGroup);
  }

  /** The ports judged for a destination group, sorted by port then protocol. */
  ports(destinationGroup: number): readonly ClusterContainerPort[] {
    return this.scan.targets[destinationGroup]!;
  }
}

/**
 * The endpoints of NEW that OLD lacks, and those of OLD that NEW lacks.
 *
 * @throws {AnalyzerInputError} for a malformed model.
 */
export function endpointChanges(oldModel: ClusterModel, newModel: ClusterModel): EndpointChanges {
  const oldIds = new Set(oldModel.endpoints.map((endpoint) => endpoint.id));
  const newIds = new Set(newModel.endpoints.map((endpoint) => endpoint.id));
  return {
    added: [...newIds].filter((id) => !oldIds.has(id)).sort(compareText),
    removed: [...oldIds].filter((id) => !newIds.has(id)).sort(compareText),
  };
}

/** The changed ports shared by every pair of one (source class, destination class). */
interface ChangeTemplate {
  readonly opened: readonly PortChange[];
  readonly closed: readonly PortChange[];
}

/** For one source class: the destinations (ascending) in classes with a change, and the change by destination class. */
interface ChangedDestinations {
  readonly destinations: Int32Array;
  readonly templates: readonly (ChangeTemplate | undefined)[];
}

/** Caps the changed-destination lists kept for source classes (an index or a template reference each). */
const CHANGED_LIST_CACHE_SLOTS = 4_000_000;

/**
 * The pairs of endpoints present in both models whose verdict changed on at least one port,
 * sorted by from then to. Ports are the container ports the destination declares on each
 * side; a port declared on one side only counts as not allowed on the other. Pairs of two
 * external endpoints are left out: no NetworkPolicy governs their traffic.
 *
 * Work grows with joint classes squared plus the pairs reported, not with endpoint pairs: two
 * endpoints in the same behaviour group on both sides (a joint class) are judged alike by both.
 *
 * @throws {AnalyzerInputError} for a malformed model, when iteration starts.
 * @example
 * ```ts
 * for (const change of iterateConnectivityChanges(oldModel, newModel)) {
 *   for (const port of change.opened) console.log(`${change.from} -> ${change.to} ${port.port}/${port.protocol}: ${changeCauseText('opened', port)}`);
 * }
 * ```
 */
export function* iterateConnectivityChanges(oldModel: ClusterModel, newModel: ClusterModel): Generator<PairChange, void, undefined> {
  const oldSide = new SideScan(oldModel);
  const newSide = new SideScan(newModel);
  // Endpoints on both sides, in id order (both sides sort endpoints by id).
  const ids: EndpointId[] = [];
  const external: boolean[] = [];
  const classOf: number[] = [];
  const classes: { oldGroup: number; newGroup: number; members: number[] }[] = [];
  const classByKey = new Map<number, number>();
  const newGroupCount = newSide.scan.targets.length;
  oldSide.prepared.endpoints.forEach((endpoint, oldIndex) => {
    const newIndex = newSide.prepared.indexById.get(endpoint.id);
    if (newIndex === undefined) return;
    const oldGroup = oldSide.groupOf[oldIndex]!;
    const newGroup = newSide.groupOf[newIndex]!;
    const key = oldGroup * newGroupCount + newGroup;
    let jointClass = classByKey.get(key);
    if (jointClass === undefined) {
      jointClass = classes.length;
      classes.push({ oldGroup, newGroup, members: [] });
      classByKey.set(key, jointClass);
    }
    classes[jointClass]!.members.push(ids.length);
    classOf.push(jointClass);
    external.push(endpoint.kind === 'External' && newSide.prepared.endpoints[newIndex]!.kind === 'External');
    ids.push(endpoint.id);
  });

  const cache = new Map<number, ChangedDestinations>();
  let cachedSlots = 0;
  const changedDestinations = (sourceClass: number): ChangedDestinations => {
    const cached = cache.get(sourceClass);
    if (cached) return cached;
    const { oldGroup, newGroup } = classes[sourceClass]!;
    const templates: (ChangeTemplate | undefined)[] = [];
    let size = 0;
    for (const destination of classes) {
      // Called for every pair of joint classes: no allocation unless a port changed.
      const template = comparePorts(
        oldSide.ports(destination.oldGroup),
        oldSide.verdicts(oldGroup, destination.oldGroup),
        newSide.ports(destination.newGroup),
        newSide.verdicts(newGroup, destination.newGroup),
      );
      templates.push(template);
      if (template) size += destination.members.length;
    }
    const destinations = new Int32Array(size);
    let offset = 0;
    templates.forEach((template, index) => {
      if (!template) return;
      destinations.set(classes[index]!.members, offset);
      offset += classes[index]!.members.length;
    });
    destinations.sort();
    if (cachedSlots + size + classes.length > CHANGED_LIST_CACHE_SLOTS) {
      cache.clear();
      cachedSlots = 0;
    }
    const entry = { destinations, templates };
    cache.set(sourceClass, entry);
    cachedSlots += size + classes.length;
    return entry;
  };

  for (let source = 0; source < ids.length; source++) {
    const { destinations, templates } = changedDestinations(classOf[source]!);
    for (const destination of destinations) {
      if (destination === source || (external[source] && external[destination])) continue;
      const template = templates[classOf[destination]!]!;
      yield { from: ids[source]!, to: ids[destination]!, opened: template.opened, closed: template.closed };
    }
  }
}

/** Compares the verdicts of one pair port by port; undefined when nothing changed. */
function comparePorts(
  beforePorts: readonly ClusterContainerPort[],
  beforeVerdicts: readonly Verdict[],
  afterPorts: readonly ClusterContainerPort[],
  afterVerdicts: readonly Verdict[],
): ChangeTemplate | undefined {
  let opened: PortChange[] | undefined;
  let closed: PortChange[] | undefined;
  // Both port lists are sorted by port then protocol: walk them together.
  let i = 0;
  let j = 0;
  while (i < beforePorts.length || j < afterPorts.length) {
    const a = beforePorts[i];
    const b = afterPorts[j];
    const order = a === undefined ? 1 : b === undefined ? -1 : a.port - b.port || PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol];
    const oldVerdict = order <= 0 ? beforeVerdicts[i++] : undefined;
    const newVerdict = order >= 0 ? afterVerdicts[j++] : undefined;
    const port = (order <= 0 ? a : b)!;
    const wasAllowed = oldVerdict?.allowed ?? false;
    const isAllowed = newVerdict?.allowed ?? false;
    if (wasAllowed === isAllowed) continue;
    const portChange: PortChange = {
      port: port.port,
      protocol: port.protocol,
      ...(oldVerdict ? { old: oldVerdict.explanation } : {}),
      ...(newVerdict ? { new: newVerdict.explanation } : {}),
    };
    if (isAllowed) (opened ??= []).push(portChange);
    else (closed ??= []).push(portChange);
  }
  if (!opened && !closed) return undefined;
  return { opened: opened ?? [], closed: closed ?? [] };
}

/** The rules that allow a side, or undefined when the side is not isolated or denied. */
function allowingRules(side: SideExplanation): readonly PolicyRuleRef[] {
  return side.state === 'allowed' ? side.allowedBy : [];
}

/** The policies that isolate a side and deny it. */
function isolatingPolicies(side: SideExplanation): readonly string[] {
  return side.state === 'denied' ? side.isolatedBy : [];
}

function ruleText(ref: PolicyRuleRef): string {
  return `${ref.policy} ${ref.direction.toLowerCase()} rule ${ref.rule}`;
}

/**
 * The policies and rules that cause a change: for an opened port, the NEW rules that allow
 * it; for a closed one, the OLD rules that allowed it and the NEW policies that now isolate an
 * end without allowing it.
 */
export interface ChangeCause {
  /** NEW rules that allow an opened port, or OLD rules that allowed a closed one. */
  readonly rules: readonly PolicyRuleRef[];
  /** For a closed port: the NEW policies that isolate the source (egress) or destination (ingress) and deny it. */
  readonly isolatedBy: readonly string[];
  /** For an opened port: the OLD policies whose isolation is gone or no longer denies it. */
  readonly formerlyIsolatedBy: readonly string[];
  /** The destination declares the port on one side only. */
  readonly portDeclaredOnOneSide: boolean;
}

/** Collects the rules and policies behind one port change (see {@link ChangeCause}). */
export function changeCause(kind: 'opened' | 'closed', change: PortChange): ChangeCause {
  const portDeclaredOnOneSide = change.old === undefined || change.new === undefined;
  if (kind === 'opened') {
    const now = change.new!;
    return {
      rules: [...allowingRules(now.egress), ...allowingRules(now.ingress)],
      isolatedBy: [],
      formerlyIsolatedBy: change.old ? [...isolatingPolicies(change.old.egress), ...isolatingPolicies(change.old.ingress)] : [],
      portDeclaredOnOneSide,
    };
  }
  const before = change.old!;
  return {
    rules: [...allowingRules(before.egress), ...allowingRules(before.ingress)],
    isolatedBy: change.new ? [...isolatingPolicies(change.new.egress), ...isolatingPolicies(change.new.ingress)] : [],
    formerlyIsolatedBy: [],
    portDeclaredOnOneSide,
  };
}

/**
 * One readable line naming what causes a change, e.g. `allowed in NEW by shop/db-from-web
 * ingress rule 0 (in OLD isolated by shop/deny-all)` or `allowed in OLD by shop/db-from-web
 * ingress rule 0; in NEW isolated by shop/deny-all`.
 */
export function changeCauseText(kind: 'opened' | 'closed', change: PortChange): string {
  const cause = changeCause(kind, change);
  const rules = cause.rules.map(ruleText).join(', ');
  if (kind === 'opened') {
    const allowed = rules === '' ? 'allowed in NEW: no policy isolates either end' : `allowed in NEW by ${rules}`;
    if (change.old === undefined) return `${allowed} (OLD's destination does not declare this port)`;
    const before = cause.formerlyIsolatedBy.length > 0 ? ` (in OLD denied: isolated by ${cause.formerlyIsolatedBy.join(', ')})` : '';
    return `${allowed}${before}`;
  }
  const before = rules === '' ? 'allowed in OLD: no policy isolated either end' : `allowed in OLD by ${rules}`;
  if (change.new === undefined) return `${before}; NEW's destination no longer declares this port`;
  return `${before}; in NEW denied: isolated by ${cause.isolatedBy.join(', ')}, and no rule matches`;
}
