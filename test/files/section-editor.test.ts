/**
 * SectionEditor applies many edits to one reading of the file (`sso populate` makes thousands):
 * the result must be byte for byte what the same edits give one at a time, each on the text the
 * one before wrote (upsertSection, removeSection and copySection, pinned by
 * profile-writer-sections.test.ts), errors included.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { removeSection, SectionEditor } from '../../src/config/profile-writer.js';

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

/** Names that upsert and copy take... */
const NAMES = ['default', 'profile a', 'profile b', 'profile c', 'sso-session corp', 'profile d e', 'profile "q"', 'a', '[x', '#h', 'x=y'];
/** ...and names they refuse (remove takes them). */
const REFUSED = ['DEFAULT', ' profile a ', 'a]', ''];
const HEADERS = NAMES.map((name) => `[${name}]`);
/** Lines whose kind never depends on the lines above them: no indented key, value or header. */
const PLAIN_LINES = [
  ...['key = value', 'k=v', 'other: thing', 'k:v=w', 'key =', 'k = v # not a comment', 'key = [profile a]', '\u2028k = v'],
  ...['novalue', '=v', ':v', '[]', '[x', 'x]', '[a]]', '[[x]', '[ profile a ]', '[DEFAULT]', '[profile a]  ; note', '[profile b] # x', '[a]   '],
  ...['# a comment', '; c', '  # indented comment', '\t; c', '', '   ', '\t', '\f'],
];
/** Lines whose kind does: a value's next line, or a header, depending on the key above. */
const INDENTED_LINES = ['  continued line', '  [profile b]', '\t[profile c]', '    max = 10', '  [profile a]  ; note', ' k = v', '\u00a0k = v', '\u00a0[a]', '  =x', '  novalue'];

function picker(random: () => number): <T>(items: readonly T[]) => T {
  return (items) => items[Math.floor(random() * items.length)] as (typeof items)[number];
}

/** A file of sections with lines of every kind, sometimes indented, any line break, sometimes mixed, with or without a final one or a BOM. */
function randomText(random: () => number): string {
  const pick = picker(random);
  const eol = pick(['\n', '\r\n', '\r']);
  const lines: string[] = [];
  const shape = random();
  if (shape < 0.3) {
    // Indented headers, keys and values at several depths: whether a line is a header or a value depends on the lines above it.
    const indents = ['', '', ' ', '  ', '\t', '    ', '\u00a0'];
    const bodies = ['k = v', 'k=', 's3 =', 'novalue', '# c', '', '  ', '[profile a]', '[profile b] ; x', '[a]', 'x: y', '=v'];
    for (let i = Math.floor(random() * 10); i > 0; i--) {
      lines.push(`${pick(indents)}${pick(HEADERS)}`);
      for (let j = Math.floor(random() * 6); j > 0; j--) lines.push(`${pick(indents)}${pick(bodies)}`);
    }
  } else if (shape < 0.35) {
    for (let j = Math.floor(random() * 4); j >= 0; j--) lines.push(pick(['# only comments', '; c', '', '  # i']));
  } else if (shape > 0.38) {
    const kinds = random() < 0.5 ? PLAIN_LINES : [...PLAIN_LINES, ...INDENTED_LINES];
    const indented = kinds !== PLAIN_LINES;
    for (let j = Math.floor(random() * 3); j > 0; j--) lines.push(pick(kinds));
    for (let i = Math.floor(random() * (random() < 0.1 ? 40 : 7)); i > 0; i--) {
      const decoration = random();
      lines.push(`${indented && random() < 0.15 ? pick(['  ', '\t']) : ''}${pick(HEADERS)}${decoration < 0.1 ? '  ' : decoration < 0.2 ? ' ; note' : ''}`);
      for (let j = Math.floor(random() * 6); j > 0; j--) lines.push(pick(kinds));
    }
  } // else: an empty file
  const mixed = random() < 0.25;
  const joined = lines.map((line) => line + (mixed && random() < 0.15 ? pick(['\n', '\r\n', '\r']) : eol)).join('');
  const cut = random() < 0.35 ? joined.replace(/(\r\n|\r|\n)$/, '') : joined;
  const bom = random();
  return (bom < 0.1 ? '\uFEFF' : bom < 0.12 ? '\uFEFF\uFEFF' : '') + cut;
}

/** Edits of the sections the file has (duplicates included), of others, and of what earlier edits added; now and then a name they refuse. */
function randomEdits(random: () => number, text: string): Edit[] {
  const pick = picker(random);
  const inFile = [...text.matchAll(/^[ \t\u00a0]*\[(.+)\]/gm)].map((match) => match[1] ?? '').filter((name) => !/]|^\s|\s$|^DEFAULT$/.test(name));
  const name = (): string => {
    const roll = random();
    return roll < 0.3 && inFile.length > 0 ? pick(inFile) : roll < 0.33 ? pick(REFUSED) : pick(NAMES);
  };
  return Array.from({ length: 1 + Math.floor(random() * (random() < 0.2 ? 40 : 8)) }, (): Edit => {
    const roll = random();
    const target = name();
    if (roll < 0.45) {
      const keys = ['sso_session', 'region', 'k', 'x.y'];
      const entries = keys.slice(0, Math.floor(random() * 4)).map((key): [string, string] => [key, pick(['corp', 'eu-west-1', 'a = b', '[profile a]', '# x', 'v'])]);
      return { op: 'upsert', name: target, entries };
    }
    if (roll < 0.8) return { op: 'remove', name: target };
    return { op: 'copy', name: target, copyName: random() < 0.5 ? `${target}-backup` : name() };
  });
}

function apply(editor: SectionEditor, edit: Edit): SectionEditor {
  if (edit.op === 'upsert') return editor.upsert(edit.name, edit.entries);
  if (edit.op === 'remove') return editor.remove(edit.name);
  return editor.copy(edit.name, edit.copyName);
}

/** The text, or the error's class and message. */
function outcome(run: () => string): string {
  try {
    return run();
  } catch (error) {
    return `error: ${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

function oneByOne(text: string, edits: readonly Edit[]): string {
  return outcome(() => edits.reduce((current, edit) => apply(new SectionEditor(current), edit).text(), text));
}

function together(text: string, edits: readonly Edit[]): string {
  return outcome(() => {
    const editor = new SectionEditor(text);
    for (const edit of edits) apply(editor, edit);
    return editor.text();
  });
}

describe('SectionEditor: many edits on one reading', () => {
  // Run once with 100,000 seeds (about a minute) after changing the editor or the generator.
  const SEEDS = 4000;

  it(`gives what the same edits give one at a time (${SEEDS} random files and edit lists)`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const random = randomOf(seed);
      const text = randomText(random);
      const edits = randomEdits(random, text);
      expect(together(text, edits), `seed ${seed}: ${JSON.stringify(text)} ${JSON.stringify(edits)}`).toBe(oneByOne(text, edits));
    }
  });

  it('edits of one name in a row: upsert twice, remove what it appended, copy after a remove, a copy that makes a duplicate', () => {
    const text = '# top\n[profile a]\nk = 1\n\n# about b\n[profile b]\nk = 2';
    const lists: Edit[][] = [
      [{ op: 'upsert', name: 'profile n', entries: [['k', '1']] }, { op: 'upsert', name: 'profile n', entries: [['k', '2']] }, { op: 'remove', name: 'profile n' }],
      [{ op: 'remove', name: 'profile a' }, { op: 'copy', name: 'profile a', copyName: 'profile z' }, { op: 'copy', name: 'profile b', copyName: 'profile a' }],
      [{ op: 'copy', name: 'profile a', copyName: 'profile b' }, { op: 'remove', name: 'profile b' }, { op: 'remove', name: 'profile b' }],
      [{ op: 'copy', name: 'profile a', copyName: 'profile b' }, { op: 'upsert', name: 'profile b', entries: [] }],
    ];
    expect(together(text, lists[0] ?? [])).toBe(text);
    expect(together(text, lists[2] ?? [])).toBe('# top\n[profile a]\nk = 1\n\n# about b');
    expect(together(text, lists[3] ?? [])).toMatch(/^error: ConfigError: section \[profile b\] appears 2 times \(lines 6, 9\)/);
    for (const edits of lists) expect(together(text, edits)).toBe(oneByOne(text, edits));
  });

  it('refuses, as removeSection does, a removal that would make the indented header below part of a value above', () => {
    const text = '[profile a]\nk = v\n\n[profile gen]\n  x = 1\n  [profile mine]\n  region = eu-west-1\n';
    const edits: Edit[] = [{ op: 'upsert', name: 'profile new', entries: [['k', 'v']] }, { op: 'remove', name: 'profile gen' }];
    expect(() => removeSection(text, 'profile gen')).toThrow(ConfigError);
    expect(together(text, edits)).toMatch(/^error: ConfigError: removing \[profile gen\] would make the indented \[profile mine\] below it \(line 6\)/);
    expect(together(text, edits)).toBe(oneByOne(text, edits));
  });

  it('leaves a text it did not change as it was, byte for byte', () => {
    const text = '\uFEFF[profile a]\r\nkey = 1\n# end';
    expect(new SectionEditor(text).remove('profile zz').text()).toBe(text);
  });
});

describe('SectionEditor: one reading of the file', () => {
  it('removals past a long run of removed sections, then edits beside them, on one reading', () => {
    const removed = 20_000;
    const entries: [string, string][] = [['k', 'v']];
    let text = '[keep]\nk = v\n';
    for (let index = 0; index < removed; index++) text += `[gone ${index}]\nk = v\n`;
    // No final line break: every edit asks which line is now the last one.
    const editor = new SectionEditor(text.slice(0, -1));
    for (let index = removed - 1; index >= 0; index--) editor.remove(`gone ${index}`);
    for (let index = 0; index < 1000; index++) editor.upsert('keep', entries);
    expect(editor.text()).toBe('[keep]\nk = v');
    expect(editor.readings).toBe(1);
  });

  it('a file with indented lines (an s3 block) is not read again for each edit', () => {
    const profiles = 2000;
    const entries: [string, string][] = [['sso_session', 'corp'], ['awsrole_populated', 'true']];
    const head = '[default]\nregion = eu-west-1\ns3 =\n    max_concurrent_requests = 10\n';
    let text = head;
    for (let index = 0; index < profiles; index++) text += `\n[profile p${index}]\nsso_session = corp\nawsrole_populated = false\n`;
    const editor = new SectionEditor(text);
    for (let index = 0; index < profiles; index++) editor.upsert(`profile p${index}`, entries);
    for (let index = 0; index < profiles; index++) editor.remove(`profile p${index}`);
    expect(editor.text()).toBe(head);
    expect(editor.readings).toBe(1);
  });

  it('a file with mixed line breaks is read again for each edit (which break is most common may change)', () => {
    const editor = new SectionEditor('[a]\nk = v\r\n[b]\nk = v\n');
    editor.remove('a').remove('b').upsert('c', [['k', 'v']]);
    expect(editor.readings).toBe(3);
  });
});
