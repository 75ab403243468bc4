/**
 * The network door. Its types (and HttpFailure) are for every layer; its functions (one
 * request, a loopback server) are what deps.http and deps.listen load when first used, and the
 * STS handler sends through. node:http and node:https are bundled as shims that load on first
 * use (scripts/build.mjs), so importing this file costs start-up nothing.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpRequest {
  method: 'GET' | 'PUT';
  url: string;
  headers: Record<string, string>;
  /** Whole-request deadline: connect, headers and body. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** Rejects with HttpFailure when no response arrived. */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

export class HttpFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'connect',
    message: string,
  ) {
    super(message);
    this.name = 'HttpFailure';
  }
}

/** A request a loopback server received, body read whole (a local endpoint's requests are small). */
export interface ServedRequest {
  method: string;
  /** The path and query, as sent (`/credentials?x=1`). */
  url: string;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

export interface ServedResponse {
  status: number;
  headers?: Record<string, string> | undefined;
  body: string;
}

/** Answers one request. A rejection is answered 500 with an empty body; the server keeps serving. */
export type RequestHandler = (request: ServedRequest) => Promise<ServedResponse>;

export interface ListenOptions {
  host: string;
  /** 0: any free port (read the chosen one from the listener). */
  port: number;
}

/** A listening server. close() stops it, drops open connections and resolves once it is down. */
export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

export interface RawHttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  /** Whole-request deadline: connect, headers and body. */
  timeoutMs: number;
  /** A shorter deadline for the TCP connection alone. */
  connectTimeoutMs?: number | undefined;
}

export interface RawHttpResponse {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A deadline passed: named as the AWS SDK names its own timeouts, so its retries and src/sts/errors.ts see one. */
export class HttpTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly phase: 'connect' | 'answer',
  ) {
    super(phase === 'connect' ? `no connection within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** Joins repeated response headers as Node's headers object would, with lower-case names. */
function headersOf(message: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * One request on a fresh connection (no agent, no proxy), the whole answer read into memory.
 * Loads node:https only for an https URL. Rejects with HttpTimeoutError or Node's socket error
 * (its `code`, e.g. ECONNREFUSED, intact).
 */
export function sendHttp(request: RawHttpRequest): Promise<RawHttpResponse> {
  const transport = request.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(request.url, { method: request.method, headers: request.headers, agent: false });
    const timer = setTimeout(() => req.destroy(new HttpTimeoutError(request.timeoutMs, 'answer')), request.timeoutMs);
    const { connectTimeoutMs } = request;
    if (connectTimeoutMs !== undefined && connectTimeoutMs < request.timeoutMs) {
      req.once('socket', (socket) => {
        if (!socket.connecting) return;
        const connectTimer = setTimeout(() => req.destroy(new HttpTimeoutError(connectTimeoutMs, 'connect')), connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connectTimer));
        socket.once('close', () => clearTimeout(connectTimer));
      });
    }
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: headersOf(res), body: Buffer.concat(chunks) });
      });
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(request.body);
  });
}

/** IMDS and container credentials: one request with a hard deadline, never through a proxy (IMDS must be direct). */
export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  try {
    const response = await sendHttp({ url: new URL(request.url), method: request.method, headers: request.headers, timeoutMs: request.timeoutMs });
    return { status: response.status, body: response.body.toString('utf8') };
  } catch (error) {
    if (error instanceof HttpTimeoutError) throw new HttpFailure('timeout', error.message);
    // Socket errors (ECONNREFUSED, ECONNRESET, EHOSTUNREACH...) carry a code; anything else is a bug, not "no IMDS".
    if (typeof (error as NodeJS.ErrnoException).code === 'string') throw new HttpFailure('connect', (error as Error).message);
    throw error;
  }
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function serve(handler: RequestHandler, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  let answer: ServedResponse;
  try {
    const body = await readBody(request);
    answer = await handler({ method: request.method ?? 'GET', url: request.url ?? '/', headers: headersOf(request), body });
  } catch {
    answer = { status: 500, body: '' };
  }
  try {
    response.writeHead(answer.status, answer.headers).end(answer.body);
  } catch {
    // A status or header Node refuses: the client sees the connection close, the server goes on.
    response.destroy();
  }
}

/** An HTTP server on the given address (deps.listen): the seam for long-running commands. */
export function listenHttp(handler: RequestHandler, options: ListenOptions): Promise<Listener> {
  const server = http.createServer((request, response) => void serve(handler, request, response));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      let closing: Promise<void> | undefined;
      resolve({ port, close: () => (closing ??= closeServer(server)) });
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
