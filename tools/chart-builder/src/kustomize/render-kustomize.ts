/**
 * Renders `kustomize/base` (the production set, without a namespace) and one overlay per
 * environment: its namespace, plus JSON patches for exactly the deltas of that environment.
 * Pure: returns path -> content.
 */
import {
  NAMESPACE_ISOLATION_APPLY_ORDER,
  namespaceIsolation,
  resolveNamespaceIsolationOptions,
  namespaceIsolationPolicy,
  toYaml,
  type EnvironmentDefinition,
  type NetworkPolicy,
} from '@k8s-security-pro/core';
import { banner } from '../banner.js';
import { jsonPatchDiff } from './json-patch.js';

export const KUSTOMIZE_DIR = 'kustomize';

/** A base policy: the production layer, with the namespace left to the overlay. */
function basePolicies(): NetworkPolicy[] {
  const defaults = resolveNamespaceIsolationOptions({});
  return NAMESPACE_ISOLATION_APPLY_ORDER.map((layer) => {
    const policy = namespaceIsolationPolicy(layer, '', defaults);
    const { namespace: _namespace, ...metadata } = policy.metadata;
    return { ...policy, metadata };
  });
}

const KUSTOMIZATION_HEADER = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

function yamlFile(comment: readonly string[], value: unknown): string {
  return `${[banner('yaml'), ...comment.map((line) => `# ${line}`)].join('\n')}\n${toYaml(value)}`;
}

export function renderKustomizeBase(): Map<string, string> {
  const files = new Map<string, string>();
  const policies = basePolicies();
  for (const policy of policies) {
    files.set(`${KUSTOMIZE_DIR}/base/networkpolicy-${policy.metadata.name}.yaml`, yamlFile([], policy));
  }
  files.set(
    `${KUSTOMIZE_DIR}/base/kustomization.yaml`,
    yamlFile(
      [
        'The production set of template #14 without a namespace: apply an overlay, not the base.',
        'fifo keeps this resource order, so kubectl applies the allow layers before the deny layers.',
      ],
      {
        ...KUSTOMIZATION_HEADER,
        sortOptions: { order: 'fifo' },
        resources: policies.map((policy) => `networkpolicy-${policy.metadata.name}.yaml`),
      },
    ),
  );
  return files;
}

/** The kustomization for one namespace of an environment, relative to `depth` folders below kustomize/. */
function namespaceKustomization(environment: EnvironmentDefinition, namespace: string, baseRelative: string, comment: readonly string[]): string {
  const base = new Map(basePolicies().map((policy) => [policy.metadata.name, policy]));
  const wanted = new Map(
    namespaceIsolation({ ...environment.values, targetNamespaces: [namespace] }).map((policy) => {
      const { namespace: _namespace, ...metadata } = policy.metadata;
      return [policy.metadata.name, { ...policy, metadata }] as const;
    }),
  );
  const patches: unknown[] = [];
  for (const [name, basePolicy] of base) {
    const target = wanted.get(name);
    if (!target) {
      // The layer is disabled in this environment.
      patches.push({
        patch: toYaml({ $patch: 'delete', apiVersion: basePolicy.apiVersion, kind: basePolicy.kind, metadata: { name } }).trimEnd(),
      });
      continue;
    }
    const operations = jsonPatchDiff(basePolicy, target);
    if (operations.length > 0) {
      patches.push({ target: { kind: 'NetworkPolicy', name }, patch: toYaml(operations).trimEnd() });
    }
  }
  return yamlFile(comment, {
    ...KUSTOMIZATION_HEADER,
    namespace,
    sortOptions: { order: 'fifo' },
    resources: [baseRelative],
    ...(patches.length > 0 ? { patches } : {}),
  });
}

export function renderKustomizeOverlay(environment: EnvironmentDefinition): Map<string, string> {
  const files = new Map<string, string>();
  const namespaces = resolveNamespaceIsolationOptions(environment.values).targetNamespaces;
  const dir = `${KUSTOMIZE_DIR}/overlays/${environment.name}`;
  const about = [
    `Environment "${environment.name}": ${environment.description}`,
    ...environment.differences.map((difference) => `- ${difference}`),
    `Apply: kubectl apply -k ${dir}`,
  ];
  if (namespaces.length === 1) {
    files.set(`${dir}/kustomization.yaml`, namespaceKustomization(environment, namespaces[0]!, '../../base', about));
    return files;
  }
  // Kustomize sets one namespace per kustomization, so each namespace gets its own folder.
  for (const namespace of namespaces) {
    files.set(`${dir}/${namespace}/kustomization.yaml`, namespaceKustomization(environment, namespace, '../../../base', [`Namespace ${namespace} of environment "${environment.name}".`]));
  }
  files.set(`${dir}/kustomization.yaml`, yamlFile(about, { ...KUSTOMIZATION_HEADER, sortOptions: { order: 'fifo' }, resources: namespaces }));
  return files;
}
