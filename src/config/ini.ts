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

/** The first index in [from, to) that is not Python whitespace (`to` if none). */
export function skipSpace(text: string, from: number, to: number): number {
  while (from < to && isPySpace(text.charCodeAt(from))) from++;
  return from;
}

/** The end of [from, to) once trailing Python whitespace is cut off. */
export function trimEnd(text: string, from: number, to: number): number {
  while (to > from && isPySpace(text.charCodeAt(to - 1))) to--;
  return to;
}

export function pyStrip(text: string): string {
  const start = skipSpace(text, 0, text.length);
  const end = trimEnd(text, start, text.length);
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function pyRstrip(text: string): string {
  const end = trimEnd(text, 0, text.length);
  return end === text.length ? text : text.slice(0, end);
}

const DEFAULT_SECTION = 'DEFAULT';

/** Option values as read: one string, or the lines of a multi-line value until the end. */
type RawSection = Record<string, string | string[]>;

/** What the sections of one file share: its text, its [DEFAULT] keys, and the sections built so far. */
interface IniFile {
  readonly text: string;
  readonly defaults: Section | undefined;
  /** By where the section's lines start (the line after its header). */
  readonly built: Map<number, Section>;
  /** The last search for a \r, shared by the readers that build sections (see CrSearch). */
  readonly crSearch: CrSearch;
}

/**
 * Where the next \r at or after `from` is (`at`; text.length if none). Each section is built by
 * a reader of its own, and in a file without \r each reader's first search ran to the end of
 * the text: walking 10,000 sections of a 1 MB config took 70 ms in those searches alone.
 */
interface CrSearch {
  from: number;
  at: number;
}

interface Reader {
  readonly text: string;
  /** Where the next \n and \r are (text.length if none): each found once, not once per line. */
  nextLf: number;
  nextCr: number;
  readonly crSearch: CrSearch;
  /** Reading one section to build it: the next header ends it. Else the whole file is read. */
  readonly oneSection: boolean;
  done: boolean;
  /** Each section's name and where its lines start. */
  readonly starts: Map<string, number>;
  readonly defaults: RawSection;
  /** The section being read (undefined before the first header), and where its lines start. */
  sectionName: string | undefined;
  sectionStart: number;
  /** Where values go: [DEFAULT], or the section being built. Undefined while a section is only checked. */
  values: RawSection | undefined;
  /** The keys of the section being checked (strict mode refuses one twice). */
  readonly keys: Set<string>;
  option: string | undefined;
  /** The option's own value is empty, so indented lines under it form a nested block. */
  nestedBlock: boolean;
  /** Blank lines seen after the value; they matter only if a continuation line follows. */
  pendingBlanks: number;
  indent: number;
  firstBadLine: number | undefined;
  /** Where the first section starts that has a nested-block line botocore rejects. */
  firstBadBlock: number | undefined;
}

/** No prototype: a key like `__proto__` is just a key. */
function emptySection(): RawSection {
  return Object.create(null) as RawSection;
}

function createReader(text: string, oneSection: RawSection | undefined, crSearch: CrSearch = { from: 0, at: -1 }): Reader {
  return {
    text,
    nextLf: -1,
    nextCr: -1,
    crSearch,
    oneSection: oneSection !== undefined,
    done: false,
    starts: new Map(),
    defaults: emptySection(),
    // Building one section: the file was checked whole, so no error names it (or its lines).
    sectionName: oneSection === undefined ? undefined : '',
    sectionStart: 0,
    values: oneSection,
    keys: new Set(),
    option: undefined,
    nestedBlock: false,
    pendingBlanks: 0,
    indent: 0,
    firstBadLine: undefined,
    firstBadBlock: undefined,
  };
}

/**
 * Parses INI text exactly as botocore does: Python's RawConfigParser (strict, `=` and `:`,
 * full-line comments only, indented continuation lines, a DEFAULT section inherited by all),
 * then botocore's one level of nested `key = value` blocks.
 * The whole text is checked here, with botocore's errors; a section's options are built only
 * when it is first asked for, since a config of thousands of profiles is read for one or two.
 */
export function parseIni(text: string): IniSections {
  const reader = createReader(text, undefined);
  readLines(reader, 0);
  const firstBadLine = reader.firstBadLine;
  if (firstBadLine !== undefined) {
    throw new IniParseError(firstBadLine, `line ${firstBadLine} is neither a [section], a key = value, nor an indented continuation`);
  }
  const defaults = Object.keys(reader.defaults).length === 0 ? undefined : finishValues(reader.defaults);
  const file: IniFile = { text, defaults, built: new Map(), crSearch: { from: 0, at: -1 } };
  // Throws the nested-block error that building this section (in file order, after DEFAULT) would.
  if (reader.firstBadBlock !== undefined) sectionAt(file, reader.firstBadBlock);
  return new IniSections(file, reader.starts);
}

/** Reads lines from `from` (a line's start) to the end of the text, or of the one section. */
function readLines(reader: Reader, from: number): void {
  const { text } = reader;
  let lineNumber = 1;
  for (let start = from; start < text.length && !reader.done; lineNumber++) {
    const end = lineEnd(reader, start);
    readLine(reader, start, end, lineNumber);
    start = nextLine(text, end);
  }
}

/** Python's universal newlines: \r\n, \r and \n all end a line. */
function lineEnd(reader: Reader, start: number): number {
  if (reader.nextLf < start) reader.nextLf = indexOrEnd(reader.text, '\n', start);
  if (reader.nextCr < start) reader.nextCr = nextCr(reader, start);
  return Math.min(reader.nextLf, reader.nextCr);
}

function nextCr(reader: Reader, start: number): number {
  const search = reader.crSearch;
  if (start >= search.from && start <= search.at) return search.at;
  search.from = start;
  search.at = indexOrEnd(reader.text, '\r', start);
  return search.at;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
}

/** Where the line after the one ending at `end` starts. */
function nextLine(text: string, end: number): number {
  return text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? end + 2 : Math.min(end + 1, text.length);
}

function readLine(reader: Reader, start: number, end: number, lineNumber: number): void {
  const { text } = reader;
  const from = skipSpace(text, start, end);
  const to = trimEnd(text, from, end);
  if (from === to) {
    if (reader.option !== undefined) reader.pendingBlanks++;
    return;
  }
  const first = text.charCodeAt(from);
  if (isCommentStart(first)) return;
  const indent = from - start;
  if (reader.option !== undefined && indent > reader.indent) {
    continueValue(reader, from, to);
    return;
  }
  reader.indent = indent;
  const close = headerEnd(text, from, to);
  if (close >= 0) {
    openSection(reader, text.slice(from + 1, close), end, lineNumber);
    return;
  }
  if (reader.sectionName === undefined) {
    throw new IniParseError(lineNumber, `line ${lineNumber} comes before any [section] header`);
  }
  readOption(reader, from, to, lineNumber);
}

/** A stripped line starting with `#` or `;` is a full-line comment (configparser has no inline ones). */
export function isCommentStart(code: number): boolean {
  return code === 0x23 || code === 0x3b;
}

/**
 * configparser's `\[(?P<header>.+)\]` on the stripped line [from, to): where its last `]` is,
 * with at least one character after the `[`; -1 when the line is not a header.
 */
export function headerEnd(text: string, from: number, to: number): number {
  if (text.charCodeAt(from) !== 0x5b) return -1;
  for (let at = to - 1; at >= from + 2; at--) if (text.charCodeAt(at) === 0x5d) return at;
  return -1;
}

/**
 * Adds a line to the value being read. configparser keeps blank lines inside a value and trims
 * them at the end, so they are only counted until a real continuation line shows up.
 */
function continueValue(reader: Reader, from: number, to: number): void {
  const { values, option, text } = reader;
  if (option === undefined) return;
  if (values === undefined) {
    // Only checking: the one error a value can hold is a nested-block line without `=`.
    if (reader.nestedBlock && !text.slice(from, to).includes('=')) reader.firstBadBlock ??= reader.sectionStart;
    return;
  }
  const value = values[option];
  const lines = Array.isArray(value) ? value : [value ?? ''];
  for (; reader.pendingBlanks > 0; reader.pendingBlanks--) lines.push('');
  lines.push(text.slice(from, to));
  values[option] = lines;
}

function openSection(reader: Reader, name: string, end: number, lineNumber: number): void {
  if (reader.oneSection) {
    reader.done = true;
    return;
  }
  reader.option = undefined;
  reader.pendingBlanks = 0;
  reader.sectionName = name;
  if (name === DEFAULT_SECTION) {
    reader.values = reader.defaults;
    return;
  }
  if (reader.starts.has(name)) {
    throw new IniParseError(lineNumber, `section [${name}] appears twice (line ${lineNumber})`);
  }
  reader.sectionStart = nextLine(reader.text, end);
  reader.starts.set(name, reader.sectionStart);
  reader.values = undefined;
  reader.keys.clear();
}

/** Up to the first `=` or `:` of a line: configparser's lazy option pattern splits there. */
const TO_DELIMITER = /[^=:\r\n]*[=:]/y;

/** Where the first `=` or `:` in the line from `from` is, or -1. */
export function delimiterIndex(text: string, from: number): number {
  // A sticky regex test: native speed without allocating a match.
  TO_DELIMITER.lastIndex = from;
  return TO_DELIMITER.test(text) ? TO_DELIMITER.lastIndex - 1 : -1;
}

function readOption(reader: Reader, from: number, to: number, lineNumber: number): void {
  const { text, values } = reader;
  const at = delimiterIndex(text, from);
  if (at <= from) {
    reader.firstBadLine ??= lineNumber;
    return;
  }
  const name = text.slice(from, trimEnd(text, from, at)).toLowerCase();
  // Strict mode: a key twice in one section ([DEFAULT] may come back: its keys are those it has).
  if (values === undefined ? reader.keys.has(name) : Object.hasOwn(values, name)) {
    throw new IniParseError(lineNumber, `key "${name}" appears twice in [${reader.sectionName ?? ''}] (line ${lineNumber})`);
  }
  reader.option = name;
  reader.pendingBlanks = 0;
  reader.nestedBlock = at + 1 === to;
  if (values === undefined) reader.keys.add(name);
  else values[name] = text.slice(skipSpace(text, at + 1, to), to);
}

/**
 * What the checking pass of parseIni learnt about a file that passed it: where each section's
 * lines start, and the [DEFAULT] keys. With the same text, it stands for the pass
 * (src/config/ini-index.ts keeps it between runs for big files).
 */
export interface IniIndex {
  readonly defaults: Section | undefined;
  readonly starts: ReadonlyMap<string, number>;
}

/** A piece of a file that starts at a section's header line (src/config/indexed-sections.ts). */
export type SectionPiece =
  /** The piece ends inside the header line or the section: a longer one is needed. */
  | { readonly complete: false }
  /** `name`: the header's section name; `section`: its options, as sectionAt builds them. */
  | { readonly complete: true; readonly name: string; readonly section: Section };

/**
 * One section from `text`, a piece of a checked file that starts at the section's header line
 * and may end anywhere (`atEnd`: where the file ends); undefined when its first line is no
 * header. A line cut short cannot end the section early: a cut line taken for a header is a
 * header whole (configparser's `\[.+\]` matches at its start).
 */
export function sectionFromPiece(text: string, atEnd: boolean): SectionPiece | undefined {
  const values = emptySection();
  const reader = createReader(text, values);
  const end = lineEnd(reader, 0);
  if (end === text.length && !atEnd) return { complete: false };
  const from = skipSpace(text, 0, end);
  const close = headerEnd(text, from, trimEnd(text, from, end));
  if (close < 0) return undefined;
  readLines(reader, nextLine(text, end));
  if (!reader.done && !atEnd) return { complete: false };
  return { complete: true, name: text.slice(from + 1, close), section: finishValues(values) };
}

/** Where the header line of the section whose lines start at `start` begins. */
export function headerLineStart(text: string, start: number): number {
  const before = text.charCodeAt(start - 1);
  let end = start;
  if (before === 0x0a) end = text.charCodeAt(start - 2) === 0x0d ? start - 2 : start - 1;
  else if (before === 0x0d) end = start - 1;
  // Back over this one line only: lastIndexOf('\r') would scan the whole text back for a file without one.
  let lineStart = end;
  while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 0x0a && text.charCodeAt(lineStart - 1) !== 0x0d) lineStart--;
  return lineStart;
}

/** A section's options, built from the text on first use. */
function sectionAt(file: IniFile, start: number): Section {
  let section = file.built.get(start);
  if (section === undefined) {
    section = buildSection(file, start);
    file.built.set(start, section);
  }
  return section;
}

function buildSection(file: IniFile, start: number): Section {
  const raw = emptySection();
  readLines(createReader(file.text, raw, file.crSearch), start);
  const section = finishValues(raw);
  return file.defaults === undefined ? section : Object.assign(emptySection(), file.defaults, section);
}

/**
 * The sections of one file by name, in file order. Reading a section builds its options once;
 * the same section object is returned every time after.
 */
export class IniSections implements ReadonlyMap<string, Section> {
  constructor(
    private readonly file: IniFile,
    /** Where each section's lines start. */
    private readonly starts: ReadonlyMap<string, number>,
  ) {}

  get size(): number {
    return this.starts.size;
  }

  /** What the checking pass found, for sectionsFromIndex. */
  get index(): IniIndex {
    return { defaults: this.file.defaults, starts: this.starts };
  }

  has(name: string): boolean {
    return this.starts.has(name);
  }

  get(name: string): Section | undefined {
    const start = this.starts.get(name);
    return start === undefined ? undefined : sectionAt(this.file, start);
  }

  keys(): MapIterator<string> {
    return this.starts.keys();
  }

  *entries(): MapIterator<[string, Section]> {
    for (const [name, start] of this.starts) yield [name, sectionAt(this.file, start)];
  }

  *values(): MapIterator<Section> {
    for (const start of this.starts.values()) yield sectionAt(this.file, start);
  }

  [Symbol.iterator](): MapIterator<[string, Section]> {
    return this.entries();
  }

  forEach(callback: (section: Section, name: string, sections: ReadonlyMap<string, Section>) => void, thisArg?: unknown): void {
    for (const [name, section] of this.entries()) callback.call(thisArg, section, name, this);
  }

  /** The same sections under other names (botocore's profile maps); undefined leaves one out. */
  renamed(rename: (name: string) => string | undefined): IniSections {
    const starts = new Map<string, number>();
    this.starts.forEach((start, name) => {
      const to = rename(name);
      if (to !== undefined) starts.set(to, start);
    });
    return new IniSections(this.file, starts);
  }
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
