/**
 * awsrole's HTTP handler for the STS client (src/sts/request-handler.ts) against real loopback
 * servers: what goes on the wire, what the SDK gets back, and the error shapes its retries and
 * src/sts/errors.ts rely on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracked } from '../support/cleanup.js';
import { stsRequestHandler, urlOf } from '../../src/sts/request-handler.js';
import { refusedPort, startBlackholeServer, type BlackholeServer } from '../rigs/imds-server.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let port: number;
let seen: Seen[];
let blackhole: BlackholeServer;

beforeAll(async () => {
  seen = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(403, 'Forbidden', { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-1', 'set-cookie': ['a=1', 'b=2'] });
      res.end('<ErrorResponse>é</ErrorResponse>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  blackhole = await startBlackholeServer();
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await blackhole.close();
});

/**
 * A loopback port whose accept queue is full, so a new connection stays in SYN-SENT: a listener
 * with backlog 0 that never accepts (a python3 process: Node's servers always accept), filled.
 */
async function portThatNeverAccepts(): Promise<{ port: number; close: () => void }> {
  const listener: ChildProcess = tracked(spawn('python3', ['-c', "import socket,time\ns=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(0); print(s.getsockname()[1], flush=True); time.sleep(120)"], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const port = await new Promise<number>((resolve) => listener.stdout?.once('data', (data: Buffer) => resolve(Number(String(data).trim()))));
  const fillers: Socket[] = [];
  for (let i = 0; i < 3; i += 1) fillers.push(connect(port, '127.0.0.1').on('error', () => undefined));
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    port,
    close: () => {
      for (const socket of fillers) socket.destroy();
      listener.kill();
    },
  };
}

const request = (overrides: Record<string, unknown> = {}) => ({
  method: 'POST',
  protocol: 'http:',
  hostname: '127.0.0.1',
  port,
  path: '/',
  headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': '43' },
  body: 'Action=GetCallerIdentity&Version=2011-06-15',
  ...overrides,
});

describe('urlOf', () => {
  it.each([
    [{ protocol: 'https:', hostname: 'sts.eu-west-1.amazonaws.com', path: '/' }, 'https://sts.eu-west-1.amazonaws.com/'],
    [{ protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/x/y' }, 'http://127.0.0.1:4566/x/y'],
    [{ protocol: 'http:', hostname: '::1', port: 8080, path: '/' }, 'http://[::1]:8080/'],
    [{ protocol: 'http:', hostname: '[::1]', path: '/' }, 'http://[::1]/'],
    [{ protocol: 'https:', hostname: 'h', path: '/', query: { b: 'x y', a: ["it's", 'z*'], flag: null } }, "https://h/?a=it%27s&a=z%2A&b=x%20y&flag"],
  ])('%j → %s', (parts, url) => {
    expect(urlOf({ method: 'GET', headers: {}, ...parts }).href).toBe(url);
  });
});

describe('stsRequestHandler', () => {
  it('sends the method, path, headers and body as given, and returns status, reason, headers and body bytes', async () => {
    seen.length = 0;
    const { response } = await stsRequestHandler(2000).handle(request());
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/',
        headers: expect.objectContaining({ host: `127.0.0.1:${port}`, 'content-length': '43', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }),
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      },
    ]);
    expect(response.statusCode).toBe(403);
    expect(response.reason).toBe('Forbidden');
    expect(response.headers).toMatchObject({ 'content-type': 'text/xml', 'x-amzn-requestid': 'req-1', 'set-cookie': 'a=1, b=2' });
    expect(response.body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(response.body).toString('utf8')).toBe('<ErrorResponse>é</ErrorResponse>');
  });

  it('a refused connection rejects with Node’s error and its code (the SDK retries on it)', async () => {
    const closed = await refusedPort();
    await expect(stsRequestHandler(2000).handle(request({ port: closed }))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('no answer within the timeout rejects with a TimeoutError (the name the SDK retries on)', async () => {
    const attempt = stsRequestHandler(300).handle(request({ port: Number(new URL(blackhole.url).port) }));
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError', message: 'no answer within 300 ms' });
  });

  it('a connection that is never accepted: TimeoutError at the connect deadline, well before the attempt timeout', async () => {
    const { port: full, close } = await portThatNeverAccepts();
    try {
      const attempt = stsRequestHandler(10_000, 200).handle(request({ port: full }));
      await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError', message: 'no connection within 200 ms' });
    } finally {
      close();
    }
  });

  it('a connect deadline is only for connecting: a slow answer on a made connection gets the attempt timeout', async () => {
    const attempt = stsRequestHandler(300, 100).handle(request({ port: Number(new URL(blackhole.url).port) }));
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError', message: 'no answer within 300 ms' });
  });

  it('an aborted request is not sent', async () => {
    seen.length = 0;
    await expect(stsRequestHandler(2000).handle(request(), { abortSignal: { aborted: true } })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([]);
  });

  it('refuses a streaming body rather than send it wrong', async () => {
    await expect(stsRequestHandler(2000).handle(request({ body: { pipe: () => undefined } }))).rejects.toThrow(/string or byte bodies only/);
  });
});
