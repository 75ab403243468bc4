import { Command, CommanderError } from 'commander';
import type { CliCommand } from './cli/command.js';
import { declareOptions, parseOptions } from './cli/options.js';
import { codeCacheStatuses } from './code-cache.js';
import type { Deps } from './deps.js';
import { AwsroleError, ExitCode } from './errors.js';
import { lineSafe, terminalSafe } from './domain/text.js';
import { VERSION } from './version.js';

/** Commands are loaded only when run, so `--version` and `unset` stay cheap. */
export const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  assume: async () => (await import('./cli/commands/assume.js')).assumeCommand,
  mfa: async () => (await import('./cli/commands/mfa.js')).mfaCommand,
  export: async () => (await import('./cli/commands/export.js')).exportCommand,
  whoami: async () => (await import('./cli/commands/whoami.js')).whoamiCommand,
  unset: async () => (await import('./cli/commands/unset.js')).unsetCommand,
  exec: async () => (await import('./cli/commands/exec.js')).execCommand,
  'decode-message': async () => (await import('./cli/commands/decode-message.js')).decodeMessageCommand,
  console: async () => (await import('./cli/commands/console.js')).consoleCommand,
  sso: async () => (await import('./cli/commands/sso.js')).ssoCommand,
  profiles: async () => (await import('./cli/commands/profiles.js')).profilesCommand,
  init: async () => (await import('./cli/commands/init.js')).initCommand,
  completion: async () => (await import('./cli/commands/completion.js')).completionCommand,
  '__complete-profiles': async () => (await import('./cli/commands/completion.js')).completeProfilesCommand,
  serve: async () => (await import('./cli/commands/serve.js')).serveCommand,
};

type Runner = (command: CliCommand, options: Readonly<Record<string, unknown>>, args: string[]) => Promise<void>;

function declareCommand(program: Command, command: CliCommand, run: Runner): void {
  const declared = declareOptions(program.command(command.name, { hidden: command.hidden === true }).description(command.description), command.options);
  declared.addHelpText('after', `\nExamples:\n${command.examples.map((example) => `  ${example}`).join('\n')}\n`);
  if (command.argument !== undefined) declared.argument(command.argument.syntax, command.argument.description);
  if (command.passThrough) declared.passThroughOptions();
  declared.action(function (this: Command) {
    const args = this.processedArgs.flat().filter((arg): arg is string => typeof arg === 'string');
    return run(command, this.opts(), args);
  });
}

/**
 * Declaring every command's ~60 options costs ~2 ms at each start; a run needs only its own
 * command. Help, a typo or no command at all get them all (for the listing and suggestions).
 */
async function declareCommands(program: Command, run: Runner, args: readonly string[]): Promise<void> {
  const named = args.find((arg) => !arg.startsWith('-'));
  const only = named !== undefined && Object.hasOwn(COMMANDS, named) ? COMMANDS[named] : undefined;
  const loaders = only !== undefined ? [only] : Object.values(COMMANDS);
  for (const load of loaders) declareCommand(program, await load(), run);
}

/** One line: "unknown command 'asume' (did you mean assume?)". */
function commanderMessage(text: string): string {
  // The words typed are quoted back: escaped, so an argument cannot act on the terminal.
  return lineSafe(
    text
      .replace(/^error: /, '')
      .replace(/\s*\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
      .trim(),
  );
}

/** An encoded authorization message may start with `-`, where commander sees an option. */
function commanderHint(text: string, args: readonly string[]): string {
  const command = args.find((arg) => !arg.startsWith('-'));
  if (command === 'decode-message' && /unknown option '-/.test(text)) {
    return 'a message that starts with "-": put -- before it (awsrole decode-message -- MESSAGE), or pipe it in with decode-message -';
  }
  return 'see `awsrole --help` or `awsrole COMMAND --help`';
}

async function buildProgram(deps: Deps, run: Runner, args: readonly string[]): Promise<Command> {
  const program = new Command('awsrole')
    .description('AWS credentials the way the AWS CLI finds them: assume roles, MFA sessions, shell exports, and why.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'explain each step on stderr (secrets never shown)')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
      // Commander's own complaints (unknown flag, missing value) read like awsrole's other errors.
      outputError: (text, write) => write(`awsrole: ${commanderMessage(text)}\n  hint: ${commanderHint(text, args)}\n`),
    })
    .showSuggestionAfterError(true);
  await declareCommands(program, run, args);
  return program;
}

function printError(deps: Deps, error: AwsroleError): void {
  deps.stderr.write(`awsrole: ${terminalSafe(error.message)}\n`);
  if (error.hint) deps.stderr.write(`  hint: ${terminalSafe(error.hint)}\n`);
}

function exitCodeOf(deps: Deps, error: unknown): number {
  if (error instanceof CommanderError) {
    // `awsrole` alone prints help too, but as a usage error (commander gives it exit code 1).
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof AwsroleError) {
    printError(deps, error);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  deps.stderr.write(`awsrole: internal error: ${terminalSafe(message)}\n  please report it with the command you ran (secrets removed)\n`);
  return ExitCode.internal;
}

/** Under --debug, the command gets a debug line writer (secrets are never passed to it). */
function withDebug(deps: Deps, enabled: boolean): Deps {
  if (!enabled) return deps;
  return { ...deps, debug: (line) => deps.stderr.write(`awsrole: debug: ${terminalSafe(line)}\n`) };
}

/** Under --debug, a chain failure shows every link it tried. */
function debugTrace(deps: Deps, error: unknown): void {
  const trace = (error as { trace?: unknown }).trace;
  if (deps.debug === undefined || !Array.isArray(trace)) return;
  for (const entry of trace as { link: string; outcome: string; detail: string }[]) deps.debug(`chain ${entry.link}: ${entry.outcome}: ${entry.detail}`);
}

/** Under --debug, whether each bundle ran from its code cache (a rejected one explains a slow start). */
function debugCodeCaches(deps: Deps): void {
  for (const [file, status] of codeCacheStatuses()) deps.debug?.(`code cache of ${file}: ${status}`);
}

/** `help asume`: commander would print the whole help; answer as `awsrole asume` does (unknown command, a suggestion). */
function helpTopicAsCommand(args: readonly string[]): readonly string[] {
  const [first, topic, ...rest] = args;
  if (first !== 'help' || topic === undefined || rest.length > 0 || topic.startsWith('-')) return args;
  return topic === 'help' || Object.hasOwn(COMMANDS, topic) ? args : [topic];
}

/** Runs the CLI and returns the exit code; only start.ts touches process.exitCode. */
export async function run(deps: Deps, argv: readonly string[]): Promise<number> {
  let result: number = ExitCode.ok;
  let program: Command | undefined;
  const runCommand: Runner = async (command, raw, args) => {
    const commandDeps = withDebug(deps, program?.opts()['debug'] === true || raw['debug'] === true);
    try {
      const code = await command.run(commandDeps, parseOptions(command.options, raw), args);
      if (typeof code === 'number') result = code;
    } catch (error) {
      debugTrace(commandDeps, error);
      throw error;
    } finally {
      debugCodeCaches(commandDeps);
    }
  };
  try {
    const args = helpTopicAsCommand(argv.slice(2));
    program = await buildProgram(deps, runCommand, args);
    await program.parseAsync(args, { from: 'user' });
    return result;
  } catch (error) {
    return exitCodeOf(deps, error);
  }
}
