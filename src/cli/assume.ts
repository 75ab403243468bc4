import { isRoleProfile } from '../chain/assume-role.js';
import { checkProfileExists, selectProfile } from '../chain/chain.js';
import { defaultSessionName } from '../chain/session-name.js';
import type { AssumeRoleRequest, Credentials } from '../chain/types.js';
import { loadSharedConfig } from '../config/load.js';
import { mergedProfile } from '../config/shared-config.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { resolveRegion } from '../sts/settings.js';
import { ASSUME_ROLE_DURATION } from '../sts/validate.js';
import { explainExpiredSource } from '../sts/teach.js';
import { resolveSource, type HopOverrides, type SourceOptions } from './common.js';
import { checkDeliverOptions, deliverCredentials, type DeliverOptions } from './deliver.js';
import { durationFlag, externalIdFlag, policyArnsFlag, roleArnFlag, serialFlag, sessionNameFlag, tokenCodeFlag } from './flags.js';

export interface AssumeOptions extends SourceOptions, DeliverOptions {
  roleArn?: string | undefined;
  sourceProfile?: string | undefined;
  roleSessionName?: string | undefined;
  duration?: string | undefined;
  externalId?: string | undefined;
  serialNumber?: string | undefined;
  policyArn?: string[] | undefined;
}

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

/** `--role-arn`: one more hop on top of whatever the chain (or --source-profile) supplies. */
async function assumeRoleArn(deps: Deps, options: AssumeOptions, flags: CheckedFlags & { roleArn: string }): Promise<{ credentials: Credentials; profile: string; config: Awaited<ReturnType<typeof resolveSource>>['config'] }> {
  const viaSourceProfile = options.sourceProfile !== undefined;
  const source = await resolveSource(
    deps,
    { ...options, profile: options.sourceProfile ?? options.profile, profileFlag: viaSourceProfile ? '--source-profile' : '--profile', topHop: 'role-arn' },
    { serialNumber: flags.serialNumber },
  );
  const chained = source.resolution.source === 'assume-role' || source.resolution.source === 'assume-role-with-web-identity';
  if (chained && flags.durationSeconds !== undefined && flags.durationSeconds > ASSUME_ROLE_DURATION.chainedMax) {
    throw new UsageError(
      `--duration ${flags.durationSeconds}: the source credentials came from another role, and AWS limits role chaining to 1 hour`,
      'pass --duration 3600 or less, or use long-term (or MFA-session) credentials as the source',
    );
  }
  const request: AssumeRoleRequest = {
    roleArn: flags.roleArn,
    roleSessionName: flags.roleSessionName ?? defaultSessionName(deps),
    sessionNameGenerated: flags.roleSessionName === undefined,
    externalId: flags.externalId,
    serialNumber: flags.serialNumber,
    durationSeconds: flags.durationSeconds,
    policyArns: flags.policyArns,
    chained,
  };
  const sourceDetail = source.resolution.trace.find((entry) => entry.outcome === 'found')?.detail ?? source.resolution.source;
  let credentials: Credentials;
  try {
    credentials = await source.assumeRole(source.resolution.credentials, request);
  } catch (error) {
    throw explainExpiredSource(error, `${source.resolution.source}: ${sourceDetail}`);
  }
  return { credentials, profile: source.resolution.profile.name, config: source.config };
}

export interface Obtained {
  credentials: Credentials;
  region: string | undefined;
}

/**
 * The credentials `assume` (and `exec`) hand on: --role-arn on top of the chain, or a role
 * profile's whole chain; with allowPlain, a profile without role_arn gives its plain credentials.
 */
export async function obtainCredentials(deps: Deps, options: AssumeOptions, how: { allowPlain: boolean }): Promise<Obtained> {
  const flags = checkAssumeFlags(options);
  if (flags.roleArn !== undefined) {
    const { credentials, profile, config } = await assumeRoleArn(deps, options, { ...flags, roleArn: flags.roleArn });
    return { credentials, region: resolveRegion(deps.env, config, profile, options.region) };
  }
  const config = await loadSharedConfig(deps);
  const selected = selectProfile(deps.env, options.profile);
  checkProfileExists(deps, config, selected);
  if (!how.allowPlain && !isRoleProfile(mergedProfile(config, selected.name))) {
    throw new UsageError(
      `nothing to assume: profile ${selected.name} (from ${selected.from}) has no role_arn`,
      'pass --role-arn ARN, or --profile NAME for a profile with role_arn (`awsrole export` prints its plain credentials)',
    );
  }
  const source = await resolveSource(deps, options, flags, config);
  return { credentials: source.resolution.credentials, region: resolveRegion(deps.env, config, selected.name, options.region) };
}

/** `awsrole assume`: AssumeRole from --role-arn or from a role profile (with its whole chain). */
export async function assumeCommand(deps: Deps, options: AssumeOptions): Promise<void> {
  checkDeliverOptions(deps, options);
  const { credentials, region } = await obtainCredentials(deps, options, { allowPlain: false });
  await deliverCredentials(deps, credentials, region, options);
}
