/**
 * What makes a repository depend on the machine it was written on: references to folders
 * beside the checkout and absolute paths of a particular machine.
 */
import type { RepositoryFile } from './tracked-files.js';

/** One line of one file that reaches outside the checkout. */
export interface OutsideReference {
  readonly path: string;
  readonly line: number;
  readonly what: string;
  readonly text: string;
}

interface Pattern {
  readonly what: string;
  readonly regex: RegExp;
}

// Built from pieces so that this file does not match itself.
const SHARED = ['sha', 'red'].join('');
const machinePath = (folder: string, what = `/${folder}/`): Pattern => ({
  what: `a machine path (${what})`,
  regex: new RegExp(`(^|[^\\w.-])/${folder}/${what.endsWith('USER') ? '[A-Za-z0-9_.-]+' : ''}`),
});
const PATTERNS: readonly Pattern[] = [
  { what: `a folder beside the checkout (../${SHARED})`, regex: new RegExp(`\\.\\.[\\\\/]${SHARED}\\b`) },
  { what: `a folder beside the checkout (join with '..' and '${SHARED}')`, regex: new RegExp(`['"]\\.\\.['"]\\s*,\\s*['"]${SHARED}['"]`) },
  machinePath(['wo', 'rk'].join('')),
  machinePath(['ro', 'ot'].join('')),
  machinePath(['ho', 'me'].join(''), `/${['ho', 'me'].join('')}/USER`),
  machinePath(['Us', 'ers'].join(''), `/${['Us', 'ers'].join('')}/USER`),
  { what: 'a pitfalls file users do not have', regex: new RegExp(`${'NETPOL'}-PITFALLS`) },
];

/** Every line of `files` that names something outside the checkout, in file and line order. */
export function findOutsideReferences(files: readonly RepositoryFile[]): OutsideReference[] {
  const found: OutsideReference[] = [];
  for (const file of files) {
    file.text.split('\n').forEach((text, index) => {
      for (const pattern of PATTERNS) {
        if (pattern.regex.test(text)) found.push({ path: file.path, line: index + 1, what: pattern.what, text: text.trim() });
      }
    });
  }
  return found;
}

/** `path:line: what: text`, one per line, for a failing test to print. */
export function describeOutsideReferences(references: readonly OutsideReference[]): string {
  return references.map((ref) => `${ref.path}:${ref.line}: ${ref.what}: ${ref.text}`).join('\n');
}
