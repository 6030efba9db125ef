/**
 * The API objects a dataplane needs, written as a kubelet and controller-manager would: a Node
 * with its InternalIP, namespaces with their labels and `default` ServiceAccount, and Pods
 * bound to the node whose status (Running, podIP, hostIP) is set through `pods/status`.
 * kube-router enforces policies only for pods whose `status.hostIP` is its node's InternalIP.
 */
import type { ClusterModel } from '@k8s-security-pro/core';
import type { Cluster } from '../cluster.js';

/** Creates the Node and sets its InternalIP and Ready condition. */
export async function registerNode(cluster: Cluster, name: string, ip: string): Promise<void> {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } };
  await cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(node) });
  const status = {
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'dataplane suite node' }],
    },
  };
  await cluster.kubectlOk(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
}

type Endpoint = ClusterModel['endpoints'][number];

/** A JSON merge patch that makes `labels` exactly `wanted`: removed keys are set to null. */
function exactLabels(current: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): Record<string, string | null> {
  const patch: Record<string, string | null> = { ...wanted };
  for (const key of Object.keys(current)) if (!(key in wanted)) patch[key] = null;
  return patch;
}

/**
 * Makes the model's namespaces exist with exactly its labels (each with a `default`
 * ServiceAccount). Namespaces the model does not name are left alone.
 */
export async function syncNamespaces(cluster: Cluster, model: ClusterModel): Promise<void> {
  const { stdout } = await cluster.kubectlOk(['get', 'namespaces', '-o', 'json']);
  const existing = new Map(
    (JSON.parse(stdout) as { items: { metadata: { name: string; labels?: Record<string, string> } }[] }).items.map((item) => [item.metadata.name, item.metadata.labels ?? {}]),
  );
  for (const ns of model.namespaces) {
    const current = existing.get(ns.name);
    if (current === undefined) {
      await cluster.kubectlOk(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } }) });
    } else {
      // The API server keeps kubernetes.io/metadata.name whatever a patch says.
      const wanted = { ...ns.labels, 'kubernetes.io/metadata.name': ns.name };
      const patch = exactLabels(current, wanted);
      await cluster.kubectlOk(['patch', 'namespace', ns.name, '--type=merge', '-p', JSON.stringify({ metadata: { labels: patch } })]);
    }
  }
  await cluster.ensureNamespaces(model.namespaces.map((ns) => ns.name));
}

/** Creates Pods bound to the node, Running, with the endpoints' IPs in their status. */
export async function createPods(cluster: Cluster, pods: readonly Endpoint[], nodeName: string, nodeIp: string): Promise<void> {
  if (pods.length === 0) return;
  const objects = pods.map((pod) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: pod.namespace, name: pod.name, labels: pod.labels },
    spec: {
      nodeName,
      containers: [
        {
          name: 'main',
          image: 'dataplane.invalid/agent:1',
          ports: pod.ports.map((p) => ({ containerPort: p.port, protocol: p.protocol, ...(p.name ? { name: p.name } : {}) })),
        },
      ],
    },
  }));
  await cluster.kubectlOk(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  for (const pod of pods) {
    const status = {
      status: {
        phase: 'Running',
        hostIP: nodeIp,
        hostIPs: [{ ip: nodeIp }],
        podIP: pod.ip,
        podIPs: [{ ip: pod.ip }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    };
    await cluster.kubectlOk(['patch', 'pod', pod.name, '-n', pod.namespace!, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  }
}

/** Deletes Pods at once (no kubelet runs, so nothing waits for containers to stop). */
export async function deletePods(cluster: Cluster, pods: readonly Endpoint[]): Promise<void> {
  for (const pod of pods) await cluster.kubectlOk(['delete', 'pod', pod.name, '-n', pod.namespace!, '--grace-period=0', '--force', '--wait=true']);
}

/** Gives a Pod exactly `labels`. */
export async function relabelPod(cluster: Cluster, before: Endpoint, after: Endpoint): Promise<void> {
  const patch = exactLabels(before.labels, after.labels);
  await cluster.kubectlOk(['patch', 'pod', after.name, '-n', after.namespace!, '--type=merge', '-p', JSON.stringify({ metadata: { labels: patch } })]);
}
