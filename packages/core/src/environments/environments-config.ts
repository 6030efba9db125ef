/**
 * Teams' own environments, as read from a config file (`k8s-security generate --config`):
 *
 * ```yaml
 * environments:
 *   - name: qa
 *     description: QA namespace
 *     values: { targetNamespaces: [qa] }
 * ```
 *
 * `values` are deltas over the defaults, read as the TypeScript API reads options (a value you
 * set replaces its default; the values files written for Helm say so with `null`s), and checked
 * by the one options schema; errors name the environment and the key.
 */
import { z } from 'zod';
import { checkNamespaceName } from '../model/kubernetes-names.js';
import {
  formatFieldPath,
  NamespaceIsolationOptionsError,
  validateNamespaceIsolationOptions,
  type NamespaceIsolationOptions,
  type OptionsIssue,
} from '../options/namespace-isolation-options.js';
import { ENVIRONMENT_NAMESPACES, guardrailIssues } from '../options/guardrails.js';
import type { EnvironmentDefinition } from './environments.js';

const environmentSchema = z.strictObject(
  {
    name: z.string({ error: 'name must be a string such as "qa"' }).superRefine((name, ctx) => {
      if (checkNamespaceName(name)) {
        ctx.addIssue({ code: 'custom', message: `"${name}" is not a valid environment name: use lowercase letters, digits and '-', e.g. "qa"` });
      }
    }),
    description: z.string().default(''),
    differences: z.array(z.string()).default([]),
    values: z.record(z.string(), z.unknown(), { error: 'values must be a map of chart values, e.g. {targetNamespaces: [qa]}' }),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${(issue as { keys: string[] }).keys.map((k) => `"${k}"`).join(', ')}. Fix: remove it; an environment has "name", "description", "differences" and "values"`
        : undefined,
  },
);

const configSchema = z.strictObject(
  { environments: z.array(environmentSchema, { error: 'environments must be a list' }).min(1, 'list at least one environment') },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${(issue as { keys: string[] }).keys.map((k) => `"${k}"`).join(', ')}. Fix: the file has one key, "environments"`
        : undefined,
  },
);

/**
 * Parses an environments config (already read from YAML).
 * @throws {NamespaceIsolationOptionsError} listing every problem with its path, e.g.
 *   `environments[0].values.allowMonitoring.ports[0].port`.
 */
export function parseEnvironmentsConfig(input: unknown): EnvironmentDefinition[] {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new NamespaceIsolationOptionsError(
      parsed.error.issues.map((issue) => ({ path: formatFieldPath(issue.path), message: issue.message })),
    );
  }
  const issues: OptionsIssue[] = [];
  const seen = new Set<string>();
  const targetsOf = (values: Record<string, unknown>): string[] =>
    Array.isArray(values.targetNamespaces) ? values.targetNamespaces.filter((name): name is string => typeof name === 'string') : ['production'];
  parsed.data.environments.forEach((environment, index) => {
    if (seen.has(environment.name)) {
      issues.push({ path: `environments[${index}].name`, message: `"${environment.name}" is defined twice. Fix: give each environment its own name` });
    }
    seen.add(environment.name);
    const result = validateNamespaceIsolationOptions(environment.values);
    // Peers may not sit in another environment of this config either (the built-in ones are
    // checked by the options schema itself).
    const otherTargets = parsed.data.environments.filter((_, other) => other !== index).flatMap((other) => targetsOf(other.values));
    const crossIssues = result.ok
      ? guardrailIssues(result.options, [...ENVIRONMENT_NAMESPACES, ...otherTargets]).map((issue) => ({ path: formatFieldPath(issue.path), message: issue.message }))
      : [];
    if (!result.ok || crossIssues.length > 0) {
      const prefix = `environments[${index}].values`;
      issues.push(
        ...(result.ok ? crossIssues : result.issues).map((issue) => ({
          path: issue.path === formatFieldPath([]) ? prefix : issue.path.startsWith('[') ? `${prefix}${issue.path}` : `${prefix}.${issue.path}`,
          message: issue.message,
        })),
      );
    }
  });
  if (issues.length > 0) throw new NamespaceIsolationOptionsError(issues);
  return parsed.data.environments.map((environment) => ({
    name: environment.name,
    description: environment.description || `Environment ${environment.name}.`,
    differences: environment.differences,
    values: environment.values as NamespaceIsolationOptions,
  }));
}
