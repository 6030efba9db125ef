/**
 * Every kind of object the model renders, as one list: the CLI's `render --target`, the docs
 * and the end-to-end validation against the real CRDs all iterate over it, so a new target is
 * covered everywhere by adding it here.
 */
import type { CiliumOptions } from '../options/fqdn-egress.js';
import type { NamespaceIsolationOptions } from '../options/namespace-isolation-options.js';
import { ciliumNetworkPolicies } from '../templates/cilium-network-policy.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';

/** What a target renders from: the namespace-isolation options, and options only some targets read. */
export interface RenderTargetInput {
  readonly options?: NamespaceIsolationOptions;
  readonly cilium?: CiliumOptions;
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
];

/**
 * The target called `name`.
 * @throws {Error} naming the targets there are, when there is none by that name.
 */
export function renderTargetNamed(name: string): RenderTarget {
  const target = RENDER_TARGETS.find((candidate) => candidate.name === name);
  if (!target) throw new Error(`"${name}" is not a render target: use one of ${RENDER_TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}
