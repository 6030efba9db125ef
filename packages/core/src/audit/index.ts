/** Public surface of the namespace audit. */
export {
  AUDIT_CHECKS,
  AUDIT_CHECK_LIST,
  CNI_ENFORCEMENT_NOTE,
  auditNamespaces,
  type AuditCheck,
  type AuditCheckResult,
  type AuditOptions,
  type AuditResult,
  type NamespaceAudit,
} from './namespace-audit.js';
