/**
 * A loopback forward proxy for tests, as corporate proxies behave: CONNECT tunnels for https
 * (the bytes pass through untouched) and absolute-form requests (`GET http://host/path`) for
 * plain http, with optional Basic authentication (407 without the right Proxy-Authorization)
 * and a refuse mode (403 to every CONNECT). It records every request it gets, and only ever
 * connects to loopback (the network guard would stop anything else).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** `host:port` for CONNECT, the absolute URL for a forwarded request. */
  target: string;
  /** The Proxy-Authorization header as received, '' when none. */
  authorization: string;
  /** What the proxy answered itself (407, 403), or 0 when it passed the request on. */
  refused: number;
}

export interface ProxyRigOptions {
  /** Require `Proxy-Authorization: Basic base64(user:password)`. */
  credentials?: { user: string; password: string } | undefined;
  /** Answer every CONNECT with 403. */
  refuseTunnels?: boolean | undefined;
  /** Serve the proxy itself over TLS (an https:// proxy) with this key and certificate. */
  tls?: { key: string; cert: string } | undefined;
}

export interface ProxyRig {
  /** http://127.0.0.1:port (https:// with `tls`) */
  url: string;
  port: number;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

function expectedAuthorization(options: ProxyRigOptions): string | undefined {
  const { credentials } = options;
  return credentials === undefined ? undefined : `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`, 'utf8').toString('base64')}`;
}

function refusal(options: ProxyRigOptions, method: string, authorization: string): number {
  const expected = expectedAuthorization(options);
  if (expected !== undefined && authorization !== expected) return 407;
  if (method === 'CONNECT' && options.refuseTunnels === true) return 403;
  return 0;
}

const REASONS: Record<number, string> = { 403: 'Forbidden', 407: 'Proxy Authentication Required' };

function tunnel(request: http.IncomingMessage, client: Socket, head: Buffer, sockets: Set<Socket>): void {
  const [host = '', port = ''] = (request.url ?? '').split(/:(?=\d+$)/);
  const upstream = net.connect({ host: host.replace(/^\[|\]$/g, ''), port: Number(port) }, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  sockets.add(upstream);
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
}

function forward(request: http.IncomingMessage, response: http.ServerResponse): void {
  const target = new URL(request.url ?? '');
  const headers = { ...request.headers };
  delete headers['proxy-authorization'];
  const upstream = http.request({ host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port || 80, method: request.method, path: `${target.pathname}${target.search}`, headers, agent: false }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', () => response.destroy());
  request.pipe(upstream);
}

export async function startProxyServer(options: ProxyRigOptions = {}): Promise<ProxyRig> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const record = (request: http.IncomingMessage): number => {
    const authorization = request.headers['proxy-authorization'] ?? '';
    const method = request.method ?? '';
    const refused = refusal(options, method, authorization);
    requests.push({ method, target: request.url ?? '', authorization, refused });
    return refused;
  };
  const listener: http.RequestListener = (request, response) => {
    const refused = record(request);
    if (refused !== 0) {
      response.writeHead(refused, { 'proxy-authenticate': 'Basic realm="test"', 'content-type': 'text/plain' }).end('proxy says no\n');
      return;
    }
    forward(request, response);
  };
  const server = options.tls === undefined ? http.createServer(listener) : https.createServer(options.tls, listener);
  server.on('connect', (request: http.IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    const refused = record(request);
    if (refused !== 0) {
      client.end(`HTTP/1.1 ${refused} ${REASONS[refused] ?? 'No'}\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    tunnel(request, client, head, sockets);
  });
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
