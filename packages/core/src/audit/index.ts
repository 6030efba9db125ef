/** Public surface of the namespace audit. */
export {
  AUDIT_CHECKS,
  AUDIT_CHECK_LIST,
  CNI_ENFORCEMENT_NOTE,
  type AuditCheck,
  type AuditCheckResult,
  type AuditOptions,
  type AuditResult,
  type NamespaceAudit,
} from './audit-model.js';
export { auditNamespaces } from './namespace-audit.js';
