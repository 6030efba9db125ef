/**
 * Test-only checks of the machine formats. SARIF is validated twice: against the official 2.1.0
 * JSON Schema (from the MIT-licensed @microsoft/jest-sarif package, not vendored), and by the
 * hand-written checks below for rules the schema cannot state (kind/level pairing, ruleIndex).
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

// Both packages are CommonJS whose module.exports is the class or plugin itself.
const requireCjs = createRequire(import.meta.url);
const Ajv = requireCjs('ajv-draft-04') as new (options: object) => { compile(schema: object): ValidateFunction };
const addFormats = requireCjs('ajv-formats') as (ajv: object) => void;

const SARIF_LEVELS = ['none', 'note', 'warning', 'error'];
const SARIF_KINDS = ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isMessage = (value: unknown) => isObject(value) && (typeof value.text === 'string' || typeof value.id === 'string');

/** Problems with `log` against the SARIF 2.1.0 schema's required properties and enums; `[]` when none. */
export function sarifStructureProblems(log: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(log)) return ['the log is not an object'];
  if (log.version !== '2.1.0') problems.push('version must be "2.1.0"');
  if (typeof log.$schema !== 'string' || !/^https?:\/\//.test(log.$schema)) problems.push('$schema must be an absolute URI');
  if (!Array.isArray(log.runs)) return [...problems, 'runs must be an array'];
  log.runs.forEach((run: unknown, runIndex) => {
    const at = `runs[${runIndex}]`;
    if (!isObject(run) || !isObject(run.tool) || !isObject(run.tool.driver) || typeof run.tool.driver.name !== 'string') {
      problems.push(`${at}.tool.driver.name is required`);
      return;
    }
    const rules = Array.isArray(run.tool.driver.rules) ? run.tool.driver.rules : [];
    rules.forEach((rule: unknown, i) => {
      if (!isObject(rule) || typeof rule.id !== 'string') problems.push(`${at}.tool.driver.rules[${i}].id is required`);
      else {
        for (const key of ['shortDescription', 'fullDescription', 'help']) {
          if (rule[key] !== undefined && !isMessage(rule[key])) problems.push(`${at}.tool.driver.rules[${i}].${key} needs text`);
        }
        const config = rule.defaultConfiguration;
        if (isObject(config) && config.level !== undefined && !SARIF_LEVELS.includes(String(config.level))) {
          problems.push(`${at}.tool.driver.rules[${i}].defaultConfiguration.level is not a SARIF level`);
        }
      }
    });
    const results = run.results === undefined ? [] : run.results;
    if (!Array.isArray(results)) return problems.push(`${at}.results must be an array`);
    results.forEach((result: unknown, i) => {
      const where = `${at}.results[${i}]`;
      if (!isObject(result)) return problems.push(`${where} must be an object`);
      if (!isMessage(result.message)) problems.push(`${where}.message needs text or id`);
      if (result.level !== undefined && !SARIF_LEVELS.includes(String(result.level))) problems.push(`${where}.level "${String(result.level)}" is not a SARIF level`);
      if (result.kind !== undefined && !SARIF_KINDS.includes(String(result.kind))) problems.push(`${where}.kind "${String(result.kind)}" is not a SARIF kind`);
      // The spec: a level other than "none" requires kind "fail" (3.27.9).
      if (result.kind !== undefined && result.kind !== 'fail' && result.level !== undefined && result.level !== 'none') {
        problems.push(`${where}: kind "${String(result.kind)}" needs level "none"`);
      }
      if (result.ruleIndex !== undefined) {
        const rule = rules[result.ruleIndex as number] as Json | undefined;
        if (!Number.isInteger(result.ruleIndex) || (result.ruleIndex as number) < 0 || !rule) problems.push(`${where}.ruleIndex is out of range`);
        else if (rule.id !== result.ruleId) problems.push(`${where}.ruleIndex ${String(result.ruleIndex)} names rule ${String(rule.id)}, not ${String(result.ruleId)}`);
      }
      const locations = result.locations === undefined ? [] : result.locations;
      if (!Array.isArray(locations)) return problems.push(`${where}.locations must be an array`);
      locations.forEach((location: unknown, j) => {
        const place = `${where}.locations[${j}]`;
        if (!isObject(location)) return problems.push(`${place} must be an object`);
        const physical = location.physicalLocation;
        if (physical !== undefined) {
          if (!isObject(physical) || !isObject(physical.artifactLocation) || typeof physical.artifactLocation.uri !== 'string') {
            problems.push(`${place}.physicalLocation.artifactLocation.uri is required`);
          } else if (/\s/.test(physical.artifactLocation.uri)) problems.push(`${place}.physicalLocation.artifactLocation.uri is not a URI reference`);
          const region = isObject(physical) ? physical.region : undefined;
          if (region !== undefined && (!isObject(region) || !Number.isInteger(region.startLine) || (region.startLine as number) < 1)) {
            problems.push(`${place}.physicalLocation.region.startLine must be an integer >= 1`);
          }
        }
        const logical = location.logicalLocations;
        if (logical !== undefined && (!Array.isArray(logical) || logical.some((l) => !isObject(l)))) problems.push(`${place}.logicalLocations must be objects`);
      });
      return undefined;
    });
    const invocations = run.invocations === undefined ? [] : run.invocations;
    if (!Array.isArray(invocations)) return problems.push(`${at}.invocations must be an array`);
    invocations.forEach((invocation: unknown, i) => {
      if (!isObject(invocation) || typeof invocation.executionSuccessful !== 'boolean') {
        problems.push(`${at}.invocations[${i}].executionSuccessful is required`);
      } else if (Array.isArray(invocation.toolExecutionNotifications)) {
        invocation.toolExecutionNotifications.forEach((n: unknown, k) => {
          if (!isObject(n) || !isMessage(n.message)) problems.push(`${at}.invocations[${i}].toolExecutionNotifications[${k}].message is required`);
        });
      }
    });
    return undefined;
  });
  return problems;
}

/**
 * A strict well-formedness check of the XML subset the JUnit writer emits (declaration,
 * elements, attributes, text, the five predefined entities): the first problem, or undefined.
 */
export function xmlWellFormednessProblem(xml: string): string | undefined {
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const open: string[] = [];
  let seenRoot = false;
  const badAmpersand = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  while (rest.length > 0) {
    const tagStart = rest.indexOf('<');
    const text = tagStart < 0 ? rest : rest.slice(0, tagStart);
    if (badAmpersand.test(text)) return `bare & in text "${text.slice(0, 40)}"`;
    if (text.includes('>')) return `bare > in text "${text.slice(0, 40)}"`;
    if (open.length === 0 && text.trim() !== '') return 'text outside the root element';
    if (tagStart < 0) break;
    rest = rest.slice(tagStart);
    const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (!tag) return `malformed tag at "${rest.slice(0, 40)}"`;
    const [whole, closing, name, attributes = '', selfClosing] = tag;
    if (badAmpersand.test(attributes)) return `bare & in attributes of <${name}>`;
    const names = [...attributes.matchAll(/([A-Za-z_][\w.-]*)=/g)].map((m) => m[1]);
    if (new Set(names).size !== names.length) return `duplicate attribute in <${name}>`;
    if (closing) {
      const expected = open.pop();
      if (expected !== name) return `</${name}> closes <${expected ?? 'nothing'}>: expected </${expected ?? ''}>`;
    } else {
      if (open.length === 0 && seenRoot) return 'more than one root element';
      seenRoot = true;
      if (!selfClosing) open.push(name!);
    }
    rest = rest.slice(whole.length);
  }
  if (open.length > 0) return `<${open.at(-1)}> is never closed`;
  return seenRoot ? undefined : 'no root element';
}

/**
 * Problems with `log` against the official SARIF 2.1.0 JSON Schema (draft-04), as shipped in the
 * MIT-licensed @microsoft/jest-sarif package; `[]` when it validates.
 */
export function officialSarifSchemaProblems(log: unknown): string[] {
  const validate = compiledSarifSchema();
  if (validate(log)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(log)'} ${error.message ?? 'is invalid'}`);
}

let sarifValidator: ValidateFunction | undefined;
function compiledSarifSchema(): ValidateFunction {
  if (!sarifValidator) {
    const schema = requireCjs('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as Record<string, unknown>;
    // The schema's language pattern is not valid in the u (unicode) regex mode ajv uses by default.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    sarifValidator = ajv.compile(schema);
  }
  return sarifValidator;
}
