/**
 * Turns an audit into per-control verdicts for one framework: in each namespace, a control's
 * contribution holds when every audit check mapped to it passed. Controls no check can decide
 * (reviews, penetration tests) are reported as manual, never as passed.
 */
import type { AuditCheckResult, AuditResult } from '../audit/audit-model.js';
import type { ComplianceFramework, FrameworkControl } from './framework-types.js';

/** `pass`/`fail` from the mapped checks; `manual` when no check decides the control. */
export type ControlStatus = 'pass' | 'fail' | 'manual';

/** One control in one namespace, with the check verdicts behind it. */
export interface NamespaceControlVerdict {
  readonly namespace: string;
  readonly status: ControlStatus;
  readonly checks: readonly AuditCheckResult[];
}

/** One control across the audited namespaces. */
export interface ControlVerdict {
  readonly control: FrameworkControl;
  /** `fail` if any namespace fails, `manual` when no check decides it, `pass` otherwise (also with no namespace). */
  readonly status: ControlStatus;
  readonly namespaces: readonly NamespaceControlVerdict[];
}

/** The verdict of every control of `framework`, in the framework's order, from an audit result. */
export function controlVerdicts(result: AuditResult, framework: ComplianceFramework): ControlVerdict[] {
  return framework.controls.map((control) => {
    const namespaces = result.namespaces.map((entry): NamespaceControlVerdict => {
      const checks = control.checks.map((checkId) => {
        const check = entry.checks.find((candidate) => candidate.checkId === checkId);
        if (!check) throw new Error(`${framework.name} ${control.id} names ${checkId}, which the audit did not run`);
        return check;
      });
      const status: ControlStatus = checks.length === 0 ? 'manual' : checks.every((check) => check.passed) ? 'pass' : 'fail';
      return { namespace: entry.namespace, status, checks };
    });
    const status: ControlStatus =
      control.checks.length === 0 ? 'manual' : namespaces.some((entry) => entry.status === 'fail') ? 'fail' : 'pass';
    return { control, status, namespaces };
  });
}
