/**
 * A throwaway OCI registry: CNCF distribution's `registry` (pinned in tools/toolchain.env) on
 * 127.0.0.1 at a free port, storing into a temporary folder. Stopped by PID; the folder goes too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './control-plane.js';
import { toolPath } from './process.js';

export class OciRegistry {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    /** `127.0.0.1:PORT`, for `oci://` references (with --plain-http). */
    readonly host: string,
  ) {}

  static async start(readyTimeoutMs = 60_000): Promise<OciRegistry> {
    const bin = toolPath('registry');
    const dir = mkdtempSync(join(tmpdir(), 'oci-registry-'));
    const [port] = (await freePorts(1)) as [number];
    const host = `127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'config.yml'),
      `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'storage')}\nhttp:\n  addr: ${host}\n`,
    );
    const child = spawn(bin, ['serve', join(dir, 'config.yml')], {
      stdio: 'ignore',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', OTEL_TRACES_EXPORTER: 'none' },
    });
    const registry = new OciRegistry(child, dir, host);
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      const answered = await fetch(`http://${host}/v2/`).then((res) => res.ok, () => false);
      if (answered) return registry;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await registry.stop();
    throw new Error(`the OCI registry did not answer on ${host} within ${readyTimeoutMs / 1000} s (exit code ${child.exitCode})`);
  }

  /** SIGTERM, SIGKILL after 10 s, then the storage is removed. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.pid !== undefined) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
