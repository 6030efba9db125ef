/**
 * The real CRDs the suite validates rendered objects against, as tools/install-crds.sh lays them
 * out: .tools/crds/<module>@<version>/<path inside the module>, versions from tools/toolchain.env.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, pinnedVersion } from './process.js';

/** One Go module the CRDs come from: its pin in tools/toolchain.env and the CRD files in it. */
export interface CrdModule {
  readonly module: string;
  readonly versionKey: string;
  /** CRD files, relative to the module root. */
  readonly crds: readonly string[];
}

export const CRD_MODULES = {
  networkPolicyApi: {
    module: 'sigs.k8s.io/network-policy-api',
    versionKey: 'NETWORK_POLICY_API_VERSION',
    crds: ['config/crd/standard/policy.networking.k8s.io_clusternetworkpolicies.yaml'],
  },
  cilium: {
    module: 'github.com/cilium/cilium',
    versionKey: 'CILIUM_VERSION',
    crds: ['pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml', 'pkg/k8s/apis/cilium.io/client/crds/v2/ciliumclusterwidenetworkpolicies.yaml'],
  },
  argoCd: {
    module: 'github.com/argoproj/argo-cd/v3',
    versionKey: 'ARGO_CD_VERSION',
    crds: ['manifests/crds/application-crd.yaml', 'manifests/crds/applicationset-crd.yaml', 'manifests/crds/appproject-crd.yaml'],
  },
  fluxKustomize: {
    module: 'github.com/fluxcd/kustomize-controller',
    versionKey: 'FLUX_KUSTOMIZE_CONTROLLER_VERSION',
    crds: ['config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml'],
  },
  fluxSource: {
    module: 'github.com/fluxcd/source-controller',
    versionKey: 'FLUX_SOURCE_CONTROLLER_VERSION',
    crds: ['config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml', 'config/crd/bases/source.toolkit.fluxcd.io_ocirepositories.yaml'],
  },
} as const satisfies Record<string, CrdModule>;

/** Where install-crds.sh put one module's files (it honours K8S_SECURITY_TOOLS_DIR, like the other installers). */
export function moduleDir(module: CrdModule): string {
  const dir = join(process.env['K8S_SECURITY_TOOLS_DIR'] ?? join(REPO_ROOT, '.tools'), 'crds', `${module.module}@${pinnedVersion(module.versionKey)}`);
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run bash tools/install-crds.sh (npm run test:e2e does)`);
  return dir;
}

/** Absolute paths of every CRD file of every module. */
export function allCrdFiles(): string[] {
  return Object.values(CRD_MODULES).flatMap((module) => module.crds.map((path) => join(moduleDir(module), path)));
}

/** The policy API's own CRD test data: `valid` or `invalid` examples, standard channel only (no `.experimental.`). */
export function networkPolicyApiTestData(kind: 'valid' | 'invalid', channel: 'standard' | 'experimental' = 'standard'): string[] {
  const dir = join(moduleDir(CRD_MODULES.networkPolicyApi), 'pkg/crdtest/testdata', kind);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') && file.includes('.experimental.') === (channel === 'experimental'))
    .sort()
    .map((file) => join(dir, file));
}
