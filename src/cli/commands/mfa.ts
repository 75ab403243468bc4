import { isRoleProfile, sourceProfileChain } from '../../chain/assume-role.js';
import type { Credentials } from '../../chain/types.js';
import { readMfaSession, writeMfaSession } from '../../cache/mfa-cache.js';
import { mergedProfile, stringValue, type SharedConfig } from '../../config/shared-config.js';
import { ConfigError, UsageError } from '../../errors.js';
import { openSession, type Session } from '../../session/index.js';
import { getSessionToken } from '../../sts/operations.js';
import { obtainTokenCode } from '../../sts/role-assumer.js';
import { SESSION_TOKEN_DURATION, serialNumberProblem } from '../../sts/validate.js';
import { defineCommand } from '../command.js';
import { checkDeliverOptions, deliverCredentials } from '../deliver.js';
import { durationFlag, serialFlag, tokenCodeFlag } from '../flags.js';
import { ASSUME_MFA_WORDS, eitherFlag, OUTPUT_OPTIONS, SOURCE_OPTIONS } from '../option-sets.js';
import { sessionOptions } from '../session-options.js';

/** The profile's mfa_serial, held to STS's rules like any value from a file (exit 5). */
function profileSerial(config: SharedConfig, profile: string): string | undefined {
  const serial = stringValue(mergedProfile(config, profile), 'mfa_serial');
  const problem = serial === undefined ? undefined : serialNumberProblem(serial);
  if (problem) throw new ConfigError(`mfa_serial in profile ${profile}: ${problem}`, 'fix mfa_serial in the config file');
  return serial;
}

/**
 * GetSessionToken needs long-term keys: for a role profile, the MFA session belongs to the
 * profile at the root of its source_profile chain (whose keys a later `assume` signs with).
 */
function longTermSession(session: Session): Session {
  const { config, profile } = session;
  if (!isRoleProfile(mergedProfile(config, profile.name))) return session;
  return session.forProfile(sourceProfileChain(config, profile.name).at(-1) ?? profile.name, `source_profile of ${profile.name}`);
}

/** `awsrole mfa`: an MFA session (GetSessionToken), cached so later role hops need no new code. */
export const mfaCommand = defineCommand({
  name: 'mfa',
  description: 'GetSessionToken with MFA; the session is cached for later role hops',
  examples: ['eval "$(awsrole mfa --profile dev --code 123456)"', 'awsrole mfa --serial-number arn:aws:iam::123456789012:mfa/me --token-code 123456 --format json'],
  options: [
    ...SOURCE_OPTIONS,
    ...OUTPUT_OPTIONS,
    { flags: '--serial <serial>', description: 'MFA device ARN or hardware serial (otherwise the profile mfa_serial)' },
    { flags: '--code <code>', description: 'MFA code (prompted on the terminal when missing)' },
    { flags: '--duration <duration>', description: 'session length: seconds, or 12h (900 s to 36 h)' },
    ...ASSUME_MFA_WORDS,
  ],
  async run(deps, options) {
    checkDeliverOptions(deps, options);
    const duration = durationFlag(options.duration, SESSION_TOKEN_DURATION);
    const codeFlag = eitherFlag(['--code', options.code], ['--token-code', options.tokenCode]);
    const serialGiven = eitherFlag(['--serial', options.serial], ['--serial-number', options.serialNumber]);
    const code = tokenCodeFlag(codeFlag.flag, codeFlag.value);
    // The code is for GetSessionToken here, not for a role hop of the session.
    const session = await openSession(deps, await sessionOptions(deps, { ...options, tokenCode: undefined }));
    const serial = serialFlag(serialGiven.flag, serialGiven.value) ?? profileSerial(session.config, session.profile.name);
    if (serial === undefined) {
      throw new UsageError(`no MFA device: pass --serial ARN, or set mfa_serial in profile ${session.profile.name}`);
    }
    const source = longTermSession(session);
    const { credentials } = await source.resolveCredentials();
    let mfaSession: Credentials | undefined = options.refresh || code !== undefined ? undefined : await readMfaSession(deps, serial, credentials.accessKeyId);
    if (mfaSession === undefined) {
      const tokenCode = await obtainTokenCode(deps, serial, code, codeFlag.flag);
      mfaSession = await getSessionToken(source.sts(), credentials, { serialNumber: serial, tokenCode, durationSeconds: duration });
      await writeMfaSession(deps, serial, credentials.accessKeyId, mfaSession);
    }
    await deliverCredentials(deps, mfaSession, session.region, options);
  },
});
