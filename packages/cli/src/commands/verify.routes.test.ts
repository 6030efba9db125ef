/**
 * Template #14's threat model, checked by `k8s-security verify` on every install route's render,
 * as a user runs it: for each environment, `helm template -f values-<env>.yaml`,
 * `kustomize build kustomize/overlays/<env>`, `manifests/14_namespace_isolation-<env>.yaml` and
 * the core API's `namespaceIsolation()` are each verified against the reference topology
 * (examples/reference-cluster.yaml) with `examples/threat-model/<env>.yaml`. A render with a
 * layer switched off must fail, so the check can fail.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENTS, namespaceIsolation, resolveNamespaceIsolationOptions, toYamlStream } from '@k8s-security-pro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const TOOLS = process.env.K8S_SECURITY_TOOLS_DIR ?? path.join(REPO, '.tools');

function tool(name: 'helm' | 'kustomize', args: readonly string[]): string {
  const binary = path.join(TOOLS, 'bin', name);
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`bash tools/install-tools.sh\` (npm test does it for you)`);
  return execFileSync(binary, [...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, HELM_PLUGINS: path.join(TOOLS, 'helm-plugins') }, stdio: ['ignore', 'pipe', 'pipe'] });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-verify-routes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a render to a file of its own and returns its path. */
function renderFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const helmTemplate = (environment: string, namespace: string, extra: readonly string[] = []) =>
  tool('helm', ['template', 'k8s-security', 'charts/k8s-security', '-f', `charts/k8s-security/values-${environment}.yaml`, '-n', namespace, '--skip-tests', ...extra]);

/** The four routes' renders of one environment. */
function routes(environment: (typeof ENVIRONMENTS)[number]): [string, () => string][] {
  const namespace = resolveNamespaceIsolationOptions(environment.values).targetNamespaces[0]!;
  return [
    ['namespaceIsolation() from the core', () => renderFile(`core-${environment.name}.yaml`, toYamlStream(namespaceIsolation(environment.values)))],
    [`helm template -f values-${environment.name}.yaml`, () => renderFile(`helm-${environment.name}.yaml`, helmTemplate(environment.name, namespace))],
    [`kustomize build kustomize/overlays/${environment.name}`, () => renderFile(`kustomize-${environment.name}.yaml`, tool('kustomize', ['build', `kustomize/overlays/${environment.name}`]))],
    [`manifests/14_namespace_isolation-${environment.name}.yaml`, () => path.join(REPO, `manifests/14_namespace_isolation-${environment.name}.yaml`)],
  ];
}

async function verify(environment: string, render: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(['verify', '--expect', `examples/threat-model/${environment}.yaml`, 'examples/reference-cluster.yaml', render, '-o', 'json'], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    cwd: REPO,
    env: {},
  });
  return { code, stderr, report: stdout === '' ? undefined : (JSON.parse(stdout) as { summary: { total: number; passed: number }; results: { id: string; status: string; observed: string }[] }) };
}

describe.each(ENVIRONMENTS.map((environment) => [environment.name, environment] as const))('verify of the %s threat model', (name, environment) => {
  it.each(routes(environment))('holds on %s', async (_route, render) => {
    const { code, stderr, report } = await verify(name, render());
    const broken = report?.results.filter((result) => result.status !== 'pass').map((result) => `${result.id}: ${result.observed}`);
    expect({ code, broken, stderr: stderr.split('\n').filter((line) => !line.includes('note:')).join('\n') }).toEqual({ code: 0, broken: [], stderr: '' });
    expect(report!.summary.passed).toBe(report!.summary.total);
    expect(report!.summary.total).toBeGreaterThanOrEqual(10);
  });
});

describe('verify of a weakened render', () => {
  it('fails when helm renders prod with the egress layer off, naming the egress assertions', async () => {
    const weakened = renderFile('helm-prod-weakened.yaml', helmTemplate('prod', 'production', ['--set', 'denyEgressExceptDns.enabled=false']));
    const { code, report } = await verify('prod', weakened);
    expect(code).toBe(1);
    expect(report!.results.filter((result) => result.status !== 'pass').map((result) => result.id)).toEqual([
      'production-dns',
      'production-no-egress-to-other-namespaces',
      'production-no-egress-to-outside-ipv4',
      'production-no-egress-to-outside-ipv6',
    ]);
  });

  it("fails dev's threat model on staging's render: another environment's promises do not hold", async () => {
    const { code, report } = await verify('dev', path.join(REPO, 'manifests/14_namespace_isolation-staging.yaml'));
    expect(code).toBe(1);
    expect(report!.results.find((result) => result.id === 'dev-no-ingress-from-other-namespaces')!.status).toBe('fail');
  });
});
