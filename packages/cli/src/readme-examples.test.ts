import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-support/cli-run.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(`${repoRoot}README.md`, 'utf8');

/** ```console blocks that start with `$ npx k8s-security ...`: the command, then its exact stdout. */
const examples = [...readme.matchAll(/^```console\n\$ npx k8s-security (.*)\n([\s\S]*?)^```$/gm)].map((match) => ({
  args: match[1]!.split(/\s+/),
  expected: match[2]!.trimEnd(),
}));

describe('the repository README', () => {
  it('shows analyze, audit and lint with their output', () => {
    expect(examples.map((example) => example.args[0]).sort()).toEqual(['analyze', 'analyze', 'audit', 'lint']);
  });

  it.each(examples.map((example) => [example.args.join(' '), example] as const))('prints what it shows for `k8s-security %s`', async (_command, example) => {
    const { stdout } = await runCli(example.args, { cwd: repoRoot });
    expect(stdout.trimEnd()).toBe(example.expected);
  });
});
