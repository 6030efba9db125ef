/**
 * Times whole `k8s-security analyze` processes, as a user runs them, on a folder of manifests:
 * wall time, CPU time and the process's peak RSS, with its stdout drained and counted.
 */
import console from 'node:console';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const CLI_ENTRY = resolve(here, '../../cli/bin/k8s-security.js');
const USAGE_PRELOAD = pathToFileURL(join(here, 'process-usage.mjs')).href;

/**
 * Runs `k8s-security analyze DIR ...args` (or another `command`) in a new Node process.
 * Resolves to `{ ms, cpuMs, peakRssMiB, outputBytes, outputLines, code, stderr }`.
 */
export function runCli(dir, args, command = 'analyze') {
  const scratch = mkdtempSync(join(tmpdir(), 'cli-bench-'));
  const usageFile = join(scratch, 'usage.json');
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--import', USAGE_PRELOAD, CLI_ENTRY, command, dir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_USAGE_FILE: usageFile },
    });
    let outputBytes = 0;
    let outputLines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      outputBytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) outputLines++;
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      let peakRssMiB = NaN;
      let cpuMs = NaN;
      try {
        const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
        peakRssMiB = usage.peakRssKiB / 1024;
        cpuMs = usage.cpuMs;
      } catch {
        // The process died before its exit handler ran (e.g. killed by an out-of-memory error).
      }
      rmSync(scratch, { recursive: true, force: true });
      resolvePromise({ ms, cpuMs, peakRssMiB, outputBytes, outputLines, code, stderr: stderr.trim().split('\n').slice(-1)[0] ?? '' });
    });
  });
}

/**
 * Adds to `misses` what one run of a command that exits 0 or 1 by design (`diff`, `verify`)
 * missed: another exit status, the wall-time target when there is one, or the peak RSS target.
 */
export function checkRun(run, label, { timeTargetMs, peakRssTargetMiB }, misses) {
  if (run.code !== 0 && run.code !== 1) misses.push(`${label}: exit ${run.code}: ${run.stderr}`);
  if (timeTargetMs !== undefined && run.ms > timeTargetMs) misses.push(`${label}: ${run.ms.toFixed(0)} ms > ${timeTargetMs} ms`);
  if (!(run.peakRssMiB <= peakRssTargetMiB)) misses.push(`${label}: peak RSS ${run.peakRssMiB.toFixed(0)} MiB > ${peakRssTargetMiB} MiB`);
}

/** Prints the missed targets, if any, and makes the process exit 1 for them. */
export function reportMisses(misses) {
  if (misses.length === 0) return;
  console.error(`targets missed:\n  ${misses.join('\n  ')}`);
  process.exitCode = 1;
}
