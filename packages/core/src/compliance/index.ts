/** Public surface of the compliance mappings. */
export { FRAMEWORK_IDS, type ComplianceFramework, type FrameworkControl, type FrameworkId, type SourceDocument } from './framework-types.js';
export { COMPLIANCE_FRAMEWORKS, complianceFramework, controlTag, controlTagsForCheck } from './frameworks.js';
export { controlVerdicts, type ControlStatus, type ControlVerdict, type NamespaceControlVerdict } from './control-verdicts.js';
