import { dirname } from 'node:path';
import type { Credentials } from '../domain/credentials.js';
import { delimiterIndex, headerEnd, IniParseError, isCommentStart, parseIni, pyStrip, skipSpace, trimEnd } from './ini.js';
import { credentialsFilePath, displayPath } from './paths.js';
import type { Deps } from '../deps.js';
import { AwsroleError, ConfigError, ExitCode, UsageError } from '../errors.js';
import { formatExpiration } from '../output/expiration.js';
import { isoSeconds } from '../domain/time.js';
import { stringValue, type Section } from './shared-config.js';
import { maskKeyId } from '../output/mask.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { isOpenToOthers, openToOthersWarning, PRIVATE_FOLDER_MODE } from '../files/file-mode.js';
import { lockPathFor, withFileLock, type LockOptions } from '../files/lock.js';
import { errorCode } from '../files/errno.js';
import { strictUtf8 } from './utf8.js';
import { hasControlCharacter, terminalSafe } from '../domain/text.js';

/*
 * Editing one [section] of an INI file and leaving every other byte alone.
 *
 * Lines are read with the line grammar of src/config/ini.ts (Python's configparser): `\r\n`,
 * `\r` and `\n` all end a line; a line whose stripped text starts with `#` or `;` is a comment;
 * an indented line under a key is a continuation of its value, even when it looks like
 * `[header]`; otherwise a stripped line `[...]` is a header up to its last `]` (`[dev]  ` and
 * `[dev] ; note` are [dev]).
 *
 * The section of [name] runs from its header to the next header (or the end of the file).
 * Replacing it keeps the header line as it is and swaps the body for the new keys, with one
 * rule for comments and blank lines inside it:
 *
 *   The run of comment and blank lines at the end of the body (after its last key or value
 *   line) stays, after the new keys: it sits right above the next header and belongs to it
 *   ("# prod: do not touch" above [prod]). When the section is the last one, the same run at
 *   the end of the file stays too. Comments between the header and the last key describe the
 *   old keys and go with them.
 *
 * New lines use the file's most common line ending (`\n` for a new file). A file that did not
 * end with a line break still does not. A UTF-8 byte order mark is an encoding mark, not text:
 * it is set aside, and put back in front.
 */

/** A line and the break that ended it (`''` for a last line without one). */
interface Line {
  text: string;
  eol: string;
}

type LineKind = 'blank' | 'comment' | 'header' | 'content';

interface ReadLine extends Line {
  kind: LineKind;
  /** For headers: the section name as the parser reads it, and the header's indentation. */
  name?: string;
  indent?: string;
}

const BOM = '\uFEFF';

/** One [section] of the file (or, without a header, the lines before the first one). */
interface Block {
  header: ReadLine | undefined;
  lines: ReadLine[];
  /**
   * The blocks around it in the file now: a removed block is unlinked, so a neighbour is one
   * step away however many blocks were removed (`--prune` removes thousands in a row).
   */
  prev: Block | undefined;
  next: Block | undefined;
}

/** A reading of the file: its blocks, the sections by name, and how it breaks lines. */
interface Layout {
  readonly bom: string;
  /** The lines before the first header: never removed, so every section has a block before it. */
  readonly first: Block;
  /** The file's last block now. */
  last: Block;
  /** The sections still in the file, by header name, in file order. */
  readonly byName: Map<string, Block[]>;
  /** Lines added carry no break of their own: they get the file's most common one, which they only make more common. */
  readonly eol: string;
  readonly endsWithBreak: boolean;
  /**
   * A file with more than one kind of line break: which one is most common depends on the
   * lines left, so each edit reads the file again, as one at a time would.
   */
  readonly mixedBreaks: boolean;
  /** Lines in the file now, headers included: a file cut down to one has no line break left to copy. */
  lines: number;
}

/** A new last block. */
function addBlock(layout: Layout, header: ReadLine, lines: ReadLine[]): Block {
  const block: Block = { header, lines, prev: layout.last, next: undefined };
  layout.last.next = block;
  layout.last = block;
  layout.lines += 1 + lines.length;
  if (header.name !== undefined) sectionsNamed(layout, header.name).push(block);
  return block;
}

/** The live list of the sections named `name` (callers may change it). */
function sectionsNamed(layout: Layout, name: string): Block[] {
  let found = layout.byName.get(name);
  if (found === undefined) layout.byName.set(name, (found = []));
  return found;
}

function layoutOf(text: string): Layout {
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = text.slice(bom.length);
  const lines = readLines(body);
  const breaks = new Set(lines.map((line) => line.eol).filter((eol) => eol !== ''));
  const endsWithBreak = body === '' || lines[lines.length - 1]?.eol !== '';
  const first: Block = { header: undefined, lines: [], prev: undefined, next: undefined };
  const layout: Layout = { bom, first, last: first, byName: new Map(), eol: dominantLineEnding(lines), endsWithBreak, mixedBreaks: breaks.size > 1, lines: 0 };
  let current = first;
  for (const line of lines) {
    if (line.kind === 'header') current = addBlock(layout, line, []);
    else {
      current.lines.push(line);
      layout.lines++;
    }
  }
  return layout;
}

function layoutText(layout: Layout): string {
  const lines: ReadLine[] = [];
  for (let block: Block | undefined = layout.first; block !== undefined; block = block.next) {
    if (block.header !== undefined) lines.push(block.header);
    for (const line of block.lines) lines.push(line);
  }
  return layout.bom + joinLines(lines, layout.eol, layout.endsWithBreak);
}

/**
 * Edits of an INI file's sections, each as if applied to the text the one before left, with
 * the file read once and written once: `sso populate` edits thousands of sections, and reading
 * the text again for each took minutes for 4,000 profiles. (A file with mixed line breaks is
 * read again after each edit; see Layout.mixedBreaks.)
 *
 * No edit changes what another line is: an indented line is a header or part of a value
 * depending on the lines above it, up to the header before it, and upsert indents its keys so
 * that the next header stays one, append puts its header at column 0, and remove refuses to
 * bring an indented header under lines that would make it part of a value. So a file with
 * indented lines need not be read again either.
 */
export class SectionEditor {
  private layout: Layout;
  private changed = false;

  /** How many times the text was read (split into lines): once, unless an edit needed it again. */
  readings = 1;

  constructor(private readonly original: string) {
    this.layout = layoutOf(original);
  }

  /**
   * Replaces section `[name]` with exactly `entries` (as `key = value` lines), or appends it when
   * the file has none (see the rules above). Throws UsageError for a name or value that cannot be
   * written and ConfigError when the file has `[name]` more than once.
   */
  upsert(name: string, entries: readonly (readonly [string, string])[]): this {
    checkSection(name, entries);
    const layout = this.current();
    const found = sectionsNamed(layout, name);
    if (found.length > 1) {
      const numbers = found.map((block) => lineNumberOf(layout, block));
      throw new ConfigError(
        `section [${name}] appears ${found.length} times (lines ${numbers.join(', ')}); awsrole will not guess which one to replace`,
        `keep one [${name}] section in the file and try again`,
      );
    }
    const [block] = found;
    if (block === undefined) return this.append(layout, name, keyLines(entries, ''));
    // Under an indented next header, keys at column 0 would turn that header into a
    // continuation line of the last key: indent them like the header.
    // (Those keys, or none, also keep every line below them what it was: nothing to read again.)
    const indent = block.next?.header?.indent ?? '';
    const lines = [...keyLines(entries, indent), ...block.lines.slice(trailingRunStart(block.lines))];
    layout.lines += lines.length - block.lines.length;
    block.lines = lines;
    this.changed = true;
    return this;
  }

  /**
   * Removes section `[name]` (its header and body, by the same rules: the comment and blank
   * lines above the next header stay), and the blank line that separated it from the section
   * before, so removing what upsert appended gives the old text back. No `[name]`: no change.
   * Throws ConfigError when the next header is indented and would then read as part of a value
   * of the section before (that section would change, and the next one would be gone).
   */
  remove(name: string): this {
    const layout = this.current();
    const [block] = sectionsNamed(layout, name);
    if (block === undefined) return this;
    const before = block.prev as Block;
    const after = block.next;
    // Only comment and blank lines come or go above it, which leave the lines above as they read.
    if (after?.header !== undefined && after.header.indent !== '' && !staysHeader(before, after.header)) {
      const next = after.header.name ?? '';
      throw new ConfigError(
        `removing [${name}] would make the indented [${next}] below it (line ${lineNumberOf(layout, after)}) part of a value of the section above; awsrole will not change another section`,
        `remove the indentation before [${next}] and try again`,
      );
    }
    if (before.lines[before.lines.length - 1]?.kind === 'blank') {
      before.lines.pop();
      layout.lines--;
    }
    const kept = block.lines.slice(trailingRunStart(block.lines));
    for (const line of kept) before.lines.push(line);
    layout.lines -= 1 + block.lines.length - kept.length;
    before.next = after;
    if (after === undefined) layout.last = before;
    else after.prev = before;
    block.prev = block.next = undefined;
    sectionsNamed(layout, name).shift();
    // The file's last line now: in a file that ends without a line break, it loses its own.
    const last = before.lines[before.lines.length - 1] ?? before.header;
    if (!layout.endsWithBreak && last !== undefined && after === undefined) last.eol = '';
    this.changed = true;
    return this;
  }

  /**
   * Appends a copy of section `[name]` as `[copyName]`: its key lines byte for byte (comments
   * above the next header stay with that header). No `[name]`: no change.
   */
  copy(name: string, copyName: string): this {
    checkSection(copyName, []);
    const layout = this.current();
    const [block] = sectionsNamed(layout, name);
    if (block === undefined) return this;
    const body = block.lines.slice(0, trailingRunStart(block.lines));
    return this.append(layout, copyName, body.map((line, index) => (index === body.length - 1 ? { ...line, eol: '' } : line)));
  }

  text(): string {
    return this.changed ? layoutText(this.layout) : this.original;
  }

  /** The layout to edit: read again from the text so far when an edit may have changed what a line is or which break comes next. */
  private current(): Layout {
    const { layout } = this;
    if (this.changed && (layout.mixedBreaks || layout.lines <= 1 || endsInEmptyLine(layout))) {
      this.layout = layoutOf(layoutText(layout));
      this.readings++;
    }
    return this.layout;
  }

  /** A new `[name]` with `body` at the end of the file, after a blank line. */
  private append(layout: Layout, name: string, body: ReadLine[]): this {
    const { last } = layout;
    const lastLine = last.lines[last.lines.length - 1] ?? last.header;
    if (lastLine !== undefined && lastLine.kind !== 'blank') {
      last.lines.push({ text: '', eol: '', kind: 'blank' });
      layout.lines++;
    }
    addBlock(layout, { text: `[${name}]`, eol: '', kind: 'header', name, indent: '' }, body);
    this.changed = true;
    return this;
  }
}

/**
 * A file without a final line break whose last line is now empty: written, it ends in the break
 * of the line before, so read again it is a file that ends with one.
 */
function endsInEmptyLine(layout: Layout): boolean {
  if (layout.endsWithBreak) return false;
  const { last } = layout;
  return (last.lines[last.lines.length - 1] ?? last.header)?.text === '';
}

/**
 * Whether `header` would still be a header right under the lines of `block`. Lines are read
 * afresh after each header, so the lines of `block` are all it takes; a header at column 0
 * always is one.
 */
function staysHeader(block: Block, header: ReadLine): boolean {
  const lines = block.header === undefined ? [...block.lines, header] : [block.header, ...block.lines, header];
  return classifyLines(lines)[lines.length - 1]?.kind === 'header';
}

/** The line number of a section's header (for an error: it walks the file). */
function lineNumberOf(layout: Layout, block: Block): number {
  let number = 1;
  for (let candidate: Block | undefined = layout.first; candidate !== undefined && candidate !== block; candidate = candidate.next) {
    number += (candidate.header === undefined ? 0 : 1) + candidate.lines.length;
  }
  return number;
}

/** Where the run of comment and blank lines at the end of a section's body starts (it belongs to the next header). */
function trailingRunStart(lines: readonly ReadLine[]): number {
  let start = lines.length;
  while (start > 0 && isCommentOrBlank(lines[start - 1])) start--;
  return start;
}

/** SectionEditor.upsert on its own (--write-profile). */
export function upsertSection(text: string, name: string, entries: readonly (readonly [string, string])[]): string {
  return new SectionEditor(text).upsert(name, entries).text();
}

/** SectionEditor.remove on its own. */
export function removeSection(text: string, name: string): string {
  return new SectionEditor(text).remove(name).text();
}

/** SectionEditor.copy on its own. */
export function copySection(text: string, name: string, copyName: string): string {
  return new SectionEditor(text).copy(name, copyName).text();
}

/** Refuses a section name or entry that would not read back as written. */
export function checkSection(name: string, entries: readonly (readonly [string, string])[]): void {
  const shown = JSON.stringify(name);
  if (name === '') throw new UsageError('the profile name is empty', 'pass a name such as --write-profile dev');
  if (/[\]\r\n]/.test(name)) {
    throw new UsageError(`profile name ${shown} cannot be a [section] name: it contains "]" or a line break`, 'choose another name');
  }
  if (hasControlCharacter(name)) {
    throw new UsageError(`profile name ${shown} contains a control character`, 'choose another name');
  }
  if (pyStrip(name) !== name) {
    throw new UsageError(`profile name ${shown} starts or ends with whitespace, which INI readers drop`, 'choose another name');
  }
  if (name === 'DEFAULT') {
    throw new UsageError('[DEFAULT] is special in INI files: every profile in the file inherits its keys', 'choose another name');
  }
  const seen = new Set<string>();
  for (const [key, value] of entries) {
    if (!/^[a-z0-9_][a-z0-9_.-]*$/.test(key)) throw new UsageError(`"${key}" cannot be written as an INI key`);
    if (seen.has(key)) throw new UsageError(`the key ${key} is given twice`);
    seen.add(key);
    // Never show the value: it may be a secret.
    if (/[\r\n]/.test(value)) throw new UsageError(`the value for ${key} contains a line break, which an INI file cannot hold`);
    if (pyStrip(value) !== value) throw new UsageError(`the value for ${key} starts or ends with whitespace, which INI readers drop`);
  }
}

function keyLines(entries: readonly (readonly [string, string])[], indent: string): ReadLine[] {
  return entries.map(([key, value]) => ({ text: `${indent}${key} = ${value}`, eol: '', kind: 'content' }));
}

function isCommentOrBlank(line: ReadLine | undefined): boolean {
  return line?.kind === 'comment' || line?.kind === 'blank';
}

/** Splits on `\r\n`, `\r` and `\n` (Python's universal newlines), keeping each break. */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const breaks = /\r\n|\r|\n/g;
  let from = 0;
  for (let match = breaks.exec(text); match !== null; match = breaks.exec(text)) {
    lines.push({ text: text.slice(from, match.index), eol: match[0] });
    from = match.index + match[0].length;
  }
  if (from < text.length) lines.push({ text: text.slice(from), eol: '' });
  return lines;
}

function readLines(text: string): ReadLine[] {
  return classifyLines(splitLines(text));
}

/** Classifies lines, the first one a file's first, with the state machine of src/config/ini.ts (readLine), minus its errors. */
function classifyLines(lines: readonly Line[]): ReadLine[] {
  let inSection = false;
  let inOption = false;
  let optionIndent = 0;
  return lines.map(({ text, eol }): ReadLine => {
    const line = { text, eol };
    const from = skipSpace(text, 0, text.length);
    const to = trimEnd(text, from, text.length);
    if (from === to) return { ...line, kind: 'blank' };
    if (isCommentStart(text.charCodeAt(from))) return { ...line, kind: 'comment' };
    if (inSection && inOption && from > optionIndent) return { ...line, kind: 'content' };
    optionIndent = from;
    const close = headerEnd(text, from, to);
    if (close >= 0) {
      inSection = true;
      inOption = false;
      return { ...line, kind: 'header', name: text.slice(from + 1, close), indent: text.slice(0, from) };
    }
    // A line the parser rejects leaves the current key as it was, as in ini.ts.
    if (inSection && delimiterIndex(text, from) > from) inOption = true;
    return { ...line, kind: 'content' };
  });
}

function dominantLineEnding(lines: readonly Line[]): string {
  const counts = new Map<string, number>();
  for (const { eol } of lines) if (eol !== '') counts.set(eol, (counts.get(eol) ?? 0) + 1);
  let best = '\n';
  let bestCount = 0;
  for (const candidate of ['\n', '\r\n', '\r']) {
    const count = counts.get(candidate) ?? 0;
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  return best;
}

/** Every line but the last gets a break (its own, or `eol`); the last keeps the file's ending style. */
function joinLines(lines: readonly Line[], eol: string, endsWithBreak: boolean): string {
  return lines
    .map((line, index) => {
      const isLast = index === lines.length - 1;
      if (isLast && !endsWithBreak) return line.text;
      return line.text + (line.eol === '' ? eol : line.eol);
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------
// The credentials file

export const CREDENTIAL_KEYS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_credential_expiration'] as const;

/** The keys a profile section holds for these credentials, in the AWS CLI's order. */
export function credentialEntries(credentials: Credentials): [string, string][] {
  const entries: [string, string][] = [
    ['aws_access_key_id', credentials.accessKeyId],
    ['aws_secret_access_key', credentials.secretAccessKey],
  ];
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== '') {
    entries.push(['aws_session_token', credentials.sessionToken]);
  }
  if (credentials.expiration !== undefined) {
    entries.push(['aws_credential_expiration', formatExpiration(credentials.expiration)]);
  }
  return entries;
}

export interface WriteProfileOptions {
  lock?: LockOptions | undefined;
  /** Replace a section that holds long-term keys; its old keys are kept as a backup section. */
  force?: boolean | undefined;
}

/** Long-term keys: an AKIA key id, or a key id with no session token beside it (never a session awsrole wrote). */
export function holdsLongTermKeys(section: Section | undefined): boolean {
  const keyId = stringValue(section, 'aws_access_key_id');
  if (keyId === undefined) return false;
  return keyId.startsWith('AKIA') || (stringValue(section, 'aws_session_token') ?? stringValue(section, 'aws_security_token')) === undefined;
}

/** `[alice-backup-20261203T124200Z]`, with `-2`, `-3`... when the file has that name already. */
function backupName(name: string, now: Date, taken: (candidate: string) => boolean): string {
  const base = `${name}-backup-${isoSeconds(now).replace(/[-:]/g, '')}`;
  let candidate = base;
  for (let count = 2; taken(candidate); count++) candidate = `${base}-${count}`;
  return candidate;
}

function longTermRefusal(name: string, shown: string, section: Section | undefined): UsageError {
  const keyId = maskKeyId(stringValue(section, 'aws_access_key_id') ?? '');
  return new UsageError(
    `refusing to overwrite [${name}] in ${shown}: it holds long-term keys (key ${keyId}), which may be your only copy; nothing was written`,
    `write the session under another name (e.g. --write-profile ${name}-session), or pass --force to replace them (the old keys are kept as a [${name}-backup-...] section)`,
  );
}

/**
 * The same refusal before any work (no STS call, no MFA prompt for credentials that could not
 * be written). Read without the lock: the write checks again under it. A file that cannot be
 * read or parsed is left for the write to report.
 */
export async function checkProfileWritable(deps: Deps, name: string, force: boolean): Promise<void> {
  if (force) return;
  const path = credentialsFilePath(deps.env, deps.homedir);
  const shown = displayPath(path, deps.env, deps.homedir);
  let section: Section | undefined;
  try {
    const old = await readCredentialsFile(deps, path, shown);
    section = old === undefined ? undefined : parseIni(old.text).get(name);
  } catch {
    return;
  }
  if (holdsLongTermKeys(section)) throw longTermRefusal(name, shown, section);
}

interface Replacement {
  text: string;
  /** The backup section that now holds the old long-term keys. */
  backup?: string | undefined;
}

/**
 * The file with `[name]` replaced. A section holding long-term keys is replaced only with
 * `force`, and then its lines are first copied into a backup section of the same file, so the
 * one atomic write that replaces them also keeps them: the user's only copy is never lost.
 */
function replaceSection(deps: Deps, old: string, name: string, entries: readonly (readonly [string, string])[], options: WriteProfileOptions, shown: string): Replacement {
  const replaced = upsertSection(old, name, entries);
  checkParses(old, shown);
  const sections = parseIni(old);
  const existing = sections.get(name);
  if (!holdsLongTermKeys(existing)) return { text: replaced };
  if (options.force !== true) throw longTermRefusal(name, shown, existing);
  const backup = backupName(name, deps.now(), (candidate) => sections.has(candidate));
  const withBackup = copySection(old, name, backup);
  const copied = parseIni(withBackup).get(backup);
  if (JSON.stringify(copied) !== JSON.stringify(existing)) {
    throw new AwsroleError(`the backup of [${name}] would not read back as the old section; nothing was written`, ExitCode.internal);
  }
  return { text: upsertSection(withBackup, name, entries), backup };
}

/**
 * Writes `[name]` into the shared credentials file (AWS_SHARED_CREDENTIALS_FILE or
 * ~/.aws/credentials) under an exclusive lock, atomically, mode 0600, leaving every other
 * section and comment as it was. A symlinked file is written through to its target (the lock
 * sits beside the target, so writers using different links to it still exclude each other).
 * Warns on stderr when the old file was open to other users. Returns the confirmation line
 * for stderr (no line break), which shows the key id masked and never a secret.
 */
export async function writeCredentialsProfile(deps: Deps, name: string, credentials: Credentials, options: WriteProfileOptions = {}): Promise<string> {
  const entries = credentialEntries(credentials);
  checkSection(name, entries);
  const path = credentialsFilePath(deps.env, deps.homedir);
  const shown = displayPath(path, deps.env, deps.homedir);
  await makeFolder(deps, dirname(path), shown);
  const target = await resolveTarget(deps, path, shown);
  const written = await withFileLock(
    deps,
    lockPathFor(target),
    async () => {
      const old = await readCredentialsFile(deps, path, shown);
      const updated = replaceSection(deps, old?.text ?? '', name, entries, options, shown);
      checkReadsBack(updated.text, name, entries, shown);
      try {
        await writeFileAtomic(deps, path, updated.text);
      } catch (error) {
        throw new ConfigError(`cannot write ${shown}: ${errorCode(error) ?? String(error)}`, 'check the file, its folder and their permissions');
      }
      return { mode: old?.mode, backup: updated.backup };
    },
    { label: shown, ...options.lock },
  );
  if (written.mode !== undefined && isOpenToOthers(written.mode)) {
    deps.stderr.write(`awsrole: warning: ${terminalSafe(openToOthersWarning(shown, written.mode))}\n`);
  }
  const expiry = credentials.expiration === undefined ? '' : `, expires ${formatExpiration(credentials.expiration)}`;
  const backup = written.backup === undefined ? '' : `; its long-term keys were kept as [${written.backup}]`;
  return `wrote [${name}] to ${shown} (key ${maskKeyId(credentials.accessKeyId)}${expiry})${backup}`;
}

async function makeFolder(deps: Deps, folder: string, shown: string): Promise<void> {
  try {
    await deps.fs.mkdir(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  } catch (error) {
    throw new ConfigError(`cannot create the folder for ${shown}: ${errorCode(error) ?? String(error)}`, 'check the path and its permissions');
  }
}

/**
 * The file a symlink points to (the lock goes beside it); the path itself when it does not
 * exist yet. A link to a missing file is refused: renaming over it would replace the link.
 */
async function resolveTarget(deps: Deps, path: string, shown: string): Promise<string> {
  try {
    return await deps.fs.realpath(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') {
      throw new ConfigError(`cannot read ${shown}: ${errorCode(error) ?? String(error)}`, 'check the path and its permissions');
    }
  }
  const isLink = await deps.fs.lstat(path).then(
    (stat) => stat.isSymbolicLink(),
    () => false,
  );
  if (isLink) {
    throw new ConfigError(`${shown} is a symbolic link to a file that does not exist`, 'create the file it points to (empty is fine), or remove the link');
  }
  return path;
}

async function readCredentialsFile(deps: Deps, path: string, shown: string): Promise<{ text: string; mode: number } | undefined> {
  let bytes: Uint8Array | undefined;
  let mode: number;
  try {
    const stat = await deps.fs.stat(path);
    if (!stat.isFile()) throw new ConfigError(`${shown} is not a regular file`, 'point AWS_SHARED_CREDENTIALS_FILE at a file, or remove what is there');
    mode = stat.mode;
    bytes = await deps.fs.readBytes(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${shown}: ${errorCode(error) ?? String(error)}`, 'check the file and its permissions');
  }
  if (bytes === undefined) return undefined;
  try {
    return { text: strictUtf8.decode(bytes), mode };
  } catch {
    throw new ConfigError(`cannot update ${shown}: it is not UTF-8 text`, 'fix the file; awsrole would not change bytes it cannot read');
  }
}

/** Refuses to touch a file that the AWS CLI (and awsrole's own reader) cannot parse: the new profile would be unreadable too. */
function checkParses(old: string, shown: string): void {
  try {
    parseIni(old);
  } catch (error) {
    if (!(error instanceof IniParseError)) throw error;
    const bom = old.startsWith(BOM) ? ' (it starts with a UTF-8 byte order mark, which the AWS CLI cannot read either)' : '';
    throw new ConfigError(`cannot update ${shown}: ${error.message}${bom}; nothing was written`, 'fix the file (the AWS CLI refuses it too) and try again');
  }
}

/** Checks that the result reads back as intended, which also catches a [DEFAULT] section lending the profile credential keys it should not have. */
function checkReadsBack(updated: string, name: string, entries: readonly (readonly [string, string])[], shown: string): void {
  let section: Record<string, unknown> | undefined;
  try {
    section = parseIni(updated).get(name);
  } catch {
    section = undefined;
  }
  const wanted = new Map<string, string>(entries);
  for (const key of CREDENTIAL_KEYS) {
    const got = section?.[key];
    if (got === wanted.get(key)) continue;
    if (section !== undefined && !wanted.has(key)) {
      throw new ConfigError(
        `cannot write [${name}] to ${shown}: it would inherit ${key} from the file's [DEFAULT] section; nothing was written`,
        `remove ${key} from [DEFAULT]`,
      );
    }
    throw new AwsroleError(`the updated ${shown} would not read back as written ([${name}] ${key}); nothing was written`, ExitCode.internal);
  }
}

