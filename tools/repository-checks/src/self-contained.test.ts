import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOutsideReferences, findOutsideReferences } from './self-contained.js';
import { REPOSITORY_ROOT, trackedTextFiles } from './tracked-files.js';

// The planted lines are assembled at run time, so this file itself stays clean.
const up = '..';
const beside = [up, 'shared', 'conformance'].join('/');
const path = (...parts: string[]) => ['', ...parts].join('/');
const machine = path('work', 'main', 'README.md');

describe('findOutsideReferences', () => {
  it('finds a path to a folder beside the checkout, in both spellings', () => {
    const found = findOutsideReferences([
      { path: 'a.ts', text: `const cases = '${beside}';` },
      { path: 'b.ts', text: `ok\njoin(root, '${up}', '${'shared'}', 'cases');` },
    ]);
    expect(found.map((ref) => `${ref.path}:${ref.line}`)).toEqual(['a.ts:1', 'b.ts:2']);
  });

  it('finds machine paths and names the line', () => {
    const found = findOutsideReferences([{ path: 'c.md', text: `see ${machine}\nthen ${path('root', '.cache')}\n${path('home', 'alice', 'x')}` }]);
    expect(found.map((ref) => `${ref.path}:${ref.line}: ${ref.text}`)).toEqual(['c.md:1: see ' + machine, 'c.md:2: then ' + path('root', '.cache'), 'c.md:3: ' + path('home', 'alice', 'x')]);
    expect(describeOutsideReferences(found).split('\n')[0]).toBe(`c.md:1: a machine path (${path('work', '')}): see ${machine}`);
  });

  it('finds citations of the pitfalls file that only existed beside the checkout', () => {
    const found = findOutsideReferences([{ path: 'e.md', text: `Pitfall 4 of ${'NETPOL'}-PITFALLS.md.` }]);
    expect(found.map((ref) => ref.what)).toEqual(['a pitfalls file users do not have']);
  });

  it('leaves relative paths, URLs and ordinary words alone', () => {
    const text = ['docs/pitfalls.md', '../../docs/pitfalls.md', 'https://example.com/root/x', 'a shared secret', 'path.join(root, "src")', 'homework/'].join('\n');
    expect(findOutsideReferences([{ path: 'd.md', text }])).toEqual([]);
  });
});

describe('the repository', () => {
  const files = trackedTextFiles();

  it('lists its files from git, new ones included', () => {
    expect(files.map((file) => file.path)).toEqual(expect.arrayContaining(['README.md', 'package.json', 'tools/repository-checks/src/self-contained.ts']));
  });

  it('names no folder beside the checkout and no machine path in any tracked file', () => {
    expect(describeOutsideReferences(findOutsideReferences(files))).toBe('');
  });

  it('has the full Apache License 2.0 at its root, the licence every package declares', () => {
    const license = readFileSync(join(REPOSITORY_ROOT, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(license).toContain('9. Accepting Warranty or Additional Liability.');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    const declared = files.filter((file) => file.path.endsWith('package.json') && !file.path.includes('node_modules'));
    for (const manifest of declared) {
      const { license: declaredLicense, private: isPrivate } = JSON.parse(manifest.text) as { license?: string; private?: boolean };
      if (!isPrivate || declaredLicense !== undefined) expect({ manifest: manifest.path, license: declaredLicense }).toEqual({ manifest: manifest.path, license: 'Apache-2.0' });
    }
  });

  it('keeps the conformance cases inside the checkout', () => {
    expect(existsSync(join(REPOSITORY_ROOT, 'packages/core/src/analyzer/conformance/cases'))).toBe(true);
  });
});
