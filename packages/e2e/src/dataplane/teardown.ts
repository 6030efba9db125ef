/**
 * Nothing a dataplane run starts outlives it. Every process id and network namespace is
 * recorded here as it is created; {@link TeardownRecord.killNow} ends them synchronously from
 * exit and signal handlers, and a detached watchdog does the same if the test process is
 * killed outright (SIGKILL), reading the same record from a file.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { deleteNetnsSync } from './netns.js';

const WATCHDOG = String.raw`
const { readFileSync, existsSync, rmSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const [parent, file] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const timer = setInterval(() => {
  if (!existsSync(file)) { clearInterval(timer); return; }
  if (alive(Number(parent))) return;
  clearInterval(timer);
  let record = { pids: [], netns: [] };
  try { record = JSON.parse(readFileSync(file, 'utf8')); } catch {}
  for (const pid of record.pids) { try { process.kill(pid, 'SIGKILL'); } catch {} }
  setTimeout(() => {
    for (const name of record.netns) {
      try { execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' }); } catch {}
      rmSync('/etc/netns/' + name, { recursive: true, force: true });
    }
    rmSync(file, { force: true });
  }, 500);
}, 500);
`;

const live = new Set<TeardownRecord>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killAll(): void {
  for (const record of live) record.killNow();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  live.clear();
  process.off('exit', killAll);
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

/** What one dataplane run has started, kept on disk for the watchdog. */
export class TeardownRecord {
  private readonly pids = new Set<number>();
  private readonly netns: string[] = [];

  constructor(private readonly file: string) {
    if (live.size === 0) {
      process.on('exit', killAll);
      for (const signal of SIGNALS) process.on(signal, onSignal);
    }
    live.add(this);
    this.save();
    spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), file], { detached: true, stdio: 'ignore' }).unref();
  }

  addPid(pid: number): void {
    this.pids.add(pid);
    this.save();
  }

  removePid(pid: number): void {
    this.pids.delete(pid);
    this.save();
  }

  addNetns(name: string): void {
    this.netns.push(name);
    this.save();
  }

  /** The namespaces still recorded, newest first (pods before the node). */
  get namespaces(): readonly string[] {
    return [...this.netns].reverse();
  }

  /** SIGKILL every recorded process, delete every namespace, forget the record. Synchronous. */
  killNow(): void {
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const name of this.namespaces) {
      deleteNetnsSync(name);
      // `ip netns exec` files (a hosts file) a suite may have given the namespace.
      rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
    }
    this.close();
  }

  /** The run ended cleanly: stop watching. */
  close(): void {
    this.pids.clear();
    this.netns.length = 0;
    rmSync(this.file, { force: true });
    live.delete(this);
    if (live.size === 0) {
      process.off('exit', killAll);
      for (const signal of SIGNALS) process.off(signal, onSignal);
    }
  }

  private save(): void {
    if (!live.has(this)) return;
    writeFileSync(this.file, JSON.stringify({ pids: [...this.pids], netns: this.netns }));
  }
}
