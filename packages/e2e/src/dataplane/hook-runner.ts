/**
 * Runs the chart's `helm test` hook commands without a kubelet: the container's command, with
 * the environment the rendered hook gives it, inside a pod's network namespace, with busybox
 * providing sh, wget, nc and nslookup as the hooks' image does. Service names resolve through a
 * hosts file that `ip netns exec` shows only inside that namespace.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type CommandResult } from '../process.js';

/** The part of a rendered hook Pod that is run. */
export interface HookContainer {
  readonly command: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
}

/** The first container of a hook Pod object. */
export function hookContainer(pod: Record<string, unknown>): HookContainer {
  const spec = pod['spec'] as { containers?: { command?: string[]; env?: { name: string; value: string }[] }[] } | undefined;
  const container = spec?.containers?.[0];
  if (!container?.command) throw new Error(`hook ${JSON.stringify((pod['metadata'] as { name?: string })?.name)} has no container command`);
  return { command: container.command, env: container.env ?? [] };
}

/**
 * Debian's busybox 1.35 crashes (SIGSEGV) on `wget -T`; the hooks' image (busybox 1.36) does not.
 * This stand-in drops `-T N`, enforces N with `timeout`, and reports a timeout in busybox's words.
 */
const WGET_SHIM = `#!/bin/sh
limit=60; set -- "$@" END; while [ "$1" != END ]; do
  if [ "$1" = -T ]; then limit=$2; shift 2; continue; fi
  set -- "$@" "$1"; shift
done; shift
timeout "$limit" busybox wget "$@"; code=$?
if [ "$code" = 124 ]; then echo "wget: download timed out" >&2; exit 1; fi
exit "$code"
`;

/** A directory of busybox applets (and the wget stand-in) to put first on PATH. */
export class BusyboxBin {
  readonly dir = mkdtempSync(join(tmpdir(), 'k8s-security-busybox-'));

  constructor() {
    for (const applet of ['sh', 'nc', 'nslookup']) symlinkSync('/usr/bin/busybox', join(this.dir, applet));
    writeFileSync(join(this.dir, 'wget'), WGET_SHIM);
    chmodSync(join(this.dir, 'wget'), 0o755);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Runs a hook container's command in network namespace `netns` with only the hook's
 * environment (and PATH), resolving `hosts` (name -> IP) there, and with `nameserver` (the DNS
 * pod's IP) in its resolv.conf, as a kubelet would set it, for `nslookup`.
 */
export async function runHook(netns: string, container: HookContainer, bin: BusyboxBin, hosts: Readonly<Record<string, string>>, nameserver?: string): Promise<CommandResult> {
  const etc = `/etc/netns/${netns}`;
  mkdirSync(etc, { recursive: true });
  writeFileSync(join(etc, 'hosts'), `127.0.0.1 localhost\n${Object.entries(hosts).map(([name, ip]) => `${ip} ${name}`).join('\n')}\n`);
  if (nameserver) writeFileSync(join(etc, 'resolv.conf'), `nameserver ${nameserver}\noptions timeout:2 attempts:1\n`);
  const env = [`PATH=${bin.dir}:/usr/bin:/bin`, ...container.env.map((e) => `${e.name}=${e.value}`)];
  // env -i searches the new PATH, so `sh`, `wget`, `nc` and `nslookup` are busybox's.
  return run('ip', ['netns', 'exec', netns, 'env', '-i', ...env, ...container.command], { timeoutMs: 120_000 });
}
