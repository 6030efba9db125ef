import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance, flagsInUsage, suggestFlag } from './did-you-mean.js';

describe('editDistance', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('form', 'from')).toBe(1);
    expect(editDistance('analyse', 'analyze')).toBe(1);
    expect(editDistance('lint', 'lint')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('render', 'audit')).toBe(5);
  });
});

describe('closestMatch', () => {
  const commands = ['render', 'generate', 'lint', 'audit', 'analyze'];

  it('finds the command a typo was meant to be', () => {
    expect(closestMatch('analyse', commands)).toBe('analyze');
    expect(closestMatch('lnt', commands)).toBe('lint');
    expect(closestMatch('generat', commands)).toBe('generate');
  });

  it('suggests nothing for a word that is not close to any candidate', () => {
    expect(closestMatch('deploy', commands)).toBeUndefined();
    expect(closestMatch('', commands)).toBeUndefined();
  });

  it('completes an unambiguous abbreviation of three letters or more', () => {
    expect(closestMatch('--kube', ['--kubeconfig', '--context'])).toBe('--kubeconfig');
    expect(closestMatch('--ex', ['--exclude', '--explain'])).toBeUndefined();
  });
});

describe('suggestFlag', () => {
  const lintFlags = ['--output', '--fail-on', '--disable', '--help'];

  it('turns --form into --from where --from exists', () => {
    expect(suggestFlag('--form', ['--output', '--from', '--to', '--help'])).toBe('--from');
  });

  it('maps --format and its typos to --output, the name this CLI uses', () => {
    expect(suggestFlag('--format', lintFlags)).toBe('--output');
    expect(suggestFlag('--form', lintFlags)).toBe('--output');
    expect(suggestFlag('--formt', lintFlags)).toBe('--output');
  });

  it('fixes a typo of a real flag', () => {
    expect(suggestFlag('--fail-no', lintFlags)).toBe('--fail-on');
    expect(suggestFlag('--disabel', lintFlags)).toBe('--disable');
  });

  it('suggests nothing for an unrelated flag, or a synonym of a flag the command lacks', () => {
    expect(suggestFlag('--colour', lintFlags)).toBeUndefined();
    expect(suggestFlag('--format', ['--env', '--help'])).toBeUndefined();
  });
});

describe('flagsInUsage', () => {
  it('reads the long flags a usage text documents', () => {
    const usage = 'Usage: x [--env dev|prod]\n  -o, --output FMT   e.g. --output json; see --fail-on\n  k8s-security-pro.io/lint-disable';
    expect(flagsInUsage(usage)).toEqual(['--env', '--output', '--fail-on', '--help']);
  });
});
