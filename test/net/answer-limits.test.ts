/**
 * Issue 10 item 6: every answer awsrole reads is capped at 1 MiB (STS, IMDS, container
 * endpoints, credential_process stdout, and through src/http.ts SSO and the federation
 * endpoint), and AWSROLE_STS_TIMEOUT bounds the whole request, a body that drips in included.
 * Issue 14: IMDS requests take HTTP_PROXY unless NO_PROXY matches; container requests never do
 * (botocore's fetchers, docs/networks.md).
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES, sendHttp } from '../../src/http.js';
import { networkFor } from '../../src/net/network.js';
import { startProxyServer, type ProxyRig } from '../rigs/proxy-server.js';
import { startContainerServer, startImdsServer, type ContainerServer, type ImdsServer } from '../rigs/imds-server.js';
import { makeHome, type FakeHome } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';

const TOO_LARGE = 'larger than 1 MiB, awsrole\'s limit for any answer';

interface RawServer {
  url: string;
  close(): Promise<void>;
}

/** Answers every request with `answer` (which may write slowly). */
async function rawServer(answer: (response: http.ServerResponse) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(response));
  });
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Chunked (no Content-Length): the cap must hold while reading, not only on a declared size. */
const huge = (response: http.ServerResponse): void => {
  response.writeHead(200, { 'content-type': 'text/xml' });
  const chunk = 'x'.repeat(64 * 1024);
  for (let sent = 0; sent <= MAX_ANSWER_BYTES; sent += chunk.length) response.write(chunk);
  response.end();
};

let home: FakeHome;
let big: RawServer;
let proxy: ProxyRig;
const servers: RawServer[] = [];

beforeAll(async () => {
  home = await makeHome({
    '.aws/credentials': '[alice]\naws_access_key_id = AKIAALICEFIXTURE0001\naws_secret_access_key = alice-secret\n',
    '.aws/config': `[profile chatty]\ncredential_process = python3 -c "import sys; sys.stdout.write('x' * 3000000)"\n`,
  });
  big = await rawServer(huge);
  proxy = await startProxyServer();
});
afterAll(async () => {
  await Promise.all([big.close(), proxy.close(), home.cleanup()]);
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('answers are capped at 1 MiB', () => {
  it('STS: exit 6 naming the limit', async () => {
    const result = await runInProcess(['whoami', '--profile', 'alice'], { ...home.env, AWS_ENDPOINT_URL_STS: big.url, AWSROLE_STS_MAX_ATTEMPTS: '1' });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`awsrole: the answer from ${big.url} is ${TOO_LARGE}`);
  });

  it('IMDS: exit 6 naming the limit (not "no instance metadata")', async () => {
    const result = await runInProcess(['export'], { ...home.env, AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: big.url });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(TOO_LARGE);
  });

  it('a container endpoint: exit 6 naming the limit', async () => {
    const result = await runInProcess(['export'], { ...home.env, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${big.url}/credentials` });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(TOO_LARGE);
  });

  it('credential_process stdout: exit 3 naming the limit', async () => {
    const result = await runInProcess(['export', '--profile', 'chatty'], home.env);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('credential_process of profile chatty wrote more than 1 MiB to stdout');
  });

  it('the shared request function (SSO, SSO-OIDC, federation): an AwsroleError of exit 6, also through a proxy', async () => {
    const url = new URL(`${big.url}/federation`);
    await expect(sendHttp({ url, method: 'GET', headers: {}, timeoutMs: 30_000 })).rejects.toMatchObject({ exitCode: 6, message: expect.stringContaining(TOO_LARGE) });
    const network = networkFor({ env: { HTTP_PROXY: proxy.url }, fs: { readBytes: async () => undefined } });
    await expect(sendHttp({ url, method: 'GET', headers: {}, timeoutMs: 30_000, network })).rejects.toMatchObject({ exitCode: 6 });
    expect(proxy.requests.map((request) => request.target)).toContain(url.href);
  });

  it('an answer of exactly 1 MiB is read whole', async () => {
    const exact = await rawServer((response) => response.end('y'.repeat(MAX_ANSWER_BYTES)));
    servers.push(exact);
    const response = await sendHttp({ url: new URL(exact.url), method: 'GET', headers: {}, timeoutMs: 30_000 });
    expect(response.body.length).toBe(MAX_ANSWER_BYTES);
  });
});

describe('AWSROLE_STS_TIMEOUT bounds the whole request', () => {
  it('an answer that drips in a byte at a time fails with exit 6 at the deadline', async () => {
    const drip = await rawServer((response) => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      const timer = setInterval(() => response.write('<'), 100);
      response.on('close', () => clearInterval(timer));
    });
    servers.push(drip);
    const result = await runInProcess(['whoami', '--profile', 'alice'], { ...home.env, AWS_ENDPOINT_URL_STS: drip.url, AWSROLE_STS_TIMEOUT: '1', AWSROLE_STS_MAX_ATTEMPTS: '1' });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('no answer within 1 s');
  });
});

describe('IMDS and container endpoints and the proxy variables (as botocore)', () => {
  let imds: ImdsServer;
  let container: ContainerServer;
  beforeAll(async () => {
    imds = await startImdsServer();
    container = await startContainerServer();
  });
  afterAll(async () => {
    await Promise.all([imds.close(), container.close()]);
  });

  const imdsEnv = (): Record<string, string> => ({ ...home.env, AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url });

  it('IMDS goes through HTTP_PROXY (absolute-form), as botocore\'s fetcher sends it', async () => {
    proxy.requests.length = 0;
    const result = await runInProcess(['export', '--format', 'json'], { ...imdsEnv(), HTTP_PROXY: proxy.url });
    expect(result.code).toBe(0);
    const base = imds.url.replace(/\/$/, '');
    expect(proxy.requests.map((request) => `${request.method} ${request.target}`)).toEqual([
      `PUT ${base}/latest/api/token`,
      `GET ${base}/latest/meta-data/iam/security-credentials/`,
      `GET ${base}/latest/meta-data/iam/security-credentials/awsrole-test-instance-role`,
    ]);
  });

  it('--debug says which proxy each IMDS request used (password masked), and that a container endpoint is reached directly', async () => {
    const withAuth = proxy.url.replace('http://', 'http://jo:s3cret@');
    const base = imds.url.replace(/\/$/, '');
    const viaImds = await runInProcess(['export', '--debug'], { ...imdsEnv(), HTTP_PROXY: withAuth });
    expect(viaImds.code).toBe(0);
    const imdsLines = viaImds.stderr.split('\n').filter((line) => line.includes('debug: network:'));
    expect(imdsLines).toEqual(Array(3).fill(`awsrole: debug: network: ${base} through proxy ${proxy.url.replace('http://', 'http://jo:****@').replace(/\/$/, '')} (HTTP_PROXY), no TLS`));
    expect(viaImds.stderr).not.toContain('s3cret');
    const viaContainer = await runInProcess(['export', '--debug'], { ...home.env, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/credentials`, HTTP_PROXY: proxy.url });
    expect(viaContainer.code).toBe(0);
    expect(viaContainer.stderr.split('\n').filter((line) => line.includes('debug: network:'))).toEqual([
      `awsrole: debug: network: ${new URL(container.url).origin} direct (container endpoints never use a proxy, as in botocore)`,
    ]);
    container.requests.length = 0;
  });

  it('IMDS with NO_PROXY naming its address: direct', async () => {
    proxy.requests.length = 0;
    const result = await runInProcess(['export'], { ...imdsEnv(), HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(result.code).toBe(0);
    expect(proxy.requests).toEqual([]);
  });

  it('IMDS through an unreachable proxy is "no answer" (the chain goes on), as in botocore', async () => {
    const result = await runInProcess(['export'], { ...imdsEnv(), HTTP_PROXY: 'http://127.0.0.1:9', AWS_METADATA_SERVICE_NUM_ATTEMPTS: '1' });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^awsrole: no credentials found \(profile default\); tried .*, iam-role\n/);
  });

  it('a container endpoint is always reached directly', async () => {
    proxy.requests.length = 0;
    const result = await runInProcess(['export'], { ...home.env, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/credentials`, HTTP_PROXY: proxy.url, http_proxy: proxy.url });
    expect(result.code).toBe(0);
    expect(proxy.requests).toEqual([]);
    expect(container.requests.length).toBe(1);
  });
});
