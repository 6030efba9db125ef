/** Public surface of the linter. */
export { LINT_DISABLE_ANNOTATION, lintManifests, parseRuleIdList, policyRefLabel, unknownLintRuleIds, type LintOptions, type LintResult, type OtherObjects } from './lint.js';
export {
  LINT_SEVERITIES,
  severityAtLeast,
  type LintFinding,
  type LintRule,
  type LintSeverity,
  type PolicyFamily,
  type PolicyRef,
} from './lint-types.js';
export { LINTED_KINDS } from './manifest-objects.js';
export { LINT_RULES } from './rules.js';
