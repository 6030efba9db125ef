/**
 * Assembles the evidence bundle from Kubernetes objects (manifests or a live cluster's lists):
 * the policies per namespace with their digests, the semantic audit, the reachability summary
 * and the environment assertions from the analyzer, and every framework's control verdicts.
 * No I/O: the command reads the input and writes the files.
 */
import { createHash } from 'node:crypto';
import {
  AUDIT_CHECK_LIST,
  COMPLIANCE_FRAMEWORKS,
  ENVIRONMENTS,
  NAMESPACE_ISOLATION_LABELS,
  asStoredByServer,
  auditNamespaces,
  clusterModelFromObjects,
  controlTag,
  checkExpectations,
  controlVerdicts,
  resolveNamespaceIsolationOptions,
  type CompiledExpectation,
  type AuditOptions,
  type LabelSelector,
  type NetworkPolicy,
} from '@k8s-security-pro/core';
import { UsageError } from '../io.js';
import { EVIDENCE_BUNDLE_SCHEMA, type AssertionResult, type BundleFramework, type BundleNamespace, type EvidenceBundle } from './bundle-model.js';
import { REACHABILITY_METHOD, environmentAssertions, namespaceReachability, withEvidenceProbes } from './environment-reachability.js';

export interface EvidenceInput {
  readonly objects: readonly unknown[];
  readonly source: EvidenceBundle['source'];
  /** The API server's gitVersion; null for manifests. */
  readonly serverVersion: string | null;
  readonly generatedAt: string;
  readonly toolVersion: string;
  /** Namespaces the isolation assertions are about; by default the built-in environments' namespaces and those holding template #14. */
  readonly environments?: readonly string[];
  readonly audit?: Pick<AuditOptions, 'include' | 'exclude'>;
  /** Expectation files (`--expect`) whose assertions `verify` checks into the bundle. */
  readonly verify?: readonly { readonly name: string; readonly expectations: readonly CompiledExpectation[] }[];
}

/** The results of `verify` as bundle assertions: `verify:<file name>/<id>`, a vacuous assertion failing. */
function verifyAssertions(model: Parameters<typeof checkExpectations>[0], verify: EvidenceInput['verify']): AssertionResult[] {
  return (verify ?? []).flatMap(({ name, expectations }) =>
    checkExpectations(model, name, expectations, { maxCounterExamples: 1 }).results.map((result) => ({
      id: `verify:${name}/${result.id}`,
      producer: 'verify' as const,
      statement: result.description ? `${result.description} (${result.statement})` : result.statement,
      expected: result.expect === 'denied' ? ('denied' as const) : ('allowed' as const),
      status: result.status === 'pass' ? ('pass' as const) : ('fail' as const),
      observed: result.observed,
    })),
  );
}

/** JSON with object keys sorted at every level: the same object always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The digest of a policy as it is in effect: server defaults applied, so files and the cluster agree. */
export function policyDigest(policy: NetworkPolicy): string {
  const { name, namespace } = policy.metadata;
  return `sha256:${sha256Hex(canonicalJson({ namespace: namespace ?? 'default', name, spec: asStoredByServer(policy.spec) }))}`;
}

export function describeSelector(selector: LabelSelector | undefined): string {
  const labels = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  const expressions = (selector?.matchExpressions ?? []).map((e) => `${e.key} ${e.operator}${e.values && e.values.length > 0 ? ` (${e.values.join(',')})` : ''}`);
  const parts = [...labels, ...expressions];
  return parts.length === 0 ? 'all pods' : parts.join(', ');
}

function isTemplatePolicy(policy: NetworkPolicy): boolean {
  const labels = policy.metadata.labels ?? {};
  return Object.entries(NAMESPACE_ISOLATION_LABELS).every(([key, value]) => key === 'app.kubernetes.io/managed-by' || labels[key] === value);
}

function defaultEnvironments(namespaces: ReadonlySet<string>, policies: readonly NetworkPolicy[]): string[] {
  const builtIn = ENVIRONMENTS.flatMap((environment) => resolveNamespaceIsolationOptions(environment.values).targetNamespaces);
  const withTemplate = policies.filter(isTemplatePolicy).map((policy) => policy.metadata.namespace ?? 'default');
  return [...new Set([...builtIn.filter((namespace) => namespaces.has(namespace)), ...withTemplate])].sort();
}

/** Builds the bundle; throws AnalyzerInputError on unreadable objects and UsageError on an unknown environment. */
export function buildEvidenceBundle(input: EvidenceInput): EvidenceBundle {
  const auditResult = auditNamespaces(input.objects, input.audit ?? {});
  const { model } = clusterModelFromObjects(input.objects);
  const known = new Set([
    ...model.namespaces.map((namespace) => namespace.name),
    ...model.endpoints.flatMap((endpoint) => (endpoint.namespace ? [endpoint.namespace] : [])),
    ...model.policies.map((policy) => policy.metadata.namespace ?? 'default'),
  ]);
  const excluded = new Set(input.audit?.exclude ?? []);
  for (const environment of input.environments ?? []) {
    if (!known.has(environment)) {
      throw new UsageError(`--environments: namespace "${environment}" is not in the input (it has ${[...known].sort().join(', ') || 'no namespaces'})`);
    }
  }
  const environments = (input.environments ? [...new Set(input.environments)].sort() : defaultEnvironments(known, model.policies)).filter(
    (namespace) => !excluded.has(namespace),
  );

  const probed = withEvidenceProbes(model, environments);
  const reachability = namespaceReachability(probed);
  const assertions = [...environmentAssertions(environments, reachability.pairs), ...verifyAssertions(model, input.verify)];
  const audited = new Set(auditResult.namespaces.map((entry) => entry.namespace));

  const namespaces: BundleNamespace[] = [...new Set([...known, ...audited])].sort().map((name) => ({
    name,
    audited: audited.has(name),
    environment: environments.includes(name),
    policies: model.policies
      .filter((policy) => (policy.metadata.namespace ?? 'default') === name)
      .map((policy) => ({
        name: policy.metadata.name,
        digest: policyDigest(policy),
        policyTypes: [...(asStoredByServer(policy.spec).policyTypes ?? [])],
        podSelector: describeSelector(policy.spec.podSelector),
        ...(isTemplatePolicy(policy) ? { templateLayer: policy.metadata.name } : {}),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  }));

  const results = auditResult.namespaces.flatMap((entry) =>
    entry.checks.map((check) => ({
      namespace: entry.namespace,
      checkId: check.checkId,
      status: check.passed ? ('pass' as const) : ('fail' as const),
      severity: check.severity,
      message: check.message,
      policies: check.policies,
    })),
  );
  const frameworks: BundleFramework[] = COMPLIANCE_FRAMEWORKS.map((framework) => ({
    id: framework.id,
    name: framework.name,
    source: { ...framework.source },
    controls: controlVerdicts(auditResult, framework).map((verdict) => ({
      ...verdict.control,
      tag: controlTag(framework, verdict.control),
      status: verdict.status,
      namespaces: verdict.namespaces.map((entry) => ({ namespace: entry.namespace, status: entry.status })),
    })),
  }));

  const failedChecks = results.filter((result) => result.status === 'fail').length;
  const failedAssertions = assertions.filter((assertion) => assertion.status === 'fail').length;
  return {
    schema: EVIDENCE_BUNDLE_SCHEMA,
    generatedAt: input.generatedAt,
    tool: { name: 'k8s-security', version: input.toolVersion },
    kubernetes: {
      serverVersion: input.serverVersion,
      note:
        input.serverVersion === null
          ? 'read from manifests: no API server was asked, so no Kubernetes version applies'
          : 'the version the API server reported at /version when the bundle was made',
    },
    source: input.source,
    summary: {
      verdict: failedChecks === 0 && failedAssertions === 0 ? 'pass' : 'fail',
      namespacesAudited: auditResult.namespaces.length,
      policies: model.policies.length,
      checks: { passed: results.length - failedChecks, failed: failedChecks },
      assertions: { passed: assertions.length - failedAssertions, failed: failedAssertions },
    },
    namespaces,
    audit: {
      checks: AUDIT_CHECK_LIST.map((check) => ({ id: check.id, name: check.name, summary: check.summary, severity: check.severity, controls: [...check.controls] })),
      results,
      skipped: auditResult.skipped,
      notes: auditResult.notes,
    },
    reachability: { method: REACHABILITY_METHOD, ...reachability },
    assertions,
    frameworks,
  };
}
