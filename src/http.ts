/**
 * The network door. Its types (and HttpFailure) are for every layer; its functions (one
 * request, a loopback server) are what deps.http and deps.listen load when first used, and the
 * STS handler sends through. node:http and node:https are bundled as shims that load on first
 * use (scripts/build.mjs), and node:tls is imported only when a request needs our own TLS
 * socket (a CA bundle, a tunnel), so importing this file costs start-up nothing. Proxies and
 * trust follow botocore (docs/networks.md); the rules themselves are in src/net/.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Env } from './domain/env.js';
import { oneLine } from './domain/text.js';
import { inline } from './net/proxy.js';
import { AwsroleError, ConfigError, NetworkError } from './errors.js';
import { loadCaBundle, type CaBundleSetting, type Network } from './net/network.js';
import { proxyFor, type Proxy } from './net/proxy.js';

export interface HttpRequest {
  method: 'GET' | 'PUT';
  url: string;
  headers: Record<string, string>;
  /** Whole-request deadline: connect, headers and body. */
  timeoutMs: number;
  /** IMDS: the environment whose HTTP_PROXY/NO_PROXY apply (botocore's IMDS fetcher uses them); container endpoints: none. */
  proxyEnv?: Env | undefined;
  /** --debug: which proxy the request used (IMDS), or that it went direct (container endpoints). */
  debug?: ((line: string) => void) | undefined;
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
  /** A shorter deadline for the TCP connection alone (to the proxy, when there is one). */
  connectTimeoutMs?: number | undefined;
  /** Proxies and CA bundle for AWS endpoints; none: direct, Node's CAs. */
  network?: Network | undefined;
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

/** No real answer of STS, IMDS, a container endpoint, SSO or the federation endpoint comes near this. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** An answer larger than MAX_ANSWER_BYTES: refused before it costs memory and CPU (exit 6). */
export class AnswerTooLargeError extends NetworkError {
  constructor(origin: string) {
    super(`the answer from ${inline(origin)} is larger than 1 MiB, awsrole's limit for any answer: it stopped reading`, 'no real AWS answer is that large: check the endpoint setting, and any proxy or captive portal on the way');
  }
}

/** The proxy could not be reached, refused the tunnel, or wants credentials (exit 6). Never shows the password. */
export class ProxyError extends NetworkError {}

/** Joins repeated response headers as Node's headers object would, with lower-case names. */
function headersOf(message: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** How one request travels: through which proxy, trusting which CA bundle. */
interface Route {
  proxy: Proxy | undefined;
  trust: CaBundleSetting | undefined;
}

function trustShown(network: Network, url: URL, trust: CaBundleSetting | undefined): string {
  if (url.protocol !== 'https:') return 'no TLS';
  if (trust !== undefined) return `CA bundle ${inline(trust.path)} (${trust.from})`;
  const extra = network.env['NODE_EXTRA_CA_CERTS'];
  return extra ? `Node's CAs and NODE_EXTRA_CA_CERTS ${inline(extra)}` : "Node's CAs";
}

/** The route of a request under a Network (none: direct, Node's CAs), said once under --debug. */
function routeOf(request: RawHttpRequest): Route {
  const { network, url } = request;
  if (network === undefined) return { proxy: undefined, trust: undefined };
  const choice = proxyFor(url, network.env);
  if ('invalid' in choice) throw new ConfigError(choice.invalid, 'set it like http://proxy.example.com:3128, or unset it');
  const trust = url.protocol === 'https:' ? network.caBundle : undefined;
  const via = 'proxy' in choice ? `through proxy ${inline(choice.proxy.shown)} (${choice.proxy.from})` : `direct (${choice.direct})`;
  network.debug?.(`network: ${inline(url.origin)} ${via}, ${trustShown(network, url, trust)}`);
  return { proxy: 'proxy' in choice ? choice.proxy : undefined, trust };
}

/** A host name as sockets take it: IPv6 without its brackets. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function portOf(url: URL): number {
  return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** SNI carries names only; an IP address endpoint is checked against the certificate's IP entries. */
function isIpAddress(host: string): boolean {
  return host.includes(':') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

const CERTIFICATE_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/;

function proxyUnreachable(proxy: Proxy, error: Error): Error {
  if (error instanceof HttpTimeoutError || error instanceof AwsroleError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? error.name;
  if (CERTIFICATE_FAILURE.test(code)) {
    return new ProxyError(`the TLS certificate of the proxy ${inline(proxy.shown)} (${proxy.from}) is not trusted (${code})`, "point AWS_CA_BUNDLE (or the profile's ca_bundle) at a PEM file with its CA, or use an http:// proxy URL");
  }
  return new ProxyError(`could not reach the proxy ${inline(proxy.shown)} (${proxy.from}): ${code}`, `check ${proxy.from}, or list the endpoint's host in NO_PROXY`);
}

function proxyWantsCredentials(proxy: Proxy): ProxyError {
  return new ProxyError(
    `the proxy ${inline(proxy.shown)} (${proxy.from}) wants credentials (HTTP 407 Proxy Authentication Required)`,
    proxy.authorization === undefined
      ? `put them in ${proxy.from}: http://user:password@host:port (percent-encode @ : / in them)`
      : `it refused the user name and password in ${proxy.from}`,
  );
}

function proxyRefused(proxy: Proxy, target: string, status: number, reason: string): ProxyError {
  if (status === 407) return proxyWantsCredentials(proxy);
  return new ProxyError(`the proxy ${inline(proxy.shown)} (${proxy.from}) refused a tunnel to ${inline(target)} (HTTP ${status} ${oneLine(reason, 80)})`, `ask whoever runs the proxy to allow ${inline(target)}, or list it in NO_PROXY`);
}

/** A certificate that the configured bundle does not vouch for: named after the bundle. */
function untrustedWithBundle(url: URL, trust: CaBundleSetting, error: Error): NetworkError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new NetworkError(
    `the TLS certificate of ${inline(url.host)} is not trusted with the CA bundle ${inline(trust.path)} (${trust.from}): ${code}: ${inline(error.message)}`,
    `put the CA that signs it (a TLS-inspecting proxy's own CA, for one) in that file, or fix ${trust.from}`,
  );
}

/** Things to destroy when the request ends early (the tunnel's CONNECT request, the request itself). */
type Track = (destroyable: { destroy(error?: Error): unknown }) => void;

/** Fails `req` with a connect timeout if its socket has not connected within `ms`. */
function limitConnect(req: http.ClientRequest, ms: number | undefined, whole: number): void {
  if (ms === undefined || ms >= whole) return;
  req.once('socket', (socket) => {
    if (!socket.connecting) return;
    const connectTimer = setTimeout(() => req.destroy(new HttpTimeoutError(ms, 'connect')), ms);
    socket.once('connect', () => clearTimeout(connectTimer));
    socket.once('close', () => clearTimeout(connectTimer));
  });
}

function proxyRequestOptions(proxy: Proxy): { transport: Pick<typeof http, 'request'>; host: string; port: number } {
  return { transport: proxy.url.protocol === 'https:' ? https : http, host: bareHost(proxy.url.hostname), port: portOf(proxy.url) };
}

/**
 * CONNECT host:port through the proxy: resolves to the tunnel's socket once the proxy answers
 * 2xx. An https proxy is checked against the same CAs as the endpoint, as urllib3 does for
 * botocore when no proxy_ca_bundle is configured.
 */
function openTunnel(request: RawHttpRequest, proxy: Proxy, ca: string[] | undefined, track: Track): Promise<Duplex> {
  const target = `${request.url.hostname}:${portOf(request.url)}`;
  const { transport, host, port } = proxyRequestOptions(proxy);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: target };
    if (proxy.authorization !== undefined) headers['proxy-authorization'] = proxy.authorization;
    const connect = transport.request({ host, port, method: 'CONNECT', path: target, headers, agent: false, ...(ca === undefined ? {} : { ca }) });
    track(connect);
    limitConnect(connect, request.connectTimeoutMs, request.timeoutMs);
    connect.once('connect', (response, socket, head) => {
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(proxyRefused(proxy, target, status, response.statusMessage ?? ''));
    });
    connect.once('error', (error) => reject(proxyUnreachable(proxy, error)));
    connect.end();
  });
}

/** TLS to the endpoint, over the tunnel when there is a proxy, trusting the bundle when there is one. */
async function secureSocket(request: RawHttpRequest, route: Route, track: Track): Promise<Duplex> {
  const ca = route.trust === undefined || request.network === undefined ? undefined : await loadCaBundle(request.network, route.trust);
  const tunnel = route.proxy === undefined ? undefined : await openTunnel(request, route.proxy, ca, track);
  const tls = await import('node:tls');
  const host = bareHost(request.url.hostname);
  return tls.connect({
    host,
    port: portOf(request.url),
    ...(tunnel === undefined ? {} : { socket: tunnel }),
    ...(isIpAddress(host) ? {} : { servername: host }),
    ...(ca === undefined ? {} : { ca }),
    ALPNProtocols: ['http/1.1'],
  });
}

/** The ClientRequest for a route: plain, absolute-form to an http proxy, or over our own TLS socket. */
function clientRequest(request: RawHttpRequest, route: Route, track: Track): http.ClientRequest {
  const { url, method } = request;
  const headers: Record<string, string> = { host: url.host, ...request.headers };
  if (route.proxy === undefined && route.trust === undefined) {
    return (url.protocol === 'https:' ? https : http).request(url, { method, headers: request.headers, agent: false });
  }
  if (url.protocol === 'http:' && route.proxy !== undefined) {
    const { transport, host, port } = proxyRequestOptions(route.proxy);
    if (route.proxy.authorization !== undefined) headers['proxy-authorization'] = route.proxy.authorization;
    return transport.request({ host, port, method, path: url.href, headers, agent: false });
  }
  // node:http over a socket we open ourselves (createConnection's callback form: it may arrive later).
  const createConnection = (_options: unknown, done: (error: Error | null, socket?: Duplex) => void): undefined => {
    secureSocket(request, route, track).then(
      (socket) => done(null, socket),
      (error: Error) => done(error),
    );
    return undefined;
  };
  return http.request({ host: bareHost(url.hostname), port: portOf(url), method, path: `${url.pathname}${url.search}`, headers, createConnection: createConnection as never });
}

/** What a failure means for this route: the proxy's fault, the bundle's, or the endpoint's (left as Node says it). */
function routeFailure(request: RawHttpRequest, route: Route, error: Error): Error {
  if (error instanceof AwsroleError || error instanceof HttpTimeoutError) return error;
  if (route.trust !== undefined && CERTIFICATE_FAILURE.test((error as NodeJS.ErrnoException).code ?? '')) return untrustedWithBundle(request.url, route.trust, error);
  if (route.proxy !== undefined && request.url.protocol === 'http:') return proxyUnreachable(route.proxy, error);
  return error;
}

/**
 * One request on a fresh connection (no agent), the whole answer read into memory, at most
 * MAX_ANSWER_BYTES of it. With a Network, through the proxy the environment names (a CONNECT
 * tunnel for https, an absolute-form request for http) and trusting its CA bundle. The deadline
 * covers everything: proxy, tunnel, TLS, headers and the last byte of the body. Rejects with
 * HttpTimeoutError, an AwsroleError (proxy, bundle, size), or Node's socket error (its `code`,
 * e.g. ECONNREFUSED, intact).
 */
export async function sendHttp(request: RawHttpRequest): Promise<RawHttpResponse> {
  const route = routeOf(request);
  const live = new Set<{ destroy(error?: Error): unknown }>();
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (error: Error): void => {
      finish(() => reject(routeFailure(request, route, error)));
      for (const destroyable of live) destroyable.destroy();
    };
    const req = clientRequest(request, route, (destroyable) => live.add(destroyable));
    live.add(req);
    const timer = setTimeout(() => fail(new HttpTimeoutError(request.timeoutMs, 'answer')), request.timeoutMs);
    if (route.proxy === undefined || request.url.protocol === 'http:') limitConnect(req, request.connectTimeoutMs, request.timeoutMs);
    req.on('response', (res) => {
      if (route.proxy !== undefined && request.url.protocol === 'http:' && res.statusCode === 407) {
        fail(proxyWantsCredentials(route.proxy));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) fail(new AnswerTooLargeError(request.url.origin));
        else chunks.push(chunk);
      });
      res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: headersOf(res), body: Buffer.concat(chunks) })));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(request.body);
  });
}

/**
 * IMDS and container credentials: one request with a hard deadline. With `proxyEnv` (IMDS),
 * through HTTP_PROXY unless NO_PROXY matches, as botocore's IMDS fetcher; without (container
 * endpoints), direct, as botocore's container fetcher. A proxy that fails is "no answer".
 */
export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const network: Network | undefined = request.proxyEnv === undefined ? undefined : { env: request.proxyEnv, caBundle: undefined, readFile: () => Promise.resolve(undefined), debug: request.debug };
  if (network === undefined) request.debug?.(`network: ${inline(new URL(request.url).origin)} direct (container endpoints never use a proxy, as in botocore)`);
  try {
    const response = await sendHttp({ url: new URL(request.url), method: request.method, headers: request.headers, timeoutMs: request.timeoutMs, network });
    return { status: response.status, body: response.body.toString('utf8') };
  } catch (error) {
    if (error instanceof HttpTimeoutError) throw new HttpFailure('timeout', error.message);
    if (error instanceof ProxyError) throw new HttpFailure('connect', error.message);
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
