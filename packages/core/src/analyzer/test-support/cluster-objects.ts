/** Kubernetes objects and seeded random clusters for the analyzer's tests. */
import { seededRandom } from '../../seeded-random.js';
import { clusterModelFromObjects, externalEndpoint, type ClusterModel, type Protocol } from '../cluster-model.js';

export interface PodSpec {
  readonly labels?: Record<string, string>;
  readonly ip?: string;
  readonly ports?: readonly { port: number; protocol?: Protocol; name?: string }[];
}

export function pod(id: string, spec: PodSpec = {}): unknown {
  const [namespace, name] = id.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: spec.labels ?? { app: name } },
    spec: {
      containers: [
        { name: 'main', ports: (spec.ports ?? []).map((p) => ({ containerPort: p.port, ...(p.protocol ? { protocol: p.protocol } : {}), ...(p.name ? { name: p.name } : {}) })) },
      ],
    },
    ...(spec.ip ? { status: { podIP: spec.ip } } : {}),
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): unknown {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function policy(id: string, spec: Record<string, unknown>): unknown {
  const [ns, name] = id.split('/');
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function modelOf(...objects: unknown[]): ClusterModel {
  return clusterModelFromObjects(objects).model;
}

/** A seeded random cluster: pods with labels, IPs and ports, policies of every peer and port form, and two external endpoints. */
export function randomCluster(seed: number, size: { namespaces: number; pods: number; policies: number } = { namespaces: 3, pods: 40, policies: 8 }): ClusterModel {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const namespaces = ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, size.namespaces);
  const labelValues = ['x', 'y', 'z'];
  const portChoices = [
    { port: 80, name: 'http' },
    { port: 53, protocol: 'UDP' as Protocol, name: 'dns' },
    { port: 8080, name: 'alt' },
    { port: 9090, protocol: 'SCTP' as Protocol },
  ];
  const selector = () =>
    pick([
      {},
      { matchLabels: { role: pick(labelValues) } },
      { matchExpressions: [{ key: 'tier', operator: pick(['In', 'NotIn']), values: [pick(labelValues)] }] },
      { matchExpressions: [{ key: 'tier', operator: pick(['Exists', 'DoesNotExist']) }] },
    ]);
  const peer = () =>
    pick([
      { podSelector: selector() },
      { namespaceSelector: selector() },
      { namespaceSelector: selector(), podSelector: selector() },
      { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } },
      { ipBlock: { cidr: '10.0.1.128/25' } },
    ]);
  const portEntry = () =>
    pick<Record<string, unknown>>([{ port: 80 }, { port: 'http' }, { port: 'dns', protocol: 'UDP' }, { protocol: 'SCTP' }, { port: 8000, endPort: 8080 }, {}]);
  const rule = (peerKey: string) => ({
    ...(random() < 0.7 ? { [peerKey]: Array.from({ length: 1 + Math.floor(random() * 2) }, peer) } : {}),
    ...(random() < 0.6 ? { ports: Array.from({ length: 1 + Math.floor(random() * 2) }, portEntry) } : {}),
  });
  const objects: unknown[] = namespaces.map((name) => namespace(name, { zone: pick(labelValues) }));
  for (let i = 0; i < size.pods; i++) {
    const labels: Record<string, string> = { role: pick(labelValues) };
    if (random() < 0.5) labels['tier'] = pick(labelValues);
    objects.push(
      pod(`${pick(namespaces)}/p${i}`, {
        labels,
        ...(random() < 0.8 ? { ip: `10.0.${Math.floor(random() * 3)}.${Math.floor(random() * 250)}` } : {}),
        ports: portChoices.filter(() => random() < 0.4),
      }),
    );
  }
  for (let i = 0; i < size.policies; i++) {
    const types = pick([undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    objects.push(
      policy(`${pick(namespaces)}/np${i}`, {
        podSelector: selector(),
        ...(types ? { policyTypes: types } : {}),
        ...(random() < 0.8 ? { ingress: Array.from({ length: Math.floor(random() * 3) }, () => rule('from')) } : {}),
        ...(random() < 0.6 ? { egress: Array.from({ length: Math.floor(random() * 3) }, () => rule('to')) } : {}),
      }),
    );
  }
  const { model } = clusterModelFromObjects(objects);
  return { ...model, endpoints: [...model.endpoints, externalEndpoint('10.0.1.200', [{ port: 80, protocol: 'TCP' }]), externalEndpoint('10.9.0.1')] };
}
