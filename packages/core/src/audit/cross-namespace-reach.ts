/** AUD005's scan: who in another namespace, or outside the cluster, can reach each audited namespace. */
import { iterateReachability } from '../analyzer/reachability.js';
import { DNS_PROBE, PEER, PROBE, type ProbeModel } from './audit-probes.js';

/** Who reaches one audited namespace from elsewhere, and through which policies. */
export interface NamespaceReach {
  /** Who reaches the namespace, with the ports: `monitoring/prometheus-0`, `any pod in dev`, ... */
  readonly reachers: Map<string, Set<string>>;
  /** The reachers that stand for "any pod" of a namespace, or an outside address. */
  readonly openTo: Set<string>;
  /** Policies whose ingress rules let them in. */
  readonly policies: Set<string>;
}

/**
 * One pass of the evaluator over the alike-pod model: for each audited namespace, who in another
 * namespace (or outside) can open a connection to one of its pods. One scan, not one per
 * destination, so the policies are compiled once.
 */
export function scanCrossNamespaceReach(probes: Omit<ProbeModel, 'reach'>, audited: ReadonlySet<string>): Map<string, NamespaceReach> {
  const reach = new Map<string, NamespaceReach>();
  for (const connection of iterateReachability(probes.reachModel)) {
    if (!connection.allowed) continue;
    const destination = probes.endpointsById.get(connection.to)!;
    const source = probes.endpointsById.get(connection.from)!;
    const namespace = destination.namespace;
    if (namespace === undefined || !audited.has(namespace) || source.namespace === namespace || destination.name === PEER) continue;
    if (source.name === DNS_PROBE) continue;
    const synthetic = source.kind === 'External' || source.name === PROBE || source.name === PEER;
    const others = (probes.alike.get(source.id) ?? 1) - 1;
    const who =
      source.kind === 'External'
        ? `outside the cluster (${source.id})`
        : synthetic
          ? `any pod in ${source.namespace}`
          : `${source.id}${others > 0 ? ` and ${others} like it` : ''}`;
    let entry = reach.get(namespace);
    if (!entry) reach.set(namespace, (entry = { reachers: new Map(), openTo: new Set(), policies: new Set() }));
    if (synthetic) entry.openTo.add(who);
    const ports = entry.reachers.get(who) ?? new Set<string>();
    ports.add(`${connection.protocol} ${connection.port}`);
    entry.reachers.set(who, ports);
    const ingress = connection.explanation?.ingress;
    for (const ref of ingress?.state === 'allowed' ? ingress.allowedBy : []) entry.policies.add(ref.policy);
  }
  return reach;
}
