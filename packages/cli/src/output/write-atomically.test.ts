import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtomically, type Rename } from './write-atomically.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'write-atomically-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `root` with its content, by relative path. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return out;
}

/** A rename that fails on call `n` (1-based), as a full disk or a permission error would. */
function failingOnCall(n: number, onFailure: () => void = () => {}): Rename {
  let calls = 0;
  return (from, to) => {
    calls += 1;
    if (calls === n) {
      onFailure();
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC', path: to });
    }
    renameSync(from, to);
  };
}

const NEW_FILES = new Map([
  ['values-qa.yaml', 'new qa values\n'],
  ['values-uat.yaml', 'new uat values\n'],
  ['kustomize/overlays/qa/kustomization.yaml', 'new qa overlay\n'],
  ['kustomize/overlays/uat/kustomization.yaml', 'new uat overlay\n'],
  ['manifests/14_namespace_isolation-qa.yaml', 'new qa manifest\n'],
]);

describe('writeAtomically', () => {
  it('writes a new folder in one rename, with every file', () => {
    const out = join(dir, 'out');
    writeAtomically(out, NEW_FILES);
    expect(snapshot(out)).toEqual(Object.fromEntries(NEW_FILES));
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('replaces the files of an existing folder and keeps the files it does not write', () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'values-qa.yaml'), 'old qa values\n');
    writeFileSync(join(out, 'README.md'), 'mine\n');
    writeAtomically(out, NEW_FILES);
    expect(snapshot(out)).toEqual({ ...Object.fromEntries(NEW_FILES), 'README.md': 'mine\n' });
  });

  // 7 renames in all: 5 files in, 2 old files aside.
  it.each([1, 2, 3, 5, 7])('leaves an existing folder exactly as it was when rename call %i fails midway', (failing) => {
    const out = join(dir, 'out');
    mkdirSync(join(out, 'kustomize/overlays/qa'), { recursive: true });
    writeFileSync(join(out, 'values-qa.yaml'), 'old qa values\n');
    writeFileSync(join(out, 'kustomize/overlays/qa/kustomization.yaml'), 'old qa overlay\n');
    writeFileSync(join(out, 'README.md'), 'mine\n');
    const before = snapshot(out);

    expect(() => writeAtomically(out, NEW_FILES, failingOnCall(failing))).toThrow(/no space left/);
    expect(snapshot(out)).toEqual(before);
    // No folder it created (kustomize/overlays/uat, manifests) and no temporary folder is left.
    expect(existsSync(join(out, 'manifests'))).toBe(false);
    expect(existsSync(join(out, 'kustomize/overlays/uat'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('undoes real changes: when the last rename fails, the folder already holds new files until the rollback', () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'values-qa.yaml'), 'old qa values\n');
    const before = snapshot(out);
    let atFailure: Record<string, string> = {};
    expect(() => writeAtomically(out, NEW_FILES, failingOnCall(6, () => (atFailure = snapshot(out))))).toThrow(/no space left/);
    expect(atFailure).not.toEqual(before);
    expect(atFailure['values-uat.yaml']).toBe('new uat values\n');
    expect(snapshot(out)).toEqual(before);
  });

  it('leaves nothing when a new folder cannot be moved into place', () => {
    const out = join(dir, 'out');
    expect(() => writeAtomically(out, NEW_FILES, failingOnCall(1))).toThrow(/no space left/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
