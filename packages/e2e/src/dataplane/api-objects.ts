/**
 * The API objects a dataplane needs, written as a kubelet and controller-manager would: a Node
 * with its InternalIP, namespaces with their labels and `default` ServiceAccount, and Pods
 * bound to the node whose status (Running, podIP, hostIP) is set through `pods/status`.
 * kube-router enforces policies only for pods whose `status.hostIP` is its node's InternalIP.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterModel } from '@k8s-security-pro/core';
import type { Cluster } from '../cluster.js';
import type { ApiClient } from './api-client.js';

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
 * Makes the model's namespaces exist with exactly its labels, each new one with the `default`
 * ServiceAccount a controller-manager would add. Namespaces the model does not name are left alone.
 */
export async function syncNamespaces(api: ApiClient, model: ClusterModel): Promise<void> {
  const list = (await api.send('GET', '/api/v1/namespaces')) as { items: { metadata: { name: string; labels?: Record<string, string> } }[] };
  const existing = new Map(list.items.map((item) => [item.metadata.name, item.metadata.labels ?? {}]));
  await Promise.all(
    model.namespaces.map(async (ns) => {
      // The API server keeps kubernetes.io/metadata.name whatever the labels say.
      const wanted = { ...ns.labels, 'kubernetes.io/metadata.name': ns.name };
      const current = existing.get(ns.name);
      if (current === undefined) {
        await api.send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: wanted } });
      } else if (JSON.stringify(Object.entries(current).sort()) !== JSON.stringify(Object.entries(wanted).sort())) {
        await api.mergePatch(`/api/v1/namespaces/${ns.name}`, { metadata: { labels: exactLabels(current, wanted) } });
      }
      // Namespaces the API server made itself (kube-system) have no `default` ServiceAccount either.
      if ((await api.send('GET', `/api/v1/namespaces/${ns.name}/serviceaccounts/default`, undefined, 'application/json', true)) === undefined) {
        await api.send('POST', `/api/v1/namespaces/${ns.name}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
      }
    }),
  );
}

/** Creates Pods bound to the node, Running, with the endpoints' IPs in their status. */
export async function createPods(api: ApiClient, pods: readonly Endpoint[], nodeName: string, nodeIp: string): Promise<void> {
  await Promise.all(
    pods.map(async (pod) => {
      const object = {
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
      };
      await createAdmitted(api, `/api/v1/namespaces/${pod.namespace}/pods`, object);
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
      await api.mergePatch(`/api/v1/namespaces/${pod.namespace}/pods/${pod.name}/status`, status);
    }),
  );
}

/**
 * POSTs a Pod, retrying while the ServiceAccount admission plugin has not yet seen the
 * namespace's new `default` ServiceAccount: it reads them from an informer cache that lags the
 * create by a moment, and refuses the Pod with 403 until then.
 */
async function createAdmitted(api: ApiClient, path: string, object: unknown, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await api.send('POST', path, object);
      return;
    } catch (error) {
      const lagging = /failed with 403: .*serviceaccount "default" not found/.test((error as Error).message);
      if (!lagging || Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/** Deletes Pods at once (no kubelet runs, so nothing waits for containers to stop). */
export async function deletePods(api: ApiClient, pods: readonly Endpoint[]): Promise<void> {
  await Promise.all(pods.map((pod) => api.send('DELETE', `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}`, { gracePeriodSeconds: 0 }, 'application/json', true)));
}

/** Gives a Pod exactly `after.labels`. */
export async function relabelPod(api: ApiClient, before: Endpoint, after: Endpoint): Promise<void> {
  await api.mergePatch(`/api/v1/namespaces/${after.namespace}/pods/${after.name}`, { metadata: { labels: exactLabels(before.labels, after.labels) } });
}
