/**
 * botocore and awsrole against the same proxy rigs and STS, with the same variables: the proxy
 * must see the same requests from both (CONNECT target, absolute-form URL, Proxy-Authorization),
 * and NO_PROXY must send both past it alike.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyRig } from '../rigs/proxy-server.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeTestCa, type TestCa } from '../rigs/test-ca.js';
import { makeHome, spawnCollect, type FakeHome } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { pythonEnv, usePython } from '../support/python.js';

const { alice } = FIXTURE;
const SCRIPT = fileURLToPath(new URL('./botocore_sts_call.py', import.meta.url));

let ca: TestCa;
let tlsSts: StsRig;
let plainSts: StsRig;
let proxy: ProxyRig;
let home: FakeHome;

beforeAll(async () => {
  ca = makeTestCa();
  tlsSts = await startStsServer({ tls: { key: ca.key, cert: ca.cert } });
  plainSts = await startStsServer();
  proxy = await startProxyServer({ credentials: { user: 'jo@corp', password: 'p@ss' } });
  home = await makeHome({ '.aws/credentials': `[default]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n` });
});
afterAll(async () => {
  await Promise.all([tlsSts.close(), plainSts.close(), proxy.close(), home.cleanup()]);
});

interface Seen {
  answer: string;
  proxied: string[];
}

function proxied(): string[] {
  const seen = proxy.requests.map((request) => `${request.method} ${request.target} ${request.authorization} ${request.refused}`);
  proxy.requests.length = 0;
  return seen;
}

/** Spawned without blocking: the rigs answering it live in this process. */
async function botocore(endpoint: string, env: Record<string, string>): Promise<Seen> {
  proxy.requests.length = 0;
  const run = await spawnCollect('python3', [SCRIPT, endpoint], {
    ...pythonEnv(),
    HOME: home.dir,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: alice.accessKeyId,
    AWS_SECRET_ACCESS_KEY: alice.secretAccessKey,
    AWS_MAX_ATTEMPTS: '1',
    ...env,
  });
  return { answer: run.stdout.trim(), proxied: proxied() };
}

async function awsrole(endpoint: string, env: Record<string, string>): Promise<Seen> {
  proxy.requests.length = 0;
  const result = await runInProcess(['whoami', '--json'], { ...home.env, AWS_ENDPOINT_URL_STS: endpoint, AWSROLE_STS_MAX_ATTEMPTS: '1', ...env });
  const answer = result.code === 0 ? (JSON.parse(result.stdout) as { Arn: string }).Arn : `exit ${result.code}`;
  return { answer, proxied: proxied() };
}

const withAuth = (): string => `http://jo%40corp:p%40ss@127.0.0.1:${proxy.port}`;

describe.runIf(usePython('botocore', 'the live proxy differential against botocore', 'test/net/proxy-env.test.ts decisions only'))('botocore and awsrole through the same proxy', () => {
  const rows: { name: string; tls: boolean; env: () => Record<string, string> }[] = [
    { name: 'https through CONNECT with Basic credentials', tls: true, env: () => ({ HTTPS_PROXY: withAuth(), AWS_CA_BUNDLE: ca.caFile }) },
    { name: 'https, NO_PROXY=127.0.0.1: direct', tls: true, env: () => ({ HTTPS_PROXY: withAuth(), NO_PROXY: '127.0.0.1', AWS_CA_BUNDLE: ca.caFile }) },
    { name: 'https, NO_PROXY=.0.0.1 (suffix): direct', tls: true, env: () => ({ https_proxy: withAuth(), no_proxy: '.0.0.1', AWS_CA_BUNDLE: ca.caFile }) },
    { name: 'https, NO_PROXY for another port: proxied', tls: true, env: () => ({ HTTPS_PROXY: withAuth(), NO_PROXY: '127.0.0.1:1', AWS_CA_BUNDLE: ca.caFile }) },
    { name: 'http through the proxy in absolute form', tls: false, env: () => ({ HTTP_PROXY: withAuth() }) },
  ];

  it.each(rows)('$name', async (row) => {
    const endpoint = row.tls ? tlsSts.url : plainSts.url;
    const theirs = await botocore(endpoint, row.env());
    const ours = await awsrole(endpoint, row.env());
    expect(theirs.answer).toBe(alice.arn);
    expect(ours).toEqual(theirs);
  });

  it('407 (no credentials): both stop at the proxy', async () => {
    const theirs = await botocore(tlsSts.url, { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile });
    const ours = await awsrole(tlsSts.url, { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile });
    expect(theirs.answer).toBe('ProxyConnectionError');
    expect(ours.answer).toBe('exit 6');
    expect(ours.proxied[0]).toBe(theirs.proxied[0]);
  });
});
