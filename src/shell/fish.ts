/** fish: the wrapper function and `complete` rules. */
import { quoteFish } from '../output/env.js';
import { FORMAT_FLAG, PASS_THROUGH_FLAGS, PROFILE_FLAGS, PROFILE_VARIABLE, PROFILES_HELPER, WRAPPED_COMMANDS, DEBUG_FLAG, type CompletedOption, type CompletionSpec } from './spec.js';

/**
 * The output is read whole and sourced only when the status is 0.
 */
export function fishWrapper(): string {
  return `function awsrole --description 'awsrole, with assume/mfa/export/unset evaluated in this shell'
    # ${DEBUG_FLAG} before the command is looked past, and passed on.
    set -l __awsrole_global
    while test (count $argv) -gt 0; and test "$argv[1]" = ${DEBUG_FLAG}
        set __awsrole_global ${DEBUG_FLAG}
        set -e argv[1]
    end
    set -l __awsrole_command $argv[1]
    if not contains -- "$__awsrole_command" ${WRAPPED_COMMANDS.join(' ')}
        command awsrole $__awsrole_global $argv
        return $status
    end
    set -l __awsrole_profile
    set -l __awsrole_next 0
    for __awsrole_arg in $argv[2..-1]
        if test $__awsrole_next = 1
            set __awsrole_profile $__awsrole_arg
            set __awsrole_next 0
            continue
        end
        switch $__awsrole_arg
            case ${PASS_THROUGH_FLAGS.flatMap((flag) => (flag.startsWith('--') ? [flag, quoteFish(`${flag}=*`)] : [flag])).join(' ')}
                command awsrole $__awsrole_global $argv
                return $status
            case --profile
                set __awsrole_next 1
            case '--profile=*'
                set __awsrole_profile (string replace -r -- '^--profile=' '' $__awsrole_arg)
        end
    end
    # No --profile: the one botocore picks from the environment.
    if test -z "$__awsrole_profile"
        if set -q AWS_DEFAULT_PROFILE
            set __awsrole_profile $AWS_DEFAULT_PROFILE
        else if set -q AWS_PROFILE
            set __awsrole_profile $AWS_PROFILE
        end
    end
    # A pipe into read, not a command substitution: fish gives a substitution its own stderr, so
    # \`awsrole assume prod 2>/dev/null\` would not silence it.
    set -l __awsrole_out
    command awsrole $__awsrole_global $__awsrole_command --format fish $argv[2..-1] | read -z __awsrole_out
    set -l __awsrole_status $pipestatus[1]
    if test "$__awsrole_status" -eq 0
        # Cleared first: without a named profile, the lines may name the one picked on the terminal.
        set -e ${PROFILE_VARIABLE}
        printf '%s' $__awsrole_out | source
        if test "$__awsrole_command" = unset
            set -e ${PROFILE_VARIABLE}
        else if test -n "$__awsrole_profile"
            set -gx ${PROFILE_VARIABLE} $__awsrole_profile
        end
    end
    return $__awsrole_status
end
`;
}

function optionRule(condition: string, option: CompletedOption, formats: readonly string[]): string {
  const parts = ['complete -c awsrole', '-n', quoteFish(condition), '-l', option.flag.slice(2), '-d', quoteFish(option.description)];
  if ((PROFILE_FLAGS as readonly string[]).includes(option.flag)) parts.push('-x', '-a', quoteFish(`(command awsrole ${PROFILES_HELPER} 2>/dev/null)`));
  else if (option.flag === FORMAT_FLAG) parts.push('-x', '-a', quoteFish(formats.join(' ')));
  else if (option.takesValue) parts.push('-x');
  return parts.join(' ');
}

/** Profile names come from a command substitution at completion time: fish takes each line as one candidate. */
export function fishCompletion(spec: CompletionSpec): string {
  const lines = ['complete -c awsrole -e', 'complete -c awsrole -f'];
  for (const option of spec.globalOptions) lines.push(optionRule('__fish_use_subcommand', option, spec.formats));
  for (const command of spec.commands) {
    lines.push(`complete -c awsrole -n __fish_use_subcommand -a ${quoteFish(command.name)} -d ${quoteFish(command.description)}`);
    const condition = `__fish_seen_subcommand_from ${command.name}`;
    if (command.choices.length > 0) lines.push(`complete -c awsrole -n ${quoteFish(condition)} -a ${quoteFish(command.choices.join(' '))}`);
    for (const option of command.options) lines.push(optionRule(condition, option, spec.formats));
  }
  return `${lines.join('\n')}\n`;
}
