import type { Protocol } from '../cluster-model.js';

/**
 * One upstream-derived conformance case (a JSON file under `conformance/cases`): a topology,
 * the policies applied to it, and the verdicts upstream expects. The analyzer's conformance
 * suite and the dataplane replay read the same files, so they share this shape.
 */
export interface ConformanceCase {
  readonly name: string;
  readonly model: {
    readonly namespaces: Readonly<Record<string, { readonly labels: Readonly<Record<string, string>> }>>;
    readonly pods: readonly {
      readonly namespace: string;
      readonly name: string;
      readonly labels: Readonly<Record<string, string>>;
      readonly ip: string;
      readonly ports: readonly { readonly port: number; readonly protocol: Protocol; readonly name?: string }[];
    }[];
  };
  readonly policies: readonly unknown[];
  readonly queries: readonly {
    readonly from: string;
    readonly to: string;
    readonly port: number;
    readonly protocol: Protocol;
    readonly allowed: boolean;
    readonly loopback?: boolean;
  }[];
}
