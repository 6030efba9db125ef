/**
 * The namespace audit: does each namespace really have default-deny semantics (CIS 5.3.2 as
 * the benchmark means it, not "a policy exists"), working intra-namespace traffic, DNS bound to
 * the DNS pods, and who else can reach it? Every verdict comes from the reachability evaluator,
 * asked about synthetic probe pods with fresh labels, so an allow-all policy never passes.
 */
import { clusterModelFromObjects } from '../analyzer/cluster-model.js';
import { SYSTEM_NAMESPACES } from '../options/namespace-isolation-options.js';
import { CNI_ENFORCEMENT_NOTE, type AuditOptions, type AuditResult } from './audit-model.js';
import { withProbes, type ProbeModel } from './audit-probes.js';
import { scanCrossNamespaceReach } from './cross-namespace-reach.js';
import { auditNamespace } from './namespace-checks.js';
import { sortedUnique } from './sorted-unique.js';

/**
 * Audits every namespace of `objects` (parsed manifests or API list items): NetworkPolicies,
 * Namespaces, Pods and workloads, as {@link clusterModelFromObjects} reads them. System
 * namespaces are left out unless `include` names them.
 *
 * @throws {AnalyzerInputError} when an object cannot be read; the message names it and the fix.
 */
export function auditNamespaces(objects: readonly unknown[], options: AuditOptions = {}): AuditResult {
  const { model, notes } = clusterModelFromObjects(objects);
  const include = new Set(options.include ?? []);
  const exclude = new Set(options.exclude ?? []);
  const skipped: { namespace: string; reason: string }[] = [];
  const audited: string[] = [];
  for (const namespace of sortedUnique([...model.namespaces.map((ns) => ns.name), ...include])) {
    if (exclude.has(namespace)) skipped.push({ namespace, reason: 'excluded by --exclude' });
    else if (SYSTEM_NAMESPACES.includes(namespace) && !include.has(namespace)) {
      skipped.push({ namespace, reason: 'system namespace: isolating it can break the cluster (docs/pitfalls.md, pitfall 17); audit it with --include' });
    } else audited.push(namespace);
  }
  const withoutReach = withProbes(model, audited, options);
  const probes: ProbeModel = { ...withoutReach, reach: scanCrossNamespaceReach(withoutReach, new Set(audited)) };
  return {
    namespaces: audited.map((namespace) => auditNamespace(probes, namespace)),
    skipped,
    notes: [...notes, ...probes.notes, CNI_ENFORCEMENT_NOTE],
  };
}
