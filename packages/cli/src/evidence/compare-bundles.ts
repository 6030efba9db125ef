/**
 * What changed between two evidence bundles (the last assessment and this one): policies added,
 * removed or changed (by digest), audit checks, assertions and controls that changed verdict,
 * reachability between namespaces, and the tool and Kubernetes versions.
 */
import type { EvidenceBundle } from './bundle-model.js';

export interface BundleChange {
  readonly section: 'versions' | 'policies' | 'audit' | 'assertions' | 'controls' | 'reachability';
  readonly kind: 'added' | 'removed' | 'changed';
  /** What changed: `production/default-deny-ingress`, `production AUD001`, `PCI-DSS 1.3.1`. */
  readonly subject: string;
  readonly description: string;
}

export interface BundleComparison {
  readonly previousGeneratedAt: string;
  readonly currentGeneratedAt: string;
  readonly changes: readonly BundleChange[];
}

/** Compares keyed entries of two lists and reports additions, removals and changed values. */
function diffKeyed<T>(
  section: BundleChange['section'],
  before: readonly T[],
  after: readonly T[],
  keyOf: (item: T) => string,
  valueOf: (item: T) => string,
  noun: string,
): BundleChange[] {
  const previous = new Map(before.map((item) => [keyOf(item), item]));
  const current = new Map(after.map((item) => [keyOf(item), item]));
  const changes: BundleChange[] = [];
  for (const [key, item] of current) {
    const old = previous.get(key);
    if (!old) changes.push({ section, kind: 'added', subject: key, description: `${noun} ${key} added (${valueOf(item)})` });
    else if (valueOf(old) !== valueOf(item)) changes.push({ section, kind: 'changed', subject: key, description: `${noun} ${key}: ${valueOf(old)} -> ${valueOf(item)}` });
  }
  for (const [key, item] of previous) {
    if (!current.has(key)) changes.push({ section, kind: 'removed', subject: key, description: `${noun} ${key} removed (was ${valueOf(item)})` });
  }
  return changes.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}

export function compareBundles(previous: EvidenceBundle, current: EvidenceBundle): BundleComparison {
  const versions = (bundle: EvidenceBundle) => [
    { key: 'tool', value: `${bundle.tool.name} ${bundle.tool.version}` },
    { key: 'Kubernetes', value: bundle.kubernetes.serverVersion ?? 'not applicable (manifests)' },
  ];
  const policies = (bundle: EvidenceBundle) => bundle.namespaces.flatMap((namespace) => namespace.policies.map((policy) => ({ key: `${namespace.name}/${policy.name}`, value: policy.digest })));
  const controls = (bundle: EvidenceBundle) =>
    bundle.frameworks.flatMap((framework) => framework.controls.map((control) => ({ key: control.tag, value: control.status.toUpperCase() })));
  const changes = [
    ...diffKeyed('versions', versions(previous), versions(current), (item) => item.key, (item) => item.value, 'version of'),
    ...diffKeyed('policies', policies(previous), policies(current), (item) => item.key, (item) => item.value, 'policy'),
    ...diffKeyed('audit', previous.audit.results, current.audit.results, (result) => `${result.namespace} ${result.checkId}`, (result) => result.status.toUpperCase(), 'check'),
    ...diffKeyed('assertions', previous.assertions, current.assertions, (assertion) => assertion.id, (assertion) => assertion.status.toUpperCase(), 'assertion'),
    ...diffKeyed('controls', controls(previous), controls(current), (item) => item.key, (item) => item.value, 'control'),
    ...diffKeyed(
      'reachability',
      previous.reachability.pairs,
      current.reachability.pairs,
      (pair) => `${pair.from} -> ${pair.to}`,
      (pair) => `${pair.allowed} of ${pair.total} allowed`,
      'reachability',
    ),
  ];
  return { previousGeneratedAt: previous.generatedAt, currentGeneratedAt: current.generatedAt, changes };
}

/** The comparison as plain text for the terminal: one change per line. */
export function formatComparisonText(comparison: BundleComparison): string {
  const head = `k8s-security evidence compare: ${comparison.previousGeneratedAt} -> ${comparison.currentGeneratedAt}: ${comparison.changes.length} change${comparison.changes.length === 1 ? '' : 's'}`;
  return `${[...comparison.changes.map((change) => `${change.kind.toUpperCase().padEnd(8)}${change.section.padEnd(13)}${change.description}`), head].join('\n')}\n`;
}
