/**
 * What the shell scripts of `awsrole init` and `awsrole completion` are made from: the command
 * registry's names and option declarations (built by src/cli/commands/completion.ts), and the
 * few words the wrapper itself must know.
 */

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

/** The `--format` each shell's wrapper asks for. */
export const SHELL_FORMAT: Readonly<Record<Shell, string>> = { bash: 'sh', zsh: 'sh', fish: 'fish', powershell: 'powershell' };

export interface CompletedOption {
  /** `--profile` */
  readonly flag: string;
  readonly takesValue: boolean;
  readonly description: string;
}

export interface CompletedCommand {
  readonly name: string;
  readonly description: string;
  readonly options: readonly CompletedOption[];
  /** The values its positional argument takes (`init bash`), if it lists them. */
  readonly choices: readonly string[];
}

export interface CompletionSpec {
  readonly commands: readonly CompletedCommand[];
  /** Options before any command (`--debug`, `--version`). */
  readonly globalOptions: readonly CompletedOption[];
  /** The values of `--format`. */
  readonly formats: readonly string[];
}

/** Flags whose value is a profile name: completed from the files at completion time. */
export const PROFILE_FLAGS = ['--profile', '--source-profile'] as const;
export const FORMAT_FLAG = '--format';

/** The hidden command the completion scripts run to list profile names, one a line. */
export const PROFILES_HELPER = '__complete-profiles';

/** Commands whose output the wrapper evaluates in the shell. */
export const WRAPPED_COMMANDS = ['assume', 'mfa', 'export', 'unset'] as const;
/** With any of these the wrapped commands print or write something else: passed straight through. */
export const PASS_THROUGH_FLAGS = ['--format', '--write-profile', '--help', '-h'] as const;

/**
 * The one option that may come before the command (besides --version and --help, which print
 * and exit): the wrapper looks past it for the command (`awsrole --debug assume prod` is
 * evaluated like `awsrole assume prod`) and passes it on.
 */
export const DEBUG_FLAG = '--debug';

/** The variable the wrapper sets to the profile used (for prompts). */
export const PROFILE_VARIABLE = 'AWSROLE_PROFILE';
