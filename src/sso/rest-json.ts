/**
 * One REST-JSON call to the IAM Identity Center portal or SSO-OIDC, unsigned, over the
 * project's single-request HTTP function (src/http.ts, loaded on the first call so the cheap
 * paths never load node:http). No SDK: both APIs are a handful of plain JSON requests.
 */
import type { Deps } from '../deps.js';
import { pythonInt } from '../config/python-int.js';
import { AwsroleError, ConfigError, NetworkError } from '../errors.js';
import { oneLine, serviceText, shown } from '../domain/text.js';
import { VERSION } from '../version.js';
import type { SsoEndpoint } from './endpoints.js';

export interface JsonRequest {
  /** "the IAM Identity Center portal", for messages. */
  service: string;
  operation: string;
  /** With the proxies and CA bundle its requests use (src/sso/endpoints.ts: the profile's ca_bundle). */
  endpoint: SsoEndpoint;
  method: 'GET' | 'POST';
  path: string;
  query?: readonly (readonly [string, string])[] | undefined;
  /** May carry a secret (the bearer token): never shown. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** May carry secrets (client secret, refresh token): never shown. */
  body?: Readonly<Record<string, unknown>> | undefined;
}

export type JsonAnswer =
  | { ok: true; status: number; body: Record<string, unknown> }
  /**
   * `type` is the service's error name (UnauthorizedException, invalid_grant...), '' when it sent none.
   * `afterNoAnswer`: an earlier attempt of this call got no answer, so the service may have acted
   * on it (a refresh token or an authorization code is taken once).
   */
  | { ok: false; status: number; type: string; message: string; afterNoAnswer?: true };

export const TIMEOUT_MS = 10_000;
export const CONNECT_TIMEOUT_MS = 5_000;

/** botocore's percent_encode: everything but A-Z a-z 0-9 - _ . ~ */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** botocore appends the operation's path to the endpoint's own path. */
export function requestUrl(endpoint: string, path: string, query: JsonRequest['query'] = []): URL {
  const url = new URL(endpoint);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  url.search = query.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
  return url;
}

function objectOf(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function textField(body: Record<string, unknown> | undefined, ...names: string[]): string {
  for (const name of names) {
    const value = body?.[name];
    if (typeof value === 'string') return value;
  }
  return '';
}

/** The error's name as botocore's rest-json parser finds it: x-amzn-errortype (before any ':'), else the body's. */
function errorOf(status: number, headers: Record<string, string>, text: string): JsonAnswer {
  const body = objectOf(text);
  const type = (headers['x-amzn-errortype'] ?? textField(body, '__type', 'code', 'error')).split(':')[0] ?? '';
  // Shown in messages: one line, cut (a hostile portal's line breaks cannot forge lines).
  const message = serviceText(textField(body, 'message', 'Message', 'error_description'));
  return { ok: false, status, type: serviceText(type.replace(/^.*#/, ''), 100), message };
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).name;
}

function unreachable(request: JsonRequest, url: URL, error: unknown): AwsroleError {
  const code = errorCode(error);
  return new NetworkError(
    `${request.service} at ${shown(url.origin)} did not answer ${request.operation} (${code}: ${oneLine((error as Error).message)})`,
    `check the network, and ${request.endpoint.from}`,
  );
}

/**
 * botocore's default ("legacy") retries, which its SSO and SSO-OIDC clients use unless told
 * otherwise (botocore/data/_retry.json): up to 5 attempts (AWS_MAX_ATTEMPTS: the total), again
 * on a connection failure, HTTP 429, 500, 502, 503, 504 or 509, or a 400 that names throttling,
 * after rand × 2^(n-1) seconds. `sso populate` makes a call per account: a portal that
 * throttles it is waited out, not fatal.
 */
const DEFAULT_MAX_ATTEMPTS = 5;
const RETRIED_STATUS: ReadonlySet<number> = new Set([429, 500, 502, 503, 504, 509]);
const THROTTLING_TYPES: ReadonlySet<string> = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'ProvisionedThroughputExceededException']);

/**
 * AWS_MAX_ATTEMPTS as botocore reads it: Python's int(), the total number of attempts; a value
 * int() refuses, or one below 1 (InvalidMaxRetryAttemptsError), fails the client botocore makes
 * for the call, so it fails the call here (exit 5), before any request.
 */
function maxAttempts(env: Deps['env']): number {
  const text = env['AWS_MAX_ATTEMPTS'];
  if (text === undefined) return DEFAULT_MAX_ATTEMPTS;
  const value = pythonInt(text);
  if (value === undefined || value < 1) {
    throw new ConfigError(`AWS_MAX_ATTEMPTS = ${shown(text)} is not a whole number of attempts of 1 or more`, `set AWS_MAX_ATTEMPTS to the total number of attempts, such as 3 (the default is ${DEFAULT_MAX_ATTEMPTS}), or unset it`);
  }
  return value;
}

/** setTimeout's limit: a longer wait would fire at once (a large AWS_MAX_ATTEMPTS makes rand × 2^(n-1) s that long). */
const MAX_WAIT_MS = 2_147_483_647;

/** The longest wait after attempt `number` (botocore's legacy backoff: rand × 2^(n-1) s), before the setTimeout cap. */
const backoffMs = (number: number): number => 2 ** (number - 1) * 1000;

/**
 * A failure of the network (botocore's GENERAL_CONNECTION_ERROR: refused, reset, DNS, TLS, a
 * timeout), not a request Node refused to send: a bearer token with a line break in a damaged
 * cache file makes http.request throw a TypeError (ERR_INVALID_CHAR), which no retry mends.
 */
function isNetworkFailure(error: unknown): boolean {
  return !(error instanceof TypeError || error instanceof RangeError);
}

function isRetried(answer: JsonAnswer): boolean {
  return !answer.ok && (RETRIED_STATUS.has(answer.status) || (answer.status === 400 && THROTTLING_TYPES.has(answer.type)));
}

/** One attempt: the answer, or the failure to get one (a retry may follow) apart from what awsrole already explained (proxy, CA bundle, size). */
async function attempt(request: JsonRequest, url: URL, headers: Record<string, string>, body: string | undefined): Promise<JsonAnswer | { failed: unknown }> {
  const { sendHttp } = await import('../http.js');
  let response;
  try {
    response = await sendHttp({ url, method: request.method, headers, body, timeoutMs: TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS, network: request.endpoint.network });
  } catch (error) {
    if (error instanceof AwsroleError) throw error;
    return { failed: error };
  }
  const text = response.body.toString('utf8');
  if (response.status < 200 || response.status >= 300) return errorOf(response.status, response.headers, text);
  const parsed = objectOf(text);
  if (parsed === undefined) {
    throw new NetworkError(`${request.service} at ${shown(url.origin)} answered ${request.operation} with something other than JSON (HTTP ${response.status})`, `check ${request.endpoint.from}, and any proxy or captive portal on the way`);
  }
  return { ok: true, status: response.status, body: parsed };
}

/**
 * The longest one call can take: every attempt's connect and answer timeouts and the longest
 * waits between them (~90 s with botocore's 5 attempts). A lock held across a call (the token
 * renewal) must outlast it, or a waiter would break it and spend the same refresh token.
 */
export function longestCallMs(env: Deps['env']): number {
  const attempts = maxAttempts(env);
  let waits = 0;
  for (let number = 1; number < attempts && waits < MAX_WAIT_MS; number++) waits += Math.min(MAX_WAIT_MS, backoffMs(number));
  return Math.min(attempts * (CONNECT_TIMEOUT_MS + TIMEOUT_MS) + waits, MAX_WAIT_MS);
}

export async function callJson(deps: Deps, request: JsonRequest): Promise<JsonAnswer> {
  const url = requestUrl(request.endpoint.url, request.path, request.query);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = { 'user-agent': `awsrole/${VERSION}`, accept: 'application/json', ...request.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  deps.debug?.(`${request.service}: ${request.operation} ${request.method} ${url.origin}${url.pathname} (${request.endpoint.from})`);
  const attempts = maxAttempts(deps.env);
  let noAnswer = false;
  for (let number = 1; ; number++) {
    const outcome = await attempt(request, url, headers, body);
    if ('failed' in outcome) {
      if (number >= attempts || !isNetworkFailure(outcome.failed)) throw unreachable(request, url, outcome.failed);
      deps.debug?.(`${request.service}: ${request.operation} got no answer (${errorCode(outcome.failed)})`);
      noAnswer = true;
    } else {
      deps.debug?.(`${request.service}: ${request.operation} answered HTTP ${outcome.status}`);
      if (!isRetried(outcome) || number >= attempts) return !outcome.ok && noAnswer ? { ...outcome, afterNoAnswer: true } : outcome;
    }
    const waitMs = Math.min(MAX_WAIT_MS, Math.round(deps.random() * backoffMs(number)));
    deps.debug?.(`${request.service}: ${request.operation} again in ${(waitMs / 1000).toFixed(1)} s (attempt ${number + 1} of ${attempts})`);
    await deps.sleep(waitMs);
  }
}
