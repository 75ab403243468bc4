/**
 * AWS's federation endpoint: getSigninToken trades temporary credentials for a sign-in token,
 * and the login URL carries that token to the console. Both the Session parameter and the URL
 * are credentials: neither ever reaches a debug line or an error message.
 */
import type { Credentials } from '../chain/types.js';
import type { Deps } from '../deps.js';
import { AwsroleError, ConfigError, NetworkError, RefusedError } from '../errors.js';
import { oneLine, shown } from '../domain/text.js';
import type { Network } from '../net/network.js';
import type { Partition } from './partitions.js';

/** Issuer shown by the console's sign-out page. */
const ISSUER = 'awsrole';
const FEDERATION_TIMEOUT_MS = 10_000;

/** `https://<partition's sign-in host>/federation`; AWS_ENDPOINT_URL_SIGNIN replaces the scheme and host. */
export function federationEndpoint(partition: Partition, env: Deps['env']): URL {
  const override = env['AWS_ENDPOINT_URL_SIGNIN'];
  if (override === undefined || override === '') return new URL(`https://${partition.signinHost}/federation`);
  let base: URL | undefined;
  try {
    base = new URL(override);
  } catch {
    base = undefined;
  }
  if (base === undefined || (base.protocol !== 'https:' && base.protocol !== 'http:')) {
    throw new ConfigError(`AWS_ENDPOINT_URL_SIGNIN: ${shown(override)} is not an http(s) URL`, 'set it like https://signin.example.com (the path /federation is added)');
  }
  return new URL('/federation', base.origin);
}

export interface SigninRequest {
  credentials: Credentials;
  /** Console session length; role sessions only (AWS refuses it for federation-token sessions). */
  sessionDuration?: number | undefined;
}

function signinTokenUrl(endpoint: URL, request: SigninRequest): URL {
  const { accessKeyId, secretAccessKey, sessionToken } = request.credentials;
  const session = JSON.stringify({ sessionId: accessKeyId, sessionKey: secretAccessKey, sessionToken });
  const duration = request.sessionDuration !== undefined ? `&SessionDuration=${request.sessionDuration}` : '';
  return new URL(`${endpoint.href}?Action=getSigninToken${duration}&Session=${encodeURIComponent(session)}`);
}

function unreachable(endpoint: URL, error: unknown): AwsroleError {
  // Already said: a proxy, the CA bundle or an answer too large (src/http.ts).
  if (error instanceof AwsroleError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const what = typeof code === 'string' ? code : oneLine(error instanceof Error ? error.message : String(error));
  return new NetworkError(`could not reach the federation endpoint ${endpoint.href}: ${what}`, 'check the network (and AWS_ENDPOINT_URL_SIGNIN when set)');
}

function signinTokenOf(endpoint: URL, status: number, body: string): string {
  if (status >= 400 && status < 500) {
    throw new RefusedError(
      `the federation endpoint ${endpoint.href} refused the credentials (HTTP ${status})`,
      'expired credentials: run again with --refresh; --duration: AWS allows 15 min to 12 h (1 h for a role assumed with role credentials)',
    );
  }
  let token: unknown;
  try {
    token = (JSON.parse(body) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  if (status !== 200 || typeof token !== 'string' || token === '') {
    throw new NetworkError(`the federation endpoint ${endpoint.href} answered HTTP ${status} without a SigninToken`, 'retry later; check AWS_ENDPOINT_URL_SIGNIN when set');
  }
  return token;
}

/** GET ?Action=getSigninToken: the sign-in token (valid 15 minutes), through `network` (proxies, the profile's CA bundle). */
export async function getSigninToken(deps: Deps, endpoint: URL, network: Network, request: SigninRequest): Promise<string> {
  const { sendHttp } = await import('../http.js');
  deps.debug?.(`getSigninToken at ${endpoint.href}, ${request.sessionDuration !== undefined ? `SessionDuration ${request.sessionDuration}` : 'without SessionDuration'}`);
  let response;
  try {
    response = await sendHttp({ url: signinTokenUrl(endpoint, request), method: 'GET', headers: { accept: 'application/json' }, timeoutMs: FEDERATION_TIMEOUT_MS, network });
  } catch (error) {
    throw unreachable(endpoint, error);
  }
  return signinTokenOf(endpoint, response.status, response.body.toString('utf8'));
}

/** The sign-in URL: a bearer credential for the console until the token expires. */
export function loginUrl(endpoint: URL, destination: string, signinToken: string): string {
  return `${endpoint.href}?Action=login&Issuer=${ISSUER}&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(signinToken)}`;
}
