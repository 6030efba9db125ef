import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { NetworkPolicy } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(resolve(here, '../../../README.md'), 'utf8');
const [example] = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
const workDir = mkdtempSync(join(tmpdir(), 'root-readme-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('the repository README', () => {
  it('has a TypeScript example that imports the core package by its published name', () => {
    expect(example).toContain(`from '@k8s-security-pro/core'`);
  });

  it('runs its example, which isolates payments and lets Prometheus scrape the named metrics port', async () => {
    const file = join(workDir, 'example.ts');
    writeFileSync(file, example!.replaceAll(`'@k8s-security-pro/core'`, JSON.stringify(resolve(here, 'index.ts'))));
    const { policies, manifest } = (await import(pathToFileURL(file).href)) as { policies: NetworkPolicy[]; manifest: string };
    expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'payments/allow-same-namespace',
      'payments/allow-ingress-controller',
      'payments/allow-monitoring',
      'payments/default-deny-ingress',
      'payments/deny-egress-except-dns',
    ]);
    const monitoring = policies.find((p) => p.metadata.name === 'allow-monitoring')!;
    expect(monitoring.spec.ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 'metrics' }]);
    expect(manifest.split('\n---\n')).toHaveLength(5);
  });
});
