import { Command, CommanderError, Option } from 'commander';
import type { Deps } from './deps.js';
import { AwsroleError, ExitCode } from './errors.js';
import { VERSION } from './version.js';

type Action = (deps: Deps, options: Record<string, unknown>, args: string[]) => Promise<void> | void;

/** Commands are loaded only when run, so `--version` and `unset` stay cheap. */
const COMMANDS: Record<string, () => Promise<Action>> = {
  export: async () => {
    const { exportCommand } = await import('./cli/export.js');
    return (deps, options) => exportCommand(deps, options);
  },
  whoami: async () => {
    const { whoamiCommand } = await import('./cli/whoami.js');
    return (deps, options) => whoamiCommand(deps, options);
  },
  unset: async () => {
    const { unsetCommand } = await import('./cli/unset.js');
    return (deps, options) => unsetCommand(deps, options);
  },
};

function sourceOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'profile to use (otherwise AWS_DEFAULT_PROFILE, AWS_PROFILE, default)')
    .option('--region <region>', 'region for STS')
    .option('--endpoint-url <url>', 'STS endpoint (otherwise AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile)')
    .option('--credentials-json <source>', 'read explicit credentials as a JSON object from stdin ("-")')
    .option('--refresh', 'ignore cached sessions and call STS')
    .option('--token-code <code>', 'MFA code for a role profile with mfa_serial');
}

function buildProgram(deps: Deps, run: (name: string, options: Record<string, unknown>, args: string[]) => Promise<void>): Command {
  const program = new Command('awsrole')
    .description('AWS credentials the way the AWS CLI finds them: assume roles, MFA sessions, shell exports, and why.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'explain each step on stderr (secrets never shown)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => deps.stdout.write(text), writeErr: (text) => deps.stderr.write(text) })
    .showSuggestionAfterError(true);

  sourceOptions(program.command('export').description("print the chain's credentials (like `aws configure export-credentials`)"))
    .addOption(new Option('--format <format>', 'sh, fish, powershell, cmd, dotenv, json, process (default from $SHELL)'))
    .action((options: Record<string, unknown>) => run('export', options, []));

  sourceOptions(program.command('whoami').description('GetCallerIdentity, and which link of the chain supplied the credentials'))
    .option('--json', 'print JSON')
    .option('--explain', 'print every link of the chain: found, skipped (why), shadowed')
    .action((options: Record<string, unknown>) => run('whoami', options, []));

  program
    .command('unset')
    .description('print the lines that remove every variable awsrole sets')
    .option('--format <format>', 'sh, fish, powershell, cmd (default from $SHELL)')
    .action((options: Record<string, unknown>) => run('unset', options, []));
  return program;
}

function printError(deps: Deps, error: AwsroleError): void {
  deps.stderr.write(`awsrole: ${error.message}\n`);
  if (error.hint) deps.stderr.write(`  hint: ${error.hint}\n`);
}

/** Runs the CLI and returns the exit code; only bin/awsrole touches process.exitCode. */
export async function run(deps: Deps, argv: readonly string[]): Promise<number> {
  const runCommand = async (name: string, options: Record<string, unknown>): Promise<void> => {
    const load = COMMANDS[name];
    if (load === undefined) throw new AwsroleError(`unknown command ${name}`, ExitCode.usage);
    const action = await load();
    await action(deps, options, []);
  };
  const program = buildProgram(deps, runCommand);
  try {
    await program.parseAsync(argv.slice(2), { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage;
    }
    if (error instanceof AwsroleError) {
      printError(deps, error);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    deps.stderr.write(`awsrole: internal error: ${message}\n  please report it with the command you ran (secrets removed)\n`);
    if (deps.env['AWSROLE_DEBUG'] && error instanceof Error && error.stack) deps.stderr.write(`${error.stack}\n`);
    return ExitCode.internal;
  }
}
