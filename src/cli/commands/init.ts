import { initScript } from '../../shell/index.js';
import { defineCommand } from '../command.js';
import { completionSpec, SHELL_ARGUMENT, shellArgument } from './completion.js';

/** `awsrole init SHELL`: the shell function that evaluates assume/mfa/export/unset, and completion. */
export const initCommand = defineCommand({
  name: 'init',
  description: 'print shell code for your rc file: an awsrole function that applies assume/mfa/export/unset, and completion',
  examples: ['eval "$(awsrole init bash)"    # in ~/.bashrc (zsh: awsrole init zsh; completion needs compinit)', 'awsrole init fish | source     # in ~/.config/fish/config.fish', 'awsrole init powershell | Invoke-Expression    # in $PROFILE'],
  options: [],
  argument: SHELL_ARGUMENT,
  async run(deps, _options, [shell]) {
    deps.stdout.write(initScript(shellArgument('init', shell), await completionSpec()));
  },
});
