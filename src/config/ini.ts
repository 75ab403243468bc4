import type { Section } from './shared-config.js';

/** Why a file could not be read the way botocore reads it (botocore: ConfigParseError). */
export class IniParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'IniParseError';
  }
}

/** Python's str.isspace(), which configparser's strip() and \\s use (by code unit, for speed). */
function isPySpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return (
    code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000
  );
}

/** How many leading characters are Python whitespace. */
function leadingSpace(text: string): number {
  let start = 0;
  while (start < text.length && isPySpace(text.charCodeAt(start))) start++;
  return start;
}

export function pyStrip(text: string): string {
  const start = leadingSpace(text);
  let end = text.length;
  while (end > start && isPySpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function pyRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPySpace(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Python's universal-newline split: \r\n, \r and \n all end a line. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const SECTION_HEADER = /^\[(.+)\]/s;
const DEFAULT_SECTION = 'DEFAULT';

/** Option values as read: one string, or the lines of a multi-line value until the end. */
type RawSection = Record<string, string | string[]>;

interface ParseState {
  sections: Map<string, RawSection>;
  defaults: RawSection;
  current: RawSection | undefined;
  sectionName: string | undefined;
  option: string | undefined;
  /** Blank lines seen after the value; they matter only if a continuation line follows. */
  pendingBlanks: number;
  indent: number;
  badLines: number[];
}

/** No prototype: a key like `__proto__` is just a key. */
function emptySection(): RawSection {
  return Object.create(null) as RawSection;
}

/**
 * Parses INI text exactly as botocore does: Python's RawConfigParser (strict, `=` and `:`,
 * full-line comments only, indented continuation lines, a DEFAULT section inherited by all),
 * then botocore's one level of nested `key = value` blocks.
 * Returns sections in file order.
 */
export function parseIni(text: string): Map<string, Section> {
  const state: ParseState = {
    sections: new Map(),
    defaults: emptySection(),
    current: undefined,
    sectionName: undefined,
    option: undefined,
    pendingBlanks: 0,
    indent: 0,
    badLines: [],
  };
  const lines = splitLines(text);
  for (let index = 0; index < lines.length; index++) readLine(state, lines[index] ?? '', index + 1);
  const first = state.badLines[0];
  if (first !== undefined) {
    throw new IniParseError(first, `line ${first} is neither a [section], a key = value, nor an indented continuation`);
  }
  return finishSections(state);
}

/**
 * Adds a line to the value being read. configparser keeps blank lines inside a value and trims
 * them at the end, so they are only counted until a real continuation line shows up.
 */
function continueValue(state: ParseState, line: string): void {
  const { current, option } = state;
  if (current === undefined || !option) return;
  if (line === '') {
    state.pendingBlanks++;
    return;
  }
  const value = current[option];
  const lines = Array.isArray(value) ? value : [value ?? ''];
  for (; state.pendingBlanks > 0; state.pendingBlanks--) lines.push('');
  lines.push(line);
  current[option] = lines;
}

function readLine(state: ParseState, line: string, lineNumber: number): void {
  const stripped = pyStrip(line);
  const first = stripped.charCodeAt(0);
  if (first === 0x23 || first === 0x3b) return; // # or ;
  if (stripped === '') {
    continueValue(state, '');
    return;
  }
  const indent = leadingSpace(line);
  if (state.current !== undefined && state.option && indent > state.indent) {
    continueValue(state, stripped);
    return;
  }
  state.indent = indent;
  const header = first === 0x5b ? SECTION_HEADER.exec(stripped) : null;
  if (header?.[1] !== undefined) {
    openSection(state, header[1], lineNumber);
    return;
  }
  if (state.current === undefined) {
    throw new IniParseError(lineNumber, `line ${lineNumber} comes before any [section] header`);
  }
  readOption(state, stripped, lineNumber);
}

function openSection(state: ParseState, name: string, lineNumber: number): void {
  state.option = undefined;
  state.pendingBlanks = 0;
  state.sectionName = name;
  if (name === DEFAULT_SECTION) {
    state.current = state.defaults;
    return;
  }
  if (state.sections.has(name)) {
    throw new IniParseError(lineNumber, `section [${name}] appears twice (line ${lineNumber})`);
  }
  const section = emptySection();
  state.sections.set(name, section);
  state.current = section;
}

/** The first `=` or `:` splits name from value, as configparser's lazy option pattern does. */
function delimiterIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3d || code === 0x3a) return i;
  }
  return -1;
}

function readOption(state: ParseState, stripped: string, lineNumber: number): void {
  const at = delimiterIndex(stripped);
  const section = state.current;
  if (at <= 0 || section === undefined) {
    state.badLines.push(lineNumber);
    return;
  }
  const name = pyRstrip(stripped.slice(0, at)).toLowerCase();
  // Strict mode: a key twice in one section (the section's own keys are exactly those seen).
  if (Object.hasOwn(section, name)) {
    throw new IniParseError(lineNumber, `key "${name}" appears twice in [${state.sectionName ?? ''}] (line ${lineNumber})`);
  }
  state.option = name;
  state.pendingBlanks = 0;
  section[name] = pyStrip(stripped.slice(at + 1));
}

function finishSections(state: ParseState): Map<string, Section> {
  const defaults = Object.keys(state.defaults).length === 0 ? undefined : finishValues(state.defaults);
  const result = new Map<string, Section>();
  for (const [name, raw] of state.sections) {
    const section = finishValues(raw);
    result.set(name, defaults === undefined ? section : Object.assign(emptySection(), defaults, section));
  }
  return result;
}

/** Joins multi-line values in place and turns indented blocks into nested maps. */
function finishValues(raw: RawSection): Section {
  const section = raw as Section;
  for (const name in raw) {
    const value = raw[name];
    if (!Array.isArray(value)) continue;
    const joined = pyRstrip(value.join('\n'));
    section[name] = joined.startsWith('\n') ? parseNested(joined, name) : joined;
  }
  return section;
}

/** botocore's _parse_nested: `key = value` lines of an indented block; any other line is an error. */
function parseNested(value: string, key: string): Record<string, string> {
  const nested = Object.create(null) as Record<string, string>;
  for (const raw of value.split('\n')) {
    const line = pyStrip(raw);
    if (line === '') continue;
    const at = line.indexOf('=');
    // Never quote the line: it may be a secret that slipped onto a line of its own.
    if (at < 0) throw new IniParseError(0, `the indented block under "${key}" has a line without "=" (an indented line continues the key above it)`);
    nested[pyStrip(line.slice(0, at))] = pyStrip(line.slice(at + 1));
  }
  return nested;
}

/** Python's shlex.split (POSIX mode, no comments) for section names; undefined where shlex raises. */
export function shlexSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && i + 1 < text.length && '\\"'.includes(text.charAt(i + 1))) word += text.charAt(++i);
      else word += char;
    } else if (' \t\r\n'.includes(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\') {
      if (i + 1 >= text.length) return undefined;
      word = (word ?? '') + text.charAt(++i);
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== undefined) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
