/**
 * Every kind of object the model renders, as one list: the CLI's `render --target`, the docs
 * and the end-to-end validation against the real CRDs all iterate over it, so a new target is
 * covered everywhere by adding it here.
 */
import { ENVIRONMENTS, type EnvironmentDefinition } from '../environments/environments.js';
import { CLUSTER_NETWORK_POLICY_API_VERSION } from '../model/cluster-network-policy.js';
import type { CiliumOptions } from '../options/fqdn-egress.js';
import type { NamespaceIsolationOptions } from '../options/namespace-isolation-options.js';
import { ciliumNetworkPolicies } from '../templates/cilium-network-policy.js';
import { adminTierScope, clusterNetworkPolicies, type AdminTierScope } from '../templates/cluster-network-policies.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';

/** What a target renders from: the namespace-isolation options, and options only some targets read. */
export interface RenderTargetInput {
  readonly options?: NamespaceIsolationOptions;
  readonly cilium?: CiliumOptions;
  /**
   * ClusterNetworkPolicy only: the environment and what its Admin-tier guardrail walls it off
   * from; by default the built-in environment with the same target namespaces.
   */
  readonly adminTier?: AdminTierScope;
}

/** One render target. */
export interface RenderTarget {
  /** The name `render --target` takes. */
  readonly name: string;
  /** `apiVersion` and `kind` of what it renders. */
  readonly apiVersion: string;
  readonly kind: string;
  /** The Go module and path its CRD comes from; absent for built-in kinds. */
  readonly crd?: { readonly module: string; readonly path: string };
  readonly description: string;
  /** The objects, in apply order. */
  readonly render: (input: RenderTargetInput) => readonly { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } }[];
}

/** The targets, plain NetworkPolicy first (the default). */
export const RENDER_TARGETS: readonly RenderTarget[] = [
  {
    name: 'network-policy',
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    description: 'Kubernetes NetworkPolicy: the five layers, enforced by any NetworkPolicy-capable CNI.',
    render: ({ options }) => namespaceIsolation(options),
  },
  {
    name: 'cilium',
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    crd: { module: 'github.com/cilium/cilium', path: 'pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml' },
    description: 'CiliumNetworkPolicy: the five layers, plus the optional egress allow-list by DNS name.',
    render: ({ options, cilium }) => ciliumNetworkPolicies(options, cilium),
  },
  {
    name: 'cluster-network-policy',
    apiVersion: CLUSTER_NETWORK_POLICY_API_VERSION,
    kind: 'ClusterNetworkPolicy',
    crd: { module: 'sigs.k8s.io/network-policy-api', path: 'config/crd/standard/policy.networking.k8s.io_clusternetworkpolicies.yaml' },
    description: 'ClusterNetworkPolicy v1beta1: an Admin-tier guardrail between environments and a Baseline-tier default per namespace.',
    render: ({ options, adminTier }) => clusterNetworkPolicies(options, adminTier),
  },
];

/**
 * Renders one environment for one target, with the Admin tier walled off from the other
 * `environments` (the built-in ones by default).
 * @example
 * ```ts
 * renderEnvironment('cluster-network-policy', environmentNamed('dev'));
 * ```
 */
export function renderEnvironment(
  target: string,
  environment: EnvironmentDefinition,
  environments: readonly EnvironmentDefinition[] = ENVIRONMENTS,
): ReturnType<RenderTarget['render']> {
  const known = environments.some((candidate) => candidate.name === environment.name) ? environments : [...environments, environment];
  return renderTargetNamed(target).render({ options: environment.values, adminTier: adminTierScope(environment.name, known) });
}

/**
 * The target called `name`.
 * @throws {Error} naming the targets there are, when there is none by that name.
 */
export function renderTargetNamed(name: string): RenderTarget {
  const target = RENDER_TARGETS.find((candidate) => candidate.name === name);
  if (!target) throw new Error(`"${name}" is not a render target: use one of ${RENDER_TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}
