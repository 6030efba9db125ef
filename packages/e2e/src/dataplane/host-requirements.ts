/**
 * What the dataplane suites need from the machine, checked up front so a missing piece is one
 * clear sentence instead of a failed `ip` command: root, network namespaces, the iptables, ipset
 * and ip commands, and the pinned kube-router. The suites never skip: in CI they must run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { run } from '../process.js';
import { toolPath } from '../process.js';
import { NETNS_PREFIX } from './netns.js';

/**
 * @throws an Error listing everything that is missing and how to fix each, or nothing when
 *   the dataplane can run here.
 */
export async function checkDataplaneHost(): Promise<void> {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) {
    problems.push(`root is needed to create network namespaces and iptables rules inside them (running as uid ${process.getuid?.() ?? '?'}); run as root`);
  }
  for (const [command, pkg] of [
    ['ip', 'iproute2'],
    ['iptables', 'iptables'],
    ['ipset', 'ipset'],
  ] as const) {
    const found = await run('sh', ['-c', `command -v ${command}`]).catch(() => undefined);
    if (found?.code !== 0) problems.push(`the \`${command}\` command is missing; install it with \`bash tools/install-system-packages.sh\` (Debian package ${pkg})`);
  }
  try {
    toolPath('kube-router');
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length === 0) {
    const probe = `${NETNS_PREFIX}check-${process.pid}`;
    const added = await run('ip', ['netns', 'add', probe]);
    if (added.code !== 0) problems.push(`network namespaces cannot be created here (\`ip netns add\` said: ${added.stderr.trim()}); the dataplane suites need a kernel with network namespaces and CAP_SYS_ADMIN`);
    else execFileSync('ip', ['netns', 'delete', probe], { stdio: 'ignore' });
  }
  if (problems.length > 0) throw new Error(`the dataplane suites cannot run on this machine:\n- ${problems.join('\n- ')}`);
}

/**
 * Why SCTP connections are not probed on this machine, in one sentence. The kernel is asked
 * first (SCTP sockets exist only when the kernel registers the protocol); where it does, the
 * agents still cannot, since Node.js has no SCTP sockets.
 */
export function sctpNotProbedReason(protocolsFile = '/proc/net/protocols'): string {
  let protocols = '';
  try {
    protocols = readFileSync(protocolsFile, 'utf8');
  } catch {
    return `${protocolsFile} cannot be read, so whether the kernel has SCTP sockets is unknown; the agents (Node.js) have none either way`;
  }
  return /^SCTP\s/m.test(protocols)
    ? 'the kernel has SCTP sockets, but the agents (Node.js) have none'
    : `the kernel has no SCTP sockets (SCTP is not registered in ${protocolsFile}: CONFIG_IP_SCTP off and no sctp module loaded), so nothing can listen or connect over SCTP in any namespace`;
}
