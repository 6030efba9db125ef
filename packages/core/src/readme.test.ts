import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const readmePath = resolve(here, '../README.md');
const indexPath = resolve(here, 'index.ts');
const readme = readFileSync(readmePath, 'utf8');

/** The ```ts blocks of the README, in order, with the line each starts on. */
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
  code: match[1]!,
  line: readme.slice(0, match.index).split('\n').length,
}));

/**
 * What the examples export, checked against the behaviour the README promises. Every block must
 * export at least one of these, so no example runs unchecked.
 */
const EXPECTED: Record<string, (value: unknown) => void> = {
  names: (value) =>
    expect(value).toEqual([
      'allow-same-namespace',
      'allow-ingress-controller',
      'allow-monitoring',
      'default-deny-ingress',
      'deny-egress-except-dns',
    ]),
  firstLines: (value) =>
    expect(value).toEqual(['---', 'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: allow-same-namespace']),
  policyCount: (value) => expect(value).toBe(10),
  clusterPolicyNames: (value) => expect(value).toEqual(['Admin k8s-security-environment-dev', 'Baseline k8s-security-baseline-dev']),
  targets: (value) => expect(value).toEqual(['network-policy', 'cilium', 'cluster-network-policy']),
  egressDestinations: (value) => expect(value).toEqual(['the DNS pods', '169.254.20.10/32', '10.20.0.0/16']),
  issues: (value) => {
    const issues = value as Array<{ path: string; message: string }>;
    expect(issues.map((issue) => issue.path)).toEqual(['targetNamespaces[0]', 'allowMonitoring']);
    expect(issues[0]!.message).toContain('"Payments" is not a valid namespace name');
    expect(issues[0]!.message).toContain('e.g. "payments"');
    expect(issues[1]!.message).toContain('unknown key "enable" (did you mean "enabled"?)');
  },
  cidrIssue: (value) =>
    expect(value).toEqual({
      path: 'denyEgressExceptDns.allowedEgress[0].cidr',
      message: '"10.20.0.1/24" has host bits set: did you mean the network "10.20.0.0/24", or the single address "10.20.0.1/32"?',
    }),
  readObjects: (value) => expect(value).toEqual(['shop.yaml:1 Namespace']),
  readerNotes: (value) =>
    expect(value).toEqual(['Namespace shop in shop.yaml:1 replaces the different one in get.yaml:4, as kubectl apply would (the later wins)']),
  mirrorWithLayer5: (value) => expect(value).toEqual(['Ingress', 'Egress']),
  mirrorWithoutLayer5: (value) => expect(value).toEqual(['Ingress']),
  dnsRule: (value) =>
    expect(value).toEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    }),
};

const workDir = mkdtempSync(join(tmpdir(), 'core-readme-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Runs one block as a module, importing the package from this checkout's src. */
async function run(code: string, index: number): Promise<Record<string, unknown>> {
  const rewritten = code.replaceAll(`'@k8s-security-pro/core'`, JSON.stringify(indexPath));
  const file = join(workDir, `example-${index}.ts`);
  writeFileSync(file, rewritten);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

describe('packages/core/README.md', () => {
  it('has ts examples, and each imports the package by its published name', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const block of blocks) {
      expect(block.code, `block at line ${block.line}`).toContain(`from '@k8s-security-pro/core'`);
    }
  });

  it('documents the quick-start import the brief promises', () => {
    expect(readme).toContain(`import { namespaceIsolation, toYamlStream } from '@k8s-security-pro/core';`);
  });

  it('uses every expected export in some example', () => {
    const exported = blocks.flatMap((block) => [...block.code.matchAll(/^export const (\w+)/gm)].map((m) => m[1]!));
    expect(exported.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(blocks.map((block, index) => [block.line, block, index] as const))(
    'runs the example at line %i and its exports hold the documented values',
    async (_line, block, index) => {
      const exports = await run(block.code, index);
      const checked = Object.keys(exports).filter((name) => name in EXPECTED);
      expect(checked.length, 'the example exports nothing the test checks').toBeGreaterThan(0);
      for (const name of checked) EXPECTED[name]!(exports[name]);
    },
  );
});
