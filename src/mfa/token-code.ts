/**
 * Where an MFA code comes from when STS is about to need one: the flag (--token-code/--code),
 * else the profile's mfa_process, else the controlling terminal.
 */
import type { SharedConfig } from '../config/shared-config.js';
import { PromptError, type Deps } from '../deps.js';
import { CancelledError, UsageError } from '../errors.js';
import { tokenCodeProblem } from '../sts/validate.js';
import { findMfaProcess, runMfaProcess } from './process.js';

export interface CodeNeed {
  deps: Deps;
  config: SharedConfig;
  /** The MFA device the code is for. */
  serial: string;
  /** The profile that needs the code: its mfa_process (or its source_profile chain's) runs. */
  profile: string;
  /** The flag that gives a code on the command line: named in messages. */
  flag: string;
}

/** A typo gets another try, on a terminal only (mfa_process output is taken or refused). */
const PROMPT_TRIES = 3;

/** Asks only when STS is really about to be called (a cache hit never runs a helper or prompts). */
export async function obtainTokenCode(need: CodeNeed, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  const helper = findMfaProcess(need.config, need.profile);
  if (helper !== undefined) return runMfaProcess(need.deps, helper);
  return promptForCode(need);
}

/** Authenticator apps show `123 456`: spaces inside the code are the app's, not the user's typo. */
function typedCode(typed: string): string {
  return typed.replace(/\s+/g, '');
}

function promptFailure(need: CodeNeed, error: unknown): Error {
  if (!(error instanceof PromptError)) {
    return new UsageError(`an MFA code is needed for ${need.serial} and the terminal could not be read`, `pass ${need.flag} 123456 (the code your device shows)`);
  }
  if (error.reason === 'cancelled') return new CancelledError();
  if (error.reason === 'end-of-input') return new UsageError(`no MFA code typed for ${need.serial} (end of input)`, `pass ${need.flag} 123456 (the code your device shows)`);
  return noTerminal(need);
}

function noTerminal(need: CodeNeed): UsageError {
  return new UsageError(
    `an MFA code is needed for ${need.serial} and there is no terminal to ask on`,
    `pass ${need.flag} 123456 (the code your device shows), or set mfa_process in profile ${need.profile} (a command that prints the code)`,
  );
}

async function promptForCode(need: CodeNeed): Promise<string> {
  const { promptSecret } = need.deps;
  if (promptSecret === undefined) throw noTerminal(need);
  let retry = '';
  for (let attempt = 1; ; attempt += 1) {
    let typed: string;
    try {
      typed = await promptSecret(`${retry}Enter MFA code for ${need.serial}: `);
    } catch (error) {
      throw promptFailure(need, error);
    }
    const code = typedCode(typed);
    const problem = tokenCodeProblem(code);
    if (problem === undefined) return code;
    if (attempt === PROMPT_TRIES) {
      throw new UsageError(`MFA code not sent to STS: ${problem} (${PROMPT_TRIES} tries)`, `run the command again and type the 6 digits your device shows, or pass ${need.flag}`);
    }
    retry = `${problem}; try ${attempt + 1} of ${PROMPT_TRIES}.\n`;
  }
}
