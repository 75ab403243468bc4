/**
 * Which proxy a request goes through, for the proxy variables and NO_PROXY forms users write:
 * src/net/proxy.ts against botocore itself (test/net/botocore_proxies.py: get_environ_proxies,
 * ProxyConfiguration), and against the expectations written here so the test fails without it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../src/net/proxy.js';
import { SYNC_CHILD_LIMIT } from '../support/cleanup.js';
import { pythonEnv, usePython } from '../support/python.js';

interface Case {
  name: string;
  env: Record<string, string>;
  url: string;
  /** scheme://host:port of the proxy used (port None when the proxy URL has none), or null: direct. */
  want: string | null;
  auth?: string;
}

const P = 'http://127.0.0.1:3128';
const STS = 'https://sts.eu-west-1.amazonaws.com/';

const CASES: Case[] = [
  { name: 'nothing set', env: {}, url: STS, want: null },
  { name: 'HTTPS_PROXY for https', env: { HTTPS_PROXY: P }, url: STS, want: P },
  { name: 'HTTP_PROXY is not for https', env: { HTTP_PROXY: P }, url: STS, want: null },
  { name: 'HTTP_PROXY for http', env: { HTTP_PROXY: P }, url: 'http://127.0.0.1:8080/', want: P },
  { name: 'ALL_PROXY is not read', env: { ALL_PROXY: P, all_proxy: P }, url: STS, want: null },
  { name: 'lower case wins', env: { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }, url: STS, want: 'http://lower:2' },
  { name: 'lower case wins in either order', env: { https_proxy: 'http://lower:2', HTTPS_PROXY: 'http://upper:1' }, url: STS, want: 'http://lower:2' },
  { name: 'an empty lower-case one unsets', env: { HTTPS_PROXY: 'http://upper:1', https_proxy: '' }, url: STS, want: null },
  { name: 'an empty upper-case one is ignored', env: { HTTPS_PROXY: '' }, url: STS, want: null },
  { name: 'a mixed-case name with a lower-case suffix wins too', env: { HTTPS_PROXY: 'http://upper:1', HTTPS_proxy: 'http://mixed:3' }, url: STS, want: 'http://mixed:3' },
  { name: 'no scheme: http://', env: { HTTPS_PROXY: '127.0.0.1:3128' }, url: STS, want: P },
  { name: '//host: http://', env: { HTTPS_PROXY: '//127.0.0.1:3128' }, url: STS, want: P },
  { name: 'an https:// proxy', env: { HTTPS_PROXY: 'https://proxy.corp:8443' }, url: STS, want: 'https://proxy.corp:8443' },
  { name: 'no port', env: { HTTPS_PROXY: 'http://proxy.corp' }, url: STS, want: 'http://proxy.corp:None' },
  { name: 'user and password, percent-decoded', env: { HTTPS_PROXY: 'http://jo%40corp:p%40ss%3Aw%2Frd@127.0.0.1:3128' }, url: STS, want: P, auth: `Basic ${Buffer.from('jo@corp:p@ss:w/rd').toString('base64')}` },
  { name: 'a user without password sends nothing', env: { HTTPS_PROXY: 'http://jo@127.0.0.1:3128' }, url: STS, want: P },
  { name: 'CGI: HTTP_PROXY dropped', env: { REQUEST_METHOD: 'GET', HTTP_PROXY: P }, url: 'http://127.0.0.1:8080/', want: null },
  { name: 'CGI: http_proxy kept', env: { REQUEST_METHOD: 'GET', http_proxy: P }, url: 'http://127.0.0.1:8080/', want: P },
  ...(
    [
      ['sts.eu-west-1.amazonaws.com', null],
      ['.amazonaws.com', null],
      ['amazonaws.com', null],
      ['AMAZONAWS.COM', null],
      ['..amazonaws.com', null],
      ['zonaws.com', P],
      ['*.amazonaws.com', P],
      ['*', null],
      [' *', P],
      ['*,localhost', P],
      ['localhost, sts.eu-west-1.amazonaws.com', null],
      ['sts.eu-west-1.amazonaws.com:443', P],
      ['10.0.0.0/8', P],
      [',,', P],
      ['.', P],
    ] as const
  ).map(([noProxy, want]): Case => ({ name: `NO_PROXY=${JSON.stringify(noProxy)} for ${STS}`, env: { HTTPS_PROXY: P, NO_PROXY: noProxy }, url: STS, want })),
  ...(
    [
      ['127.0.0.1', null],
      ['127.0.0.1:8443', null],
      ['127.0.0.1:9443', P],
      ['0.0.1', null],
      ['localhost', P],
      ['127.0.0.0/8', P],
    ] as const
  ).map(([noProxy, want]): Case => ({ name: `NO_PROXY=${JSON.stringify(noProxy)} for https://127.0.0.1:8443`, env: { HTTPS_PROXY: P, NO_PROXY: noProxy }, url: 'https://127.0.0.1:8443/', want })),
  { name: 'NO_PROXY ::1 does not match [::1] (urllib keeps the brackets)', env: { HTTPS_PROXY: P, NO_PROXY: '::1' }, url: 'https://[::1]:8443/', want: P },
  { name: 'NO_PROXY [::1] matches [::1]:8443', env: { HTTPS_PROXY: P, NO_PROXY: '[::1]' }, url: 'https://[::1]:8443/', want: null },
  { name: 'no_proxy wins over NO_PROXY', env: { HTTPS_PROXY: P, NO_PROXY: 'amazonaws.com', no_proxy: 'example.com' }, url: STS, want: P },
  { name: 'IMDS with NO_PROXY 169.254.169.254', env: { HTTP_PROXY: P, NO_PROXY: '169.254.169.254' }, url: 'http://169.254.169.254/latest/api/token', want: null },
  { name: 'IMDS without NO_PROXY', env: { HTTP_PROXY: P }, url: 'http://169.254.169.254/latest/api/token', want: P },
];

function ours(testCase: Case): { proxy: string | null; auth: string | null } {
  const choice = proxyFor(new URL(testCase.url), testCase.env);
  if (!('proxy' in choice)) return { proxy: null, auth: null };
  const { url, authorization } = choice.proxy;
  return { proxy: `${url.protocol}//${url.hostname}:${url.port === '' ? 'None' : url.port}`, auth: authorization ?? null };
}

describe('the proxy for a request (src/net/proxy.ts)', () => {
  it.each(CASES)('$name', (testCase) => {
    expect(ours(testCase)).toEqual({ proxy: testCase.want, auth: testCase.auth ?? null });
  });

  it('a proxy value that is no URL is reported naming the variable, never shown with its password', () => {
    expect(proxyFor(new URL(STS), { HTTPS_PROXY: 'http://jo:pw@[bad' })).toEqual({ invalid: 'HTTPS_PROXY is not a proxy URL (like http://proxy.example.com:3128)' });
  });
});

describe.runIf(usePython('botocore', 'the proxy differential against botocore', 'the written expectations only'))('the same choices as botocore', () => {
  it('botocore agrees on every case', () => {
    const script = fileURLToPath(new URL('./botocore_proxies.py', import.meta.url));
    const run = spawnSync('python3', [script], { input: JSON.stringify(CASES.map(({ env, url }) => ({ env, url }))), env: pythonEnv(), encoding: 'utf8', ...SYNC_CHILD_LIMIT });
    expect(run.stderr).toBe('');
    const theirs = JSON.parse(run.stdout) as { proxy: string | null; auth: string | null }[];
    expect(CASES.map((testCase, index) => ({ name: testCase.name, ...theirs[index] }))).toEqual(CASES.map((testCase) => ({ name: testCase.name, ...ours(testCase) })));
  });
});
