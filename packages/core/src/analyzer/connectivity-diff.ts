/**
 * The connectivity diff of two cluster models (OLD and NEW): the connections that become
 * allowed or denied, per ordered endpoint pair and port, each with the explanations of both
 * sides, and the endpoints that exist on one side only. Pure: no I/O.
 *
 * Scale: neither side's full matrix is built. Each side's allowed pairs come sorted from
 * {@link iterateEndpointPairs} (found per behaviour group); the two streams are merged by
 * (from, to). A pair allowed on one side only is looked up on the other through that side's
 * scan, whose per-group rows are cached and bounded. Memory therefore stays at the two
 * analyzers' bounded caches, whatever the number of pairs.
 */
import { compareText, type ClusterContainerPort, type ClusterModel, type EndpointId, type Protocol } from './cluster-model.js';
import { iterateEndpointPairs, type EndpointPairVerdicts } from './endpoint-pairs.js';
import { PROTOCOL_ORDER } from './reachability-grouping.js';
import { startScan, type ReachabilityScan } from './reachability-scan.js';
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

/** The changed ports of one ordered pair of endpoints that exist in both OLD and NEW. */
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

/** Looks up the verdicts of any pair of one model, reusing the analyzer's per-group rows. */
class PairVerdictLookup {
  private readonly scan: ReachabilityScan;
  readonly prepared: PreparedModel;
  private readonly groupOf: Int32Array;

  constructor(model: ClusterModel) {
    const { scan, prepared, groupOf } = startScan(model, {});
    this.scan = scan;
    this.prepared = prepared;
    this.groupOf = groupOf;
  }

  has(id: EndpointId): boolean {
    return this.prepared.indexById.has(id);
  }

  isExternal(id: EndpointId): boolean {
    const index = this.prepared.indexById.get(id);
    return index !== undefined && this.prepared.endpoints[index]!.kind === 'External';
  }

  /** The judged ports of the pair and the verdict on each; call only for endpoints this model has. */
  pair(from: EndpointId, to: EndpointId): { ports: readonly ClusterContainerPort[]; verdicts: readonly Verdict[] } {
    const destinationGroup = this.groupOf[this.prepared.indexById.get(to)!]!;
    const row = this.scan.rowFor(this.groupOf[this.prepared.indexById.get(from)!]!, true);
    return { ports: this.scan.targets[destinationGroup]!, verdicts: this.scan.verdicts(row, destinationGroup) };
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

/**
 * The pairs of endpoints present in both models whose verdict changed on at least one port,
 * sorted by from then to. Ports are the container ports the destination declares on each
 * side; a port declared on one side only counts as not allowed on the other. Pairs of two
 * external endpoints are left out: no NetworkPolicy governs their traffic.
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
  const oldSide = new PairVerdictLookup(oldModel);
  const newSide = new PairVerdictLookup(newModel);
  const oldPairs = iterateEndpointPairs(oldModel);
  const newPairs = iterateEndpointPairs(newModel);
  const inBoth = (pair: EndpointPairVerdicts) =>
    oldSide.has(pair.from) && oldSide.has(pair.to) && newSide.has(pair.from) && newSide.has(pair.to) && !(oldSide.isExternal(pair.from) && oldSide.isExternal(pair.to));
  let oldPair = take(oldPairs);
  let newPair = take(newPairs);
  while (oldPair !== undefined || newPair !== undefined) {
    const order = oldPair === undefined ? 1 : newPair === undefined ? -1 : compareText(oldPair.from, newPair.from) || compareText(oldPair.to, newPair.to);
    let change: PairChange | undefined;
    if (order < 0) {
      if (inBoth(oldPair!)) change = comparePorts(oldPair!, newSide.pair(oldPair!.from, oldPair!.to));
      oldPair = take(oldPairs);
    } else if (order > 0) {
      if (inBoth(newPair!)) change = comparePorts(oldSide.pair(newPair!.from, newPair!.to), newPair!);
      newPair = take(newPairs);
    } else {
      if (inBoth(oldPair!)) change = comparePorts(oldPair!, newPair!);
      oldPair = take(oldPairs);
      newPair = take(newPairs);
    }
    // `from`/`to` are taken from whichever side had the pair; the two agree when both do.
    if (change) yield change;
  }
}

function take<T>(iterator: Iterator<T, void>): T | undefined {
  const result = iterator.next();
  return result.done ? undefined : result.value;
}

interface JudgedPorts {
  readonly from?: EndpointId;
  readonly to?: EndpointId;
  readonly ports: readonly ClusterContainerPort[];
  readonly verdicts: readonly Verdict[];
}

/** Compares the verdicts of one pair port by port; undefined when nothing changed. */
function comparePorts(before: JudgedPorts, after: JudgedPorts): PairChange | undefined {
  const from = (before.from ?? after.from)!;
  const to = (before.to ?? after.to)!;
  const opened: PortChange[] = [];
  const closed: PortChange[] = [];
  // Both port lists are sorted by port then protocol: walk them together.
  let i = 0;
  let j = 0;
  while (i < before.ports.length || j < after.ports.length) {
    const a = before.ports[i];
    const b = after.ports[j];
    const order = a === undefined ? 1 : b === undefined ? -1 : a.port - b.port || PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol];
    const oldVerdict = order <= 0 ? before.verdicts[i++] : undefined;
    const newVerdict = order >= 0 ? after.verdicts[j++] : undefined;
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
    (isAllowed ? opened : closed).push(portChange);
  }
  if (opened.length === 0 && closed.length === 0) return undefined;
  return { from, to, opened, closed };
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
