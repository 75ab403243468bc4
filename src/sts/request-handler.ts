/**
 * The HTTP handler awsrole gives the STS client instead of the SDK's NodeHttpHandler.
 *
 * Why: a CLI sends one or two small requests and exits. NodeHttpHandler builds keep-alive agents
 * for http and https up front (node:https and node:tls load even for an http endpoint: ~4 ms)
 * and hands the answer over as a stream that the SDK reads back through node:stream, the web
 * streams and process.stdout/stderr (~3 ms more). This handler opens one connection per request
 * (src/http.ts), loads node:https only for an https endpoint, and hands over the whole answer as
 * bytes, which the SDK takes as they are. Errors keep the shapes the SDK's retry strategy and
 * src/sts/errors.ts know: Node's socket errors with their `code`, and `TimeoutError`.
 */
import { sendHttp } from '../http.js';
import type { Network } from '../net/network.js';

/** What this handler reads of the SDK's HttpRequest (@smithy/protocol-http). */
interface SdkHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number | undefined;
  path: string;
  query?: Record<string, string | (string | null)[] | null> | undefined;
  headers: Record<string, string>;
  body?: unknown;
}

interface SdkHttpResponse {
  statusCode: number;
  reason: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** RFC 3986 encoding, as the SDK's query builder writes it (and signs it). */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function queryString(query: SdkHttpRequest['query']): string {
  const parts: string[] = [];
  for (const key of Object.keys(query ?? {}).sort()) {
    const value = query?.[key];
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) parts.push(item === null || item === undefined ? escapeUri(key) : `${escapeUri(key)}=${escapeUri(item)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

export function urlOf(request: SdkHttpRequest): URL {
  const host = request.hostname.includes(':') && !request.hostname.startsWith('[') ? `[${request.hostname}]` : request.hostname;
  const port = request.port === undefined ? '' : `:${request.port}`;
  return new URL(`${request.protocol}//${host}${port}${request.path}${queryString(request.query)}`);
}

function bodyOf(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array) return body ?? undefined;
  // STS's query protocol always sends a form string; a stream would be a new SDK behaviour.
  throw new Error('awsrole: the STS request handler sends string or byte bodies only');
}

export interface StsRequestHandler {
  handle(request: SdkHttpRequest, options?: { abortSignal?: { aborted: boolean } | undefined }): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/** Connecting gets at most this long, within the attempt's timeout (the SDK's NodeHttpHandler had the same, as awsrole configured it). */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * `timeoutMs` bounds each attempt (connect, proxy tunnel, send, the whole answer), and connecting
 * alone gets at most `connectTimeoutMs` of it; the SDK retries up to maxAttempts. `network`: the
 * proxies and CA bundle botocore would use (none: direct, Node's CAs).
 */
export function stsRequestHandler(timeoutMs: number, connectTimeoutMs = CONNECT_TIMEOUT_MS, network?: Network): StsRequestHandler {
  return {
    async handle(request, options) {
      if (options?.abortSignal?.aborted === true) throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
      const response = await sendHttp({
        url: urlOf(request),
        method: request.method,
        headers: request.headers,
        body: bodyOf(request.body),
        timeoutMs,
        connectTimeoutMs,
        network,
      });
      return { response: { statusCode: response.status, reason: response.reason, headers: response.headers, body: new Uint8Array(response.body) } };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
}
