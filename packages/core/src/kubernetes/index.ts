/** The one reader of Kubernetes objects: manifest text, lists, duplicates and field access. */
export {
  DEFAULT_NAMESPACE,
  annotationsOf,
  arrayOf,
  declaresNamespace,
  effectivePolicyTypes,
  isNamespacedKind,
  isRecord,
  kindOf,
  labelsOf,
  metadataOf,
  nameOf,
  namespaceOf,
  objectRef,
  stringRecord,
} from './object-fields.js';
export { flattenLists, isKubernetesList, listItems, type ListItem } from './kubernetes-lists.js';
export { MAX_EXPANDED_NODES, parseManifestText, type ManifestDocument, type ParsedManifest, type UnreadableDocument } from './manifest-text.js';
export {
  UnreadableDocumentError,
  readKubernetesObjects,
  unreadableLocation,
  type KubernetesObjectsRead,
  type ReadObjectsOptions,
  type SourcedObject,
} from './read-objects.js';
export { WORKLOAD_TEMPLATE_PATHS, isWorkloadKind, podShapeOf, usesHostNetwork, type PodShape, type WorkloadKind } from './workloads.js';
export {
  ADMIN_NETWORK_POLICY_API,
  CLUSTER_POLICY_KINDS,
  ClusterPolicyFieldError,
  clusterPolicySpec,
  isClusterPolicyKind,
} from './cluster-policies.js';
