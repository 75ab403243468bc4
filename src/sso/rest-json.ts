/**
 * One REST-JSON call to the IAM Identity Center portal or SSO-OIDC, unsigned, over the
 * project's single-request HTTP function (src/http.ts, loaded on the first call so the cheap
 * paths never load node:http). No SDK: both APIs are a handful of plain JSON requests.
 */
import type { Deps } from '../deps.js';
import { AwsroleError, NetworkError } from '../errors.js';
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
  /** `type` is the service's error name (UnauthorizedException, invalid_grant...), '' when it sent none. */
  | { ok: false; status: number; type: string; message: string };

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

function unreachable(request: JsonRequest, url: URL, error: unknown): AwsroleError {
  // Already said: a proxy, the CA bundle or an answer too large (src/http.ts).
  if (error instanceof AwsroleError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
  return new NetworkError(
    `${request.service} at ${shown(url.origin)} did not answer ${request.operation} (${code}: ${oneLine((error as Error).message)})`,
    `check the network, and ${request.endpoint.from}`,
  );
}

export async function callJson(deps: Deps, request: JsonRequest): Promise<JsonAnswer> {
  const url = requestUrl(request.endpoint.url, request.path, request.query);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = { 'user-agent': `awsrole/${VERSION}`, accept: 'application/json', ...request.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  deps.debug?.(`${request.service}: ${request.operation} ${request.method} ${url.origin}${url.pathname} (${request.endpoint.from})`);
  const { sendHttp } = await import('../http.js');
  let response;
  try {
    response = await sendHttp({ url, method: request.method, headers, body, timeoutMs: TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS, network: request.endpoint.network });
  } catch (error) {
    throw unreachable(request, url, error);
  }
  const text = response.body.toString('utf8');
  deps.debug?.(`${request.service}: ${request.operation} answered HTTP ${response.status}`);
  if (response.status < 200 || response.status >= 300) return errorOf(response.status, response.headers, text);
  const parsed = objectOf(text);
  if (parsed === undefined) {
    throw new NetworkError(`${request.service} at ${shown(url.origin)} answered ${request.operation} with something other than JSON (HTTP ${response.status})`, `check ${request.endpoint.from}, and any proxy or captive portal on the way`);
  }
  return { ok: true, status: response.status, body: parsed };
}
