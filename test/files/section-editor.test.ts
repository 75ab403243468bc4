/**
 * SectionEditor applies many edits to one reading of the file (`sso populate` makes thousands):
 * the result must be byte for byte what the same edits give one at a time, each on the text the
 * one before wrote (upsertSection, removeSection and copySection, pinned by
 * profile-writer-sections.test.ts), errors included.
 */
import { describe, expect, it } from 'vitest';
import { SectionEditor } from '../../src/config/profile-writer.js';

type Edit = { op: 'upsert'; name: string; entries: [string, string][] } | { op: 'remove'; name: string } | { op: 'copy'; name: string; copyName: string };

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function randomOf(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['default', 'profile a', 'profile b', 'profile c', 'sso-session corp', 'profile d e'];
/** Lines whose kind never depends on the lines above them (no indented key, value or header)... */
const PLAIN_LINES = ['key = value', 'other: thing', '# a comment', '  ; an indented comment', '', '   ', '[profile a]  ; note'];
/** ...and lines whose kind does: the editor reads the file again after each edit for those. */
const CONTEXTUAL_LINES = ['  continued line', '  [profile b]', '\t[profile c]'];

function randomText(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const kinds = random() < 0.5 ? PLAIN_LINES : [...PLAIN_LINES, ...CONTEXTUAL_LINES];
  const eol = pick(['\n', '\r\n', '\r']);
  const lines: string[] = random() < 0.2 ? [] : ['# top comment'];
  const sections = Math.floor(random() * 6);
  for (let i = 0; i < sections; i++) {
    lines.push(`${kinds === PLAIN_LINES || random() < 0.85 ? '' : '  '}[${pick(NAMES)}]`);
    for (let j = Math.floor(random() * 5); j > 0; j--) lines.push(pick(kinds));
  }
  const mixed = lines.map((line) => line + (random() < 0.1 ? pick(['\n', '\r\n', '\r']) : eol)).join('');
  const cut = random() < 0.3 ? mixed.replace(/(\r\n|\r|\n)$/, '') : mixed;
  return (random() < 0.1 ? '\uFEFF' : '') + cut;
}

function randomEdits(random: () => number): Edit[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: 1 + Math.floor(random() * 8) }, (): Edit => {
    const name = pick(NAMES);
    const roll = random();
    if (roll < 0.5) return { op: 'upsert', name, entries: [['sso_session', 'corp'], ['region', pick(['eu-west-1', 'us-east-1'])]] };
    if (roll < 0.85) return { op: 'remove', name };
    return { op: 'copy', name, copyName: `${name}-backup` };
  });
}

function apply(editor: SectionEditor, edit: Edit): SectionEditor {
  if (edit.op === 'upsert') return editor.upsert(edit.name, edit.entries);
  if (edit.op === 'remove') return editor.remove(edit.name);
  return editor.copy(edit.name, edit.copyName);
}

/** The text, or the error's message. */
function outcome(run: () => string): string {
  try {
    return run();
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('SectionEditor: many edits on one reading', () => {
  it('gives what the same edits give one at a time (4,000 random files and edit lists, half without indented lines)', () => {
    for (let seed = 1; seed <= 4000; seed++) {
      const random = randomOf(seed);
      const text = randomText(random);
      const edits = randomEdits(random);
      const oneByOne = outcome(() => edits.reduce((current, edit) => apply(new SectionEditor(current), edit).text(), text));
      const together = outcome(() => {
        const editor = new SectionEditor(text);
        for (const edit of edits) apply(editor, edit);
        return editor.text();
      });
      expect(together, `seed ${seed}: ${JSON.stringify(text)} ${JSON.stringify(edits)}`).toBe(oneByOne);
    }
  });

  it('leaves a text it did not change as it was, byte for byte', () => {
    const text = '\uFEFF[profile a]\r\nkey = 1\n# end';
    expect(new SectionEditor(text).remove('profile zz').text()).toBe(text);
  });
});
