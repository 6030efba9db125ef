/**
 * Namespaces that run the cluster itself. Isolating them can cut the API server, DNS or the
 * CNI off from their clients (pitfall 17), so they need `isolateSystemNamespaces: true`.
 */
export const SYSTEM_NAMESPACES: readonly string[] = [
  'calico-system',
  'cilium',
  'kube-flannel',
  'kube-node-lease',
  'kube-public',
  'kube-system',
  'tigera-operator',
];
