/**
 * The access token for an SSO role, by botocore's rules: a legacy token is used until it
 * expires and never refreshed (SSOCredentialFetcher); an sso-session token within 15 minutes of
 * expiry is renewed with its refresh token while its client registration lasts, and the cache
 * file rewritten (SSOTokenProvider). A failed renewal keeps the old token while it is valid.
 */
import type { Deps } from '../deps.js';
import { CredentialError } from '../errors.js';
import { lockPathFor, withFileLock } from '../files/lock.js';
import { isoSeconds, parseIsoTime } from '../domain/time.js';
import { refreshAccessToken, type CreatedToken } from './oidc.js';
import { longestCallMs } from './rest-json.js';
import { checkSessionSection, type SsoRole, type SsoSession } from './profile.js';
import type { SsoEndpoint } from './endpoints.js';
import { readToken, tokenFileFields, tokenFileOf, writeToken, type CachedToken, type TokenFile } from './token-cache.js';

/** botocore's SSOTokenProvider._REFRESH_WINDOW */
export const TOKEN_REFRESH_WINDOW_MS = 15 * 60 * 1000;

export interface AccessToken {
  /** A secret: never shown. */
  accessToken: string;
  expiresAt: Date;
  file: TokenFile;
  /** 'refreshed', 'no refresh needed', or why a renewal was not possible (never a secret). */
  refresh: string;
}

export interface TokenOptions {
  /** "run `awsrole sso login --profile P`": the hint of every sign-in problem. */
  loginHint: string;
  /** SSO-OIDC, resolved only when a renewal is attempted. */
  oidcEndpoint: () => SsoEndpoint;
}

const REFRESH_KEYS = ['refreshToken', 'clientId', 'clientSecret', 'registrationExpiresAt'] as const;

function notSignedIn(file: TokenFile, hint: string): CredentialError {
  return new CredentialError(`no IAM Identity Center sign-in for ${file.owner} (no ${file.shown})`, hint);
}

function expired(file: TokenFile, token: CachedToken, why: string, hint: string): CredentialError {
  return new CredentialError(`the IAM Identity Center sign-in for ${file.owner} expired at ${isoSeconds(token.expiresAt)}${why}`, hint);
}

/** Why the token cannot be renewed from what the file holds, or undefined when it can. */
function cannotRenew(token: CachedToken, now: Date): string | undefined {
  const missing = REFRESH_KEYS.filter((key) => token.fields[key] === undefined);
  if (missing.length > 0) return `no ${missing.join(', ')} in the cache file`;
  const { refreshToken, clientId, clientSecret, registrationExpiresAt } = token.fields;
  if (typeof refreshToken !== 'string' || typeof clientId !== 'string' || typeof clientSecret !== 'string') return 'the refresh fields are not strings';
  const registration = typeof registrationExpiresAt === 'string' ? parseIsoTime(registrationExpiresAt) : undefined;
  if (registration === undefined) return 'registrationExpiresAt is not a time';
  if (registration.getTime() <= now.getTime()) return `the client registration expired at ${isoSeconds(registration)}`;
  return undefined;
}

/** The file botocore writes after a renewal: the session's start URL and region, the old registration; the rest of the old file is dropped. */
function renewedFields(session: SsoSession, old: CachedToken, created: CreatedToken, expiresAt: Date): Record<string, unknown> {
  const { clientId, clientSecret, registrationExpiresAt } = old.fields;
  return tokenFileFields({
    startUrl: session.section['sso_start_url'],
    region: session.section['sso_region'],
    accessToken: created.accessToken,
    expiresAt,
    registration: { clientId, clientSecret, registrationExpiresAt },
    refreshToken: created.refreshToken,
  });
}

async function renew(deps: Deps, session: SsoSession, file: TokenFile, token: CachedToken, options: TokenOptions): Promise<AccessToken | string> {
  const now = deps.now();
  const why = cannotRenew(token, now);
  if (why !== undefined) return why;
  const outcome = await refreshAccessToken(deps, options.oidcEndpoint(), {
    clientId: token.fields['clientId'] as string,
    clientSecret: token.fields['clientSecret'] as string,
    refreshToken: token.fields['refreshToken'] as string,
  });
  if (!outcome.ok) return `renewal refused: ${outcome.why}`;
  const expiresAt = new Date(now.getTime() + outcome.token.expiresInSeconds * 1000);
  await writeToken(deps, file, renewedFields(session, token, outcome.token, expiresAt));
  deps.debug?.(`sso: renewed the token for ${file.owner}, valid until ${isoSeconds(expiresAt)}`);
  return { accessToken: outcome.token.accessToken, expiresAt, file, refresh: 'refreshed' };
}

const isDue = (deps: Deps, token: CachedToken): boolean => token.expiresAt.getTime() - deps.now().getTime() < TOKEN_REFRESH_WINDOW_MS;

/**
 * The renewal under a lock beside the token file: SSO-OIDC takes each refresh token once, so
 * of several processes renewing at once (an SDK's parallel credential_process calls) all but
 * one would be refused and told to sign in again. A waiter reads the file again under the lock
 * and takes the token the winner wrote.
 */
async function renewLocked(deps: Deps, session: SsoSession, file: TokenFile, options: TokenOptions): Promise<{ token: CachedToken; renewed: AccessToken | string }> {
  // A holder's CreateToken may take every attempt's timeouts and the waits between them: wait, and call the lock stale, only after that.
  const longest = longestCallMs(deps.env);
  return withFileLock(
    deps,
    lockPathFor(file.path),
    async () => {
      const token = await readToken(deps, file, options.loginHint);
      if (token === undefined) throw notSignedIn(file, options.loginHint);
      if (!isDue(deps, token)) return { token, renewed: { accessToken: token.accessToken, expiresAt: token.expiresAt, file, refresh: 'refreshed by another process' } };
      return { token, renewed: await renew(deps, session, file, token, options) };
    },
    { label: file.shown, timeoutMs: longest + 5_000, staleMs: longest + 10_000 },
  );
}

/** `role` needs only what names the token: a sign-in with the profile it was asked for. */
export async function loadAccessToken(deps: Deps, role: Pick<SsoRole, 'profile' | 'startUrl' | 'session'>, options: TokenOptions): Promise<AccessToken> {
  if (role.session !== undefined) checkSessionSection(role, role.session);
  const file = tokenFileOf(deps, role);
  let token = await readToken(deps, file, options.loginHint);
  if (token === undefined) throw notSignedIn(file, options.loginHint);
  let refresh = 'no refresh needed';
  if (role.session !== undefined && isDue(deps, token)) {
    const locked = await renewLocked(deps, role.session, file, options);
    if (typeof locked.renewed !== 'string') return locked.renewed;
    token = locked.token;
    refresh = `not refreshed: ${locked.renewed}`;
    deps.debug?.(`sso: token for ${file.owner} ${refresh}`);
  } else if (role.session === undefined && isDue(deps, token)) {
    refresh = 'not refreshed: a legacy profile (no sso_session) cannot be';
  }
  if (token.expiresAt.getTime() <= deps.now().getTime()) throw expired(file, token, refresh === 'no refresh needed' ? '' : ` and was ${refresh}`, options.loginHint);
  return { accessToken: token.accessToken, expiresAt: token.expiresAt, file, refresh };
}
