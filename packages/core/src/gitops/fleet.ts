/**
 * A fleet rollout of the policy set through a GitOps engine: Argo CD (an ApplicationSet per
 * environment whose cluster generator makes one Application per registered cluster) or Flux
 * (a source plus one Kustomization per environment, each depending on the one before it, with
 * health checks on the policies it applies). Pure: the CLI's `generate --gitops` writes it.
 *
 * Flux uses Kustomizations, not HelmReleases: helm-controller's CRDs cannot be had from the
 * pinned module proxy (its root module is not served), so a HelmRelease could not be
 * validated against its real CRD; Kustomizations are (kustomize-controller's module).
 */
import type { EnvironmentDefinition } from '../environments/environments.js';
import { sortedRecord } from '../model/network-policy.js';
import { NAMESPACE_ISOLATION_LABELS } from '../templates/namespace-isolation.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';

/** The GitOps engines `generate --gitops` writes for. */
export const GITOPS_ENGINES = ['argocd', 'flux'] as const;
export type GitOpsEngine = (typeof GITOPS_ENGINES)[number];

/** Where the engine takes the policies from. */
export type FleetSource =
  /** The Helm chart from an OCI registry (`repository` like `registry.example.com/charts`), values per environment inline. */
  | { readonly kind: 'oci'; readonly repository: string; readonly version: string }
  /** The Kustomize overlays `generate` wrote, committed to a Git repository at `path`. */
  | { readonly kind: 'kustomize'; readonly repository: string; readonly revision: string; readonly path: string };

/** What the fleet rolls out, and from where. */
export interface FleetOptions {
  /** Names the objects and, for Argo CD, the cluster label that opts a cluster in. */
  readonly fleet: string;
  readonly source: FleetSource;
  /** In rollout order: each environment waits for the one before it (Flux `dependsOn`). */
  readonly environments: readonly EnvironmentDefinition[];
}

/** The label a cluster's Argo CD Secret carries to receive the fleet (`k8s-security-pro.io/fleet: <fleet>`). */
export const FLEET_CLUSTER_LABEL = 'k8s-security-pro.io/fleet';
/** Namespaces the engines' own objects live in. */
export const ARGOCD_NAMESPACE = 'argocd';
export const FLUX_NAMESPACE = 'flux-system';

/** A Kubernetes object as the fleet renders it. */
export interface FleetObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: Readonly<Record<string, unknown>>;
}

function labels(fleet: string, environment?: string): Record<string, string> {
  return sortedRecord({
    ...NAMESPACE_ISOLATION_LABELS,
    [FLEET_CLUSTER_LABEL]: fleet,
    ...(environment ? { 'k8s-security-pro.io/environment': environment } : {}),
  });
}

function overlayPath(source: Extract<FleetSource, { kind: 'kustomize' }>, environment: string): string {
  const base = source.path.replace(/^\.?\/*/, '').replace(/\/+$/, '');
  return `${base ? `${base}/` : ''}kustomize/overlays/${environment}`;
}

/** Where one environment lands on one cluster: Argo CD's `destination`. */
export interface ArgoCdDestination {
  /** The cluster's name in Argo CD (the cluster generator's `{{.name}}`). */
  readonly clusterName: string;
  /** Its API server URL (`{{.server}}`). */
  readonly server: string;
}

/**
 * The Application for one environment on one cluster. The ApplicationSet's template is this
 * same object with the cluster generator's placeholders, so the two cannot differ.
 */
export function argoCdApplication(options: FleetOptions, environment: EnvironmentDefinition, destination: ArgoCdDestination): FleetObject {
  const { source } = options;
  const namespace = environment.values.targetNamespaces?.[0] ?? 'default';
  const appSource =
    source.kind === 'oci'
      ? {
          repoURL: source.repository,
          chart: 'k8s-security',
          targetRevision: source.version,
          helm: { releaseName: 'k8s-security', valuesObject: environment.values },
        }
      : { repoURL: source.repository, targetRevision: source.revision, path: overlayPath(source, environment.name) };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `${options.fleet}-${environment.name}-${destination.clusterName}`, namespace: ARGOCD_NAMESPACE, labels: labels(options.fleet, environment.name) },
    spec: {
      project: options.fleet,
      source: appSource,
      destination: { server: destination.server, namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
    },
  };
}

/** The AppProject the fleet's Applications belong to: NetworkPolicies (and namespaces) only, into the environments' namespaces. */
function argoCdProject(options: FleetOptions): FleetObject {
  const namespaces = [...new Set(options.environments.flatMap((environment) => environment.values.targetNamespaces ?? []))].sort();
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: options.fleet, namespace: ARGOCD_NAMESPACE, labels: labels(options.fleet) },
    spec: {
      description: 'k8s-security namespace isolation: NetworkPolicies only, into the environments\u2019 namespaces.',
      sourceRepos: [options.source.repository],
      destinations: namespaces.map((namespace) => ({ server: '*', namespace })),
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      namespaceResourceWhitelist: [{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }],
    },
  };
}

/** Argo CD: the AppProject, then one ApplicationSet per environment with a cluster generator. */
export function argoCdFleet(options: FleetOptions): FleetObject[] {
  const sets = options.environments.map((environment): FleetObject => {
    const { metadata, spec } = argoCdApplication(options, environment, { clusterName: '{{.name}}', server: '{{.server}}' });
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: `${options.fleet}-${environment.name}`, namespace: ARGOCD_NAMESPACE, labels: labels(options.fleet, environment.name) },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        // Every cluster registered in Argo CD whose Secret carries the fleet label.
        generators: [{ clusters: { selector: { matchLabels: { [FLEET_CLUSTER_LABEL]: options.fleet } } } }],
        template: { metadata: { name: metadata.name, labels: metadata.labels }, spec },
      },
    };
  });
  return [argoCdProject(options), ...sets];
}

/** Flux: the source, then one Kustomization per environment, each after the one before it. */
export function fluxFleet(options: FleetOptions): FleetObject[] {
  const { source, fleet } = options;
  const sourceRef =
    source.kind === 'oci'
      ? {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'OCIRepository',
          metadata: { name: fleet, namespace: FLUX_NAMESPACE, labels: labels(fleet) },
          // An OCI artifact of the generated tree (`flux push artifact`), tagged with the version.
          spec: { interval: '10m', url: `oci://${source.repository.replace(/^oci:\/\//, '')}`, ref: { tag: source.version } },
        }
      : {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          metadata: { name: fleet, namespace: FLUX_NAMESPACE, labels: labels(fleet) },
          spec: { interval: '10m', url: source.repository, ref: { [/^v?\d+\.\d+\.\d+/.test(source.revision) ? 'tag' : 'branch']: source.revision } },
        };
  const kustomizations = options.environments.map((environment, index): FleetObject => {
    const previous = options.environments[index - 1];
    const path = source.kind === 'oci' ? `./kustomize/overlays/${environment.name}` : `./${overlayPath(source, environment.name)}`;
    return {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: `${fleet}-${environment.name}`, namespace: FLUX_NAMESPACE, labels: labels(fleet, environment.name) },
      spec: {
        interval: '10m',
        retryInterval: '1m',
        timeout: '2m',
        sourceRef: { kind: sourceRef.kind, name: fleet },
        path,
        prune: true,
        wait: false,
        ...(previous ? { dependsOn: [{ name: `${fleet}-${previous.name}` }] } : {}),
        // Every policy the overlay applies must exist before the next environment rolls out.
        healthChecks: namespaceIsolation(environment.values).map((policy) => ({
          apiVersion: policy.apiVersion,
          kind: policy.kind,
          name: policy.metadata.name,
          namespace: policy.metadata.namespace,
        })),
      },
    };
  });
  return [sourceRef, ...kustomizations];
}

/** The fleet objects for `engine`. */
export function gitopsFleet(engine: GitOpsEngine, options: FleetOptions): FleetObject[] {
  return engine === 'argocd' ? argoCdFleet(options) : fluxFleet(options);
}
