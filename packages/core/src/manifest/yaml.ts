/**
 * The one place that knows the YAML wire format. Output is byte-for-byte deterministic:
 * key order is the order objects are built in (labels sorted), LF line ends, no folding,
 * a trailing newline.
 *
 * kubectl and Helm read manifests as YAML 1.1 (sigs.k8s.io/yaml), where plain `yes`, `on`,
 * `n` or `1_000` are booleans and numbers; this library writes YAML 1.2, which leaves them
 * unquoted. A namespace called `on` or a label value `no` would then reach the API server
 * as a boolean. So every string that a YAML 1.1 reader would not read back as the same
 * string is double-quoted; the output reads the same under YAML 1.1 and 1.2.
 */
import { Document, Scalar, isScalar, parse, visit } from 'yaml';

const DOCUMENT_OPTIONS = { aliasDuplicateObjects: false } as const;
const TO_STRING_OPTIONS = { lineWidth: 0, indent: 2, indentSeq: true } as const;

/** Whether a plain (unquoted) `value` would be read back as something else by a YAML 1.1 reader. */
function changesUnderYaml11(value: string): boolean {
  if (value.includes('\n')) return false;
  try {
    return parse(value, { version: '1.1', logLevel: 'error' }) !== value;
  } catch {
    return true;
  }
}

/** One object as a YAML document body (no `---`). */
export function toYaml(value: unknown): string {
  const document = new Document(value, DOCUMENT_OPTIONS);
  visit(document, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && changesUnderYaml11(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return document.toString(TO_STRING_OPTIONS);
}

/** Several objects as a multi-document YAML stream, `---` before each document. */
export function toYamlStream(values: readonly unknown[]): string {
  return values.map((value) => `---\n${toYaml(value)}`).join('');
}
