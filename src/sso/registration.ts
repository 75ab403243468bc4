/**
 * The AWS CLI's client registration cache (botocore's SSOTokenFetcher and SSOTokenFetcherAuth):
 * ~/.aws/sso/cache/<sha1 hex of json.dumps({"tool": "botocore", "startUrl", "region",
 * "scopes", "session_name"}, sort_keys=True)>.json, holding clientId, clientSecret, expiresAt,
 * scopes and (for the authorization-code flow) grantTypes. A registration is reused while it has
 * 15 minutes left and was made for the same flow; otherwise a new one replaces it. awsrole and
 * the AWS CLI share it: either one reuses what the other registered.
 */
import { join } from 'node:path';
import { pyJsonDumps } from '../cache/py-json.js';
import { sha1Hex } from '../cache/sha1.js';
import type { Deps } from '../deps.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { isoSeconds, parseIsoTime } from '../domain/time.js';
import { pyJsonDumpsInOrder } from './cache-json.js';
import { registerClient, type ClientRequest, type RegisteredClient } from './oidc.js';
import type { SsoSignIn } from './profile.js';
import type { SsoEndpoint } from './endpoints.js';
import { ssoCacheFolder } from './token-cache.js';
import { MAX_CACHE_FILE_BYTES } from '../cache/cache-folder.js';

/** botocore's BaseSSOTokenFetcher._EXPIRY_WINDOW */
const EXPIRY_WINDOW_MS = 15 * 60 * 1000;
const AUTH_GRANT_TYPES = ['authorization_code', 'refresh_token'];
const AUTH_DEFAULT_SCOPE = 'sso:account:access';
/** The registered redirect: the port is left out (each sign-in listens on a new one). */
export const REDIRECT_URI_WITHOUT_PORT = 'http://127.0.0.1/oauth/callback';

export type SignInFlow = 'authorization-code' | 'device-code';

/** botocore's _registration_cache_key (json.dumps with sort_keys: ", " and ": " separators). */
export function registrationCacheKey(signIn: Pick<SsoSignIn, 'startUrl' | 'region' | 'scopes' | 'session'>): string {
  return sha1Hex(pyJsonDumps({ tool: 'botocore', startUrl: signIn.startUrl, region: signIn.region, scopes: signIn.scopes ?? null, session_name: signIn.session?.name ?? null }));
}

function registrationPath(deps: Deps, signIn: SsoSignIn): string {
  return join(ssoCacheFolder(deps), `${registrationCacheKey(signIn)}.json`);
}

/** The cached registration, or undefined when there is none or it cannot be read as one. */
async function readRegistration(deps: Deps, path: string): Promise<RegisteredClient | undefined> {
  let parsed: unknown;
  try {
    const text = await deps.fs.readRegularFile(path, { noFollow: false, maxBytes: MAX_CACHE_FILE_BYTES });
    if (text === undefined) return undefined;
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { clientId, clientSecret, expiresAt, scopes, grantTypes } = parsed as Record<string, unknown>;
  const expires = typeof expiresAt === 'string' ? parseIsoTime(expiresAt) : undefined;
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || expires === undefined) return undefined;
  const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined);
  return { clientId, clientSecret, expiresAt: expires, scopes: strings(scopes), grantTypes: strings(grantTypes) };
}

/** botocore's _is_registration_for_auth_code: only the authorization-code registration lists grantTypes. */
function flowOf(registration: RegisteredClient): SignInFlow {
  return registration.grantTypes?.includes('authorization_code') === true ? 'authorization-code' : 'device-code';
}

/** The file as botocore's _sso_json_dumps writes it, keys in _register_client's order. */
export function registrationText(registration: RegisteredClient): string {
  return pyJsonDumpsInOrder({
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    expiresAt: isoSeconds(registration.expiresAt),
    scopes: registration.scopes,
    grantTypes: registration.grantTypes,
  });
}

function clientRequest(signIn: SsoSignIn, flow: SignInFlow): ClientRequest {
  if (flow === 'device-code') return { scopes: signIn.scopes !== undefined && signIn.scopes.length > 0 ? signIn.scopes : undefined };
  return {
    grantTypes: AUTH_GRANT_TYPES,
    redirectUris: [REDIRECT_URI_WITHOUT_PORT],
    issuerUrl: signIn.startUrl,
    scopes: signIn.scopes !== undefined && signIn.scopes.length > 0 ? signIn.scopes : [AUTH_DEFAULT_SCOPE],
  };
}

/** The cached registration for this sign-in and flow while it lasts, else a new one (cached, atomically, 0600). */
export async function clientRegistration(deps: Deps, oidc: SsoEndpoint, signIn: SsoSignIn, flow: SignInFlow): Promise<RegisteredClient> {
  const path = registrationPath(deps, signIn);
  const cached = await readRegistration(deps, path);
  if (cached !== undefined && cached.expiresAt.getTime() - deps.now().getTime() >= EXPIRY_WINDOW_MS && flowOf(cached) === flow) {
    deps.debug?.(`sso: reusing the client registration valid until ${isoSeconds(cached.expiresAt)}`);
    return cached;
  }
  const registration = await registerClient(deps, oidc, clientRequest(signIn, flow));
  // A cache file, like the token's: a symlink there is replaced, not written through.
  await writeFileAtomic(deps, path, registrationText(registration), { symlink: 'replace' });
  return registration;
}
