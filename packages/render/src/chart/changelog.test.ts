import { describe, expect, it } from 'vitest';
import { changesForVersion } from './changelog.js';

const CHANGELOG = `# Changelog

## [Unreleased]

### Added

- Not released yet.

## [1.1.0] - 2026-12-01

### Added

- A \`new\` option.

### Fixed

- A crash.

## [1.0.0] - 2026-11-01

### Added

- Everything.
`;

describe('changesForVersion', () => {
  it('turns one release section into Artifact Hub change entries, code marks removed', () => {
    expect(changesForVersion(CHANGELOG, '1.1.0')).toEqual([
      { kind: 'added', description: 'A new option.' },
      { kind: 'fixed', description: 'A crash.' },
    ]);
  });

  it('stops at the next release section', () => {
    expect(changesForVersion(CHANGELOG, '1.0.0')).toEqual([{ kind: 'added', description: 'Everything.' }]);
  });

  it('refuses a version without a section, naming the fix', () => {
    expect(() => changesForVersion(CHANGELOG, '2.0.0')).toThrow('CHANGELOG.md: no "## [2.0.0] - YYYY-MM-DD" section. Fix: add');
  });

  it('refuses a heading Keep a Changelog does not define, naming the line', () => {
    expect(() => changesForVersion('## [1.0.0] - 2026-11-01\n\n### New\n\n- x\n', '1.0.0')).toThrow('CHANGELOG.md:3: "### New" is not a Keep a Changelog heading');
  });

  it('refuses an empty release section', () => {
    expect(() => changesForVersion('## [1.0.0] - 2026-11-01\n', '1.0.0')).toThrow('lists no changes');
  });
});
