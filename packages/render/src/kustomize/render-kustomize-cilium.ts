/**
 * The Kustomize tree's optional Cilium part: per environment, a component
 * (`kustomize/components/cilium/<env>`) that adds the core's CiliumNetworkPolicies for that
 * environment's values, without a namespace (the overlay sets it). An overlay gets them with
 * one line in its `components`; without it, `kubectl apply -k` is unchanged.
 */
import { ciliumNetworkPolicies, toYaml, type EnvironmentDefinition } from '@k8s-security-pro/core';
import { banner, yamlCommentLines } from '../banner.js';

/** Folder of the Cilium component of `environment`, from the repository root. */
export function ciliumComponentDir(environment: EnvironmentDefinition): string {
  return `kustomize/components/cilium/${environment.name}`;
}

function yamlFile(comment: readonly string[], value: unknown): string {
  return `${[banner('yaml'), ...comment.flatMap((line) => yamlCommentLines(line))].join('\n')}\n${toYaml(value)}`;
}

/** The component's files: one CiliumNetworkPolicy per layer the environment enables, and its kustomization. */
export function renderCiliumComponent(environment: EnvironmentDefinition): Map<string, string> {
  const files = new Map<string, string>();
  const dir = ciliumComponentDir(environment);
  const policies = ciliumNetworkPolicies({ ...environment.values, targetNamespaces: ['placeholder'] }).map((policy) => {
    const { namespace: _namespace, ...metadata } = policy.metadata;
    return { ...policy, metadata };
  });
  for (const policy of policies) files.set(`${dir}/ciliumnetworkpolicy-${policy.metadata.name}.yaml`, yamlFile([], policy));
  files.set(
    `${dir}/kustomization.yaml`,
    yamlFile(
      [
        `Environment "${environment.name}" as CiliumNetworkPolicy (cilium.io/v2), in addition to its NetworkPolicies; needs the Cilium CRDs.`,
        `Use it from the overlay: components: [../../components/cilium/${environment.name}]`,
      ],
      { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources: policies.map((policy) => `ciliumnetworkpolicy-${policy.metadata.name}.yaml`) },
    ),
  );
  return files;
}
