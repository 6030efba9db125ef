/**
 * Keeps docs/verify.md honest: its files are written to a temp folder that also holds the
 * repository's examples/ and manifests/, every `$ k8s-security ...` console block is run
 * in-process there with the exit code its `<!-- exit: N -->` mark states, and the block must
 * show exactly what the command prints (stdout, or the stderr line for exit 2).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli-run.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const doc = readFileSync(path.join(REPO, 'docs/verify.md'), 'utf8');

const files = [...doc.matchAll(/<!-- file: (\S+) -->\n```yaml\n([\s\S]*?)```/g)].map(([, name, text]) => ({ name: name!, text: text! }));
const examples = [...doc.matchAll(/<!-- exit: (\d) -->\n```console\n\$ k8s-security (.*)\n([\s\S]*?)```/g)].map(([, exit, command, shown]) => ({ exit: Number(exit), command: command!, shown: shown! }));

let workDir = '';

describe('docs/verify.md', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'verify-docs-'));
    for (const { name, text } of files) await writeFile(path.join(workDir, name), text);
    for (const folder of ['examples', 'manifests']) await symlink(path.join(REPO, folder), path.join(workDir, folder));
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('holds its example files and an example of each exit code', () => {
    expect(files.map((file) => file.name)).toEqual(['expectations.yaml', 'leak.yaml', 'typo.yaml']);
    expect(examples.map((example) => example.exit)).toEqual([0, 1, 2, 0]);
  });

  it.each(examples.map((example) => [example.command, example] as const))('shows what "k8s-security %s" prints', async (_, example) => {
    expect(example.command).not.toMatch(/["'\\$]/);
    const { code, stdout, stderr } = await runCli(example.command.split(' '), { cwd: workDir, env: {} });
    expect(code).toBe(example.exit);
    expect(example.shown).toBe(code === 2 ? stderr : stdout);
  });
});
