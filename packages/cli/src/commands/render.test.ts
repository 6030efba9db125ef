import { ENVIRONMENTS, RENDER_TARGETS, clusterModelFromObjects, evaluateConnection, namespaceIsolation, renderEnvironment, toYamlStream } from '@k8s-security-pro/core';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    cwd: process.cwd(),
    env: {},
  });
  return { code, stdout, stderr };
}

describe('k8s-security render --target', () => {
  it('keeps the NetworkPolicy set as the default target', async () => {
    const { code, stdout } = await run(['render', '--env', 'dev']);
    expect(code).toBe(0);
    expect(stdout).toBe(toYamlStream(namespaceIsolation(ENVIRONMENTS[0]!.values)));
  });

  it('prints what the core renders for every target and environment', async () => {
    for (const target of RENDER_TARGETS) {
      for (const environment of ENVIRONMENTS) {
        const { code, stdout } = await run(['render', '--env', environment.name, '--target', target.name]);
        expect({ target: target.name, environment: environment.name, code }).toEqual({ target: target.name, environment: environment.name, code: 0 });
        expect(stdout).toBe(toYamlStream(renderEnvironment(target.name, environment)));
      }
    }
  });

  it('prints ClusterNetworkPolicies that the analyzer reads back with the Admin tier in force', async () => {
    const { stdout } = await run(['render', '--env', 'dev', '--target', 'cluster-network-policy']);
    const objects = yaml.loadAll(stdout) as unknown[];
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

  it('refuses an unknown target in one line that lists the targets', async () => {
    const { code, stderr } = await run(['render', '--target', 'cilium']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('--target "cilium" is not a render target: use one of network-policy, cluster-network-policy');
  });
});
