import type { Credentials } from '../domain/credentials.js';
import { sha1Hex } from './sha1.js';
import type { Deps } from '../deps.js';
import { expandPath } from '../config/paths.js';
import { cacheTextFor, readCachedSession, writeCachedSession } from './cli-cache.js';

/** awsrole's own cache of GetSessionToken (MFA) sessions; the AWS CLI has none. */
export function mfaCacheFolder(deps: Deps): string {
  return expandPath('~/.aws/awsrole/cache', deps.env, deps.homedir);
}

/** Keyed by the MFA serial and the source key id: a session belongs to that pair only. */
export function mfaCacheKey(serial: string, sourceAccessKeyId: string): string {
  return `mfa-${sha1Hex(`${serial}\u0000${sourceAccessKeyId}`)}`;
}

export function readMfaSession(deps: Deps, serial: string, sourceAccessKeyId: string): Promise<Credentials | undefined> {
  return readCachedSession(deps, mfaCacheFolder(deps), mfaCacheKey(serial, sourceAccessKeyId));
}

export function writeMfaSession(deps: Deps, serial: string, sourceAccessKeyId: string, credentials: Credentials): Promise<void> {
  return writeCachedSession(deps, mfaCacheFolder(deps), mfaCacheKey(serial, sourceAccessKeyId), cacheTextFor(credentials, { SerialNumber: serial }));
}
