import type { AssumeRoleRequest, RoleAssumer } from '../chain/types.js';
import type { Credentials } from '../domain/credentials.js';
import type { Deps } from '../deps.js';
import { cacheTextFor, cliCacheFolder, cliCacheKey, readCachedRoleSession, writeCachedSession } from '../cache/cli-cache.js';
import { readMfaSession } from '../cache/mfa-cache.js';
import type { StsCaller } from './client.js';
import { assumeRole } from './operations.js';
import { explainAssumeRoleFailure } from './teach.js';
import { terminalSafe } from '../domain/text.js';

export interface RoleAssumerOptions {
  deps: Deps;
  caller: StsCaller;
  /** Skip the caches (--refresh). */
  refresh: boolean;
  /** --token-code for a hop about to call STS with this MFA serial, if the code is meant for it. */
  tokenCodeFor?: ((serial: string) => string | undefined) | undefined;
  /** Without a --token-code: the code from mfa_process or the terminal, asked only when STS is about to be called. */
  askTokenCode: (serial: string, request: AssumeRoleRequest) => Promise<string>;
  /** Records each hop for messages and --debug. */
  onHop?: ((hop: HopRecord) => void) | undefined;
}

export interface HopRecord {
  request: AssumeRoleRequest;
  via: 'cache' | 'mfa-session' | 'sts';
  /** STS's AssumedRoleUser.Arn (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`), from the answer or the cache file. */
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
  const tokenCode = given ?? (await options.askTokenCode(serial, request));
  return { credentials: source, request, tokenCode, via: 'sts' };
}

/** AssumeRole through the AWS CLI's cache, so awsrole and the CLI share sessions. */
export function createRoleAssumer(options: RoleAssumerOptions): RoleAssumer {
  const { deps, caller } = options;
  return async (source: Credentials, request: AssumeRoleRequest) => {
    const folder = cliCacheFolder(deps);
    const key = cacheKeyFor(request, source);
    if (!options.refresh) {
      const cached = await readCachedRoleSession(deps, folder, key);
      if (cached !== undefined) {
        options.onHop?.({ request, via: 'cache', assumedRoleArn: cached.assumedRoleArn });
        return cached.credentials;
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
