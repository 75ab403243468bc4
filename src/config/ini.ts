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

/** Python's str.isspace()/strip() set, which configparser uses. */
const PY_SPACE = ' \t\n\r\v\f\u001c\u001d\u001e\u001f\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function isPySpace(char: string): boolean {
  return PY_SPACE.includes(char);
}

export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPySpace(text.charAt(start))) start++;
  while (end > start && isPySpace(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

function pyRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPySpace(text.charAt(end - 1))) end--;
  return text.slice(0, end);
}

/** Python's universal-newline split: \r\n, \r and \n all end a line. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const SECTION_HEADER = /^\[(.+)\]/s;
const OPTION_LINE = /^(.*?)[ \t\n\r\f\v]*([=:])[ \t\n\r\f\v]*(.*)$/s;
const DEFAULT_SECTION = 'DEFAULT';

interface ParseState {
  sections: Map<string, Map<string, string[]>>;
  defaults: Map<string, string[]>;
  seen: Set<string>;
  current: Map<string, string[]> | undefined;
  sectionName: string | undefined;
  option: string | undefined;
  indent: number;
  badLines: number[];
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
    defaults: new Map(),
    seen: new Set(),
    current: undefined,
    sectionName: undefined,
    option: undefined,
    indent: 0,
    badLines: [],
  };
  splitLines(text).forEach((line, index) => readLine(state, line, index + 1));
  const first = state.badLines[0];
  if (first !== undefined) {
    throw new IniParseError(first, `line ${first} is neither a [section], a key = value, nor an indented continuation`);
  }
  return finishSections(state);
}

function readLine(state: ParseState, line: string, lineNumber: number): void {
  const stripped = pyStrip(line);
  if (stripped.startsWith('#') || stripped.startsWith(';')) return;
  if (stripped === '') {
    // configparser keeps blank lines inside a multi-line value (trimmed at the end).
    if (state.current !== undefined && state.option) state.current.get(state.option)?.push('');
    return;
  }
  const indent = line.length - line.replace(/^[ \t\n\r\v\f]+/u, '').length;
  if (state.current !== undefined && state.option && indent > state.indent) {
    state.current.get(state.option)?.push(stripped);
    return;
  }
  state.indent = indent;
  const header = SECTION_HEADER.exec(stripped);
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
  if (name === DEFAULT_SECTION) {
    state.current = state.defaults;
    state.sectionName = name;
    return;
  }
  if (state.seen.has(name)) {
    throw new IniParseError(lineNumber, `section [${name}] appears twice (line ${lineNumber})`);
  }
  state.seen.add(name);
  const section = new Map<string, string[]>();
  state.sections.set(name, section);
  state.current = section;
  state.sectionName = name;
}

function readOption(state: ParseState, stripped: string, lineNumber: number): void {
  const match = OPTION_LINE.exec(stripped);
  const rawName = match?.[1];
  if (match === null || rawName === undefined || rawName === '') {
    state.badLines.push(lineNumber);
    return;
  }
  const name = pyRstrip(rawName).toLowerCase();
  const seenKey = `${state.sectionName ?? ''}\u0000${name}`;
  if (state.seen.has(seenKey)) {
    throw new IniParseError(lineNumber, `key "${name}" appears twice in [${state.sectionName ?? ''}] (line ${lineNumber})`);
  }
  state.seen.add(seenKey);
  state.option = name;
  state.current?.set(name, [pyStrip(match[3] ?? '')]);
}

function finishSections(state: ParseState): Map<string, Section> {
  const defaults = joinValues(state.defaults);
  const result = new Map<string, Section>();
  for (const [name, options] of state.sections) {
    result.set(name, { ...defaults, ...joinValues(options) });
  }
  return result;
}

function joinValues(options: Map<string, string[]>): Section {
  const section: Section = {};
  for (const [name, parts] of options) {
    const value = pyRstrip(parts.join('\n'));
    section[name] = value.startsWith('\n') ? parseNested(value) : value;
  }
  return section;
}

/** botocore's _parse_nested: `key = value` lines of an indented block; any other line is an error. */
function parseNested(value: string): Record<string, string> {
  const nested: Record<string, string> = {};
  for (const raw of value.split('\n')) {
    const line = pyStrip(raw);
    if (line === '') continue;
    const at = line.indexOf('=');
    if (at < 0) throw new IniParseError(0, `nested line "${line.slice(0, 40)}" has no "="`);
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
