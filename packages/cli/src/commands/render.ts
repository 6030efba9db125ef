import { parseArgs } from 'node:util';
import { ENVIRONMENTS, environmentNamed, namespaceIsolation, toYamlStream } from '@k8s-security-pro/core';
import { UsageError, type CommandIo } from '../io.js';

export const RENDER_USAGE = `Usage: k8s-security render [--env dev|staging|prod]

Prints template #14's NetworkPolicies as YAML. Without --env: the production set (the defaults).`;

/** `k8s-security render`: the policy set of one environment, as a YAML stream on stdout. */
export function render(args: readonly string[], io: CommandIo): number {
  const { values } = parseArgs({ args: [...args], options: { env: { type: 'string' } }, strict: true });
  const envName = values.env ?? 'prod';
  if (!ENVIRONMENTS.some((environment) => environment.name === envName)) {
    throw new UsageError(`--env "${envName}" is not an environment: use one of ${ENVIRONMENTS.map((e) => e.name).join(', ')}`);
  }
  io.stdout.write(toYamlStream(namespaceIsolation(environmentNamed(envName).values)));
  return 0;
}
