/**
 * Preloaded with `node --import` into a process the benchmark times: at exit it writes the
 * process's own peak resident set size (KiB) and CPU time (ms) as JSON to the file named by
 * BENCH_USAGE_FILE, so the figures are the whole CLI process's, measured with Node alone.
 */
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const target = process.env.BENCH_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ peakRssKiB: maxRSS, cpuMs: (userCPUTime + systemCPUTime) / 1000 }));
  });
}
