/** Types shared by the lint rules and their callers. */
import type { NetworkPolicy } from '../model/network-policy.js';
import type { WorkloadPods } from './manifest-objects.js';

/** Finding severities, named as SARIF names its levels. */
export type LintSeverity = 'error' | 'warning' | 'note';

/** Severities from most to least serious. */
export const LINT_SEVERITIES: readonly LintSeverity[] = ['error', 'warning', 'note'];

/** Whether `severity` is at least as serious as `threshold`. */
export function severityAtLeast(severity: LintSeverity, threshold: LintSeverity): boolean {
  return LINT_SEVERITIES.indexOf(severity) <= LINT_SEVERITIES.indexOf(threshold);
}

/** A policy and where it sits in the input. */
export interface PolicyRef {
  readonly namespace: string;
  readonly name: string;
  /** Index of the policy in the objects given to the linter, to map findings back to files. */
  readonly objectIndex: number;
}

/** One problem found in one policy. */
export interface LintFinding {
  readonly ruleId: string;
  readonly severity: LintSeverity;
  readonly policy: PolicyRef;
  /** Field path inside the policy, e.g. `spec.egress[0].ports[1]`. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** What a rule sees: the policy under check and the rest of the input. */
export interface LintContext {
  readonly policy: NetworkPolicy;
  readonly namespace: string;
  /** Every policy of the input with its namespace, for rules that look across a namespace. */
  readonly policies: readonly { readonly policy: NetworkPolicy; readonly namespace: string }[];
  /** Pods and workload pod templates in the input; empty when the input has none. */
  readonly workloads: readonly WorkloadPods[];
  /** Labels of every namespace the input mentions. */
  readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** A finding before the linter attaches rule id and policy. */
export interface RuleViolation {
  readonly path: string;
  readonly message: string;
  /** Overrides the rule's severity for this one finding. */
  readonly severity?: LintSeverity;
}

/** A lint rule: a stable id, a severity, its doc page and the check itself. */
export interface LintRule {
  /** Stable id, `NP` and three digits; documented in `docs/lint/<id>.md`. */
  readonly id: string;
  /** Short kebab-case name. */
  readonly name: string;
  readonly severity: LintSeverity;
  /** One sentence: what the rule catches. */
  readonly summary: string;
  /** Number of the item of docs/pitfalls.md that the rule enforces. */
  readonly pitfall: number;
  check(context: LintContext): Iterable<RuleViolation>;
}
