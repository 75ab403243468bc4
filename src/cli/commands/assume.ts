import { isRoleProfile } from '../../chain/assume-role.js';
import type { Credentials } from '../../chain/types.js';
import { mergedProfile, profileExists } from '../../config/shared-config.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';
import { openSession, type HopOverrides, type Session } from '../../session/index.js';
import { assumeRoleOnTop } from '../../session/role-arn.js';
import { ASSUME_ROLE_DURATION } from '../../sts/validate.js';
import { defineCommand } from '../command.js';
import { checkDeliverOptions, deliverCredentials } from '../deliver.js';
import { durationFlag, externalIdFlag, policyArnsFlag, roleArnFlag, serialFlag, sessionNameFlag, tokenCodeFlag } from '../flags.js';
import { ASSUME_OPTIONS, OUTPUT_OPTIONS } from '../option-sets.js';
import type { ParsedOptions } from '../options.js';
import { sessionOptions } from '../session-options.js';

export type AssumeOptions = ParsedOptions<typeof ASSUME_OPTIONS>;

interface CheckedFlags extends HopOverrides {
  roleArn: string | undefined;
}

/** Every flag is checked against STS's rules before anything is read or sent. */
function checkAssumeFlags(options: AssumeOptions): CheckedFlags {
  if (options.sourceProfile !== undefined && options.roleArn === undefined) {
    throw new UsageError('--source-profile goes with --role-arn', 'for a role profile, use --profile NAME alone');
  }
  const sessionName = sessionNameFlag(options.roleSessionName);
  tokenCodeFlag('--token-code', options.tokenCode);
  return {
    roleArn: roleArnFlag(options.roleArn),
    ...(sessionName !== undefined ? { roleSessionName: sessionName, sessionNameGenerated: false } : {}),
    durationSeconds: durationFlag(options.duration, ASSUME_ROLE_DURATION),
    externalId: externalIdFlag(options.externalId),
    serialNumber: serialFlag('--serial-number', options.serialNumber),
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
    ...(await sessionOptions(deps, options)),
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
  const session = await openSession(deps, { ...(await sessionOptions(deps, options)), overrides: flags });
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

/** `awsrole assume`: AssumeRole from --role-arn or from a role profile (with its whole chain). */
export const assumeCommand = defineCommand({
  name: 'assume',
  description: 'AssumeRole from --role-arn or a role profile; prints credentials for eval',
  options: [...ASSUME_OPTIONS, ...OUTPUT_OPTIONS],
  async run(deps, options) {
    await checkDeliverOptions(deps, options);
    const { credentials, region } = await obtainCredentials(deps, options, { allowPlain: false });
    await deliverCredentials(deps, credentials, region, options);
  },
});
