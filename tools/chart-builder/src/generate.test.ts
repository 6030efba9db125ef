import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createTemplateRenderer, GENERATED_ROOTS, HAND_WRITTEN, loadTemplateSources, renderProject } from '@k8s-security-pro/render';
import { compareTree, writeTree } from './write-tree.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const changelog = readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8');
const render = () => renderProject(createTemplateRenderer(loadTemplateSources()), undefined, changelog);

describe('renderProject', () => {
  it('renders byte-identical output on every run', () => {
    const first = render();
    const second = render();
    expect([...second.entries()]).toEqual([...first.entries()]);
  });

  it('opens every generated file with a do-not-edit banner in its own comment syntax', () => {
    for (const [path, content] of render()) {
      const firstLine = content.split('\n')[0]!;
      if (path.endsWith('.json')) {
        expect(JSON.parse(content).$comment, path).toContain('Do not edit; regenerate with `npm run generate`');
      } else {
        expect(firstLine, path).toMatch(/^(# |\{\{- \/\* |<!-- ).*Do not edit; regenerate with `npm run generate`/);
      }
    }
  });

  it('writes LF line ends, one trailing newline, and no timestamps', () => {
    for (const [path, content] of render()) {
      expect(content.includes('\r'), path).toBe(false);
      expect(content.endsWith('\n') && !content.endsWith('\n\n'), path).toBe(true);
      expect(content, path).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:/);
    }
  });

  it('matches the committed tree, so regenerating changes nothing', () => {
    expect(compareTree(REPO_ROOT, render(), GENERATED_ROOTS, HAND_WRITTEN)).toEqual([]);
  });

  it('renders one chart template per layer and a values file per environment', () => {
    const paths = [...render().keys()];
    expect(paths.filter((p) => /^charts\/k8s-security\/templates\/networkpolicy-.*\.yaml$/.test(p))).toHaveLength(5);
    expect(paths.filter((p) => /^charts\/k8s-security\/values-.*\.yaml$/.test(p)).sort()).toEqual([
      'charts/k8s-security/values-dev.yaml',
      'charts/k8s-security/values-prod.yaml',
      'charts/k8s-security/values-staging.yaml',
    ]);
  });
});

describe('writeTree and compareTree', () => {
  const files = new Map([
    ['out/a.yaml', 'a: 1\n'],
    ['out/nested/b.yaml', 'b: 2\n'],
  ]);

  it('reports changed, missing and stale files, then writes the tree so nothing differs', () => {
    const root = mkdtempSync(join(tmpdir(), 'chart-builder-'));
    try {
      mkdirSync(join(root, 'out/keep'), { recursive: true });
      writeFileSync(join(root, 'out/a.yaml'), 'a: 0\n');
      writeFileSync(join(root, 'out/old.yaml'), 'stale\n');
      writeFileSync(join(root, 'out/keep/hand-written.yaml'), 'mine\n');
      const differences = compareTree(root, files, ['out'], ['out/keep/']);
      expect(differences).toEqual([
        { path: 'out/a.yaml', kind: 'changed', detail: 'line 1: expected "a: 1", found "a: 0"' },
        { path: 'out/nested/b.yaml', kind: 'missing' },
        { path: 'out/old.yaml', kind: 'stale' },
      ]);
      writeTree(root, files, ['out'], ['out/keep/']);
      expect(compareTree(root, files, ['out'], ['out/keep/'])).toEqual([]);
      expect(readFileSync(join(root, 'out/keep/hand-written.yaml'), 'utf8')).toBe('mine\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
