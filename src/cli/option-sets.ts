/** The option groups commands share, declared once (see options.ts for how they are typed). */
import { UsageError } from '../errors.js';
import type { OptionSpec } from './options.js';

/** The options that choose and reach the source credentials; `region` says what the region is for in this command. */
function sourceOptions<const RegionUse extends string>(regionUse: RegionUse) {
  return [
    { flags: '--profile <name>', description: 'profile to use (otherwise AWS_DEFAULT_PROFILE, AWS_PROFILE, default)' },
    { flags: '--region <region>', description: regionUse },
    { flags: '--endpoint-url <url>', description: 'STS endpoint (otherwise AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile)' },
    { flags: '--credentials-json <source>', description: 'read explicit source credentials as a JSON object from stdin ("-")' },
    { flags: '--refresh', description: 'ignore cached sessions and call STS' },
    { flags: '--debug', description: 'explain each step on stderr (secrets never shown)' },
  ] as const satisfies readonly OptionSpec[];
}

/** For commands that hand credentials on with a region (export lines, a profile, a child's environment). */
export const SOURCE_OPTIONS = sourceOptions('region for STS and for the exported AWS_REGION');

/** For commands that only call STS themselves (whoami, decode-message). */
export const STS_SOURCE_OPTIONS = sourceOptions('region for STS');

export const OUTPUT_OPTIONS = [
  { flags: '--format <format>', description: 'sh, fish, powershell, cmd, dotenv, json, process (default from $SHELL)' },
  { flags: '--write-profile <name>', description: 'write the credentials as [name] in the credentials file instead of printing them' },
] as const satisfies readonly OptionSpec[];

/** AssumeRole's session parameters, for every command that may assume a role (README "Session tags, source identity and policies"). */
export const SESSION_PARAM_OPTIONS = [
  { flags: '--source-identity <id>', description: 'source identity of the role session (otherwise AWS_SOURCE_IDENTITY, the profile source_identity)' },
  { flags: '--tag <key=value>', description: 'session tag (repeatable; otherwise AWS_SESSION_TAGS, the profile session_tags)', repeatable: true },
  { flags: '--transitive-tag <key>', description: 'make this session tag transitive (repeatable; otherwise AWS_TRANSITIVE_TAGS, the profile transitive_session_tags)', repeatable: true },
  { flags: '--policy <json>', description: 'inline session policy: JSON text, or @FILE' },
] as const satisfies readonly OptionSpec[];

/** `exec` hands the region to the child; `assume` to the shell. */
export const ASSUME_OPTIONS = [
  ...SOURCE_OPTIONS,
  { flags: '--role-arn <arn>', description: 'role to assume (source credentials from the chain, or --source-profile)' },
  { flags: '--source-profile <name>', description: 'profile whose credentials assume --role-arn' },
  { flags: '--role-session-name <name>', description: 'session name shown in CloudTrail (default awsrole-<user>-<time>)' },
  { flags: '--duration <duration>', description: 'session length: seconds, or 1h, 90m (900 s to the role maximum; 1 h when chained)' },
  { flags: '--external-id <id>', description: 'external id the role requires' },
  { flags: '--serial-number <serial>', description: 'MFA device (otherwise the profile mfa_serial)' },
  { flags: '--token-code <code>', description: 'MFA code (prompted on the terminal when missing)' },
  { flags: '--policy-arn <arn>', description: 'managed session policy (repeatable)', repeatable: true },
  ...SESSION_PARAM_OPTIONS,
] as const satisfies readonly OptionSpec[];

export const TOKEN_CODE_OPTION = { flags: '--token-code <code>', description: 'MFA code for a role profile with mfa_serial' } as const satisfies OptionSpec;

/** `mfa`'s words for the MFA device and code, also taken by `assume` (and the commands that share its options). */
export const MFA_SYNONYM_OPTIONS = [
  { flags: '--serial <serial>', description: 'same as --serial-number' },
  { flags: '--code <code>', description: 'same as --token-code' },
] as const satisfies readonly OptionSpec[];

/** `assume`'s words for the MFA device and code, also taken by `mfa`. */
export const ASSUME_MFA_WORDS = [
  { flags: '--serial-number <serial>', description: 'same as --serial' },
  { flags: '--token-code <code>', description: 'same as --code' },
] as const satisfies readonly OptionSpec[];

/** A value given under either of a flag's two names; both at once is a usage error. */
export function eitherFlag(first: readonly [string, string | undefined], second: readonly [string, string | undefined]): { flag: string; value: string | undefined } {
  if (first[1] !== undefined && second[1] !== undefined) throw new UsageError(`${first[0]} and ${second[0]} are the same option: pass one`);
  const [flag, value] = second[1] !== undefined ? second : first;
  return { flag, value };
}
