/** Public surface of the linter. */
export { LINT_DISABLE_ANNOTATION, lintManifests, parseRuleIdList, unknownLintRuleIds, type LintOptions, type LintResult } from './lint.js';
export { LINT_SEVERITIES, severityAtLeast, type LintFinding, type LintRule, type LintSeverity, type PolicyRef } from './lint-types.js';
export { LINT_RULES } from './rules.js';
