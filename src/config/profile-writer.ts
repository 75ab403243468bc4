import { dirname } from 'node:path';
import type { Credentials } from '../domain/credentials.js';
import { delimiterIndex, headerEnd, IniParseError, isCommentStart, parseIni, pyStrip, skipSpace, trimEnd } from './ini.js';
import { credentialsFilePath, displayPath } from './paths.js';
import type { Deps } from '../deps.js';
import { AwsroleError, ConfigError, ExitCode, UsageError } from '../errors.js';
import { formatExpiration } from '../output/expiration.js';
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

/**
 * Replaces section `[name]` of INI text with exactly `entries` (as `key = value` lines), or
 * appends it when the file has none. Everything outside that section stays byte for byte
 * (see the rules above). Throws UsageError for a name or value that cannot be written and
 * ConfigError when the file has `[name]` more than once.
 */
export function upsertSection(text: string, name: string, entries: readonly (readonly [string, string])[]): string {
  checkSection(name, entries);
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = text.slice(bom.length);
  const lines = readLines(body);
  const eol = dominantLineEnding(lines);
  const endsWithBreak = body === '' || lines[lines.length - 1]?.eol !== '';

  const starts = lines.flatMap((line, index) => (line.kind === 'header' && line.name === name ? [index] : []));
  if (starts.length > 1) {
    throw new ConfigError(
      `section [${name}] appears ${starts.length} times (lines ${starts.map((index) => index + 1).join(', ')}); awsrole will not guess which one to replace`,
      `keep one [${name}] section in the file and try again`,
    );
  }
  const start = starts[0];
  let out: Line[];
  if (start === undefined) {
    out = [...lines];
    const last = lines[lines.length - 1];
    if (last !== undefined && last.kind !== 'blank') out.push({ text: '', eol: '' });
    out.push({ text: `[${name}]`, eol: '' }, ...keyLines(entries, ''));
  } else {
    let end = start + 1;
    while (end < lines.length && lines[end]?.kind !== 'header') end++;
    let keepFrom = end;
    while (keepFrom > start + 1 && isCommentOrBlank(lines[keepFrom - 1])) keepFrom--;
    // Under an indented next header, keys at column 0 would turn that header into a
    // continuation line of the last key: indent them like the header.
    const indent = lines[end]?.indent ?? '';
    out = [...lines.slice(0, start + 1), ...keyLines(entries, indent), ...lines.slice(keepFrom)];
  }
  return bom + joinLines(out, eol, endsWithBreak);
}

/**
 * Removes section `[name]` of INI text (its header and body, by the same rules as
 * upsertSection: the comment and blank lines above the next header stay), and the blank line
 * that separated it from the section before, so removing what upsertSection appended gives the
 * old text back. Text without `[name]` is returned as it is.
 */
export function removeSection(text: string, name: string): string {
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = text.slice(bom.length);
  const lines = readLines(body);
  const start = lines.findIndex((line) => line.kind === 'header' && line.name === name);
  if (start < 0) return text;
  const endsWithBreak = body === '' || lines[lines.length - 1]?.eol !== '';
  let end = start + 1;
  while (end < lines.length && lines[end]?.kind !== 'header') end++;
  let keepFrom = end;
  while (keepFrom > start + 1 && isCommentOrBlank(lines[keepFrom - 1])) keepFrom--;
  const from = start > 0 && lines[start - 1]?.kind === 'blank' ? start - 1 : start;
  const out = [...lines.slice(0, from), ...lines.slice(keepFrom)];
  return bom + joinLines(out, dominantLineEnding(lines), endsWithBreak);
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

function keyLines(entries: readonly (readonly [string, string])[], indent: string): Line[] {
  return entries.map(([key, value]) => ({ text: `${indent}${key} = ${value}`, eol: '' }));
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

/** Classifies lines with the state machine of src/config/ini.ts (readLine), minus its errors. */
function readLines(text: string): ReadLine[] {
  let inSection = false;
  let inOption = false;
  let optionIndent = 0;
  return splitLines(text).map((line): ReadLine => {
    const { text } = line;
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
  const oldMode = await withFileLock(
    deps,
    lockPathFor(target),
    async () => {
      const old = await readCredentialsFile(deps, path, shown);
      const updated = upsertSection(old?.text ?? '', name, entries);
      checkReadsBack(old?.text, updated, name, entries, shown);
      try {
        await writeFileAtomic(deps, path, updated);
      } catch (error) {
        throw new ConfigError(`cannot write ${shown}: ${errorCode(error) ?? String(error)}`, 'check the file, its folder and their permissions');
      }
      return old?.mode;
    },
    { label: shown, ...options.lock },
  );
  if (oldMode !== undefined && isOpenToOthers(oldMode)) {
    deps.stderr.write(`awsrole: warning: ${terminalSafe(openToOthersWarning(shown, oldMode))}\n`);
  }
  const expiry = credentials.expiration === undefined ? '' : `, expires ${formatExpiration(credentials.expiration)}`;
  return `wrote [${name}] to ${shown} (key ${maskKeyId(credentials.accessKeyId)}${expiry})`;
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

/**
 * Refuses to touch a file that the AWS CLI (and awsrole's own reader) cannot parse: the new
 * profile would be unreadable too. Then checks that the result reads back as intended, which
 * also catches a [DEFAULT] section lending the profile credential keys it should not have.
 */
function checkReadsBack(
  old: string | undefined,
  updated: string,
  name: string,
  entries: readonly (readonly [string, string])[],
  shown: string,
): void {
  if (old !== undefined) {
    try {
      parseIni(old);
    } catch (error) {
      if (!(error instanceof IniParseError)) throw error;
      const bom = old.startsWith(BOM) ? ' (it starts with a UTF-8 byte order mark, which the AWS CLI cannot read either)' : '';
      throw new ConfigError(`cannot update ${shown}: ${error.message}${bom}; nothing was written`, 'fix the file (the AWS CLI refuses it too) and try again');
    }
  }
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

