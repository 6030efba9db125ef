/**
 * The evidence bundle's JSON Schema (packages/cli/schemas/evidence-bundle-v1.schema.json), loaded
 * once: `evidence compare` and `--previous` validate the bundles they read against it, and the
 * tests validate what `evidence` writes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** Where the schema lives, from src/evidence or dist/evidence alike. */
export const EVIDENCE_SCHEMA_PATH = fileURLToPath(new URL('../../schemas/evidence-bundle-v1.schema.json', import.meta.url));

// ajv and ajv-formats are CommonJS whose module.exports is the class or plugin itself.
const requireCjs = createRequire(import.meta.url);

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (!validator) {
    const Ajv = requireCjs('ajv') as new (options: object) => { compile(schema: object): ValidateFunction };
    const addFormats = requireCjs('ajv-formats') as (ajv: object) => void;
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(EVIDENCE_SCHEMA_PATH, 'utf8')) as object);
  }
  return validator;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the document' : error.instancePath;
  const extra = error.keyword === 'additionalProperties' ? ` "${(error.params as { additionalProperty: string }).additionalProperty}"` : '';
  return `${where} ${error.message ?? 'is invalid'}${extra}`;
}

/** Problems of `document` against the version-1 schema, one sentence each; `[]` when it is valid. */
export function evidenceBundleProblems(document: unknown): string[] {
  const validate = compiled();
  return validate(document) ? [] : (validate.errors ?? []).map(describe);
}
