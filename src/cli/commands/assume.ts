import { isRoleProfile } from '../../chain/assume-role.js';
import type { Credentials } from '../../chain/types.js';
import { loadSharedConfig } from '../../config/load.js';
import { mergedProfile, profileExists } from '../../config/shared-config.js';
import { terminalSafe } from '../../domain/text.js';
import { renderEnv, type EnvFormat, type OutputFormat } from '../../output/index.js';
import { PROFILE_VARIABLE } from '../../shell/spec.js';
import { selectProfile } from '../../session/profile.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';
import { openSession, type HopOverrides, type Session } from '../../session/index.js';
import { assumeRoleOnTop } from '../../session/role-arn.js';
import { ASSUME_ROLE_DURATION } from '../../sts/validate.js';
import { defineCommand } from '../command.js';
import { checkDeliverOptions, deliverCredentials } from '../deliver.js';
import { durationFlag, externalIdFlag, policyArnsFlag, roleArnFlag, serialFlag, sessionNameFlag, tokenCodeFlag } from '../flags.js';
import { ASSUME_OPTIONS, eitherFlag, MFA_SYNONYM_OPTIONS, OUTPUT_OPTIONS } from '../option-sets.js';
import type { ParsedOptions } from '../options.js';
import { sessionOptions } from '../session-options.js';

export type AssumeOptions = ParsedOptions<typeof ASSUME_OPTIONS> & ParsedOptions<typeof MFA_SYNONYM_OPTIONS>;

interface CheckedFlags extends HopOverrides {
  roleArn: string | undefined;
  /** --token-code or --code. */
  tokenCode: string | undefined;
}

/** Every flag is checked against STS's rules before anything is read or sent. */
function checkAssumeFlags(options: AssumeOptions): CheckedFlags {
  if (options.sourceProfile !== undefined && options.roleArn === undefined) {
    throw new UsageError('--source-profile goes with --role-arn', 'for a role profile, use --profile NAME alone');
  }
  const sessionName = sessionNameFlag(options.roleSessionName);
  const code = eitherFlag(['--token-code', options.tokenCode], ['--code', options.code]);
  const serial = eitherFlag(['--serial-number', options.serialNumber], ['--serial', options.serial]);
  return {
    roleArn: roleArnFlag(options.roleArn),
    tokenCode: tokenCodeFlag(code.flag, code.value),
    ...(sessionName !== undefined ? { roleSessionName: sessionName, sessionNameGenerated: false } : {}),
    durationSeconds: durationFlag(options.duration, ASSUME_ROLE_DURATION),
    externalId: externalIdFlag(options.externalId),
    serialNumber: serialFlag(serial.flag, serial.value),
    policyArns: policyArnsFlag(options.policyArn),
  };
}

export interface Obtained {
  credentials: Credentials;
  region: string | undefined;
  /** The session they came from: its config, hops and STS. */
  session: Session;
  /** A role session: a role hop was made (--role-arn, a role profile) or the winning link gives one. */
  roleSession: boolean;
}

export interface ObtainHow {
  allowPlain: boolean;
  /** Runs once the session is open, before anything is resolved or sent (console checks its destination there). */
  beforeResolving?: ((session: Session) => void) | undefined;
}

/** `--role-arn`: the chain (of the profile, or of --source-profile) is the source of one more hop. */
async function obtainRoleArn(deps: Deps, options: AssumeOptions, flags: CheckedFlags & { roleArn: string }, how: ObtainHow): Promise<Obtained> {
  const viaSourceProfile = options.sourceProfile !== undefined;
  const session = await openSession(deps, {
    ...(await sessionOptions(deps, { ...options, tokenCode: flags.tokenCode })),
    profile: options.sourceProfile ?? options.profile,
    profileFlag: viaSourceProfile ? '--source-profile' : '--profile',
    overrides: { serialNumber: flags.serialNumber },
    topHop: 'role-arn',
  });
  how.beforeResolving?.(session);
  return { credentials: await assumeRoleOnTop(session, flags), region: session.region, session, roleSession: true };
}

/**
 * The credentials `assume` (and `exec`) hand on: --role-arn on top of the chain, or a role
 * profile's whole chain; with allowPlain, a profile without role_arn gives its plain credentials.
 */
export async function obtainCredentials(deps: Deps, options: AssumeOptions, how: ObtainHow): Promise<Obtained> {
  const flags = checkAssumeFlags(options);
  if (flags.roleArn !== undefined) return obtainRoleArn(deps, options, { ...flags, roleArn: flags.roleArn }, how);
  const session = await openSession(deps, { ...(await sessionOptions(deps, { ...options, tokenCode: flags.tokenCode })), overrides: flags });
  const { profile } = session;
  if (!how.allowPlain && profile.from === 'default' && !profileExists(session.config, profile.name)) {
    throw new UsageError('nothing to assume: no --role-arn, no --profile, and no default profile', 'pass --role-arn ARN, or --profile NAME for a profile with role_arn');
  }
  if (!how.allowPlain && !isRoleProfile(mergedProfile(session.config, profile.name))) {
    throw new UsageError(
      `nothing to assume: profile ${profile.name} (from ${profile.from}) has no role_arn`,
      'pass --role-arn ARN, or --profile NAME for a profile with role_arn (`awsrole export` prints its plain credentials)',
    );
  }
  how.beforeResolving?.(session);
  const { credentials, fromRole } = await session.resolveCredentials();
  return { credentials, region: session.region, session, roleSession: fromRole };
}

/**
 * With nothing naming a profile (no --role-arn, --profile, AWS_PROFILE or AWS_DEFAULT_PROFILE)
 * and no default role profile, `assume` would fail; on a terminal the user picks a role
 * profile instead. Elsewhere (deps.pickOnTerminal answers undefined) it stays that error.
 */
async function pickedProfile(deps: Deps, options: AssumeOptions): Promise<string | undefined> {
  if (options.roleArn !== undefined || deps.pickOnTerminal === undefined || selectProfile(deps.env, options.profile).from !== 'default') return undefined;
  const config = await loadSharedConfig(deps);
  if (isRoleProfile(mergedProfile(config, 'default'))) return undefined;
  const names = [...new Set([...config.configProfiles.keys(), ...config.credentialsProfiles.keys()])];
  const roles = names.filter((name) => isRoleProfile(mergedProfile(config, name))).sort();
  if (roles.length === 0) return undefined;
  const chosen = await deps.pickOnTerminal('awsrole assume: choose a role profile', roles);
  if (chosen === null) throw new UsageError('no profile chosen', 'pass --profile NAME, or pick one with Enter');
  if (chosen !== undefined) deps.stderr.write(`awsrole: assuming profile ${terminalSafe(chosen)}\n`);
  return chosen;
}

/** The shells' formats: a picked profile is named in AWSROLE_PROFILE too, as the init wrapper does for --profile. */
const PICKED_PROFILE_FORMATS: readonly EnvFormat[] = ['sh', 'fish', 'powershell'];

function pickedProfileLine(format: OutputFormat, picked: string | undefined): string {
  const shell = PICKED_PROFILE_FORMATS.find((candidate) => candidate === format);
  if (picked === undefined || shell === undefined) return '';
  try {
    return renderEnv(shell, { set: [[PROFILE_VARIABLE, picked]], unset: [] });
  } catch {
    // A name the format cannot carry exactly is left out: the credentials matter, the prompt less.
    return '';
  }
}

/** `awsrole assume`: AssumeRole from --role-arn or from a role profile (with its whole chain). */
export const assumeCommand = defineCommand({
  name: 'assume',
  description: 'AssumeRole from --role-arn or a role profile; prints credentials for eval',
  examples: ['eval "$(awsrole assume --profile prod)"', 'awsrole assume --role-arn arn:aws:iam::123456789012:role/Admin --source-profile dev --format json', 'awsrole assume --profile prod --serial arn:aws:iam::123456789012:mfa/me --code 123456'],
  options: [...ASSUME_OPTIONS, ...MFA_SYNONYM_OPTIONS, ...OUTPUT_OPTIONS],
  async run(deps, options) {
    const format = checkDeliverOptions(deps, options);
    const picked = await pickedProfile(deps, options);
    const { credentials, region } = await obtainCredentials(deps, picked === undefined ? options : { ...options, profile: picked }, { allowPlain: false });
    await deliverCredentials(deps, credentials, region, options);
    if (options.writeProfile === undefined) deps.stdout.write(pickedProfileLine(format, picked));
  },
});
