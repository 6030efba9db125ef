/**
 * The linter's view of parsed manifests: which objects are policies, which pods they can select,
 * and the labels of namespaces. Field access comes from the shared reader in `kubernetes/`.
 */
import { AnalyzerInputError } from '../analyzer/analyzer-input-error.js';
import { compileSelector } from '../analyzer/compiled-policy.js';
import { DEFAULT_NAMESPACE, arrayOf, isRecord, labelsOf, nameOf, namespaceOf, stringRecord } from '../kubernetes/object-fields.js';
import { podShapeOf } from '../kubernetes/workloads.js';
import { CLUSTER_POLICY_KINDS } from '../kubernetes/cluster-policies.js';
import type { PolicyFamily } from './lint-types.js';
import { NAMESPACE_NAME_LABEL, type NetworkPolicy } from '../model/network-policy.js';

/** Whether `object` looks like a `networking.k8s.io/v1` NetworkPolicy with a spec. */
export function isNetworkPolicy(object: unknown): object is NetworkPolicy {
  return isRecord(object) && object.kind === 'NetworkPolicy' && object.apiVersion === 'networking.k8s.io/v1' && isRecord(object.metadata) && isRecord(object.spec);
}

/** The API version of the Cilium policy kinds. */
export const CILIUM_API_VERSION = 'cilium.io/v2';

/** Every kind lint checks, with its API version and family, in the order the docs list them. */
export const LINTED_KINDS: readonly { readonly kind: string; readonly apiVersion: string; readonly family: PolicyFamily }[] = [
  { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', family: 'NetworkPolicy' },
  ...Object.entries(CLUSTER_POLICY_KINDS).map(([kind, apiVersion]) => ({ kind, apiVersion, family: 'ClusterNetworkPolicy' as const })),
  { kind: 'CiliumNetworkPolicy', apiVersion: CILIUM_API_VERSION, family: 'CiliumNetworkPolicy' },
  { kind: 'CiliumClusterwideNetworkPolicy', apiVersion: CILIUM_API_VERSION, family: 'CiliumNetworkPolicy' },
];

/** The family lint checks `object` as, or undefined when lint does not check its kind and API version. */
export function policyFamilyOf(object: unknown): PolicyFamily | undefined {
  if (!isRecord(object)) return undefined;
  return LINTED_KINDS.find((entry) => entry.kind === object.kind && entry.apiVersion === object.apiVersion)?.family;
}

/** Whether a selector has no requirement at all, so it selects everything. */
export function isEmptySelector(selector: unknown): boolean {
  if (!isRecord(selector)) return false;
  return Object.keys(stringRecord(selector.matchLabels)).length === 0 && arrayOf(selector.matchExpressions).length === 0;
}

/**
 * Whether `selector` selects `labels`, by the analyzer's selector semantics. A malformed selector
 * matches nothing here: the linter reports on policies, it does not refuse them.
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  try {
    return compileSelector(selector, 'lint', 'selector').matches(labels);
  } catch (error) {
    if (error instanceof AnalyzerInputError) return false;
    throw error;
  }
}

/** Pod labels of one workload found in the input (a Pod, or a controller's pod template). */
export interface WorkloadPods {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** The pod labels a Pod or workload controller gives its pods; `undefined` for other kinds. */
export function workloadPodsOf(object: unknown, defaultNamespace = DEFAULT_NAMESPACE): WorkloadPods | undefined {
  const shape = podShapeOf(object);
  if (!shape) return undefined;
  const kind = (object as { kind: string }).kind;
  return { kind, namespace: namespaceOf(object, defaultNamespace), name: nameOf(object) ?? '(unnamed)', podLabels: stringRecord(shape.metadata.labels) };
}

/** Labels of each namespace the input names, with the `kubernetes.io/metadata.name` label Kubernetes adds. */
export function namespaceLabelsFrom(objects: readonly unknown[], namespaces: Iterable<string>): Map<string, Record<string, string>> {
  const labels = new Map<string, Record<string, string>>();
  for (const namespace of namespaces) labels.set(namespace, { [NAMESPACE_NAME_LABEL]: namespace });
  for (const object of objects) {
    if (!isRecord(object) || object.kind !== 'Namespace') continue;
    const name = nameOf(object) ?? '(unnamed)';
    labels.set(name, { ...labelsOf(object), [NAMESPACE_NAME_LABEL]: name });
  }
  return labels;
}
