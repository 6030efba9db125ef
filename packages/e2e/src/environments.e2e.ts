/**
 * Every delivery route, per environment, against a real kube-apiserver: the Helm chart with
 * values-<env>.yaml (install, upgrade, rollback, uninstall), the Kustomize overlay, the plain
 * manifests and the CLI's output. What the server stores is compared with the core model
 * (`namespaceIsolation(environmentNamed(env).values)`), server defaults applied.
 *
 * One control plane serves the file; environments run in order. Without a controller-manager
 * a deleted namespace never finishes terminating, so each test removes the policies it made
 * and the one route that may delete a namespace (`kubectl delete -k`) runs last.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentNamed, type NamespaceIsolationOptions } from '@k8s-security-pro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, parseYamlStream, type StoredNetworkPolicy } from './cluster.js';
import { ControlPlane } from './control-plane.js';
import { expectedPolicies, mergeValues } from './expected.js';
import { REPO_ROOT, describeFailure, run } from './process.js';

const CHART = 'charts/k8s-security';
const RELEASE = 'k8s-security';

let plane: ControlPlane;
let cluster: Cluster;

beforeAll(async () => {
  for (const path of [CHART, 'kustomize/overlays', 'manifests']) {
    if (!existsSync(join(REPO_ROOT, path))) throw new Error(`${path} is missing: generate it with \`npm run generate\``);
  }
  plane = await ControlPlane.start();
  cluster = new Cluster(plane.endpoints);
});

afterAll(async () => {
  await plane?.stop();
});

/** The namespaces a YAML stream's namespaced objects live in. */
function namespacesOf(objects: readonly Record<string, unknown>[]): string[] {
  const names = new Set<string>();
  for (const object of objects) {
    const metadata = object['metadata'] as { namespace?: string; name?: string } | undefined;
    if (object['kind'] === 'Namespace' && metadata?.name) names.add(metadata.name);
    else if (metadata?.namespace) names.add(metadata.namespace);
  }
  return [...names].sort();
}

/** Asserts that each namespace holds exactly the model's policies for `options`, as the server stores them. */
async function expectModelPolicies(options: NamespaceIsolationOptions, namespaces: readonly string[]): Promise<Map<string, StoredNetworkPolicy>> {
  const all = new Map<string, StoredNetworkPolicy>();
  for (const namespace of namespaces) {
    const stored = await cluster.networkPolicies(namespace);
    const expected = expectedPolicies(options, namespace);
    expect([...stored.keys()].sort(), `policies in namespace ${namespace}`).toEqual([...expected.keys()].sort());
    for (const [name, policy] of expected) {
      const actual = stored.get(name);
      expect(actual?.spec, `spec of ${namespace}/${name}`).toEqual(policy.spec);
      // The catalog annotations travel with every route; Helm may only add its own metadata
      // (it sets app.kubernetes.io/managed-by: Helm).
      expect(actual?.metadata.annotations ?? {}, `annotations of ${namespace}/${name}`).toMatchObject(policy.annotations);
      const { ['app.kubernetes.io/managed-by']: _managedBy, ...labels } = policy.labels;
      expect(actual?.metadata.labels ?? {}, `labels of ${namespace}/${name}`).toMatchObject(labels);
    }
    for (const [name, policy] of stored) all.set(`${namespace}/${name}`, policy);
  }
  return all;
}

async function expectNoPolicies(namespaces: readonly string[]): Promise<void> {
  for (const namespace of namespaces) {
    expect([...(await cluster.networkPolicies(namespace)).keys()], `policies left in namespace ${namespace}`).toEqual([]);
  }
}

/** Asserts that only `changed` differs between two snapshots: every other policy kept its uid and resourceVersion. */
function expectUntouchedExcept(before: Map<string, StoredNetworkPolicy>, after: Map<string, StoredNetworkPolicy>, changed: string): void {
  for (const [key, policy] of before) {
    if (key.endsWith(`/${changed}`)) continue;
    const now = after.get(key);
    expect(now?.metadata.uid, `${key} was replaced`).toBe(policy.metadata.uid);
    expect(now?.metadata.resourceVersion, `${key} was modified`).toBe(policy.metadata.resourceVersion);
  }
}

/** `kubectl apply --dry-run=server` of a YAML stream; asserts every object was accepted and nothing was stored. */
async function expectServerAccepts(route: string, yaml: string): Promise<void> {
  const objects = parseYamlStream(yaml);
  expect(objects.length, `${route} rendered no object`).toBeGreaterThan(0);
  const namespaces = namespacesOf(objects);
  await cluster.ensureNamespaces(namespaces);
  const before = await cluster.objectInventory(namespaces);
  const result = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: yaml });
  expect(result.code, `${route}: ${describeFailure(result)}`).toBe(0);
  const accepted = result.stdout.split('\n').filter((line) => line.endsWith('(server dry run)'));
  expect(accepted, `${route}: one line per object`).toHaveLength(objects.length);
  expect(await cluster.objectInventory(namespaces), `${route}: a dry run must store nothing`).toEqual(before);
}

describe.each(['dev', 'staging', 'prod'])('environment %s', (envName) => {
  const environment = environmentNamed(envName);
  const values = environment.values;
  const namespaces = [...(values.targetNamespaces ?? [])];
  const valuesFile = `${CHART}/values-${envName}.yaml`;
  const overlay = `kustomize/overlays/${envName}`;
  const manifestFiles = () =>
    readdirSync(join(REPO_ROOT, 'manifests'))
      .filter((file) => file === `14_namespace_isolation-${envName}.yaml` || (envName === 'prod' && file === '14_namespace_isolation.yaml'))
      .sort()
      .map((file) => `manifests/${file}`);

  beforeAll(async () => {
    await cluster.ensureNamespaces(namespaces);
  });

  it('names the target namespaces the routes install into', () => {
    expect(namespaces.length).toBeGreaterThan(0);
    expect(existsSync(join(REPO_ROOT, valuesFile)), valuesFile).toBe(true);
    expect(existsSync(join(REPO_ROOT, overlay)), overlay).toBe(true);
    expect(manifestFiles(), 'manifests for this environment').toContain(`manifests/14_namespace_isolation-${envName}.yaml`);
  });

  it('server-side dry run accepts every object rendered by Helm, Kustomize, the manifests and the CLI', async () => {
    const helm = await cluster.helmOk(['template', RELEASE, `./${CHART}`, '-f', valuesFile, '-n', namespaces[0] ?? 'default']);
    await expectServerAccepts(`helm template -f ${valuesFile}`, helm.stdout);
    const kustomize = await cluster.kubectlOk(['kustomize', overlay]);
    await expectServerAccepts(`kubectl kustomize ${overlay}`, kustomize.stdout);
    for (const file of manifestFiles()) {
      await expectServerAccepts(file, readFileSync(join(REPO_ROOT, file), 'utf8'));
    }
    const cli = await run(process.execPath, ['packages/cli/bin/k8s-security.js', 'render', '--env', envName]);
    expect(cli.code, describeFailure(cli)).toBe(0);
    await expectServerAccepts(`k8s-security render --env ${envName}`, cli.stdout);
  });

  it('server-side dry run rejects a policy the API server considers invalid (the check above can fail)', async () => {
    const helm = await cluster.helmOk(['template', RELEASE, `./${CHART}`, '-f', valuesFile, '-n', namespaces[0] ?? 'default']);
    const broken = helm.stdout.replace(/port: \d+/, 'port: 70000');
    expect(broken).not.toBe(helm.stdout);
    const result = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: broken });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/70000|between 1 and 65535/);
  });

  it.each([
    ['a port outside 1-65535', ['--set', 'allowMonitoring.ports[0].port=70000'], /70000|maximum|65535/],
    ['an unknown key', ['--set', 'allowMonitoring.notAnOption=true'], /notAnOption|additional propert/i],
  ])('Helm refuses %s before anything reaches the server', async (_what, flags, message) => {
    const before = await cluster.objectInventory(namespaces);
    const result = await cluster.helm(['install', RELEASE, `./${CHART}`, '-f', valuesFile, '-n', namespaces[0] ?? 'default', ...flags]);
    expect(result.code, 'helm install should fail').not.toBe(0);
    expect(result.stderr).toMatch(/values don't meet the specifications of the schema|schema/i);
    expect(result.stderr).toMatch(message);
    expect(await cluster.objectInventory(namespaces), 'no object may be created').toEqual(before);
  });

  it('helm install, upgrade, rollback and uninstall change exactly the policies they should', async () => {
    const ns = namespaces[0] ?? 'default';
    // install: the server holds the model's set for this environment.
    await cluster.helmOk(['install', RELEASE, `./${CHART}`, '-f', valuesFile, '-n', ns]);
    const installed = await expectModelPolicies(values, namespaces);

    // upgrade with a changed metrics port: allow-monitoring changes, nothing else is touched.
    const portChange = { allowMonitoring: { ports: [{ port: 9100, protocol: 'TCP' }] } };
    const portFile = join(plane.endpoints.dataDir, `port-change-${envName}.yaml`);
    writeFileSync(portFile, JSON.stringify(portChange));
    await cluster.helmOk(['upgrade', RELEASE, `./${CHART}`, '-f', valuesFile, '-f', portFile, '-n', ns]);
    const ported = await expectModelPolicies(mergeValues(values, portChange), namespaces);
    expectUntouchedExcept(installed, ported, 'allow-monitoring');
    for (const namespace of namespaces) {
      const monitoring = ported.get(`${namespace}/allow-monitoring`);
      expect(monitoring?.spec.ingress?.[0]?.ports).toEqual([{ port: 9100, protocol: 'TCP' }]);
      expect(monitoring?.metadata.uid).toBe(installed.get(`${namespace}/allow-monitoring`)?.metadata.uid);
    }

    // upgrade that turns layer 4 off: allow-monitoring goes, nothing else is touched.
    const off = { allowMonitoring: { enabled: false } };
    await cluster.helmOk(['upgrade', RELEASE, `./${CHART}`, '-f', valuesFile, '--set', 'allowMonitoring.enabled=false', '-n', ns]);
    const disabled = await expectModelPolicies(mergeValues(values, off), namespaces);
    for (const namespace of namespaces) expect(disabled.has(`${namespace}/allow-monitoring`)).toBe(false);
    expectUntouchedExcept(installed, disabled, 'allow-monitoring');

    // rollback to the installed revision restores the original set.
    await cluster.helmOk(['rollback', RELEASE, '1', '-n', ns]);
    const restored = await expectModelPolicies(values, namespaces);
    expectUntouchedExcept(installed, restored, 'allow-monitoring');
    const history = await cluster.helmOk(['history', RELEASE, '-n', ns, '-o', 'json']);
    expect((JSON.parse(history.stdout) as { revision: number }[]).map((r) => r.revision)).toEqual([1, 2, 3, 4]);

    // uninstall leaves no policy and no release.
    await cluster.helmOk(['uninstall', RELEASE, '-n', ns, '--wait']);
    await expectNoPolicies(namespaces);
    const list = await cluster.helmOk(['list', '-n', ns, '-a', '-q']);
    expect(list.stdout.trim()).toBe('');
  });

  it('kubectl apply -f of the plain manifests stores the model policies', async () => {
    for (const file of manifestFiles()) {
      const objects = parseYamlStream(readFileSync(join(REPO_ROOT, file), 'utf8'));
      const fileNamespaces = namespacesOf(objects);
      await cluster.ensureNamespaces(fileNamespaces);
      await cluster.kubectlOk(['apply', '-f', file]);
      // The unsuffixed file is the production set: the defaults.
      await expectModelPolicies(values, fileNamespaces);
      // Clean up the policies only: a deleted namespace would never finish terminating here.
      for (const namespace of fileNamespaces) await cluster.kubectlOk(['delete', 'networkpolicies', '--all', '-n', namespace]);
      await expectNoPolicies(fileNamespaces);
    }
  });

  it('k8s-security audit --kubeconfig reads this server and finds the namespace isolated only once the policies are in', async () => {
    const audit = async () => {
      const result = await run(process.execPath, [
        'packages/cli/bin/k8s-security.js', 'audit', '--kubeconfig', plane.endpoints.kubeconfig,
        '--include', namespaces.join(','), '--output', 'json', '--fail-on', 'none',
      ]);
      expect(result.code, describeFailure(result)).toBe(0);
      const report = JSON.parse(result.stdout) as { results: { ruleId: string; status: string; subject: string }[] };
      return report.results.filter((r) => namespaces.includes(r.subject)).map((r) => `${r.subject} ${r.ruleId} ${r.status}`);
    };
    await cluster.ensureNamespaces(namespaces);
    await cluster.createDnsPod();
    const before = await audit();
    expect(before.filter((line) => line.includes(' AUD001 ')), 'default deny before any policy').toEqual(namespaces.map((ns) => `${ns} AUD001 fail`));

    await cluster.kubectlOk(['apply', '-f', `manifests/14_namespace_isolation-${envName}.yaml`]);
    const after = await audit();
    expect(after.length).toBeGreaterThanOrEqual(5 * namespaces.length);
    expect(after.filter((line) => !line.endsWith(' pass')), 'checks failing with the policies applied').toEqual([]);

    for (const namespace of namespaces) await cluster.kubectlOk(['delete', 'networkpolicies', '--all', '-n', namespace]);
    await cluster.deleteDnsPod();
  });

  it('k8s-security analyze reads this server through --kubeconfig and $KUBECONFIG, and sees the policies cut another namespace off', async () => {
    const target = namespaces[0]!;
    const outside = `e2e-outside-${envName}`;
    const pod = (name: string, namespace: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { app: name } },
      spec: { containers: [{ name: 'main', image: 'app', ports: [{ containerPort: 8080, protocol: 'TCP' }] }] },
    });
    await cluster.ensureNamespaces([target, outside]);
    await cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('web', target), pod('intruder', outside)] }) });
    const verdicts = async (args: string[], env: Record<string, string> = {}) => {
      const result = await run(process.execPath, ['packages/cli/bin/k8s-security.js', 'analyze', ...args, '--port', '8080', '-o', 'json'], { env });
      expect(result.code, describeFailure(result)).toBe(0);
      const rows = (JSON.parse(result.stdout) as { connections: { from: string; to: string; allowed: boolean }[] }).connections;
      const verdict = (from: string, to: string) => rows.find((row) => row.from === from && row.to === to)?.allowed;
      return { fromOutside: verdict(`${outside}/intruder`, `${target}/web`), toOutside: verdict(`${target}/web`, `${outside}/intruder`) };
    };
    // Without policies every pod reaches every pod: the denial below comes from the policies.
    expect(await verdicts(['--kubeconfig', plane.endpoints.kubeconfig])).toEqual({ fromOutside: true, toOutside: true });

    await cluster.kubectlOk(['apply', '-f', `manifests/14_namespace_isolation-${envName}.yaml`]);
    expect(await verdicts(['--kubeconfig', plane.endpoints.kubeconfig])).toEqual({ fromOutside: false, toOutside: false });
    expect(await verdicts(['--cluster'], { KUBECONFIG: plane.endpoints.kubeconfig })).toEqual({ fromOutside: false, toOutside: false });

    for (const namespace of namespaces) await cluster.kubectlOk(['delete', 'networkpolicies', '--all', '-n', namespace]);
    await cluster.kubectlOk(['delete', 'pod', 'web', '-n', target, '--wait=false']);
    await cluster.kubectlOk(['delete', 'pod', 'intruder', '-n', outside, '--wait=false']);
  });

  it('kubectl apply -k of the overlay stores the model policies, a second apply changes nothing, delete -k removes them', async () => {
    const rendered = parseYamlStream((await cluster.kubectlOk(['kustomize', overlay])).stdout);
    const first = await cluster.kubectlOk(['apply', '-k', overlay]);
    const created = first.stdout.trim().split('\n');
    expect(created).toHaveLength(rendered.length);
    expect(created.filter((line) => !line.endsWith(' created')), 'objects that existed before the first apply').toEqual([]);
    await expectModelPolicies(values, namespaces);

    const second = await cluster.kubectlOk(['apply', '-k', overlay]);
    const lines = second.stdout.trim().split('\n');
    expect(lines).toHaveLength(rendered.length);
    expect(lines.filter((line) => !line.endsWith(' unchanged')), 'objects changed by a second apply').toEqual([]);

    await cluster.kubectlOk(['delete', '-k', overlay]);
    await expectNoPolicies(namespaces);
  });
});
