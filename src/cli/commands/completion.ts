/**
 * `awsrole completion SHELL` prints the completion script; `awsrole __complete-profiles` (hidden)
 * is what that script runs to list profile names, at completion time, from the files as they are.
 */
import { UsageError } from '../../errors.js';
import { shown } from '../../domain/text.js';
import { OUTPUT_FORMATS } from '../../output/index.js';
import { completionScript, SHELLS, type Shell } from '../../shell/index.js';
import { writeProfileNames } from '../../shell/fast-path.js';
import { PROFILES_HELPER, type CompletedCommand, type CompletedOption, type CompletionSpec } from '../../shell/spec.js';
import { defineCommand, type CliCommand } from '../command.js';
import type { OptionSpec } from '../options.js';

/** The options main.ts's buildProgram declares before any command. */
const GLOBAL_OPTIONS: readonly CompletedOption[] = [
  { flag: '--debug', takesValue: false, description: 'explain each step on stderr (secrets never shown)' },
  { flag: '--version', takesValue: false, description: 'print the version' },
  { flag: '--help', takesValue: false, description: 'show help' },
];

const HELP_OPTION: CompletedOption = { flag: '--help', takesValue: false, description: 'show help for this command' };

function completedOption(spec: OptionSpec): CompletedOption {
  const flag = spec.flags.split(/[\s<]/, 1)[0] ?? spec.flags;
  return { flag, takesValue: spec.flags.includes('<'), description: spec.description };
}

function completedCommand(command: CliCommand): CompletedCommand {
  return {
    name: command.name,
    description: command.description,
    options: [...command.options.map(completedOption), HELP_OPTION],
    choices: command.argument?.choices ?? [],
  };
}

/** The commands and their options, from the registry and each command's declaration. */
export async function completionSpec(): Promise<CompletionSpec> {
  // main.ts loads this module; reading its registry back waits until it runs.
  const { COMMANDS } = await import('../../main.js');
  const commands: CompletedCommand[] = [];
  for (const load of Object.values(COMMANDS)) {
    const command = await load();
    if (command.hidden !== true) commands.push(completedCommand(command));
  }
  return { commands, globalOptions: GLOBAL_OPTIONS, formats: OUTPUT_FORMATS };
}

/** The shell argument of `init` and `completion`. */
export function shellArgument(command: string, shell: string | undefined): Shell {
  const found = SHELLS.find((name) => name === shell);
  if (found !== undefined) return found;
  const given = shell === undefined ? 'needs a shell' : `does not know the shell ${shown(shell)}`;
  throw new UsageError(`awsrole ${command} ${given}: one of ${SHELLS.join(', ')}`, `awsrole ${command} bash`);
}

export const SHELL_ARGUMENT = { syntax: '[shell]', description: SHELLS.join(', '), choices: SHELLS };

export const completionCommand = defineCommand({
  name: 'completion',
  description: 'print the completion script for bash, zsh, fish or powershell (awsrole init includes it)',
  examples: ['source <(awsrole completion bash)', 'awsrole completion fish > ~/.config/fish/completions/awsrole.fish'],
  options: [],
  argument: SHELL_ARGUMENT,
  async run(deps, _options, [shell]) {
    deps.stdout.write(completionScript(shellArgument('completion', shell), await completionSpec()));
  },
});

export const completeProfilesCommand = defineCommand({
  name: PROFILES_HELPER,
  description: 'profile names, one a line (run by the completion scripts)',
  examples: [`awsrole ${PROFILES_HELPER}`],
  hidden: true,
  options: [],
  // src/bin.ts answers this before the CLI bundle loads; this is the same code, for run().
  run: (deps) => writeProfileNames(deps),
});
