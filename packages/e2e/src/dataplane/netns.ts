/**
 * Network namespaces for the dataplane suites: one "node" namespace per run that routes between
 * "pod" namespaces, each joined to it by a veth pair. Every address, route, sysctl and rule lives
 * inside namespaces created here; the host's own network namespace is never changed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { run, describeFailure } from '../process.js';

/** Every namespace this harness creates starts with this, so a leak check can find them. */
export const NETNS_PREFIX = 'ksp-dp-';

/** The gateway every pod routes through: present on each host-side veth, as Calico does. */
const GATEWAY = '169.254.1.1';

/** `ip ARGS` that must succeed. */
export async function ip(args: readonly string[]): Promise<void> {
  const result = await run('ip', args, { timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(describeFailure(result));
}

/** Runs a command inside a namespace and returns stdout; throws with its output unless it exits 0. */
export async function inNetns(netns: string, command: string, args: readonly string[]): Promise<string> {
  const result = await run('ip', ['netns', 'exec', netns, command, ...args], { timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(describeFailure(result));
  return result.stdout;
}

/** Network namespaces that exist now (from /run/netns), optionally only those with a prefix. */
export function listNetns(prefix = NETNS_PREFIX): string[] {
  if (!existsSync('/run/netns')) return [];
  return readdirSync('/run/netns').filter((name) => name.startsWith(prefix)).sort();
}

/** Deletes a namespace now, ignoring one that is already gone. For teardown and exit handlers. */
export function deleteNetnsSync(netns: string): void {
  try {
    execFileSync('ip', ['netns', 'delete', netns], { stdio: 'ignore' });
  } catch {
    // Already gone.
  }
}

/**
 * Removes an endpoint's veth pair from the node namespace now, and with it the /32 route: the
 * kernel tears a deleted namespace's interfaces down asynchronously (late on a busy machine), so
 * a new endpoint with the same address could otherwise find the old route still there.
 */
export async function deleteEndpointLink(nodeNetns: string, hostIfName: string): Promise<void> {
  await ip(['-n', nodeNetns, 'link', 'delete', hostIfName]);
}

/** Creates the node namespace: loopback up with the node IP on it, forwarding on, ICMP unthrottled. */
export async function createNodeNetns(netns: string, nodeIp: string): Promise<void> {
  await ip(['netns', 'add', netns]);
  await ip(['-n', netns, 'link', 'set', 'lo', 'up']);
  // No dummy interface driver here: the node address sits on loopback.
  await ip(['-n', netns, 'address', 'add', `${nodeIp}/32`, 'dev', 'lo']);
  // Without icmp_ratelimit=0 the node throttles the ICMP errors a REJECT sends, and denied
  // probes turn into timeouts after a handful of refusals.
  await inNetns(netns, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.icmp_ratelimit=0']);
}

/**
 * Creates a namespace holding `address` on eth0, joined to the node by a veth pair whose host
 * end is `hostIfName`, with a /32 route to it in the node namespace.
 */
export async function createEndpointNetns(nodeNetns: string, netns: string, hostIfName: string, address: string): Promise<void> {
  await ip(['netns', 'add', netns]);
  await ip(['-n', nodeNetns, 'link', 'add', hostIfName, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
  await ip(['-n', nodeNetns, 'address', 'add', `${GATEWAY}/32`, 'dev', hostIfName]);
  await ip(['-n', nodeNetns, 'link', 'set', hostIfName, 'up']);
  await ip(['-n', nodeNetns, 'route', 'add', `${address}/32`, 'dev', hostIfName]);
  await ip(['-n', netns, 'link', 'set', 'lo', 'up']);
  await ip(['-n', netns, 'address', 'add', `${address}/32`, 'dev', 'eth0']);
  await ip(['-n', netns, 'link', 'set', 'eth0', 'up']);
  await ip(['-n', netns, 'route', 'add', `${GATEWAY}/32`, 'dev', 'eth0', 'scope', 'link']);
  await ip(['-n', netns, 'route', 'add', 'default', 'via', GATEWAY, 'dev', 'eth0']);
  await inNetns(netns, 'sysctl', ['-qw', 'net.ipv4.icmp_ratelimit=0']);
}
