/**
 * Renders `kustomize/base` (the production set, without a namespace), one component per
 * optional change (a layer turned off, NodeLocal DNSCache turned on), and one overlay per
 * environment: its namespace, the components it uses, and JSON patches for whatever deltas
 * remain. Every patch is a diff between two renders of the core, so nothing is restated.
 * Pure: returns path -> content.
 */
import {
  adminTierScope,
  clusterNetworkPolicies,
  NAMESPACE_ISOLATION_LAYERS,
  namespaceIsolation,
  resolveNamespaceIsolationOptions,
  toYaml,
  type EnvironmentDefinition,
  type NamespaceIsolationOptions,
  type NetworkPolicy,
} from '@k8s-security-pro/core';
import { banner, yamlCommentLines } from '../banner.js';
import { deepEqual, jsonPatchDiff } from './json-patch.js';
import { renderCiliumComponent } from './render-kustomize-cilium.js';

export const KUSTOMIZE_DIR = 'kustomize';

/** An optional change packaged as a Kustomize component, defined by its option delta. */
interface KustomizeComponent {
  readonly name: string;
  readonly description: string;
  readonly values: NamespaceIsolationOptions;
}

export const KUSTOMIZE_COMPONENTS: readonly KustomizeComponent[] = [
  {
    name: 'node-local-dns',
    description: 'Also allows DNS to NodeLocal DNSCache on its default address, 169.254.20.10.',
    values: { denyEgressExceptDns: { nodeLocalDns: { enabled: true } } },
  },
  ...NAMESPACE_ISOLATION_LAYERS.map((layer) => ({
    name: `without-${layer.policyName}`,
    description: `Turns layer ${layer.number} (${layer.policyName}) off.`,
    values: { [layer.key]: { enabled: false } },
  })),
];

/** The policies `options` render for one namespace, keyed by name, without the namespace. */
function namespacelessPolicies(options: NamespaceIsolationOptions): Map<string, NetworkPolicy> {
  return new Map(
    namespaceIsolation({ ...options, targetNamespaces: ['placeholder'] }).map((policy) => {
      const { namespace: _namespace, ...metadata } = policy.metadata;
      return [policy.metadata.name, { ...policy, metadata }];
    }),
  );
}

/** Kustomize patches that turn the `from` policies into the `to` policies. */
function patchesBetween(from: Map<string, NetworkPolicy>, to: Map<string, NetworkPolicy>): unknown[] {
  const patches: unknown[] = [];
  for (const [name, policy] of from) {
    const target = to.get(name);
    if (!target) {
      patches.push({ patch: toYaml({ $patch: 'delete', apiVersion: policy.apiVersion, kind: policy.kind, metadata: { name } }).trimEnd() });
      continue;
    }
    const operations = jsonPatchDiff(policy, target);
    if (operations.length > 0) patches.push({ target: { kind: 'NetworkPolicy', name }, patch: toYaml(operations).trimEnd() });
  }
  return patches;
}

const KUSTOMIZATION_HEADER = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

function yamlFile(comment: readonly string[], value: unknown): string {
  return `${[banner('yaml'), ...comment.flatMap((line) => yamlCommentLines(line))].join('\n')}\n${toYaml(value)}`;
}

/** Base and components: what every overlay builds on. */
export function renderKustomizeBase(): Map<string, string> {
  const files = new Map<string, string>();
  const base = namespacelessPolicies({});
  for (const name of base.keys()) {
    files.set(`${KUSTOMIZE_DIR}/base/networkpolicy-${name}.yaml`, yamlFile([], base.get(name)));
  }
  files.set(
    `${KUSTOMIZE_DIR}/base/kustomization.yaml`,
    yamlFile(
      [
        'The production set of template #14 without a namespace: apply an overlay, not the base.',
        'fifo keeps this resource order, so kubectl applies the allow layers before the deny layers.',
      ],
      { ...KUSTOMIZATION_HEADER, sortOptions: { order: 'fifo' }, resources: [...base.keys()].map((name) => `networkpolicy-${name}.yaml`) },
    ),
  );
  for (const component of KUSTOMIZE_COMPONENTS) {
    files.set(
      `${KUSTOMIZE_DIR}/components/${component.name}/kustomization.yaml`,
      yamlFile([component.description, 'Use it from an overlay: components: [../../components/' + component.name + ']'], {
        apiVersion: 'kustomize.config.k8s.io/v1alpha1',
        kind: 'Component',
        patches: patchesBetween(base, namespacelessPolicies(component.values)),
      }),
    );
  }
  return files;
}

/** Whether every value `delta` sets is set to the same in `values`. */
function setsAll(values: unknown, delta: unknown): boolean {
  if (typeof delta !== 'object' || delta === null || Array.isArray(delta)) return deepEqual(values, delta);
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return false;
  return Object.entries(delta).every(([key, value]) => setsAll((values as Record<string, unknown>)[key], value));
}

function mergeDeltas(deltas: readonly unknown[]): NamespaceIsolationOptions {
  const merge = (a: unknown, b: unknown): unknown => {
    if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null || Array.isArray(a) || Array.isArray(b)) return b;
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [key, value] of Object.entries(b)) out[key] = key in out ? merge(out[key], value) : value;
    return out;
  };
  return deltas.reduce<unknown>(merge, {}) as NamespaceIsolationOptions;
}

/** The kustomization of one namespace of an environment. */
function namespaceKustomization(environment: EnvironmentDefinition, namespace: string, depth: string, comment: readonly string[]): string {
  const components = KUSTOMIZE_COMPONENTS.filter((component) => setsAll(environment.values, component.values));
  const withComponents = namespacelessPolicies(mergeDeltas(components.map((component) => component.values)));
  const patches = patchesBetween(withComponents, namespacelessPolicies(environment.values));
  return yamlFile(comment, {
    ...KUSTOMIZATION_HEADER,
    namespace,
    sortOptions: { order: 'fifo' },
    resources: [`${depth}base`],
    ...(components.length > 0 ? { components: components.map((component) => `${depth}components/${component.name}`) } : {}),
    ...(patches.length > 0 ? { patches } : {}),
  });
}

/** The folder of an environment's ClusterNetworkPolicy component. */
export function clusterNetworkPolicyComponentDir(environmentName: string): string {
  return `${KUSTOMIZE_DIR}/components/cluster-network-policy-${environmentName}`;
}

/**
 * One component per environment with its ClusterNetworkPolicies (Admin guardrail against the
 * other environments, Baseline default per namespace). They are cluster-scoped and name the
 * environment, so the component carries them as resources rather than patches of the base.
 */
export function renderKustomizeClusterNetworkPolicies(environment: EnvironmentDefinition, environments: readonly EnvironmentDefinition[]): Map<string, string> {
  const files = new Map<string, string>();
  const dir = clusterNetworkPolicyComponentDir(environment.name);
  const policies = clusterNetworkPolicies(environment.values, adminTierScope(environment.name, environments));
  for (const policy of policies) files.set(`${dir}/clusternetworkpolicy-${policy.metadata.name}.yaml`, yamlFile([], policy));
  files.set(
    `${dir}/kustomization.yaml`,
    yamlFile(
      [
        `ClusterNetworkPolicies (policy.networking.k8s.io/v1beta1) of environment "${environment.name}": the Admin-tier guardrail against the other environments and a Baseline-tier default per namespace.`,
        `Optional: add it to the overlay (components: [../../components/cluster-network-policy-${environment.name}]) on a cluster with the network-policy-api v0.3.0 CRDs.`,
      ],
      { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources: policies.map((policy) => `clusternetworkpolicy-${policy.metadata.name}.yaml`) },
    ),
  );
  return files;
}

export function renderKustomizeOverlay(environment: EnvironmentDefinition): Map<string, string> {
  const files = new Map<string, string>();
  const namespaces = resolveNamespaceIsolationOptions(environment.values).targetNamespaces;
  const dir = `${KUSTOMIZE_DIR}/overlays/${environment.name}`;
  const about = [
    `Environment "${environment.name}": ${environment.description}`,
    ...environment.differences.map((difference) => `- ${difference}`),
    `Apply: kubectl apply -k ${dir}`,
    `Cilium: also add the CiliumNetworkPolicies with components: [${namespaces.length === 1 ? '../../' : '../../../'}components/cilium/${environment.name}]`,
  ];
  for (const [path, content] of renderCiliumComponent(environment)) files.set(path, content);
  if (namespaces.length === 1) {
    files.set(`${dir}/kustomization.yaml`, namespaceKustomization(environment, namespaces[0]!, '../../', about));
    return files;
  }
  // Kustomize sets one namespace per kustomization, so each namespace gets its own folder.
  for (const namespace of namespaces) {
    files.set(`${dir}/${namespace}/kustomization.yaml`, namespaceKustomization(environment, namespace, '../../../', [`Namespace ${namespace} of environment "${environment.name}".`]));
  }
  files.set(`${dir}/kustomization.yaml`, yamlFile(about, { ...KUSTOMIZATION_HEADER, sortOptions: { order: 'fifo' }, resources: namespaces }));
  return files;
}
