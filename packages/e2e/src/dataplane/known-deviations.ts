/**
 * Where kube-router v2.1.0 enforces differently from the NetworkPolicy spec (and so from the
 * analyzer), each with the Kubernetes rule it breaks. The differential and conformance suites
 * accept a disagreement only when one of these explains it; a deviation that no longer shows
 * up is reported too, so the list stays true. docs/dataplane.md lists them.
 */
import type { ClusterModel } from '@k8s-security-pro/core';
import type { Disagreement } from './dataplane.js';

export interface KnownDeviation {
  readonly id: string;
  /** What kube-router does. */
  readonly behaviour: string;
  /** The rule of the NetworkPolicy API it breaks. */
  readonly rule: string;
  readonly explains: (disagreement: Disagreement, model: ClusterModel) => boolean;
}

export const KUBE_ROUTER_DEVIATIONS: readonly KnownDeviation[] = [];

/** The deviation that explains a disagreement, if any. */
export function deviationFor(disagreement: Disagreement, model: ClusterModel): KnownDeviation | undefined {
  return KUBE_ROUTER_DEVIATIONS.find((deviation) => deviation.explains(disagreement, model));
}
