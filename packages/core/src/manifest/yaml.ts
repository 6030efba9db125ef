/**
 * The one place that knows the YAML wire format. Output is byte-for-byte deterministic:
 * key order is the order objects are built in (labels sorted), LF line ends, no folding,
 * a trailing newline.
 */
import { stringify } from 'yaml';

const YAML_OPTIONS = { lineWidth: 0, indent: 2, indentSeq: true, aliasDuplicateObjects: false } as const;

/** One object as a YAML document body (no `---`). */
export function toYaml(value: unknown): string {
  return stringify(value, YAML_OPTIONS);
}

/** Several objects as a multi-document YAML stream, `---` before each document. */
export function toYamlStream(values: readonly unknown[]): string {
  return values.map((value) => `---\n${toYaml(value)}`).join('');
}
