/**
 * examples/reference-cluster.yaml on the dataplane: its pods, plus the outside endpoints the
 * threat model talks about (an Internet address, NodeLocal DNSCache, each environment's
 * allowed egress destinations), and the four routes that install template #14.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ENVIRONMENTS,
  clusterModelFromObjects,
  externalEndpoint,
  namespaceIsolation,
  resolveNamespaceIsolationOptions,
  toYamlStream,
  type ClusterModel,
  type Protocol,
} from '@k8s-security-pro/core';
import type { Cluster } from '../cluster.js';
import { REPO_ROOT } from '../process.js';

/** "The Internet": TEST-NET-3, present only on a namespace of the suite. */
export const OUTSIDE_IP = '203.0.113.10';
/** NodeLocal DNSCache's conventional address. */
export const NODE_LOCAL_DNS_IP = '169.254.20.10';

/** The target namespace of each environment (dev, staging, production). */
export const ENVIRONMENT_NAMESPACES = ENVIRONMENTS.map((e) => resolveNamespaceIsolationOptions(e.values).targetNamespaces[0]!);

/** The first address of an IPv4 network, e.g. 10.20.0.0/24 -> 10.20.0.1. */
export function firstHost(cidr: string): string {
  const octets = cidr.split('/')[0]!.split('.').map(Number);
  octets[3] = octets[3]! + 1;
  return octets.join('.');
}

/** The reference cluster's objects (namespaces and pods), parsed. */
export function referenceObjects(): unknown[] {
  return parseAllDocuments(readFileSync(join(REPO_ROOT, 'examples/reference-cluster.yaml'), 'utf8')).map((d) => d.toJS() as unknown);
}

/** The outside endpoints: an Internet address, NodeLocal DNS, and the first host of every allowed egress CIDR. */
export function outsideEndpoints(): ClusterModel['endpoints'] {
  const extras = ENVIRONMENTS.flatMap((environment) =>
    resolveNamespaceIsolationOptions(environment.values).denyEgressExceptDns.allowedEgress.map((entry) =>
      externalEndpoint(firstHost(entry.cidr), entry.ports.map((p) => ({ port: p.port as number, protocol: p.protocol as Protocol }))),
    ),
  );
  return [externalEndpoint(OUTSIDE_IP, [{ port: 443 }]), externalEndpoint(NODE_LOCAL_DNS_IP, [{ port: 53, protocol: 'UDP' }, { port: 53 }]), ...extras];
}

/** The topology without policies: what the dataplane builds. */
export function referenceTopology(): ClusterModel {
  const { model } = clusterModelFromObjects(referenceObjects());
  return { ...model, endpoints: [...model.endpoints, ...outsideEndpoints()] };
}

/** One way template #14 reaches a cluster, for every environment at once. */
export interface InstallRoute {
  readonly name: string;
  readonly install: (cluster: Cluster) => Promise<void>;
  readonly uninstall: (cluster: Cluster) => Promise<void>;
}

const RELEASE = 'k8s-security';

async function deleteAllPolicies(cluster: Cluster): Promise<void> {
  for (const namespace of ENVIRONMENT_NAMESPACES) await cluster.kubectlOk(['delete', 'networkpolicies', '--all', '-n', namespace]);
}

/** helm install, kubectl apply -k, kubectl apply -f of the manifests, and the core API's output. */
export const INSTALL_ROUTES: readonly InstallRoute[] = [
  {
    name: 'helm install -f values-<env>.yaml',
    install: async (cluster) => {
      for (const [i, environment] of ENVIRONMENTS.entries()) {
        await cluster.helmOk(['install', RELEASE, './charts/k8s-security', '-f', `charts/k8s-security/values-${environment.name}.yaml`, '-n', ENVIRONMENT_NAMESPACES[i]!]);
      }
    },
    uninstall: async (cluster) => {
      for (const namespace of ENVIRONMENT_NAMESPACES) await cluster.helmOk(['uninstall', RELEASE, '-n', namespace, '--wait']);
    },
  },
  {
    name: 'kubectl apply -k kustomize/overlays/<env>',
    install: async (cluster) => {
      for (const environment of ENVIRONMENTS) await cluster.kubectlOk(['apply', '-k', `kustomize/overlays/${environment.name}`]);
    },
    uninstall: deleteAllPolicies,
  },
  {
    name: 'kubectl apply -f manifests/14_namespace_isolation-<env>.yaml',
    install: async (cluster) => {
      for (const environment of ENVIRONMENTS) await cluster.kubectlOk(['apply', '-f', `manifests/14_namespace_isolation-${environment.name}.yaml`]);
    },
    uninstall: deleteAllPolicies,
  },
  {
    name: 'namespaceIsolation() from the core API',
    install: async (cluster) => {
      for (const environment of ENVIRONMENTS) await cluster.kubectlOk(['apply', '-f', '-'], { input: toYamlStream(namespaceIsolation(environment.values)) });
    },
    uninstall: deleteAllPolicies,
  },
];
