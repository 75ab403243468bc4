import { Command, CommanderError, Option } from 'commander';
import { codeCacheStatuses } from './code-cache.js';
import type { Deps } from './deps.js';
import { AwsroleError, ExitCode } from './errors.js';
import { terminalSafe } from './output/shown.js';
import { VERSION } from './version.js';

type Options = Record<string, unknown>;
type Action = (deps: Deps, options: Options, args: string[]) => Promise<number | void> | number | void;

/** Commands are loaded only when run, so `--version` and `unset` stay cheap. */
const COMMANDS: Record<string, () => Promise<Action>> = {
  export: async () => (await import('./cli/export.js')).exportCommand,
  whoami: async () => (await import('./cli/whoami.js')).whoamiCommand,
  unset: async () => (await import('./cli/unset.js')).unsetCommand,
  assume: async () => (await import('./cli/assume.js')).assumeCommand,
  mfa: async () => (await import('./cli/mfa.js')).mfaCommand,
  exec: async () => (await import('./cli/exec.js')).execCommand,
  'decode-message': async () => {
    const { decodeMessageCommand } = await import('./cli/decode-message.js');
    return (deps, options, args) => decodeMessageCommand(deps, options, args[0]);
  },
};

type Runner = (name: string, options: Options, args: string[]) => Promise<void>;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function sourceOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'profile to use (otherwise AWS_DEFAULT_PROFILE, AWS_PROFILE, default)')
    .option('--region <region>', 'region for STS and for the exported AWS_REGION')
    .option('--endpoint-url <url>', 'STS endpoint (otherwise AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile)')
    .option('--credentials-json <source>', 'read explicit source credentials as a JSON object from stdin ("-")')
    .option('--refresh', 'ignore cached sessions and call STS')
    .option('--debug', 'explain each step on stderr (secrets never shown)');
}

function outputOptions(command: Command, formats = 'sh, fish, powershell, cmd, dotenv, json, process'): Command {
  return command
    .addOption(new Option('--format <format>', `${formats} (default from $SHELL)`))
    .option('--write-profile <name>', 'write the credentials as [name] in the credentials file instead of printing them');
}

function assumeOptions(command: Command): Command {
  return sourceOptions(command)
    .option('--role-arn <arn>', 'role to assume (source credentials from the chain, or --source-profile)')
    .option('--source-profile <name>', 'profile whose credentials assume --role-arn')
    .option('--role-session-name <name>', 'session name shown in CloudTrail (default awsrole-<user>-<time>)')
    .option('--duration <duration>', 'session length: seconds, or 1h, 90m (900 s to the role maximum; 1 h when chained)')
    .option('--external-id <id>', 'external id the role requires')
    .option('--serial-number <serial>', 'MFA device (otherwise the profile mfa_serial)')
    .option('--token-code <code>', 'MFA code (prompted on the terminal when missing)')
    .option('--policy-arn <arn>', 'managed session policy (repeatable)', collect);
}

type Declare = (program: Command, run: Runner) => void;

/** Each command's options and action; declared only when needed (see buildProgram). */
const DECLARATIONS: Record<string, Declare> = {
  assume: (program, run) =>
    outputOptions(assumeOptions(program.command('assume').description('AssumeRole from --role-arn or a role profile; prints credentials for eval')))
      .action((options: Options) => run('assume', options, [])),
  mfa: (program, run) =>
    outputOptions(sourceOptions(program.command('mfa').description('GetSessionToken with MFA; the session is cached for later role hops')))
      .option('--serial <serial>', 'MFA device ARN or hardware serial (otherwise the profile mfa_serial)')
      .option('--code <code>', 'MFA code (prompted on the terminal when missing)')
      .option('--duration <duration>', 'session length: seconds, or 12h (900 s to 36 h)')
      .action((options: Options) => run('mfa', options, [])),
  export: (program, run) =>
    outputOptions(sourceOptions(program.command('export').description("print the chain's credentials (like `aws configure export-credentials`)")))
      .option('--token-code <code>', 'MFA code for a role profile with mfa_serial')
      .action((options: Options) => run('export', options, [])),
  whoami: (program, run) =>
    sourceOptions(program.command('whoami').description('GetCallerIdentity, and which link of the chain supplied the credentials'))
      .option('--json', 'print JSON')
      .option('--explain', 'print every link of the chain: found, skipped (why), shadowed')
      .option('--token-code <code>', 'MFA code for a role profile with mfa_serial')
      .action((options: Options) => run('whoami', options, [])),
  unset: (program, run) =>
    program
      .command('unset')
      .description('print the lines that remove every variable awsrole sets')
      .option('--format <format>', 'sh, fish, powershell, cmd (default from $SHELL)')
      .action((options: Options) => run('unset', options, [])),
  exec: (program, run) =>
    assumeOptions(program.command('exec').description('run a command with the credentials in its environment only'))
      .argument('[command...]', 'the command and its arguments, after --')
      .passThroughOptions()
      .action((command: string[], options: Options) => run('exec', options, command)),
  'decode-message': (program, run) =>
    sourceOptions(program.command('decode-message').description('decode an encoded authorization failure message (DecodeAuthorizationMessage)'))
      .argument('[message]', 'the encoded message, or - to read it from stdin')
      .action((message: string | undefined, options: Options) => run('decode-message', options, message === undefined ? [] : [message])),
};

/**
 * Declaring every command's ~60 options costs ~2 ms at each start; a run needs only its own
 * command. Help, a typo or no command at all get them all (for the listing and suggestions).
 */
function declareCommands(program: Command, run: Runner, args: readonly string[]): void {
  const named = args.find((arg) => !arg.startsWith('-'));
  const only = named !== undefined && Object.hasOwn(DECLARATIONS, named) ? DECLARATIONS[named] : undefined;
  if (only !== undefined) {
    only(program, run);
    return;
  }
  for (const declare of Object.values(DECLARATIONS)) declare(program, run);
}

/** One line: "unknown command 'asume' (did you mean assume?)". */
function commanderMessage(text: string): string {
  return text
    .replace(/^error: /, '')
    .replace(/\s*\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
    .trim();
}

function buildProgram(deps: Deps, run: Runner, args: readonly string[]): Command {
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
      outputError: (text, write) => write(`awsrole: ${commanderMessage(text)}\n  hint: see \`awsrole --help\` or \`awsrole COMMAND --help\`\n`),
    })
    .showSuggestionAfterError(true);
  declareCommands(program, run, args);
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

/** Runs the CLI and returns the exit code; only start.ts touches process.exitCode. */
export async function run(deps: Deps, argv: readonly string[]): Promise<number> {
  let result: number = ExitCode.ok;
  let program: Command | undefined;
  const runCommand: Runner = async (name, options, args) => {
    const load = COMMANDS[name];
    if (load === undefined) throw new AwsroleError(`unknown command ${name}`, ExitCode.usage);
    const action = await load();
    const commandDeps = withDebug(deps, program?.opts()['debug'] === true || options['debug'] === true);
    try {
      const code = await action(commandDeps, options, args);
      if (typeof code === 'number') result = code;
    } catch (error) {
      debugTrace(commandDeps, error);
      throw error;
    } finally {
      debugCodeCaches(commandDeps);
    }
  };
  try {
    program = buildProgram(deps, runCommand, argv.slice(2));
    await program.parseAsync(argv.slice(2), { from: 'user' });
    return result;
  } catch (error) {
    return exitCodeOf(deps, error);
  }
}
