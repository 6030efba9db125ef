import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(resolve(here, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
const workDir = mkdtempSync(join(tmpdir(), 'analyzer-readme-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('the analyzer README', () => {
  it('has exactly one TypeScript example, importing the core package by its published name', () => {
    expect(examples).toHaveLength(1);
    expect(examples[0]).toContain(`from '@k8s-security-pro/core'`);
  });

  it('runs its example and gets the results its comments promise', async () => {
    const file = join(workDir, 'example.ts');
    writeFileSync(file, examples[0]!.replaceAll(`'@k8s-security-pro/core'`, JSON.stringify(resolve(here, '../index.ts'))));
    const result = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    expect(result['allowed']).toBe(true);
    expect(result['why']).toBe(
      'allowed: egress at the source is not isolated (no policy selects it for egress); ' +
        'ingress at the destination is allowed by policy shop/db-from-web ingress rule 0',
    );
    expect(result['reverse']).toBe(true);
    expect(result['summary']).toEqual({ connections: 1, allowed: 1, denied: 0, groupPairs: 2 });
    expect(result['notes']).toEqual(['added label kubernetes.io/metadata.name=shop to Namespace shop, as Kubernetes does']);
  });
});
