/**
 * The built CLI (bin/awsrole), spawned: through a CONNECT proxy with a CA bundle (the bundle's
 * lazy `import('node:tls')` works once bundled), and what a cheap command loads with the
 * proxy and bundle variables set: no TLS, no HTTP client, the bundle never opened. Node's own
 * `process.moduleLoadList` is the witness (the test's network guard loads node:net itself, so
 * net is not checked here; test/build/startup-rules.test.ts checks the static imports).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyRig } from '../rigs/proxy-server.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeTestCa, type TestCa } from '../rigs/test-ca.js';
import { CLI_BUILT, makeHome, NOT_BUILT, runCli, type FakeHome } from '../support/cli.js';
import { tempDir } from '../support/cleanup.js';

const { alice } = FIXTURE;

let ca: TestCa;
let sts: StsRig;
let proxy: ProxyRig;
let home: FakeHome;

beforeAll(async () => {
  if (!CLI_BUILT) throw new Error(NOT_BUILT);
  ca = makeTestCa();
  sts = await startStsServer({ tls: { key: ca.key, cert: ca.cert } });
  proxy = await startProxyServer();
  home = await makeHome({ '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n` });
});
afterAll(async () => {
  await Promise.all([sts.close(), proxy.close(), home.cleanup()]);
});

/** A preload that writes the built-in modules Node loaded, at exit. */
function moduleRecorder(): { nodeOptions: string; loaded(): string[] } {
  const dir = tempDir();
  const out = join(dir, 'modules.json');
  const preload = join(dir, 'record.cjs');
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)));\n`);
  return { nodeOptions: `--require ${preload}`, loaded: () => JSON.parse(readFileSync(out, 'utf8')) as string[] };
}

describe('the built CLI on a corporate network', () => {
  it('whoami through the CONNECT proxy, trusting AWS_CA_BUNDLE', async () => {
    proxy.requests.length = 0;
    const result = await runCli(['whoami', '--profile', 'alice', '--json'], { ...home.env, AWS_ENDPOINT_URL_STS: sts.url, HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ Arn: alice.arn });
    expect(proxy.requests.map((request) => `${request.method} ${request.target}`)).toEqual([`CONNECT ${new URL(sts.url).host}`]);
  });

  it('export from files with HTTPS_PROXY and a missing AWS_CA_BUNDLE: exit 0, no TLS or HTTP client loaded', async () => {
    const recorder = moduleRecorder();
    const result = await runCli(['export', '--profile', 'alice'], { ...home.env, HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: join(tempDir(), 'missing.pem'), NODE_OPTIONS: recorder.nodeOptions });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const loaded = recorder.loaded();
    expect(loaded.filter((name) => /^NativeModule (tls|_tls_wrap|https|_http_client|_http_agent)$/.test(name))).toEqual([]);
  });

  it('(the witness works: whoami over https loads TLS)', async () => {
    const recorder = moduleRecorder();
    const result = await runCli(['whoami', '--profile', 'alice'], { ...home.env, AWS_ENDPOINT_URL_STS: sts.url, AWS_CA_BUNDLE: ca.caFile, NODE_OPTIONS: recorder.nodeOptions });
    expect(result.code).toBe(0);
    expect(recorder.loaded()).toContain('NativeModule tls');
  });
});
