import { shown } from '../domain/text.js';
import { UsageError } from '../errors.js';

/** Every value `--format` accepts, in the order help and errors list them. */
export const OUTPUT_FORMATS = ['sh', 'fish', 'powershell', 'cmd', 'dotenv', 'json', 'process'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The formats that print environment variable assignments (everything but the JSON ones). */
export type EnvFormat = Exclude<OutputFormat, 'json' | 'process'>;
export const ENV_FORMATS: readonly EnvFormat[] = ['sh', 'fish', 'powershell', 'cmd', 'dotenv'];

export function isEnvFormat(format: OutputFormat): format is EnvFormat {
  return format !== 'json' && format !== 'process';
}

/** Shell names people type for a format, mapped to the format that serves them (hints only). */
const SHELL_FORMATS: Readonly<Record<string, EnvFormat>> = {
  sh: 'sh',
  bash: 'sh',
  zsh: 'sh',
  dash: 'sh',
  ksh: 'sh',
  mksh: 'sh',
  fish: 'fish',
  pwsh: 'powershell',
  powershell: 'powershell',
};

/** Parses `--format`; exact names only, so a typo never silently picks another quoting. */
export function parseFormat(text: string): OutputFormat {
  const found = OUTPUT_FORMATS.find((format) => format === text);
  if (found !== undefined) return found;
  const suggestion = SHELL_FORMATS[text.trim().toLowerCase()];
  const hint =
    suggestion !== undefined && suggestion !== text
      ? `for ${text.trim()}, use --format ${suggestion}`
      : 'pass one of the formats listed, e.g. --format sh';
  return fail(`unknown output format ${shown(text)}: expected one of ${OUTPUT_FORMATS.join(', ')}`, hint);
}

function fail(message: string, hint: string): never {
  throw new UsageError(message, hint);
}

/** The format for the user's shell, from the basename of `$SHELL`; `sh` when unset or unknown. */
export function defaultFormat(env: Readonly<Record<string, string | undefined>>): EnvFormat {
  const shell = env['SHELL'];
  if (shell === undefined) return 'sh';
  const base = (shell.split(/[/\\]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');
  switch (base) {
    case 'fish':
      return 'fish';
    case 'pwsh':
    case 'powershell':
      return 'powershell';
    default:
      // bash, zsh, sh, dash, ksh and anything unknown: POSIX quoting is the safe default.
      return 'sh';
  }
}
