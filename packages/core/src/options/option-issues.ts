/** Problems in the options, as one line each: a field path as users write it and what to do. */
import type { z } from 'zod';

/** One problem in the options: a field path (`allowMonitoring.ports[0].port`) and what to do. */
export interface OptionsIssue {
  readonly path: string;
  readonly message: string;
}

/** Thrown for invalid options. `message` lists every problem, one line each, path first. */
export class NamespaceIsolationOptionsError extends Error {
  override readonly name = 'NamespaceIsolationOptionsError';
  constructor(readonly issues: readonly OptionsIssue[]) {
    super(
      `invalid namespace-isolation options (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n` +
        issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n'),
    );
  }
}

/** Formats a zod path the way users write it in YAML and Helm's `--set`: `a.b[0].c`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(options)';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = String(segment);
      // Label keys hold '/' and '.', so they are quoted: matchLabels["app.kubernetes.io/name"].
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return index === 0 ? key : `.${key}`;
    })
    .join('');
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.message && !issue.message.startsWith('Invalid input')) return `${issue.message}`;
      const received = (issue as { input?: unknown }).input;
      return `expected ${article(issue.expected)}, got ${describeValue(received)}. Fix: set it to ${article(issue.expected)}`;
    }
    case 'invalid_key':
      // A record key failed its own check; its message is the useful one.
      return issue.issues.map((inner) => inner.message).join('; ');
    case 'too_small':
    case 'too_big':
    case 'invalid_value':
    case 'custom':
    case 'unrecognized_keys':
    default:
      return issue.message;
  }
}

/** What a wrong value is, in the words of {@link article}: `a list`, `a map`, `a string`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return article(typeof value);
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a map';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * The first value that is not plain data (a Map, a Date, a class instance, a function, null at
 * the top): zod would read a Map as an empty object and quietly apply the defaults.
 */
export function nonPlainValue(value: unknown, path: readonly PropertyKey[]): OptionsIssue | undefined {
  const at = formatFieldPath(path);
  if (value === null && path.length === 0) {
    return { path: at, message: 'options are null. Fix: pass an object such as { targetNamespaces: ["production"] }, or nothing for the defaults' };
  }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    return { path: at, message: `expected plain data, got a ${typeof value}. Fix: use strings, numbers, booleans, lists and plain objects` };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nonPlainValue(item, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    return {
      path: at,
      message: `expected a plain object, got a ${kind}. Fix: pass a plain object literal such as { targetNamespaces: ["production"] } (convert a Map with Object.fromEntries)`,
    };
  }
  for (const [key, child] of Object.entries(value)) {
    const found = nonPlainValue(child, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
