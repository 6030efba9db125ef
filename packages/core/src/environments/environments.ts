/**
 * The environments, defined once. The chart's `values-<env>.yaml`, the Kustomize overlays and
 * the plain manifests are all rendered from these definitions; each holds only its deltas over
 * the defaults, which are the production set.
 */
import type { NamespaceIsolationOptions } from '../options/namespace-isolation-options.js';

/** One environment: a name used on every route, and its deltas over the production defaults. */
export interface EnvironmentDefinition {
  /** `dev`, `staging`, `prod`: the name used in `values-<name>.yaml` and `overlays/<name>`. */
  readonly name: string;
  readonly description: string;
  /** Why this environment differs from production, one sentence per delta. */
  readonly differences: readonly string[];
  /** Deltas over the defaults. Always names the target namespaces. */
  readonly values: NamespaceIsolationOptions;
}

/** The built-in environments, from least to most locked down. */
export const ENVIRONMENTS: readonly EnvironmentDefinition[] = [
  {
    name: 'dev',
    description: 'Developer namespace: the same isolation, with room for the tools developers need.',
    differences: [
      'Prometheus also scrapes the application port 8080, where dev builds expose /metrics next to the API.',
      'Pods may reach the internal package mirror (10.20.0.0/24) on HTTPS to install dependencies at run time.',
    ],
    values: {
      targetNamespaces: ['dev'],
      allowMonitoring: {
        ports: [
          { port: 9090, protocol: 'TCP' },
          { port: 8080, protocol: 'TCP' },
        ],
      },
      denyEgressExceptDns: {
        allowedEgress: [{ cidr: '10.20.0.0/24', ports: [{ port: 443, protocol: 'TCP' }] }],
      },
    },
  },
  {
    name: 'staging',
    description: 'Pre-production: production rules plus the node-local DNS cache the staging nodes run.',
    differences: [
      'Staging nodes run NodeLocal DNSCache on 169.254.20.10, so DNS egress to that address is allowed.',
      'The ingress controller may reach only the HTTP port 8080, as in the release candidate topology.',
    ],
    values: {
      targetNamespaces: ['staging'],
      allowIngressController: { ports: [{ port: 8080, protocol: 'TCP' }] },
      denyEgressExceptDns: { nodeLocalDns: { enabled: true } },
    },
  },
  {
    name: 'prod',
    description: 'Production: the chart defaults, the strictest set.',
    differences: ['None: production is the default set.'],
    values: { targetNamespaces: ['production'] },
  },
];

/** The built-in environment called `name`. */
export function environmentNamed(name: string): EnvironmentDefinition {
  const found = ENVIRONMENTS.find((environment) => environment.name === name);
  if (!found) {
    throw new Error(`unknown environment "${name}": choose one of ${ENVIRONMENTS.map((e) => `"${e.name}"`).join(', ')}`);
  }
  return found;
}
