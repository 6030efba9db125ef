import {
  ENVIRONMENTS,
  RENDER_TARGETS,
  ciliumNetworkPolicies,
  clusterModelFromObjects,
  environmentNamed,
  evaluateConnection,
  namespaceIsolation,
  renderEnvironment,
  toYamlStream,
} from '@k8s-security-pro/core';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd: process.cwd(), stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe('k8s-security render --target', () => {
  it('prints NetworkPolicies by default and CiliumNetworkPolicies with --target cilium, the same as the core', async () => {
    expect((await run('render', '--env', 'dev')).stdout).toBe(toYamlStream(namespaceIsolation(environmentNamed('dev').values)));
    expect((await run('render', '--env', 'dev', '--target', 'network-policy')).stdout).toBe(toYamlStream(namespaceIsolation(environmentNamed('dev').values)));
    expect((await run('render', '--env', 'staging', '--target', 'cilium')).stdout).toBe(toYamlStream(ciliumNetworkPolicies(environmentNamed('staging').values)));
  });

  it('adds the FQDN allow-list from --allow-fqdn and --fqdn-port', async () => {
    const result = await run('render', '--target', 'cilium', '--allow-fqdn', 'api.example.com', '--allow-fqdn', '*.example.org', '--fqdn-port', '8443/tcp', '--fqdn-port', '53/UDP');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      toYamlStream(ciliumNetworkPolicies({}, { fqdnEgress: { names: ['api.example.com'], patterns: ['*.example.org'], ports: [{ port: 8443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } })),
    );
  });

  it.each([
    [['--target', 'calico'], 'k8s-security: --target "calico" is not a render target: use one of network-policy, cilium, cluster-network-policy'],
    [['--allow-fqdn', 'api.example.com'], 'k8s-security: --allow-fqdn needs --target cilium: network-policy cannot express egress by DNS name'],
    [['--target', 'cilium', '--fqdn-port', '443'], 'k8s-security: --fqdn-port and --allow-broad-fqdn-patterns need --allow-fqdn: name the destinations first'],
    [['--target', 'cilium', '--allow-fqdn', 'a.example.com', '--fqdn-port', '70000'], 'k8s-security: --fqdn-port "70000" is not a port: use a number from 1 to 65535, optionally with /TCP or /UDP (443/TCP)'],
  ])('refuses %j in one line, printing nothing on stdout', async (args, message) => {
    const result = await run('render', ...args);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('refuses a pattern that covers a whole top-level domain unless --allow-broad-fqdn-patterns', async () => {
    const refused = await run('render', '--target', 'cilium', '--allow-fqdn', '*.com');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^k8s-security: --allow-fqdn: "\*\.com" covers names under a whole top-level domain, .*pass --allow-broad-fqdn-patterns to accept it\n$/);
    expect((await run('render', '--target', 'cilium', '--allow-fqdn', '*.com', '--allow-broad-fqdn-patterns')).stdout).toContain('matchPattern: "*.com"');
  });

  it('prints what the core renders for every target and built-in environment', async () => {
    for (const target of RENDER_TARGETS) {
      for (const environment of ENVIRONMENTS) {
        const { code, stdout } = await run('render', '--env', environment.name, '--target', target.name);
        expect({ target: target.name, environment: environment.name, code }).toEqual({ target: target.name, environment: environment.name, code: 0 });
        expect(stdout).toBe(toYamlStream(renderEnvironment(target.name, environment)));
      }
    }
  });

  it('prints ClusterNetworkPolicies that the analyzer reads back with the Admin tier in force', async () => {
    const { stdout } = await run('render', '--env', 'dev', '--target', 'cluster-network-policy');
    const objects = parseAllDocuments(stdout).map((document) => document.toJS() as unknown);
    const pod = (namespace: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'app', namespace, labels: { app: 'app' } },
      spec: { containers: [{ name: 'app', ports: [{ containerPort: 8080 }] }] },
    });
    const { model } = clusterModelFromObjects([...objects, pod('dev'), pod('staging')]);
    const verdict = evaluateConnection(model, 'staging/app', 'dev/app', 8080, 'TCP');
    expect(verdict.allowed).toBe(false);
    expect(verdict.explanation.ingress).toMatchObject({ state: 'denied', deniedBy: { tier: 'Admin', policy: 'ClusterNetworkPolicy/k8s-security-environment-dev', action: 'Deny' } });
  });
});
