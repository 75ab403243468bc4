/**
 * Corporate networks (issue 14), through the rigs: STS over TLS signed by a CA made for the test,
 * reached through a loopback CONNECT proxy or an absolute-form http proxy, with NO_PROXY,
 * Basic credentials, 407, a refusing and an unreachable proxy, AWS_CA_BUNDLE and ca_bundle.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyRig } from '../rigs/proxy-server.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeTestCa, type TestCa } from '../rigs/test-ca.js';
import { makeHome, type FakeHome } from '../support/cli.js';
import { tempDir } from '../support/cleanup.js';
import { runInProcess } from '../support/in-process.js';

const { alice, roles } = FIXTURE;

let ca: TestCa;
let otherCa: TestCa;
let sts: StsRig;
let plainSts: StsRig;
let proxy: ProxyRig;
let authProxy: ProxyRig;
let refusingProxy: ProxyRig;
let home: FakeHome;

beforeAll(async () => {
  ca = makeTestCa();
  otherCa = makeTestCa('some other CA');
  sts = await startStsServer({ tls: { key: ca.key, cert: ca.cert } });
  plainSts = await startStsServer();
  proxy = await startProxyServer();
  authProxy = await startProxyServer({ credentials: { user: 'jo@corp', password: 'p@ss:w/rd' } });
  refusingProxy = await startProxyServer({ refuseTunnels: true });
  home = await makeHome({
    '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
    '.aws/config': [
      `[profile alice]\nregion = eu-west-1\n`,
      `[profile bundled]\nregion = eu-west-1\nca_bundle = ${ca.caFile}\nsource_profile = alice\nrole_arn = ${roles.deploy}\n`,
      `[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\n`,
    ].join('\n'),
  });
});
afterAll(async () => {
  await Promise.all([sts.close(), plainSts.close(), proxy.close(), authProxy.close(), refusingProxy.close()]);
  await home.cleanup();
});

function env(extra: Record<string, string>): Record<string, string> {
  return { ...home.env, AWS_ENDPOINT_URL_STS: sts.url, ...extra };
}

async function whoami(extra: Record<string, string>, args: readonly string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return runInProcess(['whoami', '--profile', 'alice', '--json', ...args], env(extra));
}

function tunnelsTo(rig: ProxyRig): string[] {
  return rig.requests.map((request) => `${request.method} ${request.target}${request.refused === 0 ? '' : ` → ${request.refused}`}`);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const stsHost = (): string => new URL(sts.url).host;

describe('HTTPS_PROXY: a CONNECT tunnel, TLS to STS inside it', () => {
  it('whoami goes through the tunnel, trusting the test CA from AWS_CA_BUNDLE', async () => {
    proxy.requests.length = 0;
    sts.reset();
    const result = await whoami({ HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Arn: alice.arn });
    expect(tunnelsTo(proxy)).toEqual([`CONNECT ${stsHost()}`]);
    expect(sts.count('GetCallerIdentity')).toBe(1);
  });

  it('assume through the proxy with the profile ca_bundle (no AWS_CA_BUNDLE)', async () => {
    proxy.requests.length = 0;
    const result = await runInProcess(['assume', '--profile', 'bundled', '--refresh', '--format', 'json'], env({ https_proxy: proxy.url }));
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ AccessKeyId: expect.stringMatching(/^ASIA/) });
    expect(tunnelsTo(proxy)).toEqual([`CONNECT ${stsHost()}`]);
  });

  it('credentials in the proxy URL, percent-decoded, go as Proxy-Authorization: Basic', async () => {
    authProxy.requests.length = 0;
    const proxyUrl = `http://jo%40corp:p%40ss%3Aw%2Frd@127.0.0.1:${authProxy.port}`;
    const result = await whoami({ HTTPS_PROXY: proxyUrl, AWS_CA_BUNDLE: ca.caFile });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(authProxy.requests).toEqual([{ method: 'CONNECT', target: stsHost(), authorization: `Basic ${Buffer.from('jo@corp:p@ss:w/rd').toString('base64')}`, refused: 0 }]);
  });

  it('407 without credentials: exit 6, the proxy wants credentials, nothing reaches STS', async () => {
    authProxy.requests.length = 0;
    sts.reset();
    const result = await whoami({ HTTPS_PROXY: authProxy.url, AWS_CA_BUNDLE: ca.caFile });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`awsrole: the proxy http://127.0.0.1:${authProxy.port} (HTTPS_PROXY) wants credentials (HTTP 407 Proxy Authentication Required)`);
    expect(result.stderr).toContain('http://user:password@host:port');
    expect(tunnelsTo(authProxy)).toEqual([`CONNECT ${stsHost()} → 407`]);
    expect(sts.count()).toBe(0);
  });

  it('407 with wrong credentials: exit 6, the password never shown', async () => {
    const result = await whoami({ HTTPS_PROXY: `http://jo:SECRETPASSWORD@127.0.0.1:${authProxy.port}`, AWS_CA_BUNDLE: ca.caFile });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`the proxy http://jo:****@127.0.0.1:${authProxy.port} (HTTPS_PROXY) wants credentials`);
    expect(result.stderr).toContain('it refused the user name and password in HTTPS_PROXY');
    expect(result.stderr).not.toContain('SECRETPASSWORD');
  });

  it('a proxy that refuses the tunnel: exit 6 naming the proxy and the status', async () => {
    const result = await whoami({ HTTPS_PROXY: refusingProxy.url, AWS_CA_BUNDLE: ca.caFile });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`awsrole: the proxy http://127.0.0.1:${refusingProxy.port} (HTTPS_PROXY) refused a tunnel to ${stsHost()} (HTTP 403 Forbidden)`);
  });

  it('an unreachable proxy: exit 6 naming it, password masked, no retries through it', async () => {
    const port = await closedPort();
    const result = await whoami({ HTTPS_PROXY: `http://jo:SECRETPASSWORD@127.0.0.1:${port}`, AWS_CA_BUNDLE: ca.caFile });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`awsrole: could not reach the proxy http://jo:****@127.0.0.1:${port} (HTTPS_PROXY): ECONNREFUSED`);
    expect(result.stderr).not.toContain('SECRETPASSWORD');
  });

  it('an https:// proxy: TLS to the proxy, checked against the same CA bundle (as urllib3 for botocore), then the tunnel', async () => {
    const tlsProxy = await startProxyServer({ tls: { key: ca.key, cert: ca.cert } });
    try {
      const result = await whoami({ HTTPS_PROXY: tlsProxy.url, AWS_CA_BUNDLE: ca.caFile });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(tunnelsTo(tlsProxy)).toEqual([`CONNECT ${stsHost()}`]);
      const untrusted = await whoami({ HTTPS_PROXY: tlsProxy.url });
      expect(untrusted.code).toBe(6);
      expect(untrusted.stderr).toContain(`awsrole: the TLS certificate of the proxy ${tlsProxy.url} (HTTPS_PROXY) is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`);
    } finally {
      await tlsProxy.close();
    }
  });

  it('a proxy that accepts and never answers the CONNECT: AWSROLE_STS_TIMEOUT ends it, exit 6', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const result = await whoami({ HTTPS_PROXY: `http://127.0.0.1:${port}`, AWS_CA_BUNDLE: ca.caFile, AWSROLE_STS_TIMEOUT: '1', AWSROLE_STS_MAX_ATTEMPTS: '1' });
      expect(result.stdout).toBe('');
      expect(result.code).toBe(6);
      expect(result.stderr).toContain('no answer within 1 s');
      expect(sockets.length).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a proxy URL without a scheme is http:// (botocore), and HTTP_PROXY is not used for https', async () => {
    proxy.requests.length = 0;
    const bare = await whoami({ HTTPS_PROXY: `127.0.0.1:${proxy.port}`, AWS_CA_BUNDLE: ca.caFile });
    expect(bare.code).toBe(0);
    expect(tunnelsTo(proxy)).toEqual([`CONNECT ${stsHost()}`]);
    proxy.requests.length = 0;
    const httpOnly = await whoami({ HTTP_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile });
    expect(httpOnly.code).toBe(0);
    expect(tunnelsTo(proxy)).toEqual([]);
  });
});

describe('NO_PROXY', () => {
  it.each([
    ['127.0.0.1', true],
    ['localhost,127.0.0.1', true],
    [' example.com , 127.0.0.1 ', true],
    ['*', true],
    ['.0.0.1', true],
    ['0.1', true],
    ['127.0.0.2', false],
    ['localhost', false],
    ['*.example.com', false],
    ['example.com,*', false],
  ])('NO_PROXY=%j bypasses the proxy for 127.0.0.1: %s', async (noProxy, bypassed) => {
    proxy.requests.length = 0;
    const result = await whoami({ HTTPS_PROXY: proxy.url, NO_PROXY: noProxy, AWS_CA_BUNDLE: ca.caFile });
    expect(result.code).toBe(0);
    expect(tunnelsTo(proxy)).toEqual(bypassed ? [] : [`CONNECT ${stsHost()}`]);
  });

  it('an entry with a port matches only that port; no_proxy (lower case) wins over NO_PROXY', async () => {
    proxy.requests.length = 0;
    expect((await whoami({ HTTPS_PROXY: proxy.url, NO_PROXY: stsHost(), AWS_CA_BUNDLE: ca.caFile })).code).toBe(0);
    expect((await whoami({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1:1', AWS_CA_BUNDLE: ca.caFile })).code).toBe(0);
    expect((await whoami({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1', no_proxy: 'example.com', AWS_CA_BUNDLE: ca.caFile })).code).toBe(0);
    expect(tunnelsTo(proxy)).toEqual([`CONNECT ${stsHost()}`, `CONNECT ${stsHost()}`]);
  });
});

describe('HTTP_PROXY: plain http endpoints as absolute-form requests', () => {
  it('an http STS endpoint goes to the proxy as POST http://host:port/', async () => {
    authProxy.requests.length = 0;
    plainSts.reset();
    const result = await whoami({ AWS_ENDPOINT_URL_STS: plainSts.url, HTTP_PROXY: `http://jo%40corp:p%40ss%3Aw%2Frd@127.0.0.1:${authProxy.port}`, HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(authProxy.requests.map((request) => [request.method, request.target, request.refused])).toEqual([['POST', `${plainSts.url}/`, 0]]);
    expect(plainSts.count('GetCallerIdentity')).toBe(1);
  });

  it('407 from the proxy for an http endpoint: exit 6, wants credentials', async () => {
    const result = await whoami({ AWS_ENDPOINT_URL_STS: plainSts.url, HTTP_PROXY: authProxy.url });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`the proxy http://127.0.0.1:${authProxy.port} (HTTP_PROXY) wants credentials`);
  });

  it('an unreachable http proxy: exit 6 naming it', async () => {
    const port = await closedPort();
    const result = await whoami({ AWS_ENDPOINT_URL_STS: plainSts.url, http_proxy: `http://u:SECRETPASSWORD@127.0.0.1:${port}` });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`could not reach the proxy http://u:****@127.0.0.1:${port} (http_proxy): ECONNREFUSED`);
    expect(result.stderr).not.toContain('SECRETPASSWORD');
  });
});

describe('CA bundle: AWS_CA_BUNDLE, else the profile ca_bundle', () => {
  it('AWS_CA_BUNDLE wins over ca_bundle: a bundle without the signing CA is exit 6 naming AWS_CA_BUNDLE', async () => {
    const result = await runInProcess(['assume', '--profile', 'bundled', '--refresh'], env({ AWS_CA_BUNDLE: otherCa.caFile }));
    expect(result.stdout).toBe('');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`is not trusted with the CA bundle ${otherCa.caFile} (AWS_CA_BUNDLE)`);
  });

  it('an untrusted certificate under the profile ca_bundle names ca_bundle of the profile', async () => {
    const dir = tempDir();
    const config = home.path('.aws/config');
    const other = join(dir, 'config');
    writeFileSync(other, `[profile alice]\nca_bundle = ${otherCa.caFile}\n`);
    const result = await whoami({ AWS_CONFIG_FILE: other });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`is not trusted with the CA bundle ${otherCa.caFile} (ca_bundle of profile alice)`);
    expect(config).not.toBe(other);
  });

  it('without a bundle the test CA is not trusted: exit 6, the hint names AWS_CA_BUNDLE and ca_bundle', async () => {
    const result = await whoami({});
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("the endpoint's TLS certificate is not trusted");
    expect(result.stderr).toContain("AWS_CA_BUNDLE (or the profile's ca_bundle)");
  });

  it('a missing bundle: exit 5 naming it; a file without a certificate: exit 5 too', async () => {
    const missing = join(tempDir(), 'nope.pem');
    const absent = await whoami({ AWS_CA_BUNDLE: missing });
    expect(absent.stdout).toBe('');
    expect(absent.code).toBe(5);
    expect(absent.stderr).toContain(`awsrole: AWS_CA_BUNDLE: ${missing} does not exist`);
    const empty = join(tempDir(), 'empty.pem');
    writeFileSync(empty, '');
    const hollow = await whoami({ AWS_CA_BUNDLE: empty });
    expect(hollow.code).toBe(5);
    expect(hollow.stderr).toContain(`awsrole: AWS_CA_BUNDLE: ${empty} holds no certificate`);
  });

  it('read only for an https request: export from keys and an http endpoint never open it', async () => {
    const missing = join(tempDir(), 'nope.pem');
    const exported = await runInProcess(['export', '--profile', 'alice'], { ...home.env, AWS_CA_BUNDLE: missing });
    expect(exported.code).toBe(0);
    const plain = await whoami({ AWS_ENDPOINT_URL_STS: plainSts.url, AWS_CA_BUNDLE: missing });
    expect(plain.code).toBe(0);
  });
});

describe('--debug', () => {
  it('says which proxy (password masked) and which CA bundle each request used', async () => {
    const result = await whoami({ HTTPS_PROXY: `http://jo%40corp:p%40ss%3Aw%2Frd@127.0.0.1:${authProxy.port}`, AWS_CA_BUNDLE: ca.caFile }, ['--debug']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`network: ${sts.url} through proxy http://jo%40corp:****@127.0.0.1:${authProxy.port} (HTTPS_PROXY), CA bundle ${ca.caFile} (AWS_CA_BUNDLE)`);
    expect(result.stderr).not.toContain('p%40ss');
    const direct = await whoami({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1', AWS_CA_BUNDLE: ca.caFile }, ['--debug']);
    expect(direct.stderr).toContain(`network: ${sts.url} direct (NO_PROXY matches ${stsHost()}), CA bundle ${ca.caFile} (AWS_CA_BUNDLE)`);
  });
});
