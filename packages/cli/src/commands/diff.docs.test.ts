/**
 * Keeps packages/cli/DIFF.md honest: its manifests are written to a temp folder (a block may be
 * written to several files), every `$ k8s-security ...` console block is run in-process there,
 * and the block must show exactly what the command prints (stdout for exit 0 and 1, the stderr
 * line for exit 2).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli-run.js';

const doc = readFileSync(new URL('../../DIFF.md', import.meta.url), 'utf8');

const manifests = [...doc.matchAll(/<!-- file: ([^>]+?) -->\n```yaml\n([\s\S]*?)```/g)].flatMap(([, names, text]) => names!.split(' ').map((name) => ({ name, text: text! })));
const examples = [...doc.matchAll(/```console\n\$ k8s-security (.*)\n([\s\S]*?)```/g)].map(([, command, shown]) => ({ command: command!, shown: shown! }));

let workDir = '';

describe('DIFF.md', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'diff-docs-'));
    for (const { name, text } of manifests) {
      await mkdir(path.dirname(path.join(workDir, name)), { recursive: true });
      await writeFile(path.join(workDir, name), text);
    }
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('holds the example manifests and runnable examples', () => {
    expect(manifests.map((manifest) => manifest.name)).toEqual(['old/shop.yaml', 'new/shop.yaml', 'new/changes.yaml']);
    expect(examples.map((example) => example.command)).toEqual(['diff old new', 'diff new old -o md', 'diff old new -o json', 'diff - -']);
  });

  it.each(examples.map((example) => [example.command, example] as const))('shows what "k8s-security %s" prints', async (_, example) => {
    expect(example.command).not.toMatch(/["'\\$]/);
    const { code, stdout, stderr } = await runCli(example.command.split(' '), { cwd: workDir });
    expect(example.shown).toBe(code === 2 ? stderr : stdout);
  });

  it('exits 1 when NEW opens a connection and 0 when it opens none, as the text says', async () => {
    expect((await runCli(['diff', 'old', 'new'], { cwd: workDir })).code).toBe(1);
    expect((await runCli(['diff', 'new', 'new'], { cwd: workDir })).code).toBe(0);
  });
});
