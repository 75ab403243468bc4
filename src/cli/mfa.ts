import { isRoleProfile } from '../chain/assume-role.js';
import { selectProfile } from '../chain/chain.js';
import type { Credentials } from '../chain/types.js';
import { readMfaSession, writeMfaSession } from '../cache/mfa-cache.js';
import { loadSharedConfig } from '../config/load.js';
import { mergedProfile, stringValue, type SharedConfig } from '../config/shared-config.js';
import type { Deps } from '../deps.js';
import { ConfigError, UsageError } from '../errors.js';
import { getSessionToken } from '../sts/operations.js';
import { obtainTokenCode } from '../sts/role-assumer.js';
import { resolveRegion } from '../sts/settings.js';
import { SESSION_TOKEN_DURATION, serialNumberProblem } from '../sts/validate.js';
import { resolveSource, type SourceOptions } from './common.js';
import { checkDeliverOptions, deliverCredentials, type DeliverOptions } from './deliver.js';
import { durationFlag, serialFlag, tokenCodeFlag } from './flags.js';

export interface MfaOptions extends Omit<SourceOptions, 'tokenCode'>, DeliverOptions {
  serial?: string | undefined;
  code?: string | undefined;
  duration?: string | undefined;
}

/**
 * GetSessionToken needs long-term keys: for a role profile, the MFA session belongs to the
 * profile at the root of its source_profile chain (whose keys a later `assume` signs with).
 */
function longTermProfile(config: SharedConfig, name: string): string {
  const seen = new Set<string>();
  let current = name;
  while (!seen.has(current)) {
    seen.add(current);
    const section = mergedProfile(config, current);
    const next = stringValue(section, 'source_profile');
    if (!isRoleProfile(section) || next === undefined || next === current) return current;
    current = next;
  }
  return current;
}

/** The profile's mfa_serial, held to STS's rules like any value from a file (exit 5). */
function profileSerial(config: SharedConfig, profile: string): string | undefined {
  const serial = stringValue(mergedProfile(config, profile), 'mfa_serial');
  const problem = serial === undefined ? undefined : serialNumberProblem(serial);
  if (problem) throw new ConfigError(`mfa_serial in profile ${profile}: ${problem}`, 'fix mfa_serial in the config file');
  return serial;
}

/** `awsrole mfa`: an MFA session (GetSessionToken), cached so later role hops need no new code. */
export async function mfaCommand(deps: Deps, options: MfaOptions): Promise<void> {
  checkDeliverOptions(deps, options);
  const duration = durationFlag(options.duration, SESSION_TOKEN_DURATION);
  const code = tokenCodeFlag('--code', options.code);
  const config = await loadSharedConfig(deps);
  const selected = selectProfile(deps.env, options.profile);
  const serial = serialFlag('--serial', options.serial) ?? profileSerial(config, selected.name);
  if (serial === undefined) {
    throw new UsageError(`no MFA device: pass --serial ARN, or set mfa_serial in profile ${selected.name}`);
  }
  const viaRole = isRoleProfile(mergedProfile(config, selected.name));
  const profile = viaRole ? longTermProfile(config, selected.name) : options.profile;
  const profileFlag = viaRole ? (`source_profile of ${selected.name}` as const) : undefined;
  const source = await resolveSource(deps, { ...options, profile, profileFlag }, {}, config);
  const sourceKey = source.resolution.credentials.accessKeyId;
  let session: Credentials | undefined = options.refresh || code !== undefined ? undefined : await readMfaSession(deps, serial, sourceKey);
  if (session === undefined) {
    const tokenCode = await obtainTokenCode(deps, serial, code, '--code');
    session = await getSessionToken(source.stsCaller(), source.resolution.credentials, { serialNumber: serial, tokenCode, durationSeconds: duration });
    await writeMfaSession(deps, serial, sourceKey, session);
  }
  await deliverCredentials(deps, session, resolveRegion(deps.env, config, selected.name, options.region), options);
}
