import type { Credentials } from '../domain/credentials.js';
import { AwsroleError, ExitCode, UsageError } from '../errors.js';
import { formatExpiration } from './expiration.js';
import type { EnvFormat } from './formats.js';

/**
 * Every variable any format sets or clears, in the order `unset` prints them. AWS_SECURITY_TOKEN is
 * never set, only cleared: botocore reads it in preference to AWS_SESSION_TOKEN, so a stale one wins.
 */
export const ALL_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
] as const;
export type CredentialVariable = (typeof ALL_CREDENTIAL_VARIABLES)[number];

/** The variable in which export lines record what awsrole set, so that `unset` removes only that. */
export const SET_RECORD = 'AWSROLE_SET';

/** What `unset` removes when nothing was recorded: the credentials, never the user's own region. */
export const CREDENTIAL_ONLY_VARIABLES: readonly CredentialVariable[] = ALL_CREDENTIAL_VARIABLES.filter((name) => name !== 'AWS_REGION' && name !== 'AWS_DEFAULT_REGION');

/** The names a record holds that awsrole could have set: anything else in it is ignored (never PATH). */
export function recordedVariables(record: string | undefined): CredentialVariable[] {
  const names = new Set((record ?? '').split(','));
  return ALL_CREDENTIAL_VARIABLES.filter((name) => names.has(name));
}

/**
 * `change` plus the record of what it changes: the variables it sets to a value they do not
 * already have in `env` (a region the user exported and awsrole hands on unchanged stays the
 * user's), together with what an earlier export recorded there.
 */
export function withSetRecord(change: EnvChange, env: Readonly<Record<string, string | undefined>> = {}): EnvChange {
  const changed = change.set.filter(([name, value]) => env[name] !== value).map(([name]) => name);
  const names = new Set<string>([...recordedVariables(env[SET_RECORD]), ...changed]);
  const record = ALL_CREDENTIAL_VARIABLES.filter((name) => names.has(name)).join(',');
  // Nothing changed (keys the user exported, handed back as they were): no record, and no empty
  // value that cmd and PowerShell could not hold.
  if (record === '') return { set: change.set, unset: [...change.unset, SET_RECORD] };
  return { set: [...change.set, [SET_RECORD, record]], unset: change.unset };
}

/** What `unset` removes: the recorded variables and the record; without a usable record, the credential variables. */
export function unsetEnv(record: string | undefined): EnvChange {
  const recorded = recordedVariables(record);
  return { set: [], unset: [...(recorded.length > 0 ? recorded : CREDENTIAL_ONLY_VARIABLES), SET_RECORD] };
}

/** What to do to the environment: assignments in order, then removals. */
export interface EnvChange {
  readonly set: ReadonlyArray<readonly [name: string, value: string]>;
  readonly unset: readonly string[];
}

/**
 * The variables that hand `credentials` to a shell, and the ones to clear because they would
 * otherwise contradict them (an old session token next to new static keys, a stale expiry).
 * An empty session token or region counts as absent.
 */
export function credentialEnv(credentials: Credentials, region?: string): EnvChange {
  const set: Array<[CredentialVariable, string]> = [
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
  ];
  const unset: CredentialVariable[] = [];
  const token = credentials.sessionToken;
  if (token !== undefined && token !== '') set.push(['AWS_SESSION_TOKEN', token]);
  else unset.push('AWS_SESSION_TOKEN');
  unset.push('AWS_SECURITY_TOKEN');
  if (credentials.expiration !== undefined) {
    set.push(['AWS_CREDENTIAL_EXPIRATION', formatExpiration(credentials.expiration)]);
  } else unset.push('AWS_CREDENTIAL_EXPIRATION');
  if (region !== undefined && region !== '') {
    set.push(['AWS_REGION', region], ['AWS_DEFAULT_REGION', region]);
  }
  return { set, unset };
}

/** Renders one variable assignment / removal as a line of the format's syntax, without newline. */
interface EnvSyntax {
  set(name: string, value: string): string;
  /** undefined: the format cannot remove a variable, so the line is left out. */
  unset(name: string): string | undefined;
}

/** POSIX single quotes: nothing inside is special; a `'` closes, is escaped outside, reopens. */
export function quoteSh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** fish single quotes: only `\\` and `\'` are escapes inside them. */
export function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, '\\$&')}'`;
}

/**
 * PowerShell verbatim string: a quote is written twice. PowerShell also takes the typographic
 * single quotes (U+2018 to U+201B) as quote characters, so they are doubled as well.
 */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

/**
 * Characters cmd reads literally inside `set "NAME=value"` whatever the context (batch file or
 * prompt, delayed expansion on or off): printable ASCII without % ! ^ & < > | and ".
 * Control characters, newlines and non-ASCII (code page dependent) are refused.
 */
const CMD_SAFE = /^[\x20-\x7E]*$/;
const CMD_SPECIAL = /[%!^&<>|"]/;

/** cmd, and PowerShell in most versions, remove a variable assigned an empty value instead of keeping it. */
function nonEmpty(format: 'cmd' | 'powershell', name: string, value: string): string {
  if (value === '') {
    throw new UsageError(
      `cannot write ${name} for ${format}: ${format} removes a variable set to an empty value`,
      'use --format dotenv, --format json or a POSIX shell format instead',
    );
  }
  return value;
}

function cmdValue(name: string, value: string): string {
  nonEmpty('cmd', name, value);
  if (!CMD_SAFE.test(value) || CMD_SPECIAL.test(value)) {
    throw new UsageError(
      `cannot write ${name} for cmd: its value contains a character cmd cannot quote exactly ` +
        '(one of % ! ^ & < > | ", a control character, a line break or a non-ASCII character)',
      'use --format powershell, --format dotenv or --format json instead',
    );
  }
  return value;
}

/** Values dotenv readers all take literally without quotes. */
const DOTENV_PLAIN = /^[A-Za-z0-9_./:+=@,-]*$/;
const DOTENV_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' };

/**
 * dotenv: bare when the value holds only [A-Za-z0-9_./:+=@,-] (keys, tokens, dates, regions);
 * otherwise in double quotes with \\ \" \n \r escapes, as python-dotenv and Docker Compose
 * read them. A double-quoted value ending in a backslash is misread by python-dotenv and the
 * Node dotenv package (the final \\" looks like an escaped quote), so it is refused.
 */
export function quoteDotenv(name: string, value: string): string {
  if (DOTENV_PLAIN.test(value)) return value;
  if (value.endsWith('\\')) {
    throw new UsageError(
      `cannot write ${name} for dotenv: its value ends with a backslash, which dotenv readers misread`,
      'use --format json or a shell format instead',
    );
  }
  return `"${value.replace(/[\\"\n\r]/g, (char) => DOTENV_ESCAPES[char] ?? char)}"`;
}

const SYNTAX: Readonly<Record<EnvFormat, EnvSyntax>> = {
  sh: {
    set: (name, value) => `export ${name}=${quoteSh(value)}`,
    unset: (name) => `unset ${name}`,
  },
  fish: {
    set: (name, value) => `set -gx ${name} ${quoteFish(value)}`,
    unset: (name) => `set -e ${name}`,
  },
  powershell: {
    set: (name, value) => `$Env:${name} = ${quotePowerShell(nonEmpty('powershell', name, value))}`,
    unset: (name) => `Remove-Item Env:${name} -ErrorAction SilentlyContinue`,
  },
  cmd: {
    set: (name, value) => `set "${name}=${cmdValue(name, value)}"`,
    unset: (name) => `set ${name}=`,
  },
  dotenv: {
    set: (name, value) => `${name}=${quoteDotenv(name, value)}`,
    unset: () => undefined,
  },
};

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A paired surrogate is one code point under the `u` flag, so this finds only lone halves. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function checkName(name: string): void {
  if (!VARIABLE_NAME.test(name)) {
    // Names come from awsrole itself, never from the user: a bad one is a bug.
    throw new AwsroleError(`refusing to print an invalid variable name ${JSON.stringify(name)}`, ExitCode.internal);
  }
}

/** Values no environment can hold exactly, whatever the format. Names the variable, never the value. */
function checkValue(name: string, value: string): void {
  if (value.includes('\0')) {
    throw new UsageError(
      `cannot export ${name}: its value contains a NUL character, which no environment variable can hold`,
      'use --format json instead',
    );
  }
  if (LONE_SURROGATE.test(value)) {
    throw new UsageError(`cannot export ${name}: its value is not valid Unicode`, 'use --format json instead');
  }
}

/**
 * Lines (each ending in a newline) that apply `change` in the given format. Every value is
 * quoted for that format so that no value can run a command or touch another variable.
 * Empty when there is nothing to print.
 */
export function renderEnv(format: EnvFormat, change: EnvChange): string {
  const syntax = SYNTAX[format];
  const lines: string[] = [];
  for (const [name, value] of change.set) {
    checkName(name);
    checkValue(name, value);
    lines.push(syntax.set(name, value));
  }
  for (const name of change.unset) {
    checkName(name);
    const line = syntax.unset(name);
    if (line !== undefined) lines.push(line);
  }
  return lines.map((line) => `${line}\n`).join('');
}
