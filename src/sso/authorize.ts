/**
 * The authorization-code sign-in with PKCE, as the AWS CLI's SSOTokenFetcherAuth and
 * AuthCodeFetcher do it: a loopback listener on 127.0.0.1 (any free port) at /oauth/callback,
 * the browser sent to SSO-OIDC's /authorize with an S256 code challenge and a random state, the
 * code taken from the callback only when the state matches, then exchanged with the verifier.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';
import { CredentialError } from '../errors.js';
import type { ServedRequest, ServedResponse } from '../http.js';
import type { ConfiguredEndpoint } from '../sts/settings.js';
import type { SsoEndpoint } from './endpoints.js';
import { exchangeAuthorizationCode, type CreatedToken, type RegisteredClient } from './oidc.js';
import { REDIRECT_URI_WITHOUT_PORT } from './registration.js';
import { percentEncode } from './rest-json.js';

/** The AWS CLI's AuthCodeFetcher._OVERALL_TIMEOUT */
const CALLBACK_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_SCOPE = 'sso:account:access';
const VERIFIER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
const CALLBACK_PATH = new URL(REDIRECT_URI_WITHOUT_PORT).pathname;

/** 64 characters of RFC 7636's unreserved set, as the AWS CLI makes it. */
export function codeVerifier(): string {
  return Array.from({ length: 64 }, () => VERIFIER_ALPHABET.charAt(randomInt(VERIFIER_ALPHABET.length))).join('');
}

/** S256: base64url of the verifier's SHA-256, without padding. */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  challenge: string;
  scopes: string[] | undefined;
}

/** The /authorize URL on SSO-OIDC's scheme and host, parameters in the AWS CLI's order. */
export function authorizationUrl(oidc: ConfiguredEndpoint, request: AuthorizeRequest): string {
  const params: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', request.clientId],
    ['redirect_uri', request.redirectUri],
    ['state', request.state],
    ['code_challenge_method', 'S256'],
    ['scopes', request.scopes !== undefined && request.scopes.length > 0 ? request.scopes.join(' ') : DEFAULT_SCOPE],
    ['code_challenge', request.challenge],
  ];
  return `${new URL(oidc.url).origin}/authorize?${params.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&')}`;
}

type Callback = { code: string } | { refused: string };

function page(status: number, title: string, text: string): ServedResponse {
  const body = `<!doctype html><meta charset="utf-8"><title>${title}</title><h1 id="title">${title}</h1><p id="message">${text}</p>\n`;
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, body };
}

/** Answers the browser's redirect; settles `done` once, with the code only when the state is ours. */
function callbackHandler(state: string, done: (callback: Callback) => void): (request: ServedRequest) => Promise<ServedResponse> {
  let settled = false;
  return async (request) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== CALLBACK_PATH) return page(404, 'Not found', 'awsrole is waiting for the sign-in at /oauth/callback.');
    if (settled) return page(409, 'Already answered', 'This sign-in has already been answered; return to the terminal.');
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    let callback: Callback;
    if (error !== null) callback = { refused: `the sign-in was refused (${error})` };
    else if (code === null) callback = { refused: 'the sign-in answer had no code' };
    else if (url.searchParams.get('state') !== state) callback = { refused: 'the sign-in answer did not carry the state awsrole sent (not this sign-in)' };
    else callback = { code };
    settled = true;
    done(callback);
    return 'code' in callback
      ? page(200, 'Signed in', 'awsrole received the sign-in. You can close this tab and return to the terminal.')
      : page(400, 'Sign-in failed', 'awsrole did not accept this answer; see the terminal.');
  };
}

export interface BrowserSignInOptions {
  /** Shows the URL and opens it (or not); `answered` settles when the callback came or the wait ended. */
  present(url: string, answered: Promise<unknown>): Promise<void>;
}

/** Signs in through the browser; resolves to the token CreateToken gave for the code. */
export async function signInWithBrowser(deps: Deps, oidc: SsoEndpoint, client: RegisteredClient, scopes: string[] | undefined, options: BrowserSignInOptions): Promise<CreatedToken> {
  const verifier = codeVerifier();
  const state = randomUUID();
  let done: (callback: Callback) => void = () => undefined;
  const answered = new Promise<Callback>((resolve) => (done = resolve));
  const listener = await deps.listen(callbackHandler(state, done), { host: '127.0.0.1', port: 0 });
  const cancelTimer = deps.setTimer(CALLBACK_TIMEOUT_MS, () => done({ refused: `the sign-in was not completed within ${CALLBACK_TIMEOUT_MS / 60_000} minutes` }));
  const redirectUri = `http://127.0.0.1:${listener.port}${CALLBACK_PATH}`;
  let callback: Callback;
  try {
    const url = authorizationUrl(oidc, { clientId: client.clientId, redirectUri, state, challenge: codeChallenge(verifier), scopes });
    deps.debug?.(`sso: waiting for the browser at ${redirectUri}`);
    const presented = options.present(url, answered);
    callback = await answered;
    await presented;
  } finally {
    cancelTimer();
    await listener.close();
  }
  if ('refused' in callback) throw new CredentialError(callback.refused, 'run `awsrole sso login` again (or with --use-device-code to sign in on another device)');
  return exchangeAuthorizationCode(deps, oidc, client, { code: callback.code, redirectUri, codeVerifier: verifier });
}
