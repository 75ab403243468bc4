/**
 * mfa_process (aws-vault's key): a command that prints the current MFA code, e.g.
 * `ykman oath accounts code --single NAME` or `op item get ITEM --otp`. Run like
 * credential_process: split without a shell, the same time limit, the user's terminal on stdin
 * and awsrole's stderr as its own.
 */
import { sourceProfileChain } from '../chain/assume-role.js';
import { processTimeoutMs } from '../chain/process.js';
import { shlexSplit } from '../config/ini.js';
import { mergedProfile, stringValue, type SharedConfig } from '../config/shared-config.js';
import type { Deps, ProcessResult } from '../deps.js';
import { ChildExitCode, CredentialError } from '../errors.js';
import { oneLine } from '../domain/text.js';
import { tokenCodeProblem } from '../sts/validate.js';

export interface MfaProcess {
  command: string;
  /** The profile that set it (the one asked for, or one up its source_profile chain). */
  profile: string;
}

/**
 * The nearest mfa_process up the source_profile chain. An empty `mfa_process =` stops the
 * search: that profile prompts even when its source profile has a helper.
 */
export function findMfaProcess(config: SharedConfig, profile: string): MfaProcess | undefined {
  for (const name of sourceProfileChain(config, profile)) {
    const command = stringValue(mergedProfile(config, name), 'mfa_process');
    if (command === undefined) continue;
    return command.trim() === '' ? undefined : { command, profile: name };
  }
  return undefined;
}

/** Why the helper gave no code; never its stdout (that is the code, or near it). */
function failure(result: ProcessResult, argv0: string, limitMs: number): string | undefined {
  if (result.timedOut) return `did not finish within ${limitMs / 1000} s and was stopped`;
  if (result.exitCode === null) return `was killed by ${result.signal ?? 'a signal'}`;
  // With stderr passed through, only a spawn failure (not on PATH) leaves text in result.stderr.
  if (result.exitCode === ChildExitCode.notFound && result.stderr !== '') return `could not be started: ${oneLine(result.stderr)} (is \`${argv0}\` on PATH?)`;
  if (result.exitCode !== 0) return `exited with code ${result.exitCode} (its own message, if any, is above)`;
  return undefined;
}

/** Runs the helper: its stdout, trimmed, is the code; anything but six digits is refused (exit 3). */
export async function runMfaProcess(deps: Deps, helper: MfaProcess): Promise<string> {
  const where = `mfa_process of profile ${helper.profile}`;
  const argv = shlexSplit(helper.command);
  if (argv === undefined || argv.length === 0) {
    throw new CredentialError(`${where} cannot be split into a command (unbalanced quotes?)`, 'fix mfa_process in the config file');
  }
  const limitMs = processTimeoutMs(deps.env);
  deps.debug?.(`MFA code from ${where}`);
  // Its stderr is the user's: a YubiKey that wants a touch says so there.
  const result = await deps.runProcess(argv, { env: deps.env, timeoutMs: limitMs, stderr: 'inherit' });
  const why = failure(result, argv[0] ?? '', limitMs);
  if (why !== undefined) {
    const hint = result.timedOut ? 'run the command by hand to see why it hangs, or raise AWSROLE_PROCESS_TIMEOUT (seconds)' : `run \`${argv[0] ?? ''}\` by hand to see why`;
    throw new CredentialError(`${where} ${why}`, hint);
  }
  const code = result.stdout.trim();
  if (tokenCodeProblem(code) !== undefined) {
    throw new CredentialError(`${where} did not print a 6-digit MFA code`, 'it must print the code alone on stdout (e.g. `ykman oath accounts code --single NAME`)');
  }
  return code;
}
