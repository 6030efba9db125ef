/**
 * The one list of render targets: every kind of object template #14 renders from the same
 * options. The CLI's `render --target`, the generated chart and Kustomize parts, and the e2e
 * suites that validate every target against its real CRD iterate over {@link RENDER_TARGETS}.
 */
import { ENVIRONMENTS, type EnvironmentDefinition } from '../environments/environments.js';
import type { ClusterNetworkPolicy } from '../model/cluster-network-policy.js';
import type { NetworkPolicy } from '../model/network-policy.js';
import { adminTierScope, clusterNetworkPolicies } from './cluster-network-policies.js';
import { namespaceIsolation } from './namespace-isolation.js';

/** Names of the render targets; `network-policy` is the default everywhere. */
export type RenderTarget = 'network-policy' | 'cluster-network-policy';

/** What a target renders and how. */
export interface RenderTargetDefinition {
  readonly name: RenderTarget;
  /** One sentence for `--help` and the docs. */
  readonly summary: string;
  /** `apiVersion` and `kind` of every object the target renders. */
  readonly kinds: readonly { readonly apiVersion: string; readonly kind: string }[];
  /** The objects of one environment; `environments` are all of them (the Admin tier needs the others). */
  readonly render: (environment: EnvironmentDefinition, environments: readonly EnvironmentDefinition[]) => (NetworkPolicy | ClusterNetworkPolicy)[];
}

/** Every render target, the default first. */
export const RENDER_TARGETS: readonly RenderTargetDefinition[] = [
  {
    name: 'network-policy',
    summary: 'The five namespaced NetworkPolicy layers per target namespace (networking.k8s.io/v1).',
    kinds: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }],
    render: (environment) => namespaceIsolation(environment.values),
  },
  {
    name: 'cluster-network-policy',
    summary:
      'ClusterNetworkPolicies (policy.networking.k8s.io/v1beta1): an Admin-tier guardrail between environments and a Baseline-tier default per target namespace.',
    kinds: [{ apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy' }],
    render: (environment, environments) => clusterNetworkPolicies(environment.values, adminTierScope(environment.name, environments)),
  },
];

/** The target called `name`. @throws {Error} naming the targets there are. */
export function renderTargetNamed(name: string): RenderTargetDefinition {
  const found = RENDER_TARGETS.find((target) => target.name === name);
  if (!found) throw new Error(`unknown render target "${name}": choose one of ${RENDER_TARGETS.map((t) => `"${t.name}"`).join(', ')}`);
  return found;
}

/**
 * Renders one environment for one target.
 * @example
 * ```ts
 * renderEnvironment('cluster-network-policy', environmentNamed('dev'));
 * ```
 */
export function renderEnvironment(
  target: RenderTarget,
  environment: EnvironmentDefinition,
  environments: readonly EnvironmentDefinition[] = ENVIRONMENTS,
): (NetworkPolicy | ClusterNetworkPolicy)[] {
  return renderTargetNamed(target).render(environment, environments);
}
