/**
 * values.yaml's `## @param` comments are the format of bitnami's readme-generator-for-helm;
 * this runs the real tool (the npm package) on the generated values.yaml.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test-support/tools.js';
import { chartValuesJsonSchema } from './chart-values.js';
import { chartParameters } from './parameters.js';

const require = createRequire(import.meta.url);
const GENERATOR = join(dirname(require.resolve('@bitnami/readme-generator-for-helm/package.json')), 'bin/index.js');
const VALUES = join(REPO_ROOT, 'charts/k8s-security/values.yaml');
const work = mkdtempSync(join(tmpdir(), 'readme-generator-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs readme-generator on `values` against a copy of the chart README; returns its output and the README it wrote. */
function generateReadme(values: string): { status: number | null; output: string; readme: string } {
  const readme = join(work, 'README.md');
  copyFileSync(join(REPO_ROOT, 'charts/k8s-security/README.md'), readme);
  const result = spawnSync(process.execPath, [GENERATOR, '--values', values, '--readme', readme], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, readme: readFileSync(readme, 'utf8') };
}

describe('readme-generator-for-helm on values.yaml', () => {
  it('accepts the metadata of every key', () => {
    const { status, output } = generateReadme(VALUES);
    expect(output).not.toMatch(/ERROR/);
    expect(output).toContain('Metadata is correct!');
    expect(status).toBe(0);
  });

  it('puts every chart parameter into the README table it writes', () => {
    const { readme } = generateReadme(VALUES);
    const leaves = chartParameters(chartValuesJsonSchema() as never).filter((parameter) => !parameter.section);
    expect(leaves.length).toBeGreaterThan(20);
    for (const parameter of leaves) expect(readme, parameter.path).toContain(`| \`${parameter.path}\``);
  });

  it('fails on a key without metadata, so the check above can fail', () => {
    const broken = join(work, 'values-broken.yaml');
    writeFileSync(broken, `${readFileSync(VALUES, 'utf8')}undocumented: 1\n`);
    const { status, output } = generateReadme(broken);
    expect(output).toContain('Missing metadata for key: undocumented');
    expect(status).not.toBe(0);
  });
});
