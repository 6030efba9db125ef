/**
 * Every rendered object that is not a built-in kind, checked by the real CRDs: the CRDs come
 * from the pinned Go modules (tools/install-crds.sh), are installed into a real kube-apiserver
 * and must be Established; then each object goes through a server-side dry run
 * (`kubectl apply --dry-run=server`, i.e. `dryRun=All`), which runs the CRD's OpenAPI schema,
 * its CEL rules and strict field validation (an unknown field is an error), and stores nothing.
 *
 * Covered: every render target (RENDER_TARGETS: the list `render --target` offers) for every
 * built-in and example custom environment, through the core API and the CLI; the GitOps fleet
 * (`generate --gitops argocd|flux`, both sources) and the Applications Argo CD's generator makes
 * for a fleet of three clusters; the chart (`cilium.enabled`, with and without the FQDN
 * allow-list) and the Kustomize Cilium components for every environment. The check is shown to fail: the policy API's own invalid CRD
 * test data, a broken CiliumNetworkPolicy, Application and Kustomization are all refused.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  ENVIRONMENTS,
  RENDER_TARGETS,
  argoCdApplication,
  ciliumNetworkPolicies,
  parseEnvironmentsConfig,
  resolveNamespaceIsolationOptions,
  toYamlStream,
  type EnvironmentDefinition,
  type FleetOptions,
} from '@k8s-security-pro/core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, parseYamlStream } from './cluster.js';
import { ControlPlane } from './control-plane.js';
import { CRD_MODULES, allCrdFiles, moduleDir, networkPolicyApiTestData } from './crds.js';
import { REPO_ROOT, describeFailure, run, runOk, toolPath, type CommandResult } from './process.js';

const CLI = 'packages/cli/bin/k8s-security.js';

/** Teams' own environments, as `generate --config` takes them: the README's example and a many-namespace one. */
const CUSTOM_CONFIG = {
  environments: [
    { name: 'qa', description: 'QA namespace', differences: ['QA nodes run NodeLocal DNSCache'], values: { targetNamespaces: ['qa'], denyEgressExceptDns: { nodeLocalDns: { enabled: true } } } },
    { name: 'no-egress-deny', values: { targetNamespaces: ['team-a'], denyEgressExceptDns: { enabled: false } } },
    {
      name: 'many',
      values: {
        targetNamespaces: ['payments', 'ledger'],
        allowIngressController: { namespace: 'traefik', podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } }, ports: [{ port: 8443 }], nodeCidrs: ['10.0.0.0/16'] },
        allowMonitoring: { ports: [{ port: 'metrics' }, { port: 9100, endPort: 9110 }] },
        denyEgressExceptDns: {
          dns: { podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns', 'coredns'] }] } },
          apiServer: { enabled: true, cidrs: ['10.96.0.1/32'], ports: [{ port: 6443 }] },
          allowedEgress: [{ cidr: '192.168.0.0/16', except: ['192.168.1.0/24'], ports: [{ port: 5432 }] }],
        },
      },
    },
  ],
};
const CUSTOM_ENVIRONMENTS = parseEnvironmentsConfig(CUSTOM_CONFIG);
const ALL_ENVIRONMENTS: readonly EnvironmentDefinition[] = [...ENVIRONMENTS, ...CUSTOM_ENVIRONMENTS];
const FQDN_FLAGS = ['--allow-fqdn', 'api.example.com', '--allow-fqdn', '*.example.org', '--fqdn-port', '443/TCP', '--fqdn-port', '8443'];
/** Kinds the suite dry-runs; none may exist on the server at the end. */
const CUSTOM_KINDS = 'clusternetworkpolicies,ciliumnetworkpolicies,ciliumclusterwidenetworkpolicies,applications,applicationsets,appprojects,kustomizations,gitrepositories,ocirepositories';

type KubeObject = { readonly apiVersion?: string; readonly kind?: string; readonly metadata?: { readonly name?: string; readonly namespace?: string }; readonly spec?: unknown };

/** The objects of a YAML stream. */
const objectsOf = (yaml: string): KubeObject[] => parseYamlStream(yaml) as KubeObject[];

let plane: ControlPlane;
let cluster: Cluster;

/** Installs CRD files with server-side apply and waits until each is Established. */
async function installCrds(files: readonly string[]): Promise<void> {
  const names: string[] = [];
  for (const file of files) {
    const crd = parse(readFileSync(file, 'utf8')) as { kind: string; metadata: { name: string } };
    expect(crd.kind, file).toBe('CustomResourceDefinition');
    names.push(crd.metadata.name);
    await cluster.kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', file]);
  }
  await cluster.kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', ...names.map((name) => `crd/${name}`)]);
}

beforeAll(async () => {
  const files = allCrdFiles();
  plane = await ControlPlane.start();
  cluster = new Cluster(plane.endpoints);
  await installCrds(files);
});

afterAll(async () => {
  await plane?.stop();
});

function namespacesOf(objects: readonly KubeObject[]): string[] {
  return [...new Set(objects.flatMap((object) => (object.metadata?.namespace ? [object.metadata.namespace] : [])))].sort();
}

/** Namespaces made so far: each kubectl call costs a process start, and dry runs create none. */
const madeNamespaces = new Set<string>();
async function ensureNamespacesOf(objects: readonly KubeObject[]): Promise<void> {
  const missing = namespacesOf(objects).filter((namespace) => !madeNamespaces.has(namespace));
  await cluster.ensureNamespaces(missing);
  missing.forEach((namespace) => madeNamespaces.add(namespace));
}

/** `validate: false` asks the server to drop unknown fields (fieldValidation=Ignore) instead of refusing them. */
async function dryRun(yaml: string, { validate = true } = {}): Promise<CommandResult> {
  return cluster.kubectl(['apply', '--dry-run=server', ...(validate ? [] : ['--validate=false']), '-f', '-'], { input: yaml });
}

/** Asserts the server accepts every object of the stream in a dry run, one `(server dry run)` line each. */
async function expectAccepted(route: string, objects: readonly KubeObject[]): Promise<void> {
  expect(objects.length, `${route} rendered no object`).toBeGreaterThan(0);
  await ensureNamespacesOf(objects);
  const result = await dryRun(toYamlStream(objects));
  expect(result.code, `${route}: ${describeFailure(result)}`).toBe(0);
  const accepted = result.stdout.split('\n').filter((line) => line.endsWith('(server dry run)'));
  expect(accepted, `${route}: one line per object`).toHaveLength(objects.length);
}

/** Asserts the server refuses the one object in a dry run, with a message matching `reason`. */
async function expectRefused(what: string, object: KubeObject, reason: RegExp, options: { validate?: boolean } = {}): Promise<void> {
  await ensureNamespacesOf([object]);
  const result = await dryRun(toYamlStream([object]), options);
  expect(result.code, `${what} was accepted: ${result.stdout}`).not.toBe(0);
  expect(result.stderr, what).toMatch(reason);
}

async function cli(args: readonly string[]): Promise<string> {
  const result = await run(process.execPath, [CLI, ...args]);
  expect(result.code, describeFailure(result)).toBe(0);
  return result.stdout;
}

describe('the CRDs from the pinned modules', () => {
  it('are Established on the API server, one per kind the targets and the fleet render', async () => {
    const { stdout } = await cluster.kubectlOk(['get', 'crd', '-o', 'jsonpath={range .items[*]}{.spec.names.kind}{"\\n"}{end}']);
    expect(stdout.trim().split('\n').sort()).toEqual(
      ['AppProject', 'Application', 'ApplicationSet', 'CiliumClusterwideNetworkPolicy', 'CiliumNetworkPolicy', 'ClusterNetworkPolicy', 'GitRepository', 'Kustomization', 'OCIRepository'].sort(),
    );
  });

  it('every render target that is not a built-in kind names a CRD this suite installs', () => {
    const installed = allCrdFiles();
    for (const target of RENDER_TARGETS.filter((t) => t.crd)) {
      expect(installed.some((file) => file.endsWith(target.crd!.path)), `${target.name}: ${target.crd!.path}`).toBe(true);
    }
  });
});

describe.each(RENDER_TARGETS.map((target) => [target.name, target] as const))('render target %s', (name, target) => {
  it.each(ALL_ENVIRONMENTS.map((environment) => [environment.name, environment] as const))(
    'every object rendered for environment %s passes the server-side dry run, from the core API and the CLI',
    async (envName, environment) => {
      if (name === 'cluster-network-policy' && envName === 'many') {
        // v1beta1's standard channel has no named ports and no IP sources for ingress: the core
        // refuses them, naming the fields, rather than render something weaker.
        expect(() => target.render({ options: environment.values })).toThrow(/allowIngressController\.nodeCidrs[\s\S]*allowMonitoring\.ports\[0\]\.port/);
        return;
      }
      await expectAccepted(`core ${name} ${envName}`, target.render({ options: environment.values }));
      if (ENVIRONMENTS.includes(environment)) {
        await expectAccepted(`render --target ${name} --env ${envName}`, objectsOf(await cli(['render', '--target', name, '--env', envName])));
      }
    },
  );
});

describe('CiliumNetworkPolicy with the egress allow-list by DNS name', () => {
  it.each(ALL_ENVIRONMENTS.filter((e) => e.values.denyEgressExceptDns?.enabled !== false).map((e) => [e.name, e] as const))(
    'passes the server-side dry run for environment %s, from the core API and the CLI',
    async (envName, environment) => {
      const objects = ciliumNetworkPolicies(environment.values, { fqdnEgress: { names: ['api.example.com'], patterns: ['*.example.org'], ports: [{ port: 443 }, { port: 8443, protocol: 'TCP' }] } });
      expect(JSON.stringify(objects)).toContain('toFQDNs');
      await expectAccepted(`core cilium+fqdn ${envName}`, objects);
      if (ENVIRONMENTS.includes(environment)) {
        await expectAccepted(`render --target cilium --env ${envName} --allow-fqdn`, objectsOf(await cli(['render', '--target', 'cilium', '--env', envName, ...FQDN_FLAGS])));
      }
    },
  );

  it.each([
    ['a DNS name Cilium does not accept', (spec: Record<string, unknown>) => ({ ...spec, egress: [{ toFQDNs: [{ matchName: 'not a name!' }] }] }), /matchName|should match/],
    ['a protocol Cilium does not know', (spec: Record<string, unknown>) => ({ ...spec, egress: [{ toPorts: [{ ports: [{ port: '443', protocol: 'HTTP' }] }] }] }), /protocol|Unsupported value/],
    ['a field Cilium does not have', (spec: Record<string, unknown>) => ({ ...spec, egressAllowList: ['api.example.com'] }), /unknown field|egressAllowList/],
  ])('the server refuses a CiliumNetworkPolicy with %s (the check above can fail)', async (_what, breakSpec, reason) => {
    const [policy] = ciliumNetworkPolicies({ targetNamespaces: ['dev'] });
    await expectAccepted('the unbroken policy', [policy!]);
    await expectRefused('broken CiliumNetworkPolicy', { ...policy!, spec: breakSpec(policy!.spec as unknown as Record<string, unknown>) }, reason);
  });
});

/**
 * `kustomize build` of an environment's overlay with the one line a user adds,
 * `components: [../../components/cilium/<env>]`: the overlay is copied into `scratch` with its
 * paths rebased (Kustomize takes relative paths only).
 */
async function kustomizeWithCilium(environment: EnvironmentDefinition, scratch: string): Promise<string> {
  const overlayDir = join(REPO_ROOT, 'kustomize/overlays', environment.name);
  const dir = join(scratch, environment.name);
  mkdirSync(dir, { recursive: true });
  const overlay = parse(readFileSync(join(overlayDir, 'kustomization.yaml'), 'utf8')) as { resources: string[]; components?: string[] };
  const rebase = (path: string) => relative(dir, join(overlayDir, path));
  const components = [...(overlay.components ?? []), `../../components/cilium/${environment.name}`].map(rebase);
  writeFileSync(join(dir, 'kustomization.yaml'), toYamlStream([{ ...overlay, resources: overlay.resources.map(rebase), components }]));
  return (await runOk(toolPath('kustomize'), ['build', dir])).stdout;
}

describe('the chart and the Kustomize tree with the Cilium part on', () => {
  const ciliumIn = (yaml: string) => objectsOf(yaml).filter((object) => object.kind === 'CiliumNetworkPolicy');
  const scratch = mkdtempSync(join(tmpdir(), 'k8s-security-cilium-e2e-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(ENVIRONMENTS.map((environment) => [environment.name, environment] as const))(
    'every CiliumNetworkPolicy of environment %s passes the server-side dry run, from helm template (with and without the FQDN allow-list) and kustomize build',
    async (envName, environment) => {
      const namespace = resolveNamespaceIsolationOptions(environment.values).targetNamespaces[0]!;
      const helm = ['template', 'k8s-security', 'charts/k8s-security', '-f', `charts/k8s-security/values-${envName}.yaml`, '-n', namespace, '--set', 'cilium.enabled=true'];
      const plain = ciliumIn((await runOk(toolPath('helm'), helm, { cwd: REPO_ROOT })).stdout);
      const fqdn = ['--set', 'cilium.fqdnEgress.names={api.example.com}', '--set', 'cilium.fqdnEgress.patterns={*.example.org}'];
      const withFqdn = ciliumIn((await runOk(toolPath('helm'), [...helm, ...fqdn], { cwd: REPO_ROOT })).stdout);
      expect(JSON.stringify(withFqdn)).toContain('toFQDNs');
      const kustomize = ciliumIn(await kustomizeWithCilium(environment, scratch));
      expect(kustomize.map((object) => object.metadata?.namespace)).toEqual(Array(kustomize.length).fill(namespace));
      await expectAccepted(`helm template -f values-${envName}.yaml --set cilium.enabled=true`, plain);
      await expectAccepted(`helm template -f values-${envName}.yaml with cilium.fqdnEgress`, withFqdn);
      await expectAccepted(`kustomize build overlays/${envName} + components/cilium/${envName}`, kustomize);
    },
  );
});

describe('the policy API CRD test data', () => {
  const asV1beta1 = (object: KubeObject): KubeObject => ({ ...object, apiVersion: 'policy.networking.k8s.io/v1beta1' });
  const load = (file: string) => parse(readFileSync(file, 'utf8')) as KubeObject;

  it.each(networkPolicyApiTestData('valid').map((file) => [file.split('/').pop()!, file]))('accepts the valid example %s, as v1alpha2 and as v1beta1', async (_name, file) => {
    await expectAccepted(file, [load(file)]);
    await expectAccepted(`${file} as v1beta1`, [asV1beta1(load(file))]);
  });

  // Refused twice: with strict field validation (as kubectl applies by default), and with unknown
  // fields dropped, so the refusal comes from the schema's and CEL's own rules (one example
  // also carries a field the schema does not have).
  it.each(networkPolicyApiTestData('invalid').map((file) => [file.split('/').pop()!, file]))('refuses the invalid example %s, as v1alpha2 and as v1beta1', async (_name, file) => {
    for (const object of [load(file), asV1beta1(load(file))]) {
      await expectRefused(`${file} as ${String(object.apiVersion)}`, object, /is invalid|Invalid value|Unsupported value|unknown field/);
      await expectRefused(`${file} as ${String(object.apiVersion)}, unknown fields dropped`, object, /is invalid|Invalid value|Unsupported value/, { validate: false });
    }
  });
});

describe('the GitOps fleet (generate --gitops)', () => {
  const sources = {
    oci: ['--source', 'oci', '--repo', 'registry.example.com/charts'],
    kustomize: ['--source', 'kustomize', '--repo', 'https://git.example.com/platform/policies.git', '--path', 'fleet'],
  };
  const cases = (['argocd', 'flux'] as const).flatMap((engine) =>
    (['oci', 'kustomize'] as const).flatMap((source) => [
      [engine, source, 'the built-in environments'] as const,
      [engine, source, 'custom environments (--config)'] as const,
    ]),
  );

  it.each(cases)('%s from %s, %s: every object passes the server-side dry run against the real CRDs', async (engine, source, environments) => {
    const out = join(plane.endpoints.dataDir, `fleet-${engine}-${source}-${environments.length}`);
    const config = join(plane.endpoints.dataDir, 'environments.json');
    writeFileSync(config, JSON.stringify(CUSTOM_CONFIG));
    const withConfig = environments.startsWith('custom') ? ['--config', config] : [];
    await cli(['generate', '--out', out, '--gitops', engine, ...sources[source], ...withConfig]);
    const objects = objectsOf(readFileSync(join(out, 'gitops', engine, 'fleet.yaml'), 'utf8'));
    const names = (withConfig.length > 0 ? CUSTOM_ENVIRONMENTS : ENVIRONMENTS).map((e) => e.name);
    const perEnvironment = engine === 'argocd' ? 'ApplicationSet' : 'Kustomization';
    expect(objects.filter((o) => o.kind === perEnvironment).map((o) => o.metadata?.name)).toEqual(names.map((n) => `k8s-security-${n}`));
    await expectAccepted(`generate --gitops ${engine} --source ${source}`, objects);
  });

  it.each(['argocd', 'flux'])('the committed example fleet for %s (examples/fleet) passes the server-side dry run', async (engine) => {
    const objects = objectsOf(readFileSync(join(REPO_ROOT, 'examples/fleet/gitops', engine, 'fleet.yaml'), 'utf8'));
    await expectAccepted(`examples/fleet/gitops/${engine}/fleet.yaml`, objects);
  });

  it('the Applications Argo CD makes for a fleet of three clusters and three environments pass the server-side dry run', async () => {
    const clusters = ['eu-west', 'us-east', 'ap-south'].map((name, i) => ({ clusterName: name, server: `https://10.0.${i}.1:6443` }));
    for (const source of [
      { kind: 'oci', repository: 'registry.example.com/charts', version: '0.1.0' },
      { kind: 'kustomize', repository: 'https://git.example.com/platform/policies.git', revision: 'main', path: '' },
    ] as const) {
      const options: FleetOptions = { fleet: 'k8s-security', source, environments: ENVIRONMENTS };
      const applications = ENVIRONMENTS.flatMap((environment) => clusters.map((destination) => argoCdApplication(options, environment, destination)));
      expect(applications).toHaveLength(9);
      await expectAccepted(`Applications from ${source.kind}`, applications);
    }
  });

  it.each([
    ['an AppProject whose sourceRepos is not a list', 'argocd', (o: KubeObject) => o.kind === 'AppProject', (o: KubeObject) => ({ ...o, spec: { ...(o.spec as object), sourceRepos: 'not-a-list' } }), /sourceRepos|must be of type array|Invalid value/],
    ['a Kustomization whose interval is not a duration', 'flux', (o: KubeObject) => o.kind === 'Kustomization', (o: KubeObject) => ({ ...o, spec: { ...(o.spec as object), interval: 'soon' } }), /interval|should match/],
    ['a Kustomization without its sourceRef', 'flux', (o: KubeObject) => o.kind === 'Kustomization', (o: KubeObject) => ({ ...o, spec: { ...(o.spec as Record<string, unknown>), sourceRef: undefined } }), /sourceRef|Required value/],
  ])('the server refuses %s (the check above can fail)', async (_what, engine, pick, breakObject, reason) => {
    const out = join(plane.endpoints.dataDir, `fleet-broken-${engine}`);
    mkdirSync(out, { recursive: true });
    await cli(['generate', '--out', out, '--force', '--gitops', engine, '--source', 'kustomize', '--repo', 'https://git.example.com/p.git']);
    const object = objectsOf(readFileSync(join(out, 'gitops', engine, 'fleet.yaml'), 'utf8')).find(pick)!;
    await expectAccepted('the unbroken object', [object]);
    await expectRefused(_what, JSON.parse(JSON.stringify(breakObject(object))) as KubeObject, reason);
  });
});

describe('the experimental channel of the policy API', () => {
  it('after its CRD replaces the standard one, accepts the experimental valid examples and refuses the invalid ones', async () => {
    await installCrds([join(moduleDir(CRD_MODULES.networkPolicyApi), 'config/crd/experimental/policy.networking.k8s.io_clusternetworkpolicies.yaml')]);
    const load = (file: string) => parse(readFileSync(file, 'utf8')) as KubeObject;
    const valid = networkPolicyApiTestData('valid', 'experimental');
    const invalid = networkPolicyApiTestData('invalid', 'experimental');
    expect(valid.length + invalid.length).toBeGreaterThan(0);
    for (const file of valid) await expectAccepted(file, [load(file)]);
    for (const file of invalid) await expectRefused(file, load(file), /is invalid|Invalid value/, { validate: false });
  });

  it('leaves nothing stored: every check above was a dry run', async () => {
    const { stdout } = await cluster.kubectlOk(['get', CUSTOM_KINDS, '-A', '-o', 'name']);
    expect(stdout.trim()).toBe('');
  });
});
