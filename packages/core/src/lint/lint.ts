/** The linter: runs every enabled rule over every NetworkPolicy of parsed manifests. */
import { ANNOTATION_PREFIX } from '../templates/namespace-isolation.js';
import type { LintContext, LintFinding, PolicyRef } from './lint-types.js';
import { DEFAULT_NAMESPACE, annotationsOf, nameOf, namespaceOf } from '../kubernetes/object-fields.js';
import { isNetworkPolicy, namespaceLabelsFrom, workloadPodsOf, type WorkloadPods } from './manifest-objects.js';
import { LINT_RULES } from './rules.js';

/** Annotation on a policy that turns rules off for that policy: `NP003,NP005`. */
export const LINT_DISABLE_ANNOTATION = `${ANNOTATION_PREFIX}/lint-disable`;

/** Which rules {@link lintManifests} skips. */
export interface LintOptions {
  /** Rule ids turned off for every policy. */
  readonly disabledRules?: readonly string[];
  /** Namespace of manifests that name none. @default 'default' */
  readonly defaultNamespace?: string;
}

/** What a lint run found, and what it checked. */
export interface LintResult {
  /** Findings in input order, then rule order. */
  readonly findings: readonly LintFinding[];
  /** Every policy that was checked. */
  readonly policies: readonly PolicyRef[];
  /** Number of workloads (pods and pod templates) the input held, for NP011. */
  readonly workloadCount: number;
}

/** Rule ids in `ids` that no rule has: for "unknown rule" errors. */
export function unknownLintRuleIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !LINT_RULES.some((rule) => rule.id === id));
}

/** Splits `NP003, np005` into `['NP003', 'NP005']`. */
export function parseRuleIdList(text: string): string[] {
  return text
    .split(',')
    .map((id) => id.trim().toUpperCase())
    .filter((id) => id !== '');
}

/**
 * Lints every NetworkPolicy among `objects` (parsed manifests of any kind). Other objects are
 * context: Pods and workloads feed NP011, Namespaces give namespace labels.
 */
export function lintManifests(objects: readonly unknown[], options: LintOptions = {}): LintResult {
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const globallyDisabled = new Set((options.disabledRules ?? []).map((id) => id.toUpperCase()));
  const policies = objects.flatMap((object, objectIndex) =>
    isNetworkPolicy(object) ? [{ policy: object, namespace: namespaceOf(object, defaultNamespace), objectIndex }] : [],
  );
  const workloads = objects.map((object) => workloadPodsOf(object, defaultNamespace)).filter((w): w is WorkloadPods => w !== undefined);
  const namespaceLabels = namespaceLabelsFrom(objects, [
    ...policies.map((entry) => entry.namespace),
    ...workloads.map((workload) => workload.namespace),
  ]);

  const findings: LintFinding[] = [];
  const refs: PolicyRef[] = [];
  for (const entry of policies) {
    const ref: PolicyRef = { namespace: entry.namespace, name: nameOf(entry.policy) ?? '(unnamed)', objectIndex: entry.objectIndex };
    refs.push(ref);
    const disabledHere = new Set(parseRuleIdList(annotationsOf(entry.policy)[LINT_DISABLE_ANNOTATION] ?? ''));
    const context: LintContext = { policy: entry.policy, namespace: entry.namespace, policies, workloads, namespaceLabels };
    for (const rule of LINT_RULES) {
      if (globallyDisabled.has(rule.id) || disabledHere.has(rule.id)) continue;
      for (const violation of rule.check(context)) {
        findings.push({
          ruleId: rule.id,
          severity: violation.severity ?? rule.severity,
          policy: ref,
          path: violation.path,
          message: violation.message,
        });
      }
    }
  }
  return { findings, policies: refs, workloadCount: workloads.length };
}
