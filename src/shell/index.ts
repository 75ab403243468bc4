import { bashCompletion, posixWrapper, zshCompletion } from './posix.js';
import { fishCompletion, fishWrapper } from './fish.js';
import { powershellCompletion, powershellWrapper } from './powershell.js';
import type { CompletionSpec, Shell } from './spec.js';

export { SHELLS, type Shell } from './spec.js';

const SCRIPTS: Readonly<Record<Shell, { wrapper: () => string; completion: (spec: CompletionSpec) => string }>> = {
  bash: { wrapper: posixWrapper, completion: bashCompletion },
  zsh: { wrapper: posixWrapper, completion: zshCompletion },
  fish: { wrapper: fishWrapper, completion: fishCompletion },
  powershell: { wrapper: powershellWrapper, completion: powershellCompletion },
};

/** `awsrole completion SHELL`: the completion script alone. */
export function completionScript(shell: Shell, spec: CompletionSpec): string {
  return SCRIPTS[shell].completion(spec);
}

/**
 * `Invoke-Expression` runs each piped line on its own, which would cut a function in pieces:
 * `awsrole init powershell | Invoke-Expression` gets one line that runs the whole script.
 */
function oneLinePowerShell(script: string): string {
  const encoded = Buffer.from(script, 'utf8').toString('base64');
  return `. ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${encoded}'))))\n`;
}

/** `awsrole init SHELL`: the wrapper function, then the completion. */
export function initScript(shell: Shell, spec: CompletionSpec): string {
  const script = `${SCRIPTS[shell].wrapper()}\n${SCRIPTS[shell].completion(spec)}`;
  return shell === 'powershell' ? oneLinePowerShell(script) : script;
}
