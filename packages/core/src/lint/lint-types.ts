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

/** The policy families lint checks; the rules of each read only their family. */
export type PolicyFamily = 'NetworkPolicy' | 'ClusterNetworkPolicy' | 'CiliumNetworkPolicy';

/** A policy and where it sits in the input. */
export interface PolicyRef {
  /** The object's own kind, e.g. `AdminNetworkPolicy` or `CiliumClusterwideNetworkPolicy`. */
  readonly kind: string;
  /** Undefined for cluster-scoped kinds. */
  readonly namespace: string | undefined;
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

/** What every lint rule has: a stable id, a severity and its doc page. */
interface LintRuleBase {
  /** Stable id, `NP` and three digits; documented in `docs/lint/<id>.md`. */
  readonly id: string;
  /** Short kebab-case name. */
  readonly name: string;
  readonly severity: LintSeverity;
  /** One sentence: what the rule catches. */
  readonly summary: string;
  /** Number of the item of docs/pitfalls.md that the rule enforces. */
  readonly pitfall: number;
}

/** A rule for `networking.k8s.io/v1` NetworkPolicy. */
export interface NetworkPolicyLintRule extends LintRuleBase {
  readonly appliesTo: 'NetworkPolicy';
  check(context: LintContext): Iterable<RuleViolation>;
}

/** A rule for ClusterNetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy. */
export interface ClusterPolicyLintRule extends LintRuleBase {
  readonly appliesTo: 'ClusterNetworkPolicy';
  check(context: ClusterPolicyLintContext): Iterable<RuleViolation>;
}

/** A rule for CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy. */
export interface CiliumLintRule extends LintRuleBase {
  readonly appliesTo: 'CiliumNetworkPolicy';
  check(context: CiliumLintContext): Iterable<RuleViolation>;
}

/** A lint rule: a stable id, a severity, its doc page and the check of one policy family. */
export type LintRule = NetworkPolicyLintRule | ClusterPolicyLintRule | CiliumLintRule;

/**
 * A ClusterNetworkPolicy, or a v1alpha1 AdminNetworkPolicy/BaselineAdminNetworkPolicy, as the
 * cluster-policy rules see it: its spec in the v1beta1 shape the one reader gives.
 */
export interface LintedClusterPolicy {
  readonly kind: string;
  readonly name: string;
  /** The v1beta1-shaped spec; undefined when the reader refused the object (`problem`). */
  readonly spec: Readonly<Record<string, unknown>> | undefined;
  /** Why the reader or the analyzer refused the object: the field and the fix. */
  readonly problem: { readonly field: string; readonly fix: string } | undefined;
  /** The field that lists a rule's ports: `protocols` (v1beta1) or `ports` (v1alpha1). */
  readonly portsField: 'protocols' | 'ports';
}

/** What a cluster-policy rule sees: the policy under check and every cluster policy of the input. */
export interface ClusterPolicyLintContext {
  readonly policy: LintedClusterPolicy;
  readonly clusterPolicies: readonly LintedClusterPolicy[];
}

/** A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy, as the Cilium rules see it. */
export interface LintedCiliumPolicy {
  readonly kind: string;
  /** Undefined for CiliumClusterwideNetworkPolicy. */
  readonly namespace: string | undefined;
  /** Its rules: `spec` and every entry of `specs`, each with its path. */
  readonly specs: readonly { readonly path: string; readonly spec: Readonly<Record<string, unknown>> }[];
}

/** What a Cilium rule sees. */
export interface CiliumLintContext {
  readonly policy: LintedCiliumPolicy;
}
