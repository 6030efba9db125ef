/**
 * What the namespace audit speaks of: its checks (AUD001-AUD006) with the framework controls
 * each decides, the options that choose the namespaces, and the shape of its result.
 */
import { controlTagsForCheck } from '../compliance/frameworks.js';
import type { LintSeverity } from '../lint/lint-types.js';

/** One audit check, as documented in the report and mapped to the catalog's controls. */
export interface AuditCheck {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
  readonly severity: LintSeverity;
  /** Every framework control the check decides: `PCI-DSS 1.3.1`, `CIS 5.3.2`, `MITRE T1021`, ... */
  readonly controls: readonly string[];
}

/** The checks, in report order. */
export const AUDIT_CHECKS = {
  defaultDenyIngress: {
    id: 'AUD001',
    name: 'default-deny-ingress',
    summary: 'A new pod with fresh labels is isolated for ingress and unreachable from other namespaces and outside the cluster.',
    severity: 'error',
    controls: controlTagsForCheck('AUD001'),
  },
  defaultDenyEgress: {
    id: 'AUD002',
    name: 'default-deny-egress',
    summary: 'A new pod with fresh labels is isolated for egress and cannot open connections to other namespaces or outside the cluster.',
    severity: 'warning',
    controls: controlTagsForCheck('AUD002'),
  },
  intraNamespace: {
    id: 'AUD003',
    name: 'intra-namespace-traffic',
    summary: 'Two pods of the namespace can connect to each other in both directions (the isolation does not break the namespace itself).',
    severity: 'warning',
    controls: controlTagsForCheck('AUD003'),
  },
  dnsEgress: {
    id: 'AUD004',
    name: 'dns-bound-to-dns-pods',
    summary: 'Pods reach the cluster DNS pods on UDP and TCP 53, and port 53 nowhere else.',
    severity: 'warning',
    controls: controlTagsForCheck('AUD004'),
  },
  crossNamespaceReach: {
    id: 'AUD005',
    name: 'cross-namespace-reach',
    summary: 'No arbitrary pod of another namespace, and no outside address, can reach the namespace; lists the specific pods that can.',
    severity: 'warning',
    controls: controlTagsForCheck('AUD005'),
  },
  optInsInUse: {
    id: 'AUD006',
    name: 'opt-ins-in-use',
    summary: 'No policy of the namespace was rendered with a template #14 opt-in that opens more than the guarded default (k8s-security-pro.io/opt-ins).',
    severity: 'note',
    controls: controlTagsForCheck('AUD006'),
  },
} as const satisfies Record<string, AuditCheck>;

/** The audit checks in report order (AUD001 first). */
export const AUDIT_CHECK_LIST: readonly AuditCheck[] = Object.values(AUDIT_CHECKS);

/** The note on CIS 5.3.1 every audit carries: verdicts assume an enforcing CNI. */
export const CNI_ENFORCEMENT_NOTE =
  'CIS 5.3.1: these verdicts hold only if the CNI enforces NetworkPolicy. A CNI that does not (flannel alone, for example) accepts every policy and enforces none: check yours.';

/** The verdict of one check for one namespace, with the policies behind it. */
export interface AuditCheckResult {
  readonly checkId: string;
  readonly passed: boolean;
  readonly severity: LintSeverity;
  readonly message: string;
  /** Policies behind the verdict, `namespace/name`, sorted. */
  readonly policies: readonly string[];
}

/** Every check of one namespace. */
export interface NamespaceAudit {
  readonly namespace: string;
  readonly checks: readonly AuditCheckResult[];
}

/** Which namespaces {@link auditNamespaces} checks. */
export interface AuditOptions {
  /** Audit these even when they are system namespaces or absent from the input. */
  readonly include?: readonly string[];
  /** Leave these out. */
  readonly exclude?: readonly string[];
  /** Namespace of the cluster DNS pods. @default 'kube-system' */
  readonly dnsNamespace?: string;
  /** Values of the `k8s-app` label that mark DNS pods. @default ['kube-dns', 'coredns'] */
  readonly dnsAppLabels?: readonly string[];
}

/** What {@link auditNamespaces} returns: the audited namespaces and why others were left out. */
export interface AuditResult {
  readonly namespaces: readonly NamespaceAudit[];
  /** Namespaces left out, with the reason. */
  readonly skipped: readonly { readonly namespace: string; readonly reason: string }[];
  /** Assumptions and skipped input, one sentence each. */
  readonly notes: readonly string[];
}
