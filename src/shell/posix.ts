/** bash and zsh: the wrapper function (one text for both) and each shell's completion. */
import { quoteSh } from '../output/env.js';
import { FORMAT_FLAG, PASS_THROUGH_FLAGS, PROFILE_FLAGS, PROFILE_VARIABLE, PROFILES_HELPER, WRAPPED_COMMANDS, DEBUG_FLAG, type CompletionSpec } from './spec.js';
import { commandWords, valueFlags } from './words.js';

/**
 * `awsrole assume|mfa|export|unset ...` runs the program with --format sh and evaluates its
 * stdout only when it succeeded. The profile name is only ever a word in "$@" or the value of
 * a plain assignment, so no name can run a command here.
 */
export function posixWrapper(): string {
  return `awsrole() {
  local __awsrole_arg __awsrole_next="" __awsrole_profile="" __awsrole_command __awsrole_out __awsrole_status __awsrole_debug=""
  # ${DEBUG_FLAG} before the command is looked past, and passed on.
  while :; do
    case "\${1-}" in
      ${DEBUG_FLAG}) __awsrole_debug=1; shift ;;
      *) break ;;
    esac
  done
  case "\${1-}" in
    ${WRAPPED_COMMANDS.join('|')}) ;;
    *) command awsrole \${__awsrole_debug:+${DEBUG_FLAG}} "$@"; return ;;
  esac
  __awsrole_command=$1
  for __awsrole_arg in "$@"; do
    if [ -n "$__awsrole_next" ]; then
      __awsrole_profile=$__awsrole_arg
      __awsrole_next=""
      continue
    fi
    case "$__awsrole_arg" in
      ${PASS_THROUGH_FLAGS.flatMap((flag) => (flag.startsWith('--') ? [flag, `${flag}=*`] : [flag])).join('|')}) command awsrole \${__awsrole_debug:+${DEBUG_FLAG}} "$@"; return ;;
      --profile) __awsrole_next=1 ;;
      --profile=*) __awsrole_profile=\${__awsrole_arg#--profile=} ;;
    esac
  done
  # No --profile: the one botocore picks from the environment.
  [ -n "$__awsrole_profile" ] || __awsrole_profile=\${AWS_DEFAULT_PROFILE:-\${AWS_PROFILE-}}
  shift
  __awsrole_out=$(command awsrole \${__awsrole_debug:+${DEBUG_FLAG}} "$__awsrole_command" --format sh "$@")
  __awsrole_status=$?
  if [ "$__awsrole_status" -eq 0 ]; then
    # Cleared first: without a named profile, the lines may name the one picked on the terminal.
    unset ${PROFILE_VARIABLE}
    eval "$__awsrole_out"
    if [ "$__awsrole_command" = unset ]; then
      unset ${PROFILE_VARIABLE}
    elif [ -n "$__awsrole_profile" ]; then
      export ${PROFILE_VARIABLE}="$__awsrole_profile"
    fi
  fi
  return "$__awsrole_status"
}
`;
}

function caseArms(spec: CompletionSpec, indent: string): string {
  return spec.commands.map((command) => `${indent}${quoteSh(command.name)}) words=${quoteSh(commandWords(command).join(' '))} ;;`).join('\n');
}

const topWords = (spec: CompletionSpec): string => [...spec.commands.map((command) => command.name), ...spec.globalOptions.map((option) => option.flag)].join(' ');

/** Profile names never go through `compgen -W`, which would expand $(...) in them. */
export function bashCompletion(spec: CompletionSpec): string {
  return `_awsrole_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev="" cmd="" words="" name quoted i prefix=""
  (( COMP_CWORD > 0 )) && prev=\${COMP_WORDS[COMP_CWORD-1]}
  # --profile=NAME: with = in COMP_WORDBREAKS (the default) bash splits it into --profile, =, NAME
  # and replaces only NAME; without, the word is --profile=NAME and the reply keeps --profile=.
  if [[ $cur == = ]]; then
    cur=""
  elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
    prev=\${COMP_WORDS[COMP_CWORD-2]}
  elif [[ $cur == --*=* ]]; then
    prev=\${cur%%=*}
    prefix=$prev=
    cur=\${cur#*=}
  fi
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case \${COMP_WORDS[i]} in
      -*) ;;
      *) cmd=\${COMP_WORDS[i]}; break ;;
    esac
  done
  COMPREPLY=()
  case $prev in
    ${PROFILE_FLAGS.join('|')})
      while IFS= read -r name; do
        if [[ $name == "$cur"* ]]; then
          printf -v quoted '%q' "$name"
          COMPREPLY+=("$prefix$quoted")
        fi
      done < <(command awsrole ${PROFILES_HELPER} 2>/dev/null)
      return 0 ;;
    ${FORMAT_FLAG}) COMPREPLY=($(compgen -P "$prefix" -W ${quoteSh(spec.formats.join(' '))} -- "$cur")); return 0 ;;
    ${valueFlags(spec).join('|')}) return 0 ;;
  esac
  case $cmd in
    '') words=${quoteSh(topWords(spec))} ;;
${caseArms(spec, '    ')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _awsrole_complete awsrole
`;
}

/** compadd quotes what it inserts, so a profile name stays one word whatever it holds. */
export function zshCompletion(spec: CompletionSpec): string {
  return `_awsrole_complete() {
  local cmd="" prev=\${words[CURRENT-1]} i
  local -a names choices
  for (( i = 2; i < CURRENT; i++ )); do
    case \${words[i]} in
      -*) ;;
      *) cmd=\${words[i]}; break ;;
    esac
  done
  # --profile=NAME is one word here: the flag is what comes before =, NAME is completed after it.
  if [[ \${words[CURRENT]} == --*=* ]]; then
    prev=\${words[CURRENT]%%=*}
    compset -P "$prev="
  fi
  case $prev in
    ${PROFILE_FLAGS.join('|')})
      names=(\${(f)"$(command awsrole ${PROFILES_HELPER} 2>/dev/null)"})
      compadd -a names
      return ;;
    ${FORMAT_FLAG}) compadd -- ${spec.formats.join(' ')}; return ;;
    ${valueFlags(spec).join('|')}) return 1 ;;
  esac
  local words_text
  case $cmd in
    '') words_text=${quoteSh(topWords(spec))} ;;
${caseArms(spec, '    ').replaceAll(') words=', ') words_text=')}
  esac
  choices=(\${=words_text})
  compadd -a choices
}
if (( $+functions[compdef] )); then
  compdef _awsrole_complete awsrole
else
  # compinit may come later in ~/.zshrc: completion is registered at the first prompt.
  _awsrole_compdef() {
    add-zsh-hook -d precmd _awsrole_compdef
    if (( $+functions[compdef] )); then
      compdef _awsrole_complete awsrole
    else
      print -u2 'awsrole: completion needs compinit: add "autoload -Uz compinit && compinit" to ~/.zshrc'
    fi
  }
  autoload -Uz add-zsh-hook
  add-zsh-hook precmd _awsrole_compdef
fi
`;
}
