import type { Credentials } from '../domain/credentials.js';
import { sha1Hex } from './sha1.js';
import type { Deps } from '../deps.js';
import { expandPath } from '../config/paths.js';
import { isoSeconds, parseIsoTime } from '../domain/time.js';
import { readCacheFile, writeCacheFile } from './cache-folder.js';
import { pyJsonDumps } from './py-json.js';

/** Sessions are reused only while at least this much of their life is left (botocore's advisory window). */
export const REFRESH_WINDOW_MS = 15 * 60 * 1000;

/** AssumeRole arguments as the AWS CLI hashes them (TokenCode never included). */
export interface CacheKeyArgs {
  RoleArn: string;
  RoleSessionName?: string | undefined;
  ExternalId?: string | undefined;
  SerialNumber?: string | undefined;
  DurationSeconds?: number | undefined;
  PolicyArns?: { arn: string }[] | undefined;
  SourceIdentity?: string | undefined;
  Tags?: { Key: string; Value: string }[] | undefined;
  TransitiveTagKeys?: string[] | undefined;
  /** botocore hashes the policy parsed (json.loads), so its keys are sorted like the rest. */
  Policy?: unknown;
  /** awsrole only: scopes a session to its caller where the AWS CLI's key would not. */
  AwsroleSourceAccessKeyId?: string | undefined;
}

/** The AWS CLI's key: SHA-1 of the arguments as Python's json.dumps(sort_keys=True) writes them. */
export function cliCacheKey(args: CacheKeyArgs): string {
  return sha1Hex(pyJsonDumps(args));
}

export function cliCacheFolder(deps: Deps): string {
  return expandPath('~/.aws/cli/cache', deps.env, deps.homedir);
}

interface CachedResponse {
  Credentials?: { AccessKeyId?: unknown; SecretAccessKey?: unknown; SessionToken?: unknown; Expiration?: unknown; AccountId?: unknown };
}

/** Credentials from a cache file when they have at least REFRESH_WINDOW_MS left; else undefined. */
export function credentialsFromCacheText(text: string, now: Date): Credentials | undefined {
  let parsed: CachedResponse;
  try {
    parsed = JSON.parse(text) as CachedResponse;
  } catch {
    return undefined;
  }
  const c = parsed.Credentials;
  if (typeof c?.AccessKeyId !== 'string' || typeof c.SecretAccessKey !== 'string' || typeof c.Expiration !== 'string') return undefined;
  const expires = parseIsoTime(c.Expiration)?.getTime();
  if (expires === undefined || expires - now.getTime() < REFRESH_WINDOW_MS) return undefined;
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: typeof c.SessionToken === 'string' ? c.SessionToken : undefined,
    expiration: new Date(expires),
    accountId: typeof c.AccountId === 'string' ? c.AccountId : undefined,
  };
}

export async function readCachedSession(deps: Deps, folder: string, key: string): Promise<Credentials | undefined> {
  const text = await readCacheFile(deps, folder, `${key}.json`);
  return text === undefined ? undefined : credentialsFromCacheText(text, deps.now());
}

/** The AWS CLI writes the whole response with the expiry as `…UTC`; we write the same shape. */
export function cacheTextFor(credentials: Credentials, extra: Record<string, unknown> = {}): string {
  const expiration = credentials.expiration === undefined ? undefined : isoSeconds(credentials.expiration, 'UTC');
  return JSON.stringify({
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: expiration,
      ...(credentials.accountId ? { AccountId: credentials.accountId } : {}),
    },
    ...extra,
  });
}

export function writeCachedSession(deps: Deps, folder: string, key: string, text: string): Promise<void> {
  return writeCacheFile(deps, folder, `${key}.json`, text);
}
