/**
 * The linter: runs every enabled rule over every policy of parsed manifests. NetworkPolicy, the
 * cluster tiers (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy) and Cilium
 * (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy) each have their rules; every other object
 * is either context for the rules or counted as skipped, never dropped without a word.
 */
import { ANNOTATION_PREFIX } from '../templates/namespace-isolation.js';
import type { LintContext, LintFinding, LintRule, LintedCiliumPolicy, LintedClusterPolicy, PolicyRef, RuleViolation } from './lint-types.js';
import { DEFAULT_NAMESPACE, annotationsOf, arrayOf, isNamespacedKind, isRecord, kindOf, nameOf, namespaceOf } from '../kubernetes/object-fields.js';
import { clusterPolicySpec } from '../kubernetes/cluster-policies.js';
import { AnalyzerInputError } from '../analyzer/analyzer-input-error.js';
import { compileClusterPolicy } from '../analyzer/compiled-cluster-policy.js';
import { isNetworkPolicy, namespaceLabelsFrom, policyFamilyOf, workloadPodsOf, type WorkloadPods } from './manifest-objects.js';
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

/** Objects of one kind that lint did not check: context for the rules, or skipped. */
export interface OtherObjects {
  /** The kind, with its API version when that is what lint cannot read (`ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2)`). */
  readonly kind: string;
  readonly count: number;
  /** `context`: Namespaces, Pods and workloads the rules read; `skipped`: nothing reads them. */
  readonly use: 'context' | 'skipped';
}

/** What a lint run found, and what it checked. */
export interface LintResult {
  /** Findings in input order, then rule order. */
  readonly findings: readonly LintFinding[];
  /** Every policy that was checked, of every family. */
  readonly policies: readonly PolicyRef[];
  /** Number of workloads (pods and pod templates) the input held, for NP011. */
  readonly workloadCount: number;
  /** Every other kind of the input, with its count, in order of first appearance. */
  readonly otherObjects: readonly OtherObjects[];
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

/** A cluster policy as the rules read it: the reader's v1beta1 shape, or why the analyzer refuses it. */
function lintedClusterPolicy(object: Record<string, unknown>, objectIndex: number): LintedClusterPolicy {
  const kind = kindOf(object)!;
  const name = nameOf(object) ?? '(unnamed)';
  const portsField = kind === 'ClusterNetworkPolicy' ? 'protocols' : 'ports';
  let peerId = 0;
  try {
    compileClusterPolicy(object, `objects[${objectIndex}]`, () => peerId++);
  } catch (error) {
    if (!(error instanceof AnalyzerInputError)) throw error;
    return { kind, name, spec: undefined, problem: { field: error.field, fix: error.problem }, portsField };
  }
  return { kind, name, spec: clusterPolicySpec(object) as Record<string, unknown>, problem: undefined, portsField };
}

/** A Cilium policy with its `spec` and `specs` entries. */
function lintedCiliumPolicy(object: Record<string, unknown>, defaultNamespace: string): LintedCiliumPolicy {
  const kind = kindOf(object)!;
  const specs = [
    ...(isRecord(object.spec) ? [{ path: 'spec', spec: object.spec }] : []),
    ...arrayOf(object.specs).flatMap((spec, index) => (isRecord(spec) ? [{ path: `specs[${index}]`, spec }] : [])),
  ];
  return { kind, namespace: isNamespacedKind(kind) ? namespaceOf(object, defaultNamespace) : undefined, specs };
}

interface Checked {
  readonly ref: PolicyRef;
  readonly object: unknown;
  readonly run: (rule: LintRule) => Iterable<RuleViolation>;
}

/**
 * Lints every policy among `objects` (parsed manifests of any kind). Other objects are context:
 * Pods and workloads feed NP011, Namespaces give namespace labels; the rest is counted in
 * `otherObjects` as skipped.
 */
export function lintManifests(objects: readonly unknown[], options: LintOptions = {}): LintResult {
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const globallyDisabled = new Set((options.disabledRules ?? []).map((id) => id.toUpperCase()));
  const networkPolicies = objects.flatMap((object, objectIndex) =>
    isNetworkPolicy(object) ? [{ policy: object, namespace: namespaceOf(object, defaultNamespace), objectIndex }] : [],
  );
  const workloads = objects.map((object) => workloadPodsOf(object, defaultNamespace)).filter((w): w is WorkloadPods => w !== undefined);
  const namespaceLabels = namespaceLabelsFrom(objects, [
    ...networkPolicies.map((entry) => entry.namespace),
    ...workloads.map((workload) => workload.namespace),
  ]);
  const clusterPolicies = objects.flatMap((object, objectIndex) =>
    isRecord(object) && policyFamilyOf(object) === 'ClusterNetworkPolicy' ? [{ linted: lintedClusterPolicy(object, objectIndex), objectIndex }] : [],
  );
  const allClusterPolicies = clusterPolicies.map((entry) => entry.linted);

  const checked: Checked[] = [];
  const others = new Map<string, { count: number; use: 'context' | 'skipped' }>();
  const count = (kind: string, use: 'context' | 'skipped') => {
    const entry = others.get(kind) ?? { count: 0, use };
    others.set(kind, { ...entry, count: entry.count + 1 });
  };
  let networkPolicyIndex = 0;
  let clusterPolicyIndex = 0;
  objects.forEach((object, objectIndex) => {
    const family = policyFamilyOf(object);
    const kind = kindOf(object) ?? '(no kind)';
    const name = nameOf(object) ?? '(unnamed)';
    if (family === 'NetworkPolicy' && isNetworkPolicy(object)) {
      const entry = networkPolicies[networkPolicyIndex++]!;
      const context: LintContext = { policy: entry.policy, namespace: entry.namespace, policies: networkPolicies, workloads, namespaceLabels };
      checked.push({ ref: { kind, namespace: entry.namespace, name, objectIndex }, object, run: (rule) => (rule.appliesTo === 'NetworkPolicy' ? rule.check(context) : []) });
    } else if (family === 'ClusterNetworkPolicy') {
      const policy = clusterPolicies[clusterPolicyIndex++]!.linted;
      const context = { policy, clusterPolicies: allClusterPolicies };
      checked.push({ ref: { kind, namespace: undefined, name, objectIndex }, object, run: (rule) => (rule.appliesTo === 'ClusterNetworkPolicy' ? rule.check(context) : []) });
    } else if (family === 'CiliumNetworkPolicy' && isRecord(object)) {
      const policy = lintedCiliumPolicy(object, defaultNamespace);
      checked.push({ ref: { kind, namespace: policy.namespace, name, objectIndex }, object, run: (rule) => (rule.appliesTo === 'CiliumNetworkPolicy' ? rule.check({ policy }) : []) });
    } else if (kind === 'Namespace' || workloadPodsOf(object, defaultNamespace) !== undefined) {
      count(kind, 'context');
    } else {
      const apiVersion = isRecord(object) && typeof object.apiVersion === 'string' ? ` (${object.apiVersion})` : '';
      count(`${kind}${apiVersion}`, 'skipped');
    }
  });

  const findings: LintFinding[] = [];
  for (const { ref, object, run } of checked) {
    const disabledHere = new Set(parseRuleIdList(annotationsOf(object)[LINT_DISABLE_ANNOTATION] ?? ''));
    for (const rule of LINT_RULES) {
      if (globallyDisabled.has(rule.id) || disabledHere.has(rule.id)) continue;
      for (const violation of run(rule)) {
        findings.push({ ruleId: rule.id, severity: violation.severity ?? rule.severity, policy: ref, path: violation.path, message: violation.message });
      }
    }
  }
  return {
    findings,
    policies: checked.map((entry) => entry.ref),
    workloadCount: workloads.length,
    otherObjects: [...others].map(([kind, entry]) => ({ kind, ...entry })),
  };
}

/** How reports name a policy: `namespace/name` for NetworkPolicy, `Kind namespace/name` or `Kind name` for the others. */
export function policyRefLabel(ref: PolicyRef): string {
  if (ref.kind === 'NetworkPolicy') return `${ref.namespace}/${ref.name}`;
  return ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}
