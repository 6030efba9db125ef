import { parseArgs } from 'node:util';
import { ENVIRONMENTS, RENDER_TARGETS, environmentNamed, renderEnvironment, toYamlStream, type RenderTarget } from '@k8s-security-pro/core';
import { UsageError, type CommandIo } from '../io.js';

const TARGET_LINES = RENDER_TARGETS.map((target) => `  ${target.name.padEnd(24)}${target.summary}`).join('\n');

export const RENDER_USAGE = `Usage: k8s-security render [--env dev|staging|prod] [--target ${RENDER_TARGETS.map((t) => t.name).join('|')}]

Prints template #14 for one environment as YAML. Without --env: the production set (the defaults).
Without --target: ${RENDER_TARGETS[0]!.name}.

Targets:
${TARGET_LINES}`;

/** `k8s-security render`: the objects of one environment and target, as a YAML stream on stdout. */
export function render(args: readonly string[], io: CommandIo): number {
  const { values } = parseArgs({ args: [...args], options: { env: { type: 'string' }, target: { type: 'string' } }, strict: true });
  const envName = values.env ?? 'prod';
  if (!ENVIRONMENTS.some((environment) => environment.name === envName)) {
    throw new UsageError(`--env "${envName}" is not an environment: use one of ${ENVIRONMENTS.map((e) => e.name).join(', ')}`);
  }
  const target = values.target ?? RENDER_TARGETS[0]!.name;
  if (!RENDER_TARGETS.some((candidate) => candidate.name === target)) {
    throw new UsageError(`--target "${target}" is not a render target: use one of ${RENDER_TARGETS.map((t) => t.name).join(', ')}`);
  }
  io.stdout.write(toYamlStream(renderEnvironment(target as RenderTarget, environmentNamed(envName))));
  return 0;
}
