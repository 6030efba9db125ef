import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AUDIT_CHECK_LIST, LINT_RULES } from '@k8s-security-pro/core';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DOC = readFileSync(fileURLToPath(new URL('../../LINT-AUDIT.md', import.meta.url)), 'utf8');

interface DocumentedRun {
  readonly args: string[];
  readonly output: string;
  readonly exitCode: number;
}

/** Each `$ k8s-security ...` line of the console blocks, with the output and `$ echo $?` below it. */
function documentedRuns(markdown: string): DocumentedRun[] {
  const runs: DocumentedRun[] = [];
  for (const [, block = ''] of markdown.matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = block.replace(/\n$/, '').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.startsWith('$ k8s-security ')) continue;
      const output: string[] = [];
      let j = i + 1;
      while (j < lines.length && !lines[j]!.startsWith('$ ')) output.push(lines[j++]!);
      if (lines[j] !== '$ echo $?') throw new Error(`"${lines[i]}" needs "$ echo $?" after its output`);
      runs.push({ args: lines[i]!.slice('$ k8s-security '.length).split(/\s+/), output: output.join('\n'), exitCode: Number(lines[j + 1]) });
    }
  }
  return runs;
}

describe('LINT-AUDIT.md', () => {
  const runs = documentedRuns(DOC);

  it('shows lint and audit runs', () => {
    expect(runs.map((run) => run.args[0])).toEqual(expect.arrayContaining(['lint', 'audit']));
  });

  for (const run of runs) {
    it(`shows the real output of k8s-security ${run.args.join(' ')}`, async () => {
      let stdout = '';
      const exitCode = await main(run.args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, cwd: REPOSITORY_ROOT });
      expect(stdout.replace(/\n$/, '')).toBe(run.output);
      expect(exitCode).toBe(run.exitCode);
    });
  }

  it('lists every lint rule and audit check with its severity', () => {
    for (const rule of LINT_RULES) expect(DOC).toContain(`| [${rule.id}](../../docs/lint/${rule.id}.md) ${rule.name} | ${rule.severity} |`);
    for (const check of AUDIT_CHECK_LIST) {
      expect(DOC).toContain(`| ${check.id} ${check.name} | ${check.severity} | ${check.summary} | ${check.controls.join(', ') || '-'} |`);
    }
  });
});
