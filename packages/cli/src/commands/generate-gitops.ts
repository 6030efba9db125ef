/**
 * `generate --gitops argocd|flux`: the flags, their checks, and the fleet file they write
 * (gitops/<engine>/fleet.yaml). The objects come from the core's {@link gitopsFleet}.
 */
import { GITOPS_ENGINES, gitopsFleet, toYamlStream, type EnvironmentDefinition, type FleetOptions, type GitOpsEngine } from '@k8s-security-pro/core';
import { CHART_VERSION } from '@k8s-security-pro/render';
import { UsageError } from '../io.js';

export const GITOPS_USAGE = `Fleet rollout (--gitops), to DIR/gitops/<engine>/fleet.yaml:
  --gitops argocd    an AppProject and one ApplicationSet per environment; its cluster generator
                     makes one Application per Argo CD cluster labelled k8s-security-pro.io/fleet=NAME
  --gitops flux      a source and one Kustomization per environment, each dependsOn the one before,
                     with health checks on every policy it applies
  --source oci       Argo CD: the chart from --repo (registry.example.com/charts) at --revision
                     (default: this chart's version), values per environment inline.
                     Flux: an OCI artifact of DIR (flux push artifact) at --repo, tag --revision
  --source kustomize the overlays in the Git repository --repo (at --revision, default main),
                     where DIR is committed at --path (default: the repository root)
  --fleet NAME       names the objects (default k8s-security)
Without --config the fleet rolls out the built-in environments dev, staging, prod, in that order.`;

/** The flags `generate` accepts for --gitops (node:util parseArgs options). */
export const GITOPS_FLAGS = {
  gitops: { type: 'string' },
  source: { type: 'string' },
  repo: { type: 'string' },
  revision: { type: 'string' },
  path: { type: 'string' },
  fleet: { type: 'string' },
} as const;

/** What the --gitops flags ask for. */
export interface GitopsRequest {
  readonly engine: GitOpsEngine;
  readonly options: Omit<FleetOptions, 'environments'>;
}

type GitopsFlagValues = { readonly [K in keyof typeof GITOPS_FLAGS]?: string };

const NAME = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

/**
 * The request the flags describe, or undefined when --gitops is absent.
 * @throws {UsageError} for a missing or bad flag, naming it and the fix.
 */
export function parseGitopsFlags(values: GitopsFlagValues): GitopsRequest | undefined {
  const { gitops, source, repo, revision, path, fleet = 'k8s-security' } = values;
  if (gitops === undefined) {
    const stray = (['source', 'repo', 'revision', 'path', 'fleet'] as const).find((flag) => values[flag] !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --gitops argocd|flux`);
    return undefined;
  }
  if (!(GITOPS_ENGINES as readonly string[]).includes(gitops)) throw new UsageError(`--gitops "${gitops}" is not an engine: use one of ${GITOPS_ENGINES.join(', ')}`);
  if (source !== 'oci' && source !== 'kustomize') throw new UsageError(`--source ${source === undefined ? 'is required' : `"${source}" is not a source`}: use oci (the chart or an OCI artifact) or kustomize (the overlays in Git)`);
  if (!repo) throw new UsageError(`--repo URL is required with --gitops: ${source === 'oci' ? 'the OCI repository, like registry.example.com/charts' : 'the Git repository the overlays are committed to, like https://git.example.com/platform/policies.git'}`);
  if (/\s/.test(repo)) throw new UsageError(`--repo "${repo}" contains spaces: give a repository URL`);
  if (!NAME.test(fleet)) throw new UsageError(`--fleet "${fleet}" is not a name: use lowercase letters, digits and '-', at most 40 characters`);
  if (path !== undefined && (path.startsWith('/') || path.split('/').includes('..'))) throw new UsageError(`--path "${path}" must be relative to the repository root, without '..'`);
  if (source === 'oci' && path !== undefined) throw new UsageError('--path applies to --source kustomize only');
  return {
    engine: gitops as GitOpsEngine,
    options: {
      fleet,
      source:
        source === 'oci'
          ? { kind: 'oci', repository: repo.replace(/^oci:\/\//, ''), version: revision ?? CHART_VERSION }
          : { kind: 'kustomize', repository: repo, revision: revision ?? 'main', path: path ?? '' },
    },
  };
}

/** The fleet file, keyed by its path under --out. Its first line is replaced by generate's banner. */
export function gitopsFiles(request: GitopsRequest, environments: readonly EnvironmentDefinition[]): Map<string, string> {
  const objects = gitopsFleet(request.engine, { ...request.options, environments });
  const header = `# ${request.engine} fleet ${request.options.fleet}: ${environments.map((e) => e.name).join(', ')}\n`;
  return new Map([[`gitops/${request.engine}/fleet.yaml`, header + toYamlStream(objects)]]);
}
