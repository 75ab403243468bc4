/** SSO-OIDC CreateToken with a refresh token, as botocore's SSOTokenProvider._attempt_create_token sends it. */
import type { Deps } from '../deps.js';
import { CredentialError, NetworkError, RefusedError } from '../errors.js';
import type { SsoEndpoint } from './endpoints.js';
import { callJson, type JsonAnswer } from './rest-json.js';

export const OIDC_SERVICE = 'IAM Identity Center OIDC';

export interface RefreshRequest {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface CreatedToken {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string | undefined;
}

export type RefreshOutcome = { ok: true; token: CreatedToken } | { ok: false; why: string };

/**
 * An error answer is an outcome (botocore logs it and keeps the old token); only an
 * unreachable service throws (NetworkError), as botocore lets connection errors escape.
 */
export async function refreshAccessToken(deps: Deps, endpoint: SsoEndpoint, request: RefreshRequest): Promise<RefreshOutcome> {
  const answer = await createToken(deps, endpoint, { clientId: request.clientId, clientSecret: request.clientSecret, grantType: 'refresh_token', refreshToken: request.refreshToken });
  // After a lost answer, a refusal may mean the lost attempt renewed the token and used up the refresh token.
  if (!answer.ok) return { ok: false, why: refusal(answer) };
  return answer.token === undefined ? { ok: false, why: 'the answer had no accessToken or expiresIn' } : { ok: true, token: answer.token };
}

type CreateTokenAnswer = { ok: true; token: CreatedToken | undefined } | Extract<JsonAnswer, { ok: false }>;

/** CreateToken with any grant; `token` is undefined when a 2xx answer lacks the token. Secrets in `body` are never shown. */
async function createToken(deps: Deps, endpoint: SsoEndpoint, body: Record<string, string>): Promise<CreateTokenAnswer> {
  const answer = await callJson(deps, { service: OIDC_SERVICE, operation: 'CreateToken', endpoint, method: 'POST', path: '/token', body });
  if (!answer.ok) return answer;
  const { accessToken, expiresIn, refreshToken } = answer.body;
  if (typeof accessToken !== 'string' || typeof expiresIn !== 'number') return { ok: true, token: undefined };
  return { ok: true, token: { accessToken, expiresInSeconds: expiresIn, refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined } };
}

export interface RegisteredClient {
  clientId: string;
  /** A secret: never shown. */
  clientSecret: string;
  expiresAt: Date;
  /** What the registration was made with, as the AWS CLI caches it. */
  scopes?: string[] | undefined;
  grantTypes?: string[] | undefined;
}

/** The AWS CLI's registrations: public clients; the authorization-code one names its redirect and issuer. */
export interface ClientRequest {
  scopes?: string[] | undefined;
  grantTypes?: string[] | undefined;
  redirectUris?: string[] | undefined;
  issuerUrl?: string | undefined;
}

/** The service's words for a refusal; after a lost answer, that the lost attempt may have been acted on (a code or refresh token is taken once). */
function refusal(answer: Extract<JsonAnswer, { ok: false }>): string {
  const said = `${answer.type || `HTTP ${answer.status}`}${answer.message ? `: ${answer.message}` : ''}`;
  return answer.afterNoAnswer ? `${said}, after an attempt that got no answer (which may have used it up)` : said;
}

function oidcFailure(operation: string, answer: Extract<JsonAnswer, { ok: false }>): RefusedError {
  return new RefusedError(`${OIDC_SERVICE} refused ${operation} (${refusal(answer)})`, 'check sso_start_url and sso_region, and the endpoint settings');
}

/** RegisterClient: a public client named awsrole. */
export async function registerClient(deps: Deps, endpoint: SsoEndpoint, request: ClientRequest): Promise<RegisteredClient> {
  const answer = await callJson(deps, {
    service: OIDC_SERVICE,
    operation: 'RegisterClient',
    endpoint,
    method: 'POST',
    path: '/client/register',
    body: { clientName: 'awsrole', clientType: 'public', ...request },
  });
  if (!answer.ok) throw oidcFailure('RegisterClient', answer);
  const { clientId, clientSecret, clientSecretExpiresAt } = answer.body;
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || typeof clientSecretExpiresAt !== 'number') {
    throw new NetworkError(`${OIDC_SERVICE} answered RegisterClient without a client`, `check ${endpoint.from}`);
  }
  return { clientId, clientSecret, expiresAt: new Date(clientSecretExpiresAt * 1000), scopes: request.scopes, grantTypes: request.grantTypes };
}

export interface AuthorizationCode {
  code: string;
  /** Exactly the redirect URI of the authorize request (with its port). */
  redirectUri: string;
  codeVerifier: string;
}

/** CreateToken with the authorization_code grant (PKCE): the code the loopback callback received. */
export async function exchangeAuthorizationCode(deps: Deps, endpoint: SsoEndpoint, client: RegisteredClient, grant: AuthorizationCode): Promise<CreatedToken> {
  const answer = await createToken(deps, endpoint, {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    grantType: 'authorization_code',
    redirectUri: grant.redirectUri,
    codeVerifier: grant.codeVerifier,
    code: grant.code,
  });
  if (answer.ok) {
    if (answer.token === undefined) throw new NetworkError(`${OIDC_SERVICE} answered CreateToken without a token`, `check ${endpoint.from}`);
    return answer.token;
  }
  if (answer.type === 'ExpiredTokenException') throw signInExpired();
  throw oidcFailure('CreateToken', answer);
}

function signInExpired(): CredentialError {
  return new CredentialError('the sign-in request expired before it was approved', 'run the command again and approve the request in the browser in time');
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUriComplete: string;
  intervalSeconds: number;
  expiresInSeconds: number;
}

export async function startDeviceAuthorization(deps: Deps, endpoint: SsoEndpoint, client: RegisteredClient, startUrl: string): Promise<DeviceAuthorization> {
  const answer = await callJson(deps, {
    service: OIDC_SERVICE,
    operation: 'StartDeviceAuthorization',
    endpoint,
    method: 'POST',
    path: '/device_authorization',
    body: { clientId: client.clientId, clientSecret: client.clientSecret, startUrl },
  });
  if (!answer.ok) throw oidcFailure('StartDeviceAuthorization', answer);
  const { deviceCode, userCode, verificationUriComplete, interval, expiresIn } = answer.body;
  if (typeof deviceCode !== 'string' || typeof userCode !== 'string' || typeof verificationUriComplete !== 'string') {
    throw new NetworkError(`${OIDC_SERVICE} answered StartDeviceAuthorization without a device code`, `check ${endpoint.from}`);
  }
  return { deviceCode, userCode, verificationUriComplete, intervalSeconds: typeof interval === 'number' ? interval : 5, expiresInSeconds: typeof expiresIn === 'number' ? expiresIn : 600 };
}

/** botocore's SSOTokenFetcher: +5 s on each SlowDownException. */
const SLOW_DOWN_SECONDS = 5;

/** Polls CreateToken (device_code grant) until the user approves, the code expires, or OIDC refuses. */
export async function pollDeviceToken(deps: Deps, endpoint: SsoEndpoint, client: RegisteredClient, device: DeviceAuthorization): Promise<CreatedToken> {
  const deadline = deps.now().getTime() + device.expiresInSeconds * 1000;
  let interval = device.intervalSeconds;
  for (;;) {
    await deps.sleep(interval * 1000);
    const answer = await createToken(deps, endpoint, { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode });
    if (answer.ok) {
      if (answer.token === undefined) throw new NetworkError(`${OIDC_SERVICE} answered CreateToken without a token`, `check ${endpoint.from}`);
      return answer.token;
    }
    if (answer.type === 'SlowDownException') interval += SLOW_DOWN_SECONDS;
    else if (answer.type === 'ExpiredTokenException' || deps.now().getTime() >= deadline) throw signInExpired();
    else if (answer.type !== 'AuthorizationPendingException') throw oidcFailure('CreateToken', answer);
  }
}
