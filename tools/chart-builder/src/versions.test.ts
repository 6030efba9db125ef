/**
 * The release version is the root package.json's `version`; everything that repeats it (the
 * packages, their dependencies on each other, the chart) must agree, and CHANGELOG.md must
 * have its section, so a release bump that misses one place fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHART_VERSION } from '@k8s-security-pro/render';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as Record<string, unknown>;
const VERSION = readJson('package.json').version as string;
const PACKAGES = ['packages/core', 'packages/render', 'packages/cli', 'packages/e2e', 'tools/chart-builder'];

describe('the release version', () => {
  it('is the version of every package and of every dependency between them', () => {
    for (const folder of PACKAGES) {
      const manifest = readJson(`${folder}/package.json`);
      expect(manifest.version, `${folder}/package.json version`).toBe(VERSION);
      const dependencies = (manifest.dependencies ?? {}) as Record<string, string>;
      for (const [name, range] of Object.entries(dependencies)) {
        if (name.startsWith('@k8s-security-pro/')) expect(range, `${folder}: ${name}`).toBe(VERSION);
      }
    }
  });

  it('is the chart version and appVersion', () => {
    expect(CHART_VERSION).toBe(VERSION);
    const chart = readFileSync(join(REPO_ROOT, 'charts/k8s-security/Chart.yaml'), 'utf8');
    expect(chart).toContain(`\nversion: ${VERSION}\n`);
    expect(chart).toContain(`\nappVersion: "${VERSION}"\n`);
  });

  it('has a Keep a Changelog section in CHANGELOG.md', () => {
    expect(readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`\\n## \\[${VERSION.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}\\n`));
  });
});
