/**
 * The local container-credentials endpoint: what ECS serves at 169.254.170.2, on 127.0.0.1,
 * so every SDK's container provider reads (and refreshes) credentials from awsrole.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Credentials } from '../domain/credentials.js';
import { isoSeconds } from '../domain/time.js';
import type { Deps } from '../deps.js';
import type { Listener, RequestHandler, ServedResponse } from '../http.js';
import type { Refresher } from './refresher.js';

/** Only loopback: botocore and the JS SDK accept plain http there, and nobody else can connect. */
export const ENDPOINT_HOST = '127.0.0.1';
export const CREDENTIALS_PATH = '/awsrole/credentials';

/** The variables that point an SDK at the endpoint. */
export const FULL_URI_VARIABLE = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
export const TOKEN_VARIABLE = 'AWS_CONTAINER_AUTHORIZATION_TOKEN';

/** 256 random bits, hex: safe in an environment variable and an HTTP header. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given ?? ''), digest(token));
}

function json(status: number, body: object, headers: Record<string, string> = {}): ServedResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: `${JSON.stringify(body)}\n` };
}

/** The ECS container credentials shape. */
export function credentialsBody(credentials: Credentials): Record<string, string> {
  return {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken ?? '',
    Expiration: credentials.expiration === undefined ? '' : isoSeconds(credentials.expiration),
    ...(credentials.accountId !== undefined ? { AccountId: credentials.accountId } : {}),
  };
}

/** Path first (404), then method (405), then the token (403): only the exact token ever reaches credentials. */
export function credentialHandler(refresher: Refresher, token: string): RequestHandler {
  return async (request) => {
    const path = request.url.split('?', 1)[0];
    if (path !== CREDENTIALS_PATH) return json(404, { code: 'NotFound', message: `no such path; credentials are at ${CREDENTIALS_PATH}` });
    if (request.method !== 'GET') return json(405, { code: 'MethodNotAllowed', message: 'only GET' }, { allow: 'GET' });
    if (!tokenMatches(request.headers['authorization'], token)) return json(403, { code: 'AccessDenied', message: 'missing or wrong Authorization token' });
    const answer = await refresher.current();
    if (answer.kind === 'credentials') return json(200, credentialsBody(answer.credentials));
    return json(503, { code: 'CredentialsUnavailable', message: answer.message });
  };
}

export interface CredentialEndpoint {
  /** http://127.0.0.1:PORT/awsrole/credentials */
  readonly url: string;
  readonly token: string;
  readonly listener: Listener;
}

export async function startEndpoint(deps: Pick<Deps, 'listen'>, refresher: Refresher, port = 0): Promise<CredentialEndpoint> {
  const token = newToken();
  const listener = await deps.listen(credentialHandler(refresher, token), { host: ENDPOINT_HOST, port });
  return { url: `http://${ENDPOINT_HOST}:${listener.port}${CREDENTIALS_PATH}`, token, listener };
}
