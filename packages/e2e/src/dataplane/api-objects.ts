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

/** Creates the model's namespaces (with labels) and Pods (bound to the node, Running, with their IPs). */
export async function registerPods(cluster: Cluster, model: ClusterModel, nodeName: string, nodeIp: string): Promise<void> {
  const namespaces = model.namespaces.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } }));
  if (namespaces.length > 0) await cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: namespaces }) });
  await cluster.ensureNamespaces(model.namespaces.map((ns) => ns.name));
  const pods = model.endpoints.filter((e) => e.kind === 'Pod');
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
  await cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
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
