/**
 * Field access on parsed Kubernetes objects. Input comes from users' files and API servers, so
 * nothing is trusted: every accessor tolerates missing or mistyped fields instead of throwing.
 * This is the one place that knows where a name, a namespace or labels live in an object.
 */
import type { NetworkPolicyType } from '../model/network-policy.js';

/** The namespace the API server and kubectl assume when an object names none. */
export const DEFAULT_NAMESPACE = 'default';

/** Whether `value` is a plain object (a YAML or JSON map). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is an array, otherwise `[]`. */
export function arrayOf<T = unknown>(value: unknown): readonly T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** The string entries of a map (labels, annotations); other values are dropped. */
export function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** An object's `metadata` when it is a map, otherwise `{}`. */
export function metadataOf(object: unknown): Record<string, unknown> {
  return isRecord(object) && isRecord(object.metadata) ? object.metadata : {};
}

/** A string field that counts only when non-empty, as the API server treats `name` and `namespace`. */
function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An object's `metadata.name`, or `undefined` when it has none. */
export function nameOf(object: unknown): string | undefined {
  return nonEmptyString(metadataOf(object).name);
}

/** Whether the object sets `metadata.namespace` itself (otherwise kubectl applies the default). */
export function declaresNamespace(object: unknown): boolean {
  return nonEmptyString(metadataOf(object).namespace) !== undefined;
}

/** An object's `metadata.namespace`, or the namespace kubectl would apply it to. */
export function namespaceOf(object: unknown, defaultNamespace = DEFAULT_NAMESPACE): string {
  return nonEmptyString(metadataOf(object).namespace) ?? defaultNamespace;
}

/** An object's `kind` when it is a non-empty string. */
export function kindOf(object: unknown): string | undefined {
  return isRecord(object) ? nonEmptyString(object.kind) : undefined;
}

/** Kinds that live outside namespaces among those the reader meets; their namespace is ignored. */
const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass',
  'ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

/** Whether objects of `kind` live in a namespace. Unknown kinds are assumed namespaced, as most are. */
export function isNamespacedKind(kind: string): boolean {
  return !CLUSTER_SCOPED_KINDS.has(kind) && !kind.startsWith('Cluster') && !kind.endsWith('AdminNetworkPolicy');
}

/**
 * `Kind namespace/name` (or `Kind name` for cluster-scoped kinds) as users and kubectl name an
 * object; `fallback` (e.g. its position in the input) when it has no name.
 */
export function objectRef(object: unknown, fallback: string): string {
  const kind = kindOf(object) ?? 'object';
  const name = nameOf(object);
  if (name === undefined) return `${kind} ${fallback}`;
  return isNamespacedKind(kind) ? `${kind} ${namespaceOf(object)}/${name}` : `${kind} ${name}`;
}

/** An object's string annotations; others are ignored. */
export function annotationsOf(object: unknown): Record<string, string> {
  return stringRecord(metadataOf(object).annotations);
}

/** An object's string labels; others are ignored. */
export function labelsOf(object: unknown): Record<string, string> {
  return stringRecord(metadataOf(object).labels);
}

/**
 * `policyTypes` of a NetworkPolicy spec as the API server defaults it: the listed valid types, or,
 * when none are listed, Ingress plus Egress only when the `egress` list is non-empty (apiserver
 * defaulting checks `len(spec.egress) != 0`, so `egress: []` without policyTypes isolates nothing,
 * as pitfall 3 of docs/pitfalls.md says).
 */
export function effectivePolicyTypes(spec: unknown): NetworkPolicyType[] {
  const record = isRecord(spec) ? spec : {};
  const explicit = arrayOf<string>(record.policyTypes).filter((t): t is NetworkPolicyType => t === 'Ingress' || t === 'Egress');
  if (explicit.length > 0) return explicit;
  return arrayOf(record.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}
