import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { lintManifests } from './lint.js';
import { LINT_RULES } from './rules.js';

const DOCS = fileURLToPath(new URL('../../../../docs/lint/', import.meta.url));

/** The objects of the first yaml code block under `## <heading>`. */
function exampleUnder(markdown: string, heading: string): unknown[] {
  const section = markdown.split(`\n## ${heading}\n`)[1] ?? '';
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error(`no yaml block under "## ${heading}"`);
  return parseAllDocuments(block).map((document) => document.toJS());
}

describe('docs/lint', () => {
  for (const rule of LINT_RULES) {
    it(`${rule.id}.md cites its pitfall and shows a bad example the rule reports and a good one it passes`, () => {
      const markdown = readFileSync(`${DOCS}${rule.id}.md`, 'utf8');
      expect(markdown.startsWith(`# ${rule.id}: `)).toBe(true);
      expect(markdown).toContain(`Severity: **${rule.severity}**. Pitfall ${rule.pitfall} of [docs/pitfalls.md](../pitfalls.md).`);
      expect(lintManifests(exampleUnder(markdown, 'Bad')).findings.map((f) => f.ruleId)).toEqual([rule.id]);
      expect(lintManifests(exampleUnder(markdown, 'Good')).findings).toEqual([]);
    });
  }
});
