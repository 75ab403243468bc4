/**
 * The AWS CLI's SSO token cache, read and written as botocore's SSOTokenLoader and
 * JSONFileCache do: ~/.aws/sso/cache/<sha1 hex of the sso-session name, or of the start URL
 * for a legacy profile>.json.
 */
import { join } from 'node:path';
import { sha1Hex } from '../cache/sha1.js';
import { displayPath, expandPath } from '../config/paths.js';
import type { Deps } from '../deps.js';
import { CredentialError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { pyJsonDumpsInOrder } from './cache-json.js';
import { isoSeconds, parseIsoTime } from '../domain/time.js';
import type { SsoRole } from './profile.js';
import { MAX_CACHE_FILE_BYTES } from '../cache/cache-folder.js';

export interface CachedToken {
  /** The file's JSON object as read: a refresh copies some of its fields on. */
  fields: Readonly<Record<string, unknown>>;
  /** A secret: never shown. */
  accessToken: string;
  expiresAt: Date;
}

export interface TokenFile {
  path: string;
  /** "~/.aws/sso/cache/….json", for messages. */
  shown: string;
  /** "sso-session corp" or "start URL https://…", for messages. */
  owner: string;
}

export function ssoCacheFolder(deps: Deps): string {
  return expandPath('~/.aws/sso/cache', deps.env, deps.homedir);
}

/** botocore's SSOTokenLoader._generate_cache_key: the session name when there is one, else the start URL. */
export function tokenCacheKey(role: Pick<SsoRole, 'startUrl' | 'session'>): string {
  return sha1Hex(role.session?.name ?? role.startUrl);
}

export function tokenFileOf(deps: Deps, role: Pick<SsoRole, 'startUrl' | 'session'>): TokenFile {
  const path = join(ssoCacheFolder(deps), `${tokenCacheKey(role)}.json`);
  const owner = role.session === undefined ? `start URL ${role.startUrl}` : `sso-session ${role.session.name}`;
  return { path, shown: displayPath(path, deps.env, deps.homedir), owner };
}

function unreadable(file: TokenFile, why: string, loginHint: string): CredentialError {
  return new CredentialError(`the IAM Identity Center token for ${file.owner} (${file.shown}) ${why}`, loginHint);
}

/**
 * The cached token, or undefined when there is none. A file that is not a JSON object, or
 * lacks accessToken or expiresAt, is refused as botocore refuses it.
 */
export async function readToken(deps: Deps, file: TokenFile, loginHint: string): Promise<CachedToken | undefined> {
  let text: string | undefined;
  try {
    // Only a regular file is read (a FIFO planted there would block forever): anything else is no token.
    text = await deps.fs.readRegularFile(file.path, { noFollow: false, maxBytes: MAX_CACHE_FILE_BYTES });
  } catch (error) {
    throw unreadable(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, loginHint);
  }
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw unreadable(file, 'is not JSON', loginHint);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw unreadable(file, 'is not a JSON object', loginHint);
  const fields = parsed as Record<string, unknown>;
  const { accessToken, expiresAt } = fields;
  if (accessToken === undefined || expiresAt === undefined) throw unreadable(file, 'is invalid (no accessToken or no expiresAt)', loginHint);
  const expires = typeof expiresAt === 'string' ? parseIsoTime(expiresAt) : undefined;
  if (typeof accessToken !== 'string' || expires === undefined) throw unreadable(file, 'is invalid (accessToken or expiresAt of the wrong form)', loginHint);
  return { fields, accessToken, expiresAt: expires };
}

export interface TokenFields {
  startUrl: unknown;
  region: unknown;
  accessToken: string;
  expiresAt: Date;
  /** An sso-session token's client registration (values copied as they are on a renewal). */
  registration?: { clientId: unknown; clientSecret: unknown; registrationExpiresAt: unknown } | undefined;
  refreshToken?: string | undefined;
}

/** The file's object in botocore's key order (SSOTokenProvider and the AWS CLI's login write the same). */
export function tokenFileFields(token: TokenFields): Record<string, unknown> {
  return {
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: isoSeconds(token.expiresAt),
    ...token.registration,
    refreshToken: token.refreshToken,
  };
}

/**
 * Writes the token as botocore's _sso_json_dumps does, atomically, 0600, flushed (losing a
 * refresh token means signing in again). A symlink at the path is replaced, never written
 * through: nobody links a cache file on purpose, and a planted link would aim the tokens elsewhere.
 */
export async function writeToken(deps: Deps, file: TokenFile, token: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(deps, file.path, pyJsonDumpsInOrder(token), { symlink: 'replace' });
}
