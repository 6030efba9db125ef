/** The shape of a compliance framework mapping: what a control is, where it is published, what the template gives. */

/** `audit --framework` names a framework by one of these. */
export const FRAMEWORK_IDS = ['pci-dss', 'soc2', 'hipaa', 'cis', 'mitre'] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

/** The document a control id was checked against: title, publisher, version and where to read it. */
export interface SourceDocument {
  readonly title: string;
  readonly publisher: string;
  readonly version: string;
  /** Publication date (`2022-03`), when it was verified; left out rather than guessed. */
  readonly published?: string;
  readonly url: string;
}

/** One control, requirement, criterion or technique of a framework, as the template maps it. */
export interface FrameworkControl {
  /** Exactly as the framework publishes it: `1.3.1`, `CC6.6`, `164.312(a)(1)`, `5.3.2`, `T1021`. */
  readonly id: string;
  /** The framework's own short wording of the control. */
  readonly title: string;
  /** Where in the source document the id and title stand. */
  readonly citation: string;
  /** One line: what the template contributes to the control. */
  readonly contribution: string;
  /** What the template does not cover; the operator's part of the control. */
  readonly notCovered: readonly string[];
  /**
   * Audit checks (`AUD001`...) whose verdicts decide whether the template's contribution holds in
   * a namespace. Empty: nothing the policies do can decide it (a process control); reported as manual.
   */
  readonly checks: readonly string[];
}

/** A framework, its source document and the controls the template maps to. */
export interface ComplianceFramework {
  readonly id: FrameworkId;
  /** Display name: `PCI DSS`, `SOC 2`. */
  readonly name: string;
  /** Prefix of control ids in tags and SARIF: `PCI-DSS 1.3.1`, `CIS 5.3.2`. */
  readonly tagPrefix: string;
  readonly source: SourceDocument;
  /** Every id of this framework has this form (from the framework's own numbering scheme). */
  readonly idPattern: RegExp;
  /** The pattern in words, for error messages and docs. */
  readonly idPatternDescription: string;
  readonly controls: readonly FrameworkControl[];
}
