/**
 * kubectl and helm pointed at one control plane, each with its own state directories so a
 * run never reads or writes the user's ~/.kube or Helm configuration.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { NetworkPolicySpec } from '@k8s-security-pro/core';
import type { ControlPlaneEndpoints } from './control-plane.js';
import { run, runOk, toolPath, type CommandResult, type RunOptions } from './process.js';

/** A NetworkPolicy as the API server returns it. */
export interface StoredNetworkPolicy {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly resourceVersion: string;
    readonly generation?: number;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: NetworkPolicySpec;
}

/** Name of the stand-in CoreDNS Pod of {@link Cluster.createDnsPod}. */
const DNS_POD = 'coredns-e2e';

export class Cluster {
  readonly kubectlBin = toolPath('kubectl');
  readonly helmBin: string;
  private readonly env: Record<string, string>;

  /** `helm` is the pinned binary's name in .tools/bin: `helm` (Helm 3) or `helm4`. */
  constructor(
    readonly endpoints: ControlPlaneEndpoints,
    helm: 'helm' | 'helm4' = 'helm',
  ) {
    this.helmBin = toolPath(helm);
    const state = join(endpoints.dataDir, 'client-state');
    for (const sub of ['kube-cache', 'helm-cache', 'helm-config', 'helm-data']) mkdirSync(join(state, sub), { recursive: true });
    this.env = {
      KUBECONFIG: endpoints.kubeconfig,
      KUBECACHEDIR: join(state, 'kube-cache'),
      HELM_CACHE_HOME: join(state, 'helm-cache'),
      HELM_CONFIG_HOME: join(state, 'helm-config'),
      HELM_DATA_HOME: join(state, 'helm-data'),
      HELM_KUBECONTEXT: 'e2e',
    };
  }

  /** Runs the pinned kubectl against this control plane, whatever its exit code. */
  kubectl(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return run(this.kubectlBin, args, { ...options, env: { ...this.env, ...options.env } });
  }

  /** Runs the pinned helm against this control plane, whatever its exit code. */
  helm(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return run(this.helmBin, args, { ...options, env: { ...this.env, ...options.env } });
  }

  /** kubectl that must succeed. */
  kubectlOk(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return runOk(this.kubectlBin, args, { ...options, env: { ...this.env, ...options.env } });
  }

  /** helm that must succeed. */
  helmOk(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return runOk(this.helmBin, args, { ...options, env: { ...this.env, ...options.env } });
  }

  /**
   * Creates the namespaces that do not exist yet, each with its `default` ServiceAccount, which
   * a cluster's controller-manager would add and without which no Pod (the chart's test
   * hooks) passes admission.
   */
  async ensureNamespaces(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const existing = await this.kubectl(['get', 'namespace', name, '-o', 'name']);
      if (existing.code !== 0) await this.kubectlOk(['create', 'namespace', name]);
      const account = await this.kubectl(['get', 'serviceaccount', 'default', '-n', name, '-o', 'name']);
      if (account.code !== 0) await this.kubectlOk(['create', 'serviceaccount', 'default', '-n', name]);
    }
  }

  /**
   * Stores a Pod labelled like CoreDNS in kube-system, the DNS pods the egress layer is bound to,
   * so the audit judges DNS against real pods. Without a scheduler it just stays Pending.
   */
  async createDnsPod(): Promise<void> {
    await this.ensureNamespaces(['kube-system']);
    await this.kubectlOk(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: DNS_POD, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
        spec: { containers: [{ name: 'coredns', image: 'coredns', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP' }] }] },
      }),
    });
  }

  /** Removes the Pod {@link createDnsPod} stored, without waiting (no kubelet confirms it). */
  async deleteDnsPod(): Promise<void> {
    await this.kubectlOk(['delete', 'pod', DNS_POD, '-n', 'kube-system', '--wait=false']);
  }

  /** `kubectl get networkpolicies -n <namespace> -o json`, keyed by name. */
  async networkPolicies(namespace: string, { managedFields = false } = {}): Promise<Map<string, StoredNetworkPolicy>> {
    // kubectl leaves metadata.managedFields out unless asked; only the writer checks need them.
    const show = managedFields ? ['--show-managed-fields'] : [];
    const { stdout } = await this.kubectlOk(['get', 'networkpolicies', '-n', namespace, '-o', 'json', ...show]);
    const list = JSON.parse(stdout) as { items: StoredNetworkPolicy[] };
    return new Map(list.items.map((item) => [item.metadata.name, item]));
  }

  /** Every NetworkPolicy and Secret (Helm's release records) in the namespaces, as `kind/ns/name@uid`. */
  async objectInventory(namespaces: readonly string[]): Promise<string[]> {
    const inventory: string[] = [];
    for (const namespace of namespaces) {
      const { stdout } = await this.kubectlOk(['get', 'networkpolicies,secrets,configmaps', '-n', namespace, '-o', 'json']);
      const list = JSON.parse(stdout) as { items: { kind: string; metadata: { name: string; namespace: string; uid: string } }[] };
      inventory.push(...list.items.map((item) => `${item.kind}/${item.metadata.namespace}/${item.metadata.name}@${item.metadata.uid}`));
    }
    return inventory.sort();
  }
}

/** The objects of a YAML stream (empty documents dropped). */
export function parseYamlStream(text: string): Record<string, unknown>[] {
  return text
    .split(/^---\s*$/m)
    .map((doc) => parse(doc) as unknown)
    .filter((doc): doc is Record<string, unknown> => doc !== null && typeof doc === 'object');
}
