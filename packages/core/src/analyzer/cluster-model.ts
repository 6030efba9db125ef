/**
 * The cluster as the reachability analyzer sees it: namespaces with labels, endpoints (pods,
 * workloads, external IPs) with labels, IPs and container ports, and NetworkPolicies. Built
 * from already-parsed Kubernetes objects by {@link clusterModelFromObjects}; no I/O here.
 */
import { parseIp } from '../model/kubernetes-names.js';
import { NAMESPACE_NAME_LABEL, type NetworkPolicy, type NetworkPolicyProtocol } from '../model/network-policy.js';
import { flattenLists } from '../kubernetes/kubernetes-lists.js';
import { declaresNamespace, isRecord, kindOf, nameOf, namespaceOf, objectRef } from '../kubernetes/object-fields.js';
import { podShapeOf, usesHostNetwork, type WorkloadKind } from '../kubernetes/workloads.js';
import { CLUSTER_POLICY_KINDS, isClusterPolicyKind } from '../kubernetes/cluster-policies.js';
import { compileClusterPolicy } from './compiled-cluster-policy.js';
import { AnalyzerInputError } from './analyzer-input-error.js';
import { compilePolicy, compileProtocol, policyObjectRef } from './compiled-policy.js';

/** A transport protocol NetworkPolicy can name. */
export type Protocol = NetworkPolicyProtocol;

/** `<namespace>/<name>` for pods and workloads; the bare IP for external endpoints. */
export type EndpointId = string;

/** Kinds that become endpoints. Workloads stand for all the pods their template creates. */
export type EndpointKind = 'Pod' | WorkloadKind | 'External';

/** A port a container listens on. Only named-port resolution and enumeration read it. */
export interface ClusterContainerPort {
  readonly port: number;
  /** The loader writes TCP when the manifest leaves it out, as the API server does. */
  readonly protocol: Protocol;
  readonly name?: string;
}

/** Something that opens or accepts connections. */
export interface ClusterEndpoint {
  readonly id: EndpointId;
  readonly kind: EndpointKind;
  /** Absent for external endpoints, which live in no namespace and are never selected by policies. */
  readonly namespace?: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Pod IP (`status.podIP`) or the external address; workloads have none, so ipBlocks never match them. */
  readonly ip?: string;
  readonly ports: readonly ClusterContainerPort[];
}

/** A namespace and the labels namespace selectors see. */
export interface ClusterNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The input of the evaluator. Plain data: build it by hand or with {@link clusterModelFromObjects}.
 * Treat it as immutable once evaluated: the evaluator caches its indexes per model object, so
 * derive a new object (e.g. `{ ...model, endpoints: [...] }`) to change it.
 */
export interface ClusterModel {
  readonly namespaces: readonly ClusterNamespace[];
  readonly endpoints: readonly ClusterEndpoint[];
  readonly policies: readonly NetworkPolicy[];
  /**
   * ClusterNetworkPolicies (`policy.networking.k8s.io/v1beta1`) and v1alpha1
   * AdminNetworkPolicies/BaselineAdminNetworkPolicies, as read: Admin tier by priority, then
   * NetworkPolicy, then Baseline (see analyzer/README.md). Absent: none.
   */
  readonly clusterPolicies?: readonly object[];
}

/** What {@link clusterModelFromObjects} returns: the model and what it assumed or skipped. */
export interface ClusterModelLoad {
  readonly model: ClusterModel;
  /** One sentence per assumption or skipped object, in input order. */
  readonly notes: string[];
}

/**
 * An endpoint outside the cluster, named by its bare IP. Policies never select it (it is not
 * isolated); only ipBlock peers match it.
 *
 * @param ports - ports it listens on, used when it is a destination; none by default.
 * @throws {AnalyzerInputError} when `ip` is not an IPv4 or IPv6 address, or a port is out of range.
 * @example
 * ```ts
 * externalEndpoint('203.0.113.10', [{ port: 443, protocol: 'TCP' }]);
 * ```
 */
export function externalEndpoint(ip: string, ports: readonly { port: number; protocol?: Protocol }[] = []): ClusterEndpoint {
  const objectRef = `external endpoint ${ip}`;
  if (!parseIp(ip)) {
    throw new AnalyzerInputError(objectRef, 'ip', `"${ip}" is not an IP address: give one address such as "203.0.113.10", without a prefix length`);
  }
  return {
    id: ip,
    kind: 'External',
    name: ip,
    labels: {},
    ip,
    ports: ports.map((p, index) => {
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
        throw new AnalyzerInputError(objectRef, `ports[${index}].port`, `must be a port number from 1 to 65535, got ${String(p.port)}`);
      }
      return { port: p.port, protocol: compileProtocol(p.protocol, objectRef, `ports[${index}].protocol`) };
    }),
  };
}

function readLabels(raw: unknown, objectRef: string, field: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new AnalyzerInputError(objectRef, field, 'must be a map of label keys to string values');
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      throw new AnalyzerInputError(objectRef, `${field}.${key}`, `label values are strings: quote it, e.g. "${String(value)}"`);
    }
  }
  return { ...(raw as Record<string, string>) };
}

function readContainerPorts(podSpec: unknown, objectRef: string, field: string): ClusterContainerPort[] {
  if (!isRecord(podSpec)) throw new AnalyzerInputError(objectRef, field, 'a pod needs a spec with its containers');
  const containers = podSpec['containers'];
  if (!Array.isArray(containers)) {
    throw new AnalyzerInputError(objectRef, `${field}.containers`, 'must list the containers; named ports resolve against their ports');
  }
  const ports: ClusterContainerPort[] = [];
  containers.forEach((container, c) => {
    const containerPorts = isRecord(container) ? container['ports'] : undefined;
    if (containerPorts === undefined || containerPorts === null) return;
    if (!Array.isArray(containerPorts)) {
      throw new AnalyzerInputError(objectRef, `${field}.containers[${c}].ports`, 'must be a list such as [{containerPort: 8080, name: http}]');
    }
    containerPorts.forEach((entry, p) => {
      const at = `${field}.containers[${c}].ports[${p}]`;
      const number = isRecord(entry) ? entry['containerPort'] : undefined;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) {
        throw new AnalyzerInputError(objectRef, `${at}.containerPort`, `must be a port number from 1 to 65535, got ${JSON.stringify(number)}`);
      }
      const name = (entry as Record<string, unknown>)['name'];
      if (name !== undefined && typeof name !== 'string') {
        throw new AnalyzerInputError(objectRef, `${at}.name`, 'a port name is a string such as "http"');
      }
      const protocol = compileProtocol((entry as Record<string, unknown>)['protocol'], objectRef, `${at}.protocol`);
      ports.push(name ? { port: number, protocol, name } : { port: number, protocol });
    });
  });
  return ports;
}

/**
 * Builds a {@link ClusterModel} from parsed Kubernetes objects (e.g. the documents of a
 * manifest, or `kubectl get -o json` output).
 *
 * - `Namespace`: its labels; `kubernetes.io/metadata.name` is added when absent (noted).
 * - `Pod`: labels, `status.podIP`, container ports (protocol defaults to TCP).
 * - A Pod or workload whose pods use `hostNetwork: true` is skipped (noted): NetworkPolicy
 *   neither selects nor protects such pods, and their traffic carries the node's IP.
 * - Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job (`spec.template`)
 *   and CronJob (`spec.jobTemplate.spec.template`): one endpoint named after the workload, with
 *   the pod template's labels and ports and no IP.
 * - `networking.k8s.io/v1` NetworkPolicy: validated and kept; a missing or null
 *   `spec.podSelector` is `{}`, as the API server stores it.
 * - `List` and typed lists (`PodList`, `NamespaceList`, with or without item kinds) are
 *   expanded; other kinds are skipped with a note.
 * - A namespace a pod or policy names without declaring it is created with its
 *   `kubernetes.io/metadata.name` label (noted). A missing `metadata.namespace` means `default`.
 *
 * @throws {AnalyzerInputError} when an object lacks data a rule needs; the error names the
 *   object (by position when it has no name), the field, and the fix.
 */
export function clusterModelFromObjects(objects: readonly unknown[]): ClusterModelLoad {
  const notes: string[] = [];
  const namespaces = new Map<string, Record<string, string>>();
  const endpoints = new Map<string, ClusterEndpoint>();
  const policies: NetworkPolicy[] = [];
  const clusterPolicies: object[] = [];
  const referencedNamespaces: string[] = [];
  let peerIds = 0;
  const nextPeerId = () => peerIds++;

  const namespaceNoted = (raw: unknown, ref: string): string => {
    if (!declaresNamespace(raw)) notes.push(`${ref} has no metadata.namespace: assumed "default"`);
    return namespaceOf(raw);
  };

  const addEndpoint = (endpoint: ClusterEndpoint, ref: string) => {
    const existing = endpoints.get(endpoint.id);
    if (existing) {
      throw new AnalyzerInputError(
        ref,
        'metadata.name',
        `endpoint id ${endpoint.id} is already taken by a ${existing.kind}: analyze them separately, or drop one of them`,
      );
    }
    endpoints.set(endpoint.id, endpoint);
    referencedNamespaces.push(endpoint.namespace!);
  };

  const visit = (raw: unknown, location: string) => {
    // YAML streams often hold empty documents (a trailing `---`).
    if (raw === null || raw === undefined) {
      notes.push(`skipped ${location}: empty document`);
      return;
    }
    if (!isRecord(raw)) throw new AnalyzerInputError(`object ${location}`, '(object)', 'must be a Kubernetes object with apiVersion, kind and metadata');
    const kind = kindOf(raw);
    if (kind === undefined) throw new AnalyzerInputError(`object ${location}`, 'kind', 'every object needs a kind, e.g. Pod or NetworkPolicy');
    if (kind === 'List') throw new AnalyzerInputError(`List ${location}`, 'items', 'a List needs an items array');
    const metadata = isRecord(raw['metadata']) ? raw['metadata'] : {};
    const name = nameOf(raw);
    const ref = objectRef(raw, location);

    if (kind === 'NetworkPolicy') {
      if (raw['apiVersion'] !== 'networking.k8s.io/v1') {
        notes.push(`skipped ${ref}: apiVersion ${String(raw['apiVersion'])} is not networking.k8s.io/v1`);
        return;
      }
      compilePolicy(raw, location, nextPeerId);
      const namespace = namespaceNoted(raw, policyObjectRef(raw, location));
      policies.push({ ...(raw as unknown as NetworkPolicy), metadata: { ...(metadata as unknown as NetworkPolicy['metadata']), namespace } });
      referencedNamespaces.push(namespace);
      return;
    }
    if (isClusterPolicyKind(raw)) {
      if (raw['apiVersion'] !== CLUSTER_POLICY_KINDS[kind]) {
        notes.push(`skipped ${ref}: apiVersion ${String(raw['apiVersion'])} is not ${CLUSTER_POLICY_KINDS[kind]}`);
        return;
      }
      compileClusterPolicy(raw, location, nextPeerId);
      clusterPolicies.push(raw);
      return;
    }
    if (kind === 'Namespace') {
      if (!name) throw new AnalyzerInputError(ref, 'metadata.name', 'every Namespace needs a name: set metadata.name');
      const labels = readLabels(metadata['labels'], ref, 'metadata.labels');
      if (labels[NAMESPACE_NAME_LABEL] !== name) {
        notes.push(
          labels[NAMESPACE_NAME_LABEL] === undefined
            ? `added label ${NAMESPACE_NAME_LABEL}=${name} to Namespace ${name}, as Kubernetes does`
            : `replaced label ${NAMESPACE_NAME_LABEL}=${labels[NAMESPACE_NAME_LABEL]} on Namespace ${name} by ${name}: Kubernetes keeps it equal to the name`,
        );
        labels[NAMESPACE_NAME_LABEL] = name;
      }
      if (namespaces.has(name)) throw new AnalyzerInputError(ref, 'metadata.name', `Namespace ${name} is listed twice: keep one`);
      namespaces.set(name, labels);
      return;
    }
    const shape = podShapeOf(raw);
    if (!shape) {
      notes.push(`skipped ${ref}: not used by the analyzer`);
      return;
    }
    if (!name) throw new AnalyzerInputError(ref, 'metadata.name', `every ${kind} needs a name: set metadata.name`);
    const namespace = namespaceNoted(raw, ref);
    if (usesHostNetwork(shape)) {
      const whose = kind === 'Pod' ? 'hostNetwork pods are' : `its pod template sets hostNetwork: true, and such pods are`;
      notes.push(`skipped ${ref}: ${whose} outside NetworkPolicy (their traffic uses the node's IP)`);
      return;
    }
    if (kind === 'Pod') {
      const status = isRecord(raw['status']) ? raw['status'] : {};
      const ip = status['podIP'];
      if (ip !== undefined && ip !== null && ip !== '' && (typeof ip !== 'string' || !parseIp(ip))) {
        throw new AnalyzerInputError(ref, 'status.podIP', `"${String(ip)}" is not an IP address: give the pod's address, e.g. "10.244.1.5", or leave it out`);
      }
      addEndpoint(
        {
          id: `${namespace}/${name}`,
          kind: 'Pod',
          namespace,
          name,
          labels: readLabels(metadata['labels'], ref, 'metadata.labels'),
          ...(typeof ip === 'string' && ip !== '' ? { ip } : {}),
          ports: readContainerPorts(raw['spec'], ref, 'spec'),
        },
        ref,
      );
      return;
    }
    const field = shape.templateField;
    if (!isRecord(shape.template)) {
      throw new AnalyzerInputError(ref, field, `a ${kind} needs its pod template (${field}) with labels and containers`);
    }
    addEndpoint(
      {
        id: `${namespace}/${name}`,
        kind: kind as EndpointKind,
        namespace,
        name,
        labels: readLabels(shape.metadata['labels'], ref, `${field}.metadata.labels`),
        ports: readContainerPorts(shape.spec, ref, `${field}.spec`),
      },
      ref,
    );
  };

  for (const { object, location } of flattenLists(objects)) visit(object, location);

  for (const namespace of referencedNamespaces) {
    if (!namespaces.has(namespace)) {
      namespaces.set(namespace, { [NAMESPACE_NAME_LABEL]: namespace });
      notes.push(`created Namespace ${namespace}, which objects name but the input does not declare, with label ${NAMESPACE_NAME_LABEL}=${namespace}`);
    }
  }

  return {
    model: {
      namespaces: [...namespaces].map(([name, labels]) => ({ name, labels })).sort((a, b) => compareText(a.name, b.name)),
      endpoints: [...endpoints.values()].sort((a, b) => compareText(a.id, b.id)),
      policies,
      ...(clusterPolicies.length > 0 ? { clusterPolicies } : {}),
    },
    notes,
  };
}

/** Code-point order, independent of locale, for byte-stable output. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
