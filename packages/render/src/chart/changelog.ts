/**
 * Reads a Keep a Changelog file (CHANGELOG.md) and turns one release's section into Artifact
 * Hub's `artifacthub.io/changes` entries. Pure: text in, entries out.
 */

/** Artifact Hub's change kinds, one per Keep a Changelog heading. */
const KINDS: Readonly<Record<string, string>> = {
  Added: 'added',
  Changed: 'changed',
  Deprecated: 'deprecated',
  Removed: 'removed',
  Fixed: 'fixed',
  Security: 'security',
};

/** One entry of the `artifacthub.io/changes` annotation. */
export interface ChartChange {
  readonly kind: string;
  readonly description: string;
}

/**
 * The changes listed under `## [version]`. Throws, naming the line and the fix, when the section
 * is missing, empty, or uses a heading Keep a Changelog does not define.
 */
export function changesForVersion(changelog: string, version: string): ChartChange[] {
  const lines = changelog.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
  if (start < 0) throw new Error(`CHANGELOG.md: no "## [${version}] - YYYY-MM-DD" section. Fix: add the release's section before generating`);
  const changes: ChartChange[] = [];
  let kind: string | undefined;
  for (let index = start + 1; index < lines.length && !lines[index]!.startsWith('## '); index++) {
    const line = lines[index]!;
    const heading = /^### (.+)$/.exec(line);
    if (heading) {
      kind = KINDS[heading[1]!.trim()];
      if (!kind) throw new Error(`CHANGELOG.md:${index + 1}: "### ${heading[1]}" is not a Keep a Changelog heading. Fix: use one of ${Object.keys(KINDS).join(', ')}`);
    } else if (line.startsWith('- ')) {
      if (!kind) throw new Error(`CHANGELOG.md:${index + 1}: an entry before any "### Added"-style heading. Fix: put it under one`);
      changes.push({ kind, description: line.slice(2).trim().replace(/`/g, '') });
    }
  }
  if (changes.length === 0) throw new Error(`CHANGELOG.md: the section of ${version} lists no changes. Fix: add at least one "- " entry`);
  return changes;
}
