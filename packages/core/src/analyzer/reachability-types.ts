/** The public types of the reachability evaluator: queries, verdicts and their explanations. */
import type { NetworkPolicyType } from '../model/network-policy.js';
import type { EndpointId, Protocol } from './cluster-model.js';

/**
 * One rule of one policy: `policy` is `<namespace>/<name>` for a NetworkPolicy, `<kind>/<name>`
 * for a cluster-scoped one (`ClusterNetworkPolicy/x`); `rule` is the 0-based index in its list.
 */
export interface PolicyRuleRef {
  readonly policy: string;
  readonly direction: NetworkPolicyType;
  readonly rule: number;
  /** Set for ClusterNetworkPolicy (and v1alpha1 AdminNetworkPolicy/BaselineAdminNetworkPolicy) rules. */
  readonly tier?: 'Admin' | 'Baseline';
  /** The cluster rule's action (v1alpha1 `Allow` reads as `Accept`). */
  readonly action?: 'Accept' | 'Deny' | 'Pass';
  /** The cluster rule's `name`, when it has one. */
  readonly name?: string;
}

/** What one side of a connection (egress at the source, or ingress at the destination) decided. */
export type SideExplanation =
  | {
      readonly state: 'not-isolated';
      /** `no-policy`: no policy selects the endpoint for this direction; `external`: it is outside the cluster. */
      readonly reason: 'no-policy' | 'external';
    }
  | {
      readonly state: 'allowed';
      /** Every rule that admits the connection, by policy then rule index. */
      readonly allowedBy: readonly PolicyRuleRef[];
    }
  | {
      readonly state: 'denied';
      /** The policies that isolate the endpoint in this direction; none of their rules matched. */
      readonly isolatedBy: readonly string[];
      /** The Admin- or Baseline-tier Deny rule that decided, when one did (`isolatedBy` is then its policy). */
      readonly deniedBy?: PolicyRuleRef;
    };

/** Why a connection is allowed or denied. Shared between connections with the same reasons. */
export interface Explanation {
  /** Source and destination are the same endpoint: always allowed, whatever the sides say. */
  readonly selfTraffic: boolean;
  /** Egress, judged at the source. */
  readonly egress: SideExplanation;
  /** Ingress, judged at the destination. */
  readonly ingress: SideExplanation;
}

/** The answer for one connection. */
export interface Verdict {
  readonly allowed: boolean;
  readonly explanation: Explanation;
}

/** One judged connection: `from` opens it to `to` on destination port `port`/`protocol`. */
export interface Connection {
  readonly from: EndpointId;
  readonly to: EndpointId;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  readonly explanation?: Explanation;
}

/** Narrows {@link analyzeReachability}. Every field is optional. */
export interface ReachabilityQuery {
  /** Only connections from this endpoint id. */
  readonly from?: EndpointId;
  /** Only connections to this endpoint id. */
  readonly to?: EndpointId;
  /** Judge this port for every destination, declared or not, instead of the declared container ports. */
  readonly port?: number;
  /** Only this protocol. With `port`: @default 'TCP' */
  readonly protocol?: Protocol;
}

/** Totals over the connections a query selects. */
export interface ReachabilitySummary {
  readonly connections: number;
  readonly allowed: number;
  readonly denied: number;
  /** (source group, destination group) pairs judged to reach these totals. */
  readonly groupPairs: number;
}

/** Counts of what the grouping found; useful to see why a cluster is fast or slow to analyze. */
export interface ReachabilityStatistics {
  readonly endpoints: number;
  readonly policies: number;
  /** Behaviour groups: endpoints no policy can tell apart. Pairwise work grows with groups squared. */
  readonly groups: number;
}
