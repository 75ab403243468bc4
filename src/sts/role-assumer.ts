import type { AssumeRoleRequest, RoleAssumer } from '../chain/types.js';
import type { Credentials } from '../domain/credentials.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { cacheTextFor, cliCacheFolder, cliCacheKey, readCachedSession, writeCachedSession } from '../cache/cli-cache.js';
import { readMfaSession } from '../cache/mfa-cache.js';
import type { StsCaller } from './client.js';
import { assumeRole } from './operations.js';
import { explainAssumeRoleFailure } from './teach.js';
import { tokenCodeProblem } from './validate.js';
import { terminalSafe } from '../domain/text.js';

export interface RoleAssumerOptions {
  deps: Deps;
  caller: StsCaller;
  /** Skip the caches (--refresh). */
  refresh: boolean;
  /** --token-code for a hop about to call STS with this MFA serial, if the code is meant for it. */
  tokenCodeFor?: ((serial: string) => string | undefined) | undefined;
  /** Records each hop for messages and --debug. */
  onHop?: ((hop: HopRecord) => void) | undefined;
}

export interface HopRecord {
  request: AssumeRoleRequest;
  via: 'cache' | 'mfa-session' | 'sts';
  assumedRoleArn?: string | undefined;
}

function cacheKeyFor(request: AssumeRoleRequest, source: Credentials): string {
  return cliCacheKey({
    ...(request.sharedCache === true ? {} : { AwsroleSourceAccessKeyId: source.accessKeyId }),
    RoleArn: request.roleArn,
    RoleSessionName: request.sessionNameGenerated ? undefined : request.roleSessionName,
    ExternalId: request.externalId,
    SerialNumber: request.serialNumber,
    DurationSeconds: request.durationSeconds,
    PolicyArns: request.policyArns?.map((arn) => ({ arn })),
    SourceIdentity: request.sourceIdentity,
    Tags: request.tags?.length ? request.tags.map(({ key, value }) => ({ Key: key, Value: value })) : undefined,
    TransitiveTagKeys: request.transitiveTagKeys?.length ? request.transitiveTagKeys : undefined,
    Policy: request.policy === undefined ? undefined : JSON.parse(request.policy),
  });
}

/** Asks for the MFA code only when STS is really about to be called (a cache hit never prompts). */
export async function obtainTokenCode(deps: Deps, serial: string, given: string | undefined, flag: string): Promise<string> {
  if (given !== undefined) return given;
  if (deps.promptSecret === undefined) {
    throw new UsageError(`an MFA code is needed for ${serial} and there is no terminal to ask on`, `pass ${flag} 123456 (the code your device shows)`);
  }
  let code: string;
  try {
    code = (await deps.promptSecret(`Enter MFA code for ${serial}: `)).trim();
  } catch (error) {
    const why = (error as Error).name === 'NoTerminalError' ? 'there is no terminal to ask on' : 'the terminal could not be read';
    throw new UsageError(`an MFA code is needed for ${serial} and ${why}`, `pass ${flag} 123456 (the code your device shows)`);
  }
  const problem = tokenCodeProblem(code);
  if (problem) throw new UsageError(`MFA code not sent to STS: ${problem}`, 'run the command again and type the 6 digits your device shows');
  return code;
}

interface Signing {
  credentials: Credentials;
  request: AssumeRoleRequest;
  tokenCode?: string | undefined;
  via: HopRecord['via'];
}

/**
 * With an MFA serial: a cached `awsrole mfa` session for the same serial and source key already
 * carries MFA, so the hop is signed with it and nobody is prompted. Otherwise, as botocore: the
 * code goes with AssumeRole.
 */
async function signingFor(options: RoleAssumerOptions, source: Credentials, request: AssumeRoleRequest): Promise<Signing> {
  const serial = request.serialNumber;
  if (serial === undefined) return { credentials: source, request, via: 'sts' };
  const given = options.tokenCodeFor?.(serial);
  if (given === undefined && !options.refresh) {
    const session = await readMfaSession(options.deps, serial, source.accessKeyId);
    if (session !== undefined) return { credentials: session, request: { ...request, serialNumber: undefined }, via: 'mfa-session' };
  }
  const tokenCode = await obtainTokenCode(options.deps, serial, given, '--token-code');
  return { credentials: source, request, tokenCode, via: 'sts' };
}

/** AssumeRole through the AWS CLI's cache, so awsrole and the CLI share sessions. */
export function createRoleAssumer(options: RoleAssumerOptions): RoleAssumer {
  const { deps, caller } = options;
  return async (source: Credentials, request: AssumeRoleRequest) => {
    const folder = cliCacheFolder(deps);
    const key = cacheKeyFor(request, source);
    if (!options.refresh) {
      const cached = await readCachedSession(deps, folder, key);
      if (cached !== undefined) {
        options.onHop?.({ request, via: 'cache' });
        return cached;
      }
    }
    const signing = await signingFor(options, source, request);
    let assumed;
    try {
      assumed = await assumeRole(caller, signing.credentials, signing.request, signing.tokenCode);
    } catch (error) {
      throw await explainAssumeRoleFailure(error, caller, signing.credentials, request);
    }
    options.onHop?.({ request, via: signing.via, assumedRoleArn: assumed.assumedRoleArn });
    const text = cacheTextFor(assumed.credentials, { AssumedRoleUser: { Arn: assumed.assumedRoleArn, AssumedRoleId: assumed.assumedRoleId } });
    await writeCachedSession(deps, folder, key, text).catch((error: Error) =>
      deps.stderr.write(`awsrole: warning: ${terminalSafe(`could not write the session cache in ${folder}: ${error.message}`)}\n`),
    );
    return assumed.credentials;
  };
}
