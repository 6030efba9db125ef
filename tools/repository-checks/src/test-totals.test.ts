import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './tracked-files.js';

const SCRIPT = join(REPOSITORY_ROOT, 'tools/lib/test-totals.sh');

/** What tools/run-tests.sh prints last for `log`. */
function totalLine(log: string): string {
  return execFileSync('bash', [SCRIPT], { input: log, encoding: 'utf8' }).trim();
}

// Summary lines as vitest 4 colours them (captured from real runs).
const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;
const green = (text: string) => `\x1b[1m\x1b[32m${text}\x1b[39m\x1b[22m`;
const red = (text: string) => `\x1b[1m\x1b[31m${text}\x1b[39m\x1b[22m`;
const vitestSummary = (passed: number, extra = '') => [
  `${dim(' Test Files ')} ${green('2 passed')}\x1b[90m (2)\x1b[39m`,
  `${dim('      Tests ')} ${extra}${green(`${passed} passed`)}\x1b[90m (${passed})\x1b[39m`,
  `${dim('   Start at ')} 22:45:16`,
];
/** A task nx runs: every line carries its project name. */
const nxRan = (project: string, passed: number) => [`> nx run ${project}:test`, '', ...vitestSummary(passed).map((line) => `${project}: ${line}`)];
/** A task nx takes from its cache: the replayed output has no prefix. */
const nxReplayed = (project: string, passed: number) => [`> nx run ${project}:test  [existing outputs match the cache, left as is]`, '', ...vitestSummary(passed)];

/** One whole run, step by step, with the per-step counts of a real `npm test`. */
const wholeRun = [
  '==> unit tests (vitest)',
  ...nxReplayed('render', 209),
  ...nxReplayed('core', 754),
  ...nxRan('chart-builder', 9),
  ...nxRan('e2e-unit', 17),
  ...nxRan('repository-checks', 14),
  ...nxReplayed('cli', 775),
  '==> chart tests (helm lint --strict, helm-unittest)',
  // helm-unittest's own summary; test-chart.sh restates it on the last line, counted once.
  `\x1b[1mTests:\x1b[0m       \x1b[32m254 passed\x1b[0m, 254 total`,
  'helm-unittest: 254 passed, 0 failed',
  '==> end-to-end',
  ...nxRan('e2e', 101),
  '==> dataplane',
  ...vitestSummary(37).map((line) => `dataplane: ${line}`),
].join('\n');

describe('tools/lib/test-totals.sh', () => {
  it('sums every step, prefixed by nx or replayed from its cache without the prefix', () => {
    expect(totalLine(wholeRun)).toBe(`total: ${209 + 754 + 9 + 17 + 14 + 775 + 254 + 101 + 37} passed, 0 failed, 0 skipped`);
  });

  it('says so when a suite failed, and counts skipped and todo tests as skipped', () => {
    const failing = `${dim('      Tests ')} ${red('1 failed')}${dim(' | ')}${green('1 passed')}${dim(' | ')}\x1b[33m1 skipped\x1b[39m${dim(' | ')}\x1b[90m1 todo\x1b[39m\x1b[90m (4)\x1b[39m`;
    expect(totalLine(`${wholeRun}\ncli: ${failing}`)).toBe('total: 2171 passed, 1 failed, 2 skipped');
    expect(totalLine('helm-unittest: 250 passed, 4 failed')).toBe('total: 250 passed, 4 failed, 0 skipped');
  });

  it('counts errors vitest reports outside any test as failures', () => {
    expect(totalLine(`${dim('      Tests ')} ${green('3 passed')} (3)\n${dim('     Errors ')} ${red('2 errors')}`)).toBe('total: 3 passed, 2 failed, 0 skipped');
  });

  it('ignores test file counts and test names that mention tests', () => {
    const log = [`${dim(' Test Files ')} ${green('5 passed')} (5)`, 'cli:  ✓ src/x.test.ts > Tests 3 passed in a name', 'core: Tests are fun: 4 passed'].join('\n');
    expect(totalLine(log)).toBe('total: 0 passed, 0 failed, 0 skipped');
  });

  it('prints a zero total for empty output', () => {
    expect(totalLine('')).toBe('total: 0 passed, 0 failed, 0 skipped');
  });
});
