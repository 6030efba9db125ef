/**
 * Loose readers for parsed manifests. Input comes from users' files, so nothing is trusted:
 * every accessor tolerates missing or mistyped fields instead of throwing.
 */
import { AnalyzerInputError } from '../analyzer/analyzer-input-error.js';
import { compileSelector } from '../analyzer/compiled-policy.js';
import { NAMESPACE_NAME_LABEL, type NetworkPolicy } from '../model/network-policy.js';

/** The namespace Kubernetes assumes when a manifest names none. */
export const DEFAULT_NAMESPACE = 'default';

/** Whether `value` is a plain object (a YAML map). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is an array, otherwise `[]`. */
export function arrayOf<T = unknown>(value: unknown): readonly T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Whether `object` looks like a `networking.k8s.io/v1` NetworkPolicy with a spec. */
export function isNetworkPolicy(object: unknown): object is NetworkPolicy {
  return isRecord(object) && object.kind === 'NetworkPolicy' && isRecord(object.metadata) && isRecord(object.spec);
}

/** An object's `metadata.namespace`, or the namespace kubectl would apply it to. */
export function namespaceOf(object: unknown, defaultNamespace = DEFAULT_NAMESPACE): string {
  const metadata = isRecord(object) ? object.metadata : undefined;
  const namespace = isRecord(metadata) ? metadata.namespace : undefined;
  return typeof namespace === 'string' && namespace !== '' ? namespace : defaultNamespace;
}

/** An object's `metadata.name`, or `(unnamed)` when it has none. */
export function nameOf(object: unknown): string {
  const metadata = isRecord(object) ? object.metadata : undefined;
  const name = isRecord(metadata) ? metadata.name : undefined;
  return typeof name === 'string' ? name : '(unnamed)';
}

/** An object's string annotations; others are ignored. */
export function annotationsOf(object: unknown): Record<string, string> {
  const metadata = isRecord(object) ? object.metadata : undefined;
  return isRecord(metadata) ? stringRecord(metadata.annotations) : {};
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

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);

/** The pod labels a Pod or workload controller gives its pods; `undefined` for other kinds. */
export function workloadPodsOf(object: unknown, defaultNamespace = DEFAULT_NAMESPACE): WorkloadPods | undefined {
  if (!isRecord(object) || typeof object.kind !== 'string') return undefined;
  const base = { kind: object.kind, namespace: namespaceOf(object, defaultNamespace), name: nameOf(object) };
  const spec = isRecord(object.spec) ? object.spec : {};
  let podMetadata: unknown;
  if (object.kind === 'Pod') podMetadata = object.metadata;
  else if (POD_TEMPLATE_KINDS.has(object.kind)) podMetadata = isRecord(spec.template) ? spec.template.metadata : undefined;
  else if (object.kind === 'CronJob') {
    const jobSpec = isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {};
    podMetadata = isRecord(jobSpec.template) ? jobSpec.template.metadata : undefined;
  } else return undefined;
  return { ...base, podLabels: isRecord(podMetadata) ? stringRecord(podMetadata.labels) : {} };
}

/** Labels of each namespace the input names, with the `kubernetes.io/metadata.name` label Kubernetes adds. */
export function namespaceLabelsFrom(objects: readonly unknown[], namespaces: Iterable<string>): Map<string, Record<string, string>> {
  const labels = new Map<string, Record<string, string>>();
  for (const namespace of namespaces) labels.set(namespace, { [NAMESPACE_NAME_LABEL]: namespace });
  for (const object of objects) {
    if (!isRecord(object) || object.kind !== 'Namespace') continue;
    const name = nameOf(object);
    const metadata = isRecord(object.metadata) ? object.metadata : {};
    labels.set(name, { ...stringRecord(metadata.labels), [NAMESPACE_NAME_LABEL]: name });
  }
  return labels;
}
