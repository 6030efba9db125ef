/**
 * Keeps packages/cli/ANALYZE.md honest: its manifests are written to a temp folder, every
 * `$ k8s-security ...` console block is run in-process there, and the block must show exactly
 * what the command prints (stdout on success, the stderr line on failure).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli-run.js';

const DOC_PATH = new URL('../../ANALYZE.md', import.meta.url);
const doc = readFileSync(DOC_PATH, 'utf8');

const manifests = [...doc.matchAll(/<!-- file: (\S+) -->\n```yaml\n([\s\S]*?)```/g)].map(([, name, text]) => ({ name: name!, text: text! }));
const examples = [...doc.matchAll(/```console\n\$ k8s-security (.*)\n([\s\S]*?)```/g)].map(([, command, shown]) => ({ command: command!, shown: shown! }));

let workDir = '';

describe('ANALYZE.md', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'analyze-docs-'));
    for (const { name, text } of manifests) await writeFile(path.join(workDir, name), text);
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('holds the example manifests and runnable examples', () => {
    expect(manifests.map((manifest) => manifest.name)).toEqual(['shop.yaml', 'broken.yaml']);
    expect(examples.length).toBeGreaterThanOrEqual(9);
  });

  it.each(examples.map((example) => [example.command, example] as const))('shows what "k8s-security %s" prints', async (_, example) => {
    // The commands are split on spaces, so they must not need shell quoting.
    expect(example.command).not.toMatch(/["'\\$]/);
    const { code, stdout, stderr } = await runCli(example.command.split(' '), { cwd: workDir });
    if (code === 0) {
      expect(example.shown).toBe(stdout);
    } else {
      expect(code).toBe(2);
      expect(example.shown).toBe(stderr);
    }
  });
});
