/**
 * `awsrole sso login` against the rig. The default for an sso-session is the browser flow
 * (authorization code with PKCE, a loopback callback); here the "browser" is the rig's
 * browse(), which does over HTTP what a user does (test/sso/browser.test.ts uses Chromium).
 * The device-code flow polls, slowing down when told. Both share the AWS CLI's client
 * registration cache and write the token cache the sso link, the AWS CLI and botocore read.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DetachedChild, DetachedExit } from '../../src/deps.js';
import { run } from '../../src/main.js';
import { pyJsonDumpsInOrder } from '../../src/sso/cache-json.js';
import { refusedPort } from '../rigs/imds-server.js';
import { SSO_FIXTURE, type BrowserVisit, type SsoRig } from '../rigs/sso-server.js';
import { CANARIES, type FakeHome } from '../support/cli.js';
import { testDeps, type TestDeps } from '../support/deps.js';
import { sha1, SSO_CONFIG, useSsoWorld } from './world.js';

const { startUrl, region } = SSO_FIXTURE;
const iso = (time: number): string => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
const START = Math.floor(Date.now() / 1000) * 1000;
const TOKEN_KEYS = ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken'];

/** The AWS CLI's registration cache key, computed by Python as botocore's _registration_cache_key does. */
function awsCliRegistrationKey(args: { startUrl: string; region: string; scopes: string[] | null; session_name: string | null }): string {
  const script = 'import hashlib, json, sys; print(hashlib.sha1(json.dumps(json.loads(sys.argv[1]), sort_keys=True).encode("utf-8")).hexdigest())';
  return execFileSync('python3', ['-c', script, JSON.stringify({ tool: 'botocore', ...args })], { encoding: 'utf8' }).trim();
}

let clock = START;
const world = useSsoWorld(SSO_CONFIG, { now: () => new Date(clock) });
let rig: SsoRig;
let home: FakeHome;
beforeEach(() => {
  clock = START;
  ({ rig, home } = world);
});

interface Browser {
  /** Each command line awsrole started, URL last. */
  opened: string[][];
  visits: BrowserVisit[];
  /** Settles when every visit is over (awsrole may finish first: it does not wait for the browser). */
  settled(): Promise<unknown>;
  spawnDetached: (argv: readonly string[]) => DetachedChild;
}

/** A browser that does what the user does (rig.browse), or exits with `exitCode` without opening anything. */
function fakeBrowser(options: { tamper?: (callback: URL) => void; exitCode?: number } = {}): Browser {
  const running: Promise<DetachedExit>[] = [];
  const browser: Browser = {
    opened: [],
    visits: [],
    settled: () => Promise.all(running),
    spawnDetached: (argv) => {
      browser.opened.push([...argv]);
      const url = argv.at(-1) ?? '';
      if (options.exitCode !== undefined || !url.includes('/authorize?')) return { exited: Promise.resolve<DetachedExit>({ exitCode: options.exitCode ?? 0, signal: null }) };
      const exited = rig.browse(url, options).then((visit): DetachedExit => {
        browser.visits.push(visit);
        return { exitCode: 0, signal: null };
      });
      running.push(exited);
      return { exited };
    },
  };
  return browser;
}

/** A user who approves the device request after `approveAfter` polls; the clock moves with each sleep. */
async function awsrole(args: string[], options: { browser?: Browser; approveAfter?: number; env?: Record<string, string> } = {}): Promise<{ code: number; deps: TestDeps; sleeps: number[] }> {
  const sleeps: number[] = [];
  const browser = options.browser ?? fakeBrowser();
  const deps: TestDeps = testDeps(home.dir, {
    now: () => new Date(clock),
    env: { USER: 'tester', NO_COLOR: '1', AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url, BROWSER: 'test-browser', ...options.env },
    spawnDetached: browser.spawnDetached,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      const code = /shows the code (\S+)/.exec(deps.stderr.text())?.[1];
      if (code !== undefined && sleeps.length > (options.approveAfter ?? 1)) rig.approveDevice(code);
    },
  });
  const code = await run(deps, ['node', 'awsrole', ...args]);
  for (const canary of CANARIES) expect(deps.stderr.text()).not.toContain(canary);
  return { code, deps, sleeps };
}

const tokenPath = (key: string): string => home.path(`.aws/sso/cache/${sha1(key)}.json`);
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('awsrole sso login (browser, authorization code with PKCE)', () => {
  const registrationPath = (): string => home.path(`.aws/sso/cache/${awsCliRegistrationKey({ startUrl, region, scopes: ['sso:account:access'], session_name: 'corp' })}.json`);

  it('registers, sends the browser to /authorize, takes the code at the loopback callback, and writes the token', async () => {
    const browser = fakeBrowser();
    const { code, deps } = await awsrole(['sso', 'login', '--profile', 'dev'], { browser });
    expect(code).toBe(0);
    expect(deps.stdout.text()).toBe('');
    expect(rig.calls.map((call) => `${call.operation} ${call.status}`)).toEqual(['RegisterClient 200', 'Authorize 200', 'Approve 302', 'CreateToken 200']);
    expect(rig.calls[0]?.body).toEqual({ clientName: 'awsrole', clientType: 'public', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://127.0.0.1/oauth/callback'], issuerUrl: startUrl, scopes: ['sso:account:access'] });

    const [opened] = browser.opened;
    expect(opened?.slice(0, -1)).toEqual(['test-browser']);
    const authorize = new URL(opened?.at(-1) ?? '');
    const clientId = String(rig.calls[0] && readJson(registrationPath())['clientId']);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${rig.url}/authorize`);
    expect([...authorize.searchParams.keys()]).toEqual(['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge_method', 'scopes', 'code_challenge']);
    const params = Object.fromEntries(authorize.searchParams);
    expect(params).toMatchObject({ response_type: 'code', client_id: clientId, code_challenge_method: 'S256', scopes: 'sso:account:access' });
    expect(params['redirect_uri']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    expect(params['state']).toMatch(/^[0-9a-f-]{36}$/);
    expect(params['code_challenge']).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The rig checked the verifier against the challenge; the code was exchanged at the same redirect URI.
    const exchange = rig.calls[3]?.body ?? {};
    expect(exchange).toMatchObject({ grantType: 'authorization_code', clientId, redirectUri: params['redirect_uri'] });
    expect(String(exchange['codeVerifier'])).toMatch(/^[A-Za-z0-9._~-]{64}$/);
    expect(browser.visits).toEqual([{ callbackUrl: expect.stringContaining(`${params['redirect_uri']}?code=`) as string, status: 200, body: expect.stringContaining('Signed in') as string }]);

    const token = readJson(tokenPath('corp'));
    expect(Object.keys(token)).toEqual(TOKEN_KEYS);
    expect([token['startUrl'], token['region'], token['expiresAt'], token['clientId']]).toEqual([startUrl, region, iso(clock + 8 * 3600_000), clientId]);
    expect(statSync(tokenPath('corp')).mode & 0o777).toBe(0o600);
    expect(deps.stderr.text()).toBe(
      `Signing in to sso-session corp (${startUrl}) in your browser. If it does not open, open this URL on this machine:\n  ${authorize.href}\n(To sign in on another device, run again with --use-device-code.)\n` +
        `Signed in to sso-session corp, valid until ${iso(clock + 8 * 3600_000)} (~/.aws/sso/cache/${sha1('corp')}.json)\n`,
    );

    rig.reset();
    const exported = await awsrole(['export', '--profile', 'dev']);
    expect(exported.code).toBe(0);
    expect(rig.calls.map((call) => [call.operation, call.bearerToken])).toEqual([['GetRoleCredentials', token['accessToken']]]);
  });

  it('caches the registration as the AWS CLI does (its key, its format) and reuses it while it has 15 minutes left', async () => {
    await awsrole(['sso', 'login', '--sso-session', 'corp']);
    const text = readFileSync(registrationPath(), 'utf8');
    const registration = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(registration)).toEqual(['clientId', 'clientSecret', 'expiresAt', 'scopes', 'grantTypes']);
    expect(pyJsonDumpsInOrder(registration)).toBe(text);
    expect(registration).toMatchObject({ expiresAt: iso(clock + 90 * 86_400_000), scopes: ['sso:account:access'], grantTypes: ['authorization_code', 'refresh_token'] });
    expect(statSync(registrationPath()).mode & 0o777).toBe(0o600);

    rig.reset();
    expect((await awsrole(['sso', 'login', '--sso-session', 'corp'])).code).toBe(0);
    expect(rig.calls.map((call) => call.operation)).toEqual(['Authorize', 'Approve', 'CreateToken']);
    expect(rig.calls[2]?.body['clientId']).toBe(registration['clientId']);

    // 14 minutes before it expires: a new registration replaces it.
    clock = Date.parse(String(registration['expiresAt'])) - 14 * 60_000;
    rig.reset();
    expect((await awsrole(['sso', 'login', '--sso-session', 'corp'])).code).toBe(0);
    expect(rig.calls.map((call) => call.operation)).toEqual(['RegisterClient', 'Authorize', 'Approve', 'CreateToken']);
    expect(readJson(registrationPath())['clientId']).not.toBe(registration['clientId']);
  });

  it('symlinks planted at the token and registration files are replaced, never written through', async () => {
    await home.write('planted.json', 'untouched');
    await mkdir(home.path('.aws/sso/cache'), { recursive: true });
    symlinkSync(home.path('planted.json'), tokenPath('corp'));
    symlinkSync(home.path('planted.json'), registrationPath());
    expect((await awsrole(['sso', 'login', '--sso-session', 'corp'])).code).toBe(0);
    expect(readFileSync(home.path('planted.json'), 'utf8')).toBe('untouched');
    for (const path of [tokenPath('corp'), registrationPath()]) {
      expect(lstatSync(path).isSymbolicLink()).toBe(false);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    }
    expect(readJson(tokenPath('corp'))['clientId']).toBe(readJson(registrationPath())['clientId']);
  });

  it('a registration made for the device code is not reused by the browser flow, nor the other way round (as the AWS CLI)', async () => {
    await awsrole(['sso', 'login', '--sso-session', 'corp', '--use-device-code']);
    expect(Object.keys(readJson(registrationPath()))).toEqual(['clientId', 'clientSecret', 'expiresAt', 'scopes']);
    rig.reset();
    await awsrole(['sso', 'login', '--sso-session', 'corp']);
    expect(rig.calls[0]?.operation).toBe('RegisterClient');
    rig.reset();
    await awsrole(['sso', 'login', '--sso-session', 'corp', '--use-device-code']);
    expect(rig.calls[0]?.operation).toBe('RegisterClient');
  });

  it('--debug says what it does and never a token, a client secret or the code', async () => {
    const browser = fakeBrowser();
    const { code, deps } = await awsrole(['sso', 'login', '--profile', 'dev', '--debug'], { browser });
    expect(code).toBe(0);
    expect(deps.stderr.text()).toMatch(/awsrole: debug: sso: waiting for the browser at http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\n/);
    expect(deps.stderr.text()).toContain('awsrole: debug: IAM Identity Center OIDC: CreateToken POST');
    const authorizationCode = new URL(browser.visits[0]?.callbackUrl ?? '').searchParams.get('code') ?? '';
    expect(authorizationCode).toMatch(/^code-/);
    expect(deps.stderr.text()).not.toContain(authorizationCode);
    expect(deps.stderr.text()).not.toContain(String(rig.calls.find((call) => call.operation === 'CreateToken')?.body['codeVerifier']));
  });

  it('SSO-OIDC unreachable: exit 6, stdout empty, no browser opened', async () => {
    const browser = fakeBrowser();
    const { code, deps } = await awsrole(['sso', 'login', '--profile', 'dev'], { browser, env: { AWS_ENDPOINT_URL_SSO_OIDC: `http://127.0.0.1:${await refusedPort()}` } });
    expect({ code, stdout: deps.stdout.text(), opened: browser.opened }).toEqual({ code: 6, stdout: '', opened: [] });
  });

  it('a callback with another state is refused: exit 3, no token written', async () => {
    const browser = fakeBrowser({ tamper: (callback) => callback.searchParams.set('state', 'forged') });
    const { code, deps } = await awsrole(['sso', 'login', '--profile', 'dev'], { browser });
    expect(code).toBe(3);
    await browser.settled();
    expect(deps.stderr.text()).toMatch(/awsrole: the sign-in answer did not carry the state awsrole sent \(not this sign-in\)\n {2}hint: run `awsrole sso login` again/);
    expect(browser.visits[0]?.status).toBe(400);
    expect(rig.calls.map((call) => call.operation)).not.toContain('CreateToken');
    expect(existsSync(tokenPath('corp'))).toBe(false);
  });

  it('a refusal in the browser (error=access_denied): exit 3', async () => {
    const browser = fakeBrowser({
      tamper: (callback) => {
        callback.search = `?error=access_denied&state=${callback.searchParams.get('state') ?? ''}`;
      },
    });
    const { code, deps } = await awsrole(['sso', 'login', '--profile', 'dev'], { browser });
    expect(code).toBe(3);
    expect(deps.stderr.text()).toContain('awsrole: the sign-in was refused (access_denied)\n');
    expect(existsSync(tokenPath('corp'))).toBe(false);
  });

  it('--no-browser only prints the URL; the user opens it', async () => {
    const browser = fakeBrowser();
    const deps = testDeps(home.dir, { now: () => new Date(clock), env: { AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url, BROWSER: 'test-browser' }, spawnDetached: browser.spawnDetached });
    const user = (async (): Promise<BrowserVisit> => {
      for (;;) {
        const url = /\n {2}(http\S+\/authorize\?\S+)\n/.exec(deps.stderr.text())?.[1];
        if (url !== undefined) return rig.browse(url);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const code = await run(deps, ['node', 'awsrole', 'sso', 'login', '--profile', 'dev', '--no-browser']);
    expect(code).toBe(0);
    expect((await user).status).toBe(200);
    expect(browser.opened).toEqual([]);
    expect(deps.stderr.text()).toMatch(/^To sign in to sso-session corp \(https:\/\/corp\.awsapps\.com\/start\), open this URL in a browser on this machine:\n {2}http/);
    expect(Object.keys(readJson(tokenPath('corp')))).toEqual(TOKEN_KEYS);
  });

  it('a browser command that fails is a warning: the URL is on stderr and the sign-in goes on', async () => {
    const browser = fakeBrowser({ exitCode: 3 });
    const deps = testDeps(home.dir, { env: { AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url, BROWSER: 'broken-browser' }, spawnDetached: browser.spawnDetached });
    const running = run(deps, ['node', 'awsrole', 'sso', 'login', '--profile', 'dev']);
    for (;;) {
      if (deps.stderr.text().includes('warning')) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(deps.stderr.text()).toContain('awsrole: warning: the browser command "broken-browser" exited with status 3; open the URL above yourself\n');
    await rig.browse(/\n {2}(http\S+)\n/.exec(deps.stderr.text())?.[1] ?? '');
    expect(await running).toBe(0);
  });
});

describe('awsrole sso login --use-device-code', () => {
  it('signs in for an sso-session profile, opens the verification URL, and writes the token the sso link then uses', async () => {
    const browser = fakeBrowser();
    const { code, deps, sleeps } = await awsrole(['sso', 'login', '--use-device-code', '--profile', 'dev'], { browser });
    expect(code).toBe(0);
    expect(deps.stdout.text()).toBe('');
    expect(sleeps).toEqual([1000, 1000]);
    expect(rig.calls.map((call) => `${call.operation} ${call.status}`)).toEqual(['RegisterClient 200', 'StartDeviceAuthorization 200', 'CreateToken 400', 'CreateToken 200']);
    expect(rig.calls[0]?.body).toEqual({ clientName: 'awsrole', clientType: 'public', scopes: ['sso:account:access'] });
    expect(rig.calls[1]?.body['startUrl']).toBe(startUrl);
    const path = `.aws/sso/cache/${sha1('corp')}.json`;
    const text = readFileSync(home.path(path), 'utf8');
    const token = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(token)).toEqual(TOKEN_KEYS);
    expect(pyJsonDumpsInOrder(token)).toBe(text);
    expect([token['startUrl'], token['region'], token['expiresAt'], token['clientId']]).toEqual([startUrl, region, iso(clock + 8 * 3600_000), rig.calls[2]?.body['clientId']]);
    expect(statSync(home.path(path)).mode & 0o777).toBe(0o600);
    expect(browser.opened).toEqual([['test-browser', expect.stringMatching(new RegExp(`^${rig.url}/device\\?user_code=\\w+$`)) as string]]);
    expect(deps.stderr.text()).toMatch(new RegExp(`^Sign in at:\\n  ${rig.url}/device\\?user_code=(\\w+)\\nand check that the page shows the code \\1\\nSigned in to sso-session corp, valid until ${iso(clock + 8 * 3600_000)} \\(~/${path.replace(/[.]/g, '\\.')}\\)\\n$`));
    rig.reset();
    const exported = await awsrole(['export', '--profile', 'dev']);
    expect(exported.code).toBe(0);
    expect(rig.calls.map((call) => [call.operation, call.bearerToken])).toEqual([['GetRoleCredentials', token['accessToken']]]);
  });

  it('a legacy profile signs in with the device code even without the flag; its token is keyed by the start URL (with the registration, as the AWS CLI writes it)', async () => {
    const browser = fakeBrowser();
    const { code } = await awsrole(['sso', 'login', '--profile', 'legacy', '--no-browser'], { browser });
    expect(code).toBe(0);
    expect(browser.opened).toEqual([]);
    expect(rig.calls.map((call) => call.operation)).toContain('StartDeviceAuthorization');
    expect(Object.keys(readJson(tokenPath(startUrl)))).toEqual(TOKEN_KEYS);
    expect(existsSync(home.path(`.aws/sso/cache/${awsCliRegistrationKey({ startUrl, region, scopes: null, session_name: null })}.json`))).toBe(true);
  });

  it('slows down by 5 s when told to, and --sso-session names the session directly', async () => {
    rig.fault({ operation: 'CreateToken', status: 400, type: 'SlowDownException', message: 'Client is polling too fast', times: 1 });
    const { code, sleeps } = await awsrole(['sso', 'login', '--use-device-code', '--sso-session', 'corp', '--no-browser']);
    expect(code).toBe(0);
    expect(sleeps).toEqual([1000, 6000]);
  });

  it('an expired device code: exit 3', async () => {
    rig.fault({ operation: 'CreateToken', status: 400, type: 'ExpiredTokenException', message: 'Device code has expired' });
    const { code, deps } = await awsrole(['sso', 'login', '--use-device-code', '--profile', 'dev', '--no-browser']);
    expect(code).toBe(3);
    expect(deps.stderr.text()).toMatch(/awsrole: the sign-in request expired before it was approved\n {2}hint: run the command again and approve the request in the browser in time\n$/);
  });

  it('options of another action, two targets, or an unknown action: usage errors before any call', async () => {
    const cases: [string[], string][] = [
      [['sso', 'login', '--prune'], 'awsrole: --prune is for `awsrole sso populate`, not `sso login`\n'],
      [['sso', 'logout', '--no-browser'], 'awsrole: --no-browser is for `awsrole sso login`, not `sso logout`\n'],
      [['sso', 'login', '--profile', 'dev', '--sso-session', 'corp'], 'awsrole: pass one of --profile, --sso-session, not several\n'],
      [['sso', 'signin'], 'awsrole: unknown action "signin"\n  hint: awsrole sso login | logout | populate\n'],
    ];
    for (const [args, stderr] of cases) {
      const result = await awsrole(args);
      expect({ code: result.code, stderr: result.deps.stderr.text() }).toEqual({ code: 2, stderr });
    }
    expect(rig.calls).toEqual([]);
  });
});
