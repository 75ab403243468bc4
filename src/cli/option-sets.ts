/** The option groups commands share, declared once (see options.ts for how they are typed). */
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
  { flags: '--force', description: 'with --write-profile: replace a section holding long-term keys (they are kept as [name-backup-TIME])' },
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
] as const satisfies readonly OptionSpec[];

export const TOKEN_CODE_OPTION = { flags: '--token-code <code>', description: 'MFA code for a role profile with mfa_serial' } as const satisfies OptionSpec;
