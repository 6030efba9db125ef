import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMPLIANCE_FRAMEWORKS, controlTag } from '@k8s-security-pro/core';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = readFileSync(`${REPO}docs/compliance.md`, 'utf8');

describe('docs/compliance.md', () => {
  it.each(COMPLIANCE_FRAMEWORKS.map((framework) => [framework.name, framework] as const))('lists every %s control with the checks that decide it', (_name, framework) => {
    for (const control of framework.controls) {
      const decidedBy = control.checks.length > 0 ? control.checks.join(', ') : 'manual';
      expect(DOC, controlTag(framework, control)).toContain(`| ${controlTag(framework, control)} | ${decidedBy} |`);
    }
    const tags = [...DOC.matchAll(new RegExp(`^\\| (${framework.tagPrefix} \\S+) \\|`, 'gm'))].map((match) => match[1]);
    expect(tags, 'controls in the docs that the data does not map').toEqual(framework.controls.map((control) => controlTag(framework, control)));
  });

  it('names the source version of every framework', () => {
    expect(DOC).toContain('v4.0 (March 2022)');
    expect(DOC).toContain('With Revised Points of Focus — 2022');
    expect(DOC).toContain('revised as of October 1, 2019');
    expect(DOC).toContain('CIS Kubernetes Benchmark v1.9.0');
    expect(DOC).toContain('MITRE ATT&CK Enterprise, v16.1');
  });

  it('shows the real output of the audit --framework example', async () => {
    const [, command = '', output = '', code = ''] = /```console\n\$ k8s-security (.*)\n([\s\S]*?)\n\$ echo \$\?\n(\d+)\n```/.exec(DOC) ?? [];
    let stdout = '';
    const exitCode = await main(command.split(' '), { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, cwd: REPO });
    expect(stdout.replace(/\n$/, '')).toBe(output);
    expect(exitCode).toBe(Number(code));
  });
});
