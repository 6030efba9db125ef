import { describe, expect, it } from 'vitest';
import { ProgressLine, describePaths } from './progress.js';

function terminal(columns = 80) {
  const stream = { text: '', isTTY: true, columns, write: (chunk: string) => (stream.text += chunk) };
  return stream;
}

function progressAt(stream: ReturnType<typeof terminal>) {
  const clock = { now: 0 };
  const progress = new ProgressLine(stream, { prefix: 'k8s-security analyze', now: () => clock.now, refreshMs: 0 });
  return { clock, progress };
}

describe('ProgressLine', () => {
  it('stays silent during the first second', () => {
    const stream = terminal();
    const { clock, progress } = progressAt(stream);
    progress.update('reading shop.yaml');
    clock.now = 999;
    progress.update('judging connections: 4096 so far');
    progress.stop();
    expect(stream.text).toBe('');
  });

  it('shows what the command is doing after a second, on one line it rewrites, and erases it at the end', () => {
    const stream = terminal();
    const { clock, progress } = progressAt(stream);
    progress.update('reading shop.yaml');
    clock.now = 1200;
    progress.update('judging connections: 4096 so far');
    clock.now = 2500;
    progress.update('judging connections: 8192 so far');
    progress.stop();
    expect(stream.text).toBe(
      '\r\x1b[Kk8s-security analyze: judging connections: 4096 so far (1s)' +
        '\r\x1b[Kk8s-security analyze: judging connections: 8192 so far (2s)' +
        '\r\x1b[K',
    );
  });

  it('redraws a changing label at most ten times a second', () => {
    const stream = terminal();
    const { clock, progress } = progressAt(stream);
    clock.now = 1000;
    for (let step = 0; step < 50; step++) {
      progress.update(`step ${step}`);
      clock.now += 10;
    }
    expect(stream.text.split('\r\x1b[K').filter((line) => line !== '')).toEqual(['k8s-security analyze: step 0 (1s)', 'k8s-security analyze: step 10 (1s)', 'k8s-security analyze: step 20 (1s)', 'k8s-security analyze: step 30 (1s)', 'k8s-security analyze: step 40 (1s)']);
  });

  it('erases its line before other output and fits the terminal width', () => {
    const stream = terminal(30);
    const { clock, progress } = progressAt(stream);
    clock.now = 1000;
    progress.update('reading a-very-long-folder-name/with/files');
    progress.clear();
    progress.clear();
    expect(stream.text).toBe('\r\x1b[Kk8s-security analyze: readin…\r\x1b[K');
  });

  it('writes nothing at all if the command never says what it does', () => {
    const stream = terminal();
    const { clock, progress } = progressAt(stream);
    clock.now = 5000;
    progress.stop();
    expect(stream.text).toBe('');
  });
});

describe('describePaths', () => {
  it('names one path, and counts several', () => {
    expect(describePaths(['shop.yaml'])).toBe('shop.yaml');
    expect(describePaths(['a', 'b', 'c'])).toBe('3 paths');
  });
});
