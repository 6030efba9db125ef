/**
 * The endpoints each side of an assertion covers: pods and workloads picked by namespace and
 * label selectors, or the probe addresses of an ipBlock, added to the model as external
 * endpoints. Sides are lists of positions in the model's endpoint order, which is the order
 * counter-examples are listed in.
 */
import type { ClusterEndpoint, ClusterModel } from '../analyzer/cluster-model.js';
import { externalEndpoint } from '../analyzer/cluster-model.js';
import { prepare, type PreparedModel } from '../analyzer/reachability-preparation.js';
import type { CompiledEndpointSelector, CompiledExpectation } from './expectations-document.js';
import { probeAddresses } from './probe-points.js';

function matchesPods(selector: Extract<CompiledEndpointSelector, { kind: 'pods' }>, endpoint: ClusterEndpoint, prepared: PreparedModel): boolean {
  if (endpoint.kind === 'External' || endpoint.namespace === undefined) return false;
  if (selector.namespace !== undefined && endpoint.namespace !== selector.namespace) return false;
  if (selector.namespaceSelector !== undefined && !selector.namespaceSelector.matches(prepared.namespaceLabels.get(endpoint.namespace) ?? {})) return false;
  if (selector.podSelector !== undefined && !selector.podSelector.matches(endpoint.labels)) return false;
  return !selector.except.some((except) => except.kind === 'pods' && matchesPods(except, endpoint, prepared));
}

/** The model with every ipBlock side's probe addresses as external endpoints, and the endpoints indexed for the sides. */
export class ExpectationSides {
  readonly model: ClusterModel;
  readonly prepared: PreparedModel;
  private readonly addresses = new Map<CompiledEndpointSelector, number[]>();
  /** Positions of the pods and workloads of each namespace, ascending. */
  private readonly byNamespace = new Map<string, number[]>();
  private readonly allPods: number[] = [];

  constructor(model: ClusterModel, expectations: readonly CompiledExpectation[]) {
    const original = prepare(model);
    const positionById = new Map(model.endpoints.map((endpoint, position) => [endpoint.id, position]));
    const extra: ClusterEndpoint[] = [];
    for (const expectation of expectations) {
      for (const side of [expectation.from, expectation.to]) {
        if (side.kind !== 'addresses') continue;
        const positions = probeAddresses(side.cidr, side.except, original).map((ip) => {
          let position = positionById.get(ip);
          if (position === undefined) {
            position = model.endpoints.length + extra.length;
            positionById.set(ip, position);
            extra.push(externalEndpoint(ip));
          }
          return position;
        });
        this.addresses.set(side, [...new Set(positions)].sort((a, b) => a - b));
      }
    }
    this.model = extra.length === 0 ? model : { ...model, endpoints: [...model.endpoints, ...extra] };
    this.prepared = prepare(this.model);
    this.model.endpoints.forEach((endpoint, position) => {
      if (endpoint.kind === 'External' || endpoint.namespace === undefined) return;
      this.allPods.push(position);
      const list = this.byNamespace.get(endpoint.namespace);
      if (list) list.push(position);
      else this.byNamespace.set(endpoint.namespace, [position]);
    });
  }

  /** The positions (in the model's endpoint order) of the endpoints `selector` covers. */
  positions(selector: CompiledEndpointSelector): readonly number[] {
    if (selector.kind === 'addresses') {
      // Probe addresses that are also declared external endpoints are listed in model order.
      return this.addresses.get(selector) ?? [];
    }
    const candidates = selector.namespace !== undefined ? (this.byNamespace.get(selector.namespace) ?? []) : this.allPods;
    return candidates.filter((position) => matchesPods(selector, this.model.endpoints[position]!, this.prepared));
  }
}
