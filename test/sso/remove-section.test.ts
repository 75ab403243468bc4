/** removeSection (src/config/profile-writer.ts), which `sso populate --prune` uses: removing what upsertSection appended gives the old text back. */
import { describe, expect, it } from 'vitest';
import { removeSection, upsertSection } from '../../src/config/profile-writer.js';

const ENTRIES: [string, string][] = [
  ['sso_session', 'corp'],
  ['awsrole_populated', 'true'],
];

describe('removeSection', () => {
  it.each([
    ['a plain file', '[default]\nregion = eu-west-1\n'],
    ['no final line break', '[default]\nregion = eu-west-1'],
    ['CRLF line endings', '[default]\r\nregion = eu-west-1\r\n'],
    ['a trailing comment', '[default]\nregion = eu-west-1\n# the end\n'],
    ['an empty file', ''],
    ['a byte order mark', '\uFEFF[default]\nregion = eu-west-1\n'],
  ])('append then remove: %s comes back byte for byte', (_, text) => {
    expect(removeSection(upsertSection(text, 'profile gen', ENTRIES), 'profile gen')).toBe(text);
  });

  it('a section in the middle goes with the blank line before it; the comment above the next header stays', () => {
    const text = '[profile a]\nx = 1\n\n[profile gen]\nsso_session = corp\n\n# b is mine\n[profile b]\ny = 2\n';
    expect(removeSection(text, 'profile gen')).toBe('[profile a]\nx = 1\n\n# b is mine\n[profile b]\ny = 2\n');
  });

  it('a file without the section is returned as it is', () => {
    expect(removeSection('[profile a]\nx = 1\n', 'profile gen')).toBe('[profile a]\nx = 1\n');
  });
});
