import { parseArgs } from 'node:util';
import {
  CiliumOptionsError,
  ENVIRONMENTS,
  RENDER_TARGETS,
  adminTierScope,
  environmentNamed,
  renderTargetNamed,
  toYamlStream,
  type FqdnEgressOptions,
  type FqdnEgressPort,
} from '@k8s-security-pro/core';
import { UsageError, type CommandIo } from '../io.js';

export const RENDER_USAGE = `Usage: k8s-security render [--env dev|staging|prod] [--target ${RENDER_TARGETS.map((t) => t.name).join('|')}]
                          [--allow-fqdn NAME]... [--fqdn-port PORT[/TCP|UDP]]... [--allow-broad-fqdn-patterns]

Prints template #14's policies as YAML. Without --env: the production set (the defaults).
Targets:
${RENDER_TARGETS.map((t) => `  ${t.name.padEnd(Math.max(...RENDER_TARGETS.map((other) => other.name.length)) + 1)} ${t.description}`).join('\n')}

Cilium only: --allow-fqdn lets pods reach a DNS name (api.example.com) or pattern (*.example.com)
on --fqdn-port (default 443/TCP); the DNS rule then sends lookups through Cilium's DNS proxy.
A pattern that covers a whole top-level domain (*.com, *) needs --allow-broad-fqdn-patterns.`;

/** `k8s-security render`: the policy set of one environment and target, as a YAML stream on stdout. */
export function render(args: readonly string[], io: CommandIo): number {
  const { values } = parseArgs({
    args: [...args],
    options: {
      env: { type: 'string' },
      target: { type: 'string' },
      'allow-fqdn': { type: 'string', multiple: true },
      'fqdn-port': { type: 'string', multiple: true },
      'allow-broad-fqdn-patterns': { type: 'boolean' },
    },
    strict: true,
  });
  const envName = values.env ?? 'prod';
  if (!ENVIRONMENTS.some((environment) => environment.name === envName)) {
    throw new UsageError(`--env "${envName}" is not an environment: use one of ${ENVIRONMENTS.map((e) => e.name).join(', ')}`);
  }
  const targetName = values.target ?? 'network-policy';
  if (!RENDER_TARGETS.some((target) => target.name === targetName)) {
    throw new UsageError(`--target "${targetName}" is not a render target: use one of ${RENDER_TARGETS.map((t) => t.name).join(', ')}`);
  }
  const fqdnEgress = fqdnOptions(values['allow-fqdn'], values['fqdn-port'], values['allow-broad-fqdn-patterns']);
  if (fqdnEgress && targetName !== 'cilium') {
    throw new UsageError(`--allow-fqdn needs --target cilium: ${targetName} cannot express egress by DNS name`);
  }
  try {
    const objects = renderTargetNamed(targetName).render({
      options: environmentNamed(envName).values,
      cilium: fqdnEgress ? { fqdnEgress } : {},
      adminTier: adminTierScope(envName),
    });
    io.stdout.write(toYamlStream(objects));
  } catch (error) {
    if (error instanceof CiliumOptionsError) throw new UsageError(error.issues.map((issue) => issue.replace(/^fqdnEgress\.(names|patterns)\[\d+\]/, '--allow-fqdn').replace('set fqdnEgress.allowBroadPatterns: true', 'pass --allow-broad-fqdn-patterns')).join('; '));
    throw error;
  }
  return 0;
}

/** The FQDN allow-list the flags describe, or undefined when none is given. */
function fqdnOptions(entries: readonly string[] | undefined, ports: readonly string[] | undefined, broad: boolean | undefined): FqdnEgressOptions | undefined {
  if (!entries?.length) {
    if (ports?.length || broad) throw new UsageError('--fqdn-port and --allow-broad-fqdn-patterns need --allow-fqdn: name the destinations first');
    return undefined;
  }
  return {
    names: entries.filter((entry) => !entry.includes('*')),
    patterns: entries.filter((entry) => entry.includes('*')),
    ...(ports?.length ? { ports: ports.map(parsePort) } : {}),
    ...(broad ? { allowBroadPatterns: true } : {}),
  };
}

function parsePort(text: string): FqdnEgressPort {
  const match = /^(\d{1,5})(?:\/(TCP|UDP))?$/i.exec(text);
  const port = match ? Number(match[1]) : NaN;
  if (!match || port < 1 || port > 65535) throw new UsageError(`--fqdn-port "${text}" is not a port: use a number from 1 to 65535, optionally with /TCP or /UDP (443/TCP)`);
  return { port, protocol: (match[2]?.toUpperCase() ?? 'TCP') as 'TCP' | 'UDP' };
}
