/**
 * Issue 11 phase 1: the sso link in process (run(testDeps, argv)) against the local IAM
 * Identity Center rig: both profile forms, the token cache and its renewal, GetRoleCredentials,
 * the AWS CLI's role cache, endpoints, errors and --explain; exact outputs, exit codes, files and
 * the rig's request log.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import { ssoEndpoints } from '../../src/sso/endpoints.js';
import { longestCallMs } from '../../src/sso/rest-json.js';
import type { SharedConfig } from '../../src/config/shared-config.js';
import { startSsoServer, SSO_FIXTURE, type SignedIn, type SsoRig } from '../rigs/sso-server.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { refusedPort } from '../rigs/imds-server.js';
import { CANARIES, type FakeHome } from '../support/cli.js';
import { DEV_ROLE_CACHE, LEGACY_ROLE_CACHE, LEGACY_TOKEN_FILE, SESSION_TOKEN_FILE, useSsoWorld } from './world.js';
import { noWait, testDeps, type TestDeps } from '../support/deps.js';

const { startUrl, region } = SSO_FIXTURE;
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const HOUR = 3600_000;
const iso = (time: Date | number): string => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');

const CONFIG = [
  '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-central-1\n',
  `[sso-session corp]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_registration_scopes = sso:account:access\n`,
  `[profile legacy]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_account_id = 444455556666\nsso_role_name = Admin\n`,
].join('\n');


const world = useSsoWorld(CONFIG, { now: () => NOW });
let rig: SsoRig;
let home: FakeHome;
beforeEach(() => ({ rig, home } = world));

/** The token file as the AWS CLI writes it (json.dumps: ", " and ": " separators). */
function tokenText(token: SignedIn): string {
  return JSON.stringify(token).replace(/","/g, '", "').replace(/":"/g, '": "');
}

async function writeToken(relative: string, token: SignedIn): Promise<void> {
  await home.write(relative, tokenText(token));
}

/** `waits`: sleeps really wait (a lock held by another run); else they are recorded in deps.sleeps only (retries: rand × 2^(n-1) s, random 0.5 here). */
async function awsrole(args: string[], env: Record<string, string> = {}, waits = false): Promise<{ code: number; deps: TestDeps }> {
  const deps = testDeps(home.dir, {
    now: () => NOW,
    env: { USER: 'tester', NO_COLOR: '1', AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url, ...env },
    ...(waits ? {} : { sleep: noWait }),
  });
  const code = await run(deps, ['node', 'awsrole', ...args]);
  const leaked = CANARIES.find((canary) => deps.stderr.text().includes(canary));
  if (leaked !== undefined) throw new Error(`a secret (${leaked}) reached stderr: ${deps.stderr.text()}`);
  return { code, deps };
}

async function expectFailure(args: string[], code: number, stderr: string, env: Record<string, string> = {}): Promise<void> {
  const result = await awsrole(args, env);
  expect(result.deps.stderr.text()).toBe(stderr);
  expect(result.deps.stdout.text()).toBe('');
  expect(result.code).toBe(code);
}

function processJson(index: number, accountId: string): string {
  const issued = rig.issued[index];
  if (issued === undefined) throw new Error(`no credentials issued at ${index}`);
  const out = { Version: 1, AccessKeyId: issued.accessKeyId, SecretAccessKey: issued.secretAccessKey, SessionToken: issued.sessionToken, Expiration: iso(issued.expiration), AccountId: accountId };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function roleCacheText(index: number, accountId: string): string {
  const issued = rig.issued[index];
  if (issued === undefined) throw new Error(`no credentials issued at ${index}`);
  return (
    `{"ProviderType": "sso", "Credentials": {"AccessKeyId": "${issued.accessKeyId}", "SecretAccessKey": "${issued.secretAccessKey}", ` +
    `"SessionToken": "${issued.sessionToken}", "Expiration": "${iso(issued.expiration)}", "AccountId": "${accountId}"}}`
  );
}

const mode = (relative: string): number => statSync(home.path(relative)).mode & 0o777;
const read = (relative: string): string => readFileSync(home.path(relative), 'utf8');
const operations = (): string[] => rig.calls.map((call) => `${call.operation} ${call.status}`);

/**
 * A relay to the rig: every request is passed on and acted on, but the answers to the first
 * `lose` requests to `path` are dropped (the connection reset), as a network that fails after
 * the service acted.
 */
async function lossyRelay(path: string, lose: number): Promise<{ url: string; close(): Promise<void> }> {
  let lost = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const upstream = httpRequest(new URL(req.url ?? '/', rig.url), { method: req.method, headers: req.headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('end', () => {
          if (new URL(req.url ?? '/', rig.url).pathname === path && lost < lose) {
            lost++;
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.end(Buffer.concat(body));
        });
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('an sso-session profile with a valid token', () => {
  it('prints the role credentials GetRoleCredentials returned, and caches them as the AWS CLI does', async () => {
    const token = rig.signIn({ startUrl, region, session: true });
    await writeToken(SESSION_TOKEN_FILE, token);
    const issuedBefore = rig.issued.length;
    const { code, deps } = await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    expect(deps.stderr.text()).toBe('');
    expect(deps.stdout.text()).toBe(processJson(issuedBefore, '111122223333'));
    expect(code).toBe(0);
    expect(rig.calls.map(({ operation, method, path, query, bearerToken, status }) => ({ operation, method, path, query, bearerToken, status }))).toEqual([
      { operation: 'GetRoleCredentials', method: 'GET', path: '/federation/credentials', query: { role_name: 'Admin', account_id: '111122223333' }, bearerToken: token.accessToken, status: 200 },
    ]);
    expect(read(DEV_ROLE_CACHE)).toBe(roleCacheText(issuedBefore, '111122223333'));
    expect(mode(DEV_ROLE_CACHE)).toBe(0o600);
    expect(read(SESSION_TOKEN_FILE)).toBe(tokenText(token));
  });

  it('reuses the cached role credentials without reading the token; --refresh fetches new ones', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    const first = rig.issued.length;
    await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    const again = await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    expect(again.deps.stdout.text()).toBe(processJson(first, '111122223333'));
    expect(operations()).toEqual(['GetRoleCredentials 200']);
    const refreshed = await awsrole(['export', '--profile', 'dev', '--format', 'process', '--refresh']);
    expect(refreshed.deps.stdout.text()).toBe(processJson(first + 1, '111122223333'));
    expect(operations()).toEqual(['GetRoleCredentials 200', 'GetRoleCredentials 200']);
    expect(read(DEV_ROLE_CACHE)).toBe(roleCacheText(first + 1, '111122223333'));
  });

  it('does not reuse cached role credentials with less than 15 minutes left', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    await home.write(DEV_ROLE_CACHE, `{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAOLD", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "${iso(NOW.getTime() + 14 * 60_000)}", "AccountId": "111122223333"}}`);
    const first = rig.issued.length;
    const { deps } = await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    expect(deps.stdout.text()).toBe(processJson(first, '111122223333'));
    expect(operations()).toEqual(['GetRoleCredentials 200']);
  });
});

describe('a legacy profile (sso_start_url in the profile)', () => {
  it('reads the token keyed by the start URL and caches the role under the start URL', async () => {
    const token = rig.signIn({ startUrl, region });
    await writeToken(LEGACY_TOKEN_FILE, token);
    const first = rig.issued.length;
    const { code, deps } = await awsrole(['export', '--profile', 'legacy', '--format', 'process']);
    expect(deps.stderr.text()).toBe('');
    expect(deps.stdout.text()).toBe(processJson(first, '444455556666'));
    expect(code).toBe(0);
    expect(rig.calls.map((call) => [call.operation, call.query, call.bearerToken])).toEqual([['GetRoleCredentials', { role_name: 'Admin', account_id: '444455556666' }, token.accessToken]]);
    expect(read(LEGACY_ROLE_CACHE)).toBe(roleCacheText(first, '444455556666'));
  });

  it('is never refreshed: expired is exit 3, naming the sign-in command, with nothing sent', async () => {
    await writeToken(LEGACY_TOKEN_FILE, rig.signIn({ startUrl, region, expiresInSeconds: -60 }));
    await expectFailure(
      ['export', '--profile', 'legacy'],
      3,
      `awsrole: sso: the IAM Identity Center sign-in for start URL ${startUrl} expired at ${iso(NOW.getTime() - 60_000)} and was not refreshed: a legacy profile (no sso_session) cannot be\n` +
        '  hint: sign in with `awsrole sso login --profile legacy`\n',
    );
    expect(rig.calls).toEqual([]);
  });

  it('with no token: exit 3 naming the cache file and the sign-in command', async () => {
    await expectFailure(
      ['export', '--profile', 'legacy'],
      3,
      `awsrole: sso: no IAM Identity Center sign-in for start URL ${startUrl} (no ~/${LEGACY_TOKEN_FILE})\n  hint: sign in with \`awsrole sso login --profile legacy\`\n`,
    );
  });
});

describe('a token cache path that is not a regular file', () => {
  it('a FIFO (or a folder) there is no token: exit 3 at once, never a read that blocks', async () => {
    mkdirSync(join(home.dir, '.aws/sso/cache'), { recursive: true });
    execFileSync('mkfifo', [join(home.dir, SESSION_TOKEN_FILE)]);
    const result = await awsrole(['export', '--profile', 'dev']);
    expect(result.code).toBe(3);
    expect(result.deps.stdout.text()).toBe('');
    expect(result.deps.stderr.text()).toContain('hint: sign in with `awsrole sso login --profile dev`');
    expect(rig.calls).toEqual([]);
  });
});

describe('token renewal (sso-session tokens)', () => {
  it('renews a token within 15 minutes of expiry and rewrites the cache file as botocore does', async () => {
    const token = rig.signIn({ startUrl, region, session: true, expiresInSeconds: 10 * 60 });
    await writeToken(SESSION_TOKEN_FILE, token);
    const first = rig.issued.length;
    const { code, deps } = await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    expect(deps.stderr.text()).toBe('');
    expect(deps.stdout.text()).toBe(processJson(first, '111122223333'));
    expect(code).toBe(0);
    const [create, get] = rig.calls;
    expect(create?.operation).toBe('CreateToken');
    expect(create?.body).toEqual({ clientId: token.clientId, clientSecret: token.clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken });
    const written = JSON.parse(read(SESSION_TOKEN_FILE)) as Record<string, string>;
    expect(get?.bearerToken).toBe(written['accessToken']);
    expect(written['accessToken']).not.toBe(token.accessToken);
    expect(written['refreshToken']).not.toBe(token.refreshToken);
    expect(read(SESSION_TOKEN_FILE)).toBe(
      `{"startUrl": "${startUrl}", "region": "${region}", "accessToken": "${written['accessToken']}", "expiresAt": "${iso(NOW.getTime() + 8 * HOUR)}", ` +
        `"clientId": "${token.clientId}", "clientSecret": "${token.clientSecret}", "registrationExpiresAt": "${token.registrationExpiresAt}", "refreshToken": "${written['refreshToken']}"}`,
    );
    expect(mode(SESSION_TOKEN_FILE)).toBe(0o600);
  });

  it('a symlink planted at the token file is replaced by the renewed file, never written through', async () => {
    const token = rig.signIn({ startUrl, region, session: true, expiresInSeconds: 10 * 60 });
    await home.write('elsewhere.json', tokenText(token));
    mkdirSync(home.path('.aws/sso/cache'), { recursive: true });
    symlinkSync(home.path('elsewhere.json'), home.path(SESSION_TOKEN_FILE));
    const { code } = await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    expect(code).toBe(0);
    expect(operations()).toEqual(['CreateToken 200', 'GetRoleCredentials 200']);
    expect(read('elsewhere.json')).toBe(tokenText(token));
    expect(lstatSync(home.path(SESSION_TOKEN_FILE)).isSymbolicLink()).toBe(false);
    expect(mode(SESSION_TOKEN_FILE)).toBe(0o600);
    expect(JSON.parse(read(SESSION_TOKEN_FILE))).toMatchObject({ accessToken: rig.calls[1]?.bearerToken });
  });

  it('renews an expired token too', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: -3600 }));
    const { code } = await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    expect(code).toBe(0);
    expect(operations()).toEqual(['CreateToken 200', 'GetRoleCredentials 200']);
  });

  it('waits out another process renewing for a minute (its CreateToken retried): takes the token it wrote, no second CreateToken', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: -60 }));
    // Another live process (this one's pid) holds the renewal lock.
    await home.write(`${SESSION_TOKEN_FILE}.lock`, `${process.pid}\nanother-renewal\n`);
    const renewed = rig.signIn({ startUrl, region, session: true });
    let waited = 0;
    const deps = testDeps(home.dir, {
      now: () => NOW,
      env: { USER: 'tester', NO_COLOR: '1', AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url },
      sleep: async (ms) => {
        waited += ms;
        // The holder finishes after a minute of its retries: it writes the token and lets go.
        if (waited >= 60_000 && existsSync(home.path(`${SESSION_TOKEN_FILE}.lock`))) {
          await writeToken(SESSION_TOKEN_FILE, renewed);
          rmSync(home.path(`${SESSION_TOKEN_FILE}.lock`));
        }
      },
    });
    const code = await run(deps, ['node', 'awsrole', 'export', '--profile', 'dev', '--format', 'process']);
    expect(deps.stderr.text()).toBe('');
    expect(code).toBe(0);
    expect(operations()).toEqual(['GetRoleCredentials 200']);
    expect(rig.calls[0]?.bearerToken).toBe(renewed.accessToken);
  });

  it('several processes renewing at once: one CreateToken (SSO-OIDC takes a refresh token once), the others take the token it wrote', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: -60 }));
    const results = await Promise.all([1, 2, 3].map(() => awsrole(['export', '--profile', 'dev', '--format', 'process', '--refresh'], {}, true)));
    expect(results.map(({ code, deps }) => [code, deps.stderr.text()])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    expect(operations().filter((operation) => operation.startsWith('CreateToken'))).toEqual(['CreateToken 200']);
    const written = JSON.parse(read(SESSION_TOKEN_FILE)) as Record<string, string>;
    expect(rig.calls.filter((call) => call.operation === 'GetRoleCredentials').map((call) => call.bearerToken)).toEqual([written['accessToken'], written['accessToken'], written['accessToken']]);
    expect(existsSync(home.path(`${SESSION_TOKEN_FILE}.lock`))).toBe(false);
  });

  it('leaves a token with more than 15 minutes alone', async () => {
    const token = rig.signIn({ startUrl, region, session: true, expiresInSeconds: 16 * 60 });
    await writeToken(SESSION_TOKEN_FILE, token);
    await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    expect(operations()).toEqual(['GetRoleCredentials 200']);
    expect(read(SESSION_TOKEN_FILE)).toBe(tokenText(token));
  });

  it('keeps a still-valid token when the renewal is refused (botocore logs it and goes on)', async () => {
    const token = rig.signIn({ startUrl, region, session: true, expiresInSeconds: 5 * 60 });
    await writeToken(SESSION_TOKEN_FILE, token);
    rig.fault({ operation: 'CreateToken', status: 400, type: 'InvalidGrantException', message: 'Invalid refresh token provided' });
    const { code } = await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    expect(code).toBe(0);
    expect(operations()).toEqual(['CreateToken 400', 'GetRoleCredentials 200']);
    expect(rig.calls[1]?.bearerToken).toBe(token.accessToken);
    expect(read(SESSION_TOKEN_FILE)).toBe(tokenText(token));
  });

  it('an expired token whose renewal is refused: exit 3 with why, and the sign-in command', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: -60 }));
    rig.fault({ operation: 'CreateToken', status: 400, type: 'InvalidGrantException', message: 'Invalid refresh token provided' });
    await expectFailure(
      ['export', '--profile', 'dev'],
      3,
      `awsrole: sso: the IAM Identity Center sign-in for sso-session corp expired at ${iso(NOW.getTime() - 60_000)} and was not refreshed: renewal refused: InvalidGrantException: Invalid refresh token provided\n` +
        '  hint: sign in with `awsrole sso login --profile dev`\n',
    );
    expect(operations()).toEqual(['CreateToken 400']);
  });

  it('an expired token whose client registration has expired is not sent for renewal', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: -60, registrationSeconds: -1 }));
    await expectFailure(
      ['export', '--profile', 'dev'],
      3,
      `awsrole: sso: the IAM Identity Center sign-in for sso-session corp expired at ${iso(NOW.getTime() - 60_000)} and was not refreshed: the client registration expired at ${iso(NOW.getTime() - 1000)}\n` +
        '  hint: sign in with `awsrole sso login --profile dev`\n',
    );
    expect(rig.calls).toEqual([]);
  });

  it('an expired token without a refresh token (signed in by an older tool) is exit 3', async () => {
    const { refreshToken: _dropped, ...withoutRefresh } = rig.signIn({ startUrl, region, session: true, expiresInSeconds: -60 });
    await writeToken(SESSION_TOKEN_FILE, withoutRefresh);
    await expectFailure(
      ['export', '--profile', 'dev'],
      3,
      `awsrole: sso: the IAM Identity Center sign-in for sso-session corp expired at ${iso(NOW.getTime() - 60_000)} and was not refreshed: no refreshToken in the cache file\n` +
        '  hint: sign in with `awsrole sso login --profile dev`\n',
    );
  });

  it('SSO-OIDC unreachable during a renewal: exit 6', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: -60 }));
    const port = await refusedPort();
    const { code, deps } = await awsrole(['export', '--profile', 'dev'], { AWS_ENDPOINT_URL_SSO_OIDC: `http://127.0.0.1:${port}` });
    expect(deps.stderr.text()).toMatch(new RegExp(`^awsrole: sso: IAM Identity Center OIDC at "http://127\\.0\\.0\\.1:${port}" did not answer CreateToken \\(ECONNREFUSED: .*\\)\\n  hint: check the network, and AWS_ENDPOINT_URL_SSO_OIDC\\n$`));
    expect(deps.stdout.text()).toBe('');
    expect(code).toBe(6);
    expect(deps.sleeps).toEqual([500, 1000, 2000, 4000]);
  });
});

describe('retries that cannot help, or may have been acted on', () => {
  it('a renewal whose answer is lost: the retry is refused (the lost attempt used the refresh token), and the message says so; no token in --debug', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: -60 }));
    const relay = await lossyRelay('/token', 1);
    try {
      const { code, deps } = await awsrole(['--debug', 'export', '--profile', 'dev'], { AWS_ENDPOINT_URL_SSO_OIDC: relay.url });
      const stderr = deps.stderr.text();
      expect(stderr).toMatch(/IAM Identity Center OIDC: CreateToken got no answer \((ECONNRESET|socket hang up)\)\n/);
      expect(stderr).toContain('IAM Identity Center OIDC: CreateToken again in 0.5 s (attempt 2 of 5)\n');
      expect(stderr).toContain(
        `awsrole: sso: the IAM Identity Center sign-in for sso-session corp expired at ${iso(NOW.getTime() - 60_000)} and was not refreshed: renewal refused: InvalidGrantException: Invalid refresh token provided, after an attempt that got no answer (which may have used it up)\n` +
          '  hint: sign in with `awsrole sso login --profile dev`\n',
      );
      for (const secret of [...CANARIES, 'aoa-', 'aor-']) expect(stderr).not.toContain(secret);
      expect(code).toBe(3);
      expect(operations()).toEqual(['CreateToken 200', 'CreateToken 400']);
      expect(deps.sleeps).toEqual([500]);
    } finally {
      await relay.close();
    }
  });

  it('a refusal after a 503 (an answer: nothing was lost) carries no note', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: -60 }));
    rig.fault({ operation: 'CreateToken', status: 503, type: 'ServiceUnavailableException', message: 'later', times: 1 });
    rig.fault({ operation: 'CreateToken', status: 400, type: 'InvalidGrantException', message: 'Invalid refresh token provided' });
    const { code, deps } = await awsrole(['export', '--profile', 'dev']);
    expect(code).toBe(3);
    expect(deps.stderr.text()).toContain('renewal refused: InvalidGrantException: Invalid refresh token provided\n');
    expect(operations()).toEqual(['CreateToken 503', 'CreateToken 400']);
  });

  it('a bearer token Node will not send (a line break in a damaged cache file): exit 6 at once, not retried', async () => {
    const token = rig.signIn({ startUrl, region, session: true });
    await writeToken(SESSION_TOKEN_FILE, { ...token, accessToken: `${token.accessToken}\nX-Injected: 1` });
    const { code, deps } = await awsrole(['export', '--profile', 'dev']);
    expect(deps.stderr.text()).toMatch(/did not answer GetRoleCredentials \(ERR_INVALID_CHAR: /);
    expect(deps.stderr.text()).not.toContain(token.accessToken);
    expect(code).toBe(6);
    expect(rig.calls).toEqual([]);
    expect(deps.sleeps).toEqual([]);
  });

  it.each(['0', '-1', 'abc', '', '2.5'])('AWS_MAX_ATTEMPTS=%j, which botocore refuses (int(), at least 1): exit 5 before any call', async (value) => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    await expectFailure(
      ['export', '--profile', 'dev'],
      5,
      `awsrole: sso: AWS_MAX_ATTEMPTS = ${JSON.stringify(value)} is not a whole number of attempts of 1 or more\n  hint: set AWS_MAX_ATTEMPTS to the total number of attempts, such as 3 (the default is 5), or unset it\n`,
      { AWS_MAX_ATTEMPTS: value },
    );
    expect(rig.calls).toEqual([]);
  });

  it.each([' 2 ', '+2', '0_2', '002'])('AWS_MAX_ATTEMPTS=%j is 2, as Python\'s int() reads it', async (value) => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    rig.fault({ operation: 'GetRoleCredentials', status: 503, type: 'ServiceUnavailableException', message: 'down' });
    const { code, deps } = await awsrole(['export', '--profile', 'dev'], { AWS_MAX_ATTEMPTS: value });
    expect(code).toBe(6);
    expect(operations()).toEqual(['GetRoleCredentials 503', 'GetRoleCredentials 503']);
    expect(deps.sleeps).toEqual([500]);
  });

  it('AWS_MAX_ATTEMPTS=1000 (botocore has no upper bound): no wait longer than a timer can wait (a longer one would fire at once)', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    rig.fault({ operation: 'GetRoleCredentials', status: 503, type: 'ServiceUnavailableException', message: 'down', times: 40 });
    const { code, deps } = await awsrole(['export', '--profile', 'dev', '--format', 'process'], { AWS_MAX_ATTEMPTS: '1000' });
    expect(code).toBe(0);
    expect(deps.sleeps).toHaveLength(40);
    expect(deps.sleeps.at(-1)).toBe(2_147_483_647);
  });
});

describe('the portal refusing or unreachable', () => {
  it('401 (a revoked sign-in): exit 4 naming the sign-in command', async () => {
    const token = rig.signIn({ startUrl, region, session: true });
    rig.revoke(token.accessToken);
    await writeToken(SESSION_TOKEN_FILE, token);
    await expectFailure(
      ['export', '--profile', 'dev'],
      4,
      'awsrole: sso: the IAM Identity Center portal refused the sign-in token for role Admin in account 111122223333 (UnauthorizedException: Session token not found or invalid)\n' +
        '  hint: the sign-in has expired or was revoked: sign in with `awsrole sso login --profile dev`\n',
    );
  });

  it('403 (a role the user is not assigned): exit 4', async () => {
    await home.write('.aws/config', `${CONFIG}\n[profile nope]\nsso_session = corp\nsso_account_id = 444455556666\nsso_role_name = ReadOnly\n`);
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    await expectFailure(
      ['export', '--profile', 'nope'],
      4,
      'awsrole: sso: the IAM Identity Center portal refused role ReadOnly in account 444455556666 (ForbiddenException: No access)\n' +
        '  hint: check sso_account_id and sso_role_name of profile nope: the signed-in user must be assigned that role in that account\n',
    );
  });

  it('unreachable: exit 6', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    const port = await refusedPort();
    const { code, deps } = await awsrole(['export', '--profile', 'dev'], { AWS_ENDPOINT_URL_SSO: `http://127.0.0.1:${port}` });
    expect(deps.stderr.text()).toMatch(/^awsrole: sso: the IAM Identity Center portal at "http:\/\/127\.0\.0\.1:\d+" did not answer GetRoleCredentials \(ECONNREFUSED: .*\)\n {2}hint: check the network, and AWS_ENDPOINT_URL_SSO\n$/);
    expect(code).toBe(6);
    // botocore's default retries: 5 attempts, rand × 1, 2, 4, 8 s apart.
    expect(deps.sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  it('throttled (429 TooManyRequestsException) or failing (503) for a while: waited out as botocore does, the credentials come', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    rig.fault({ operation: 'GetRoleCredentials', status: 429, type: 'TooManyRequestsException', message: 'Rate exceeded', times: 2 });
    rig.fault({ operation: 'GetRoleCredentials', status: 503, type: 'ServiceUnavailableException', message: 'try later', times: 1 });
    const { code, deps } = await awsrole(['export', '--profile', 'dev', '--format', 'process']);
    expect(deps.stderr.text()).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(deps.stdout.text())).toMatchObject({ Version: 1, AccessKeyId: rig.issued.at(-1)?.accessKeyId });
    expect(rig.calls.filter((call) => call.operation === 'GetRoleCredentials')).toHaveLength(4);
    expect(deps.sleeps).toEqual([500, 1000, 2000]);
  });

  it('throttled past AWS_MAX_ATTEMPTS (the total, as in botocore): exit 6 after that many calls', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    rig.fault({ operation: 'GetRoleCredentials', status: 429, type: 'TooManyRequestsException', message: 'Rate exceeded' });
    const { code, deps } = await awsrole(['export', '--profile', 'dev'], { AWS_MAX_ATTEMPTS: '2' });
    expect(code).toBe(6);
    expect(deps.stderr.text()).toContain('is failing or throttling GetRoleCredentials');
    expect(rig.calls.filter((call) => call.operation === 'GetRoleCredentials')).toHaveLength(2);
    expect(deps.sleeps).toEqual([500]);
  });

  it('a refusal is not retried: 401 once, one call', async () => {
    const token = rig.signIn({ startUrl, region, session: true });
    await writeToken(SESSION_TOKEN_FILE, token);
    rig.revoke(token.accessToken);
    const { code, deps } = await awsrole(['export', '--profile', 'dev']);
    expect(code).toBe(4);
    expect(rig.calls.filter((call) => call.operation === 'GetRoleCredentials')).toHaveLength(1);
    expect(deps.sleeps).toEqual([]);
  });

  it('--debug shows each call and the renewal, never a token or a secret', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: 60 }));
    const { code, deps } = await awsrole(['--debug', 'export', '--profile', 'dev']);
    expect(code).toBe(0);
    const stderr = deps.stderr.text();
    expect(stderr).toContain(`IAM Identity Center OIDC: CreateToken POST ${rig.url}/token (AWS_ENDPOINT_URL_SSO_OIDC)\n`);
    expect(stderr).toContain(`the IAM Identity Center portal: GetRoleCredentials GET ${rig.url}/federation/credentials (AWS_ENDPOINT_URL_SSO)\n`);
    expect(stderr).toContain(`sso: renewed the token for sso-session corp, valid until ${iso(NOW.getTime() + 8 * HOUR)}\n`);
    for (const secret of [...CANARIES, 'aoa-', 'aor-']) expect(stderr).not.toContain(secret);
  });
});

describe('configuration errors, as botocore finds them', () => {
  const cases: [string, string, string][] = [
    [
      '[profile p]\nsso_account_id = 111122223333\n',
      'profile "p" is configured for IAM Identity Center (SSO) but is missing sso_role_name, sso_start_url, sso_region',
      'add sso_role_name and sso_start_url and sso_region to the profile (`aws configure sso` writes them)',
    ],
    [
      '[profile p]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = R\n',
      'profile "p" names sso_session "gone", but the config file has no [sso-session gone]',
      'add [sso-session gone] with sso_start_url and sso_region (`aws configure sso-session` writes it)',
    ],
    [
      '[profile p]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\nsso_region = us-east-1\n',
      'profile "p" sets sso_region to "us-east-1", but its [sso-session corp] sets "eu-west-1"',
      "remove sso_region from the profile (the sso-session's value is used) or make them equal",
    ],
    [
      '[profile p]\nsso_session = bare\nsso_account_id = 1\nsso_role_name = R\nsso_start_url = https://x\nsso_region = eu-west-1\n[sso-session bare]\nsso_registration_scopes = a\n',
      '[sso-session bare] (of profile "p") is missing sso_start_url, sso_region',
      'add sso_start_url and sso_region to [sso-session bare]',
    ],
  ];
  it.each(cases)('%j → exit 5', async (profile, message, hint) => {
    await home.write('.aws/config', `${CONFIG}\n${profile}`);
    await expectFailure(['export', '--profile', 'p'], 5, `awsrole: sso: ${message}\n  hint: ${hint}\n`);
    expect(rig.calls).toEqual([]);
  });

  it('a profile with only sso_start_url is not an SSO profile (botocore goes on down the chain)', async () => {
    await home.write('.aws/config', `[profile p]\nsso_start_url = ${startUrl}\n`);
    const { code, deps } = await awsrole(['export', '--profile', 'p']);
    expect(deps.stderr.text()).toMatch(/^awsrole: no credentials found \(profile p\); tried explicit, env, assume-role, assume-role-with-web-identity, sso, shared-credentials-file,/);
    expect(code).toBe(3);
  });
});

describe('endpoints', () => {
  const config = (profile: Record<string, string>, services: Record<string, Record<string, Record<string, string>>> = {}): SharedConfig => ({
    configPath: '',
    credentialsPath: '',
    configProfiles: new Map([['p', profile]]),
    credentialsProfiles: new Map(),
    services: new Map(Object.entries(services)),
  });
  /** The endpoints without their network (tested below), for toEqual. */
  const endpointsAt = (env: Record<string, string>, ...rest: [SharedConfig, string, string, string]): Record<string, { url: string; from: string }> => {
    const { portal, oidc } = ssoEndpoints({ env, fs: { readBytes: () => Promise.resolve(undefined) } }, ...rest);
    return { portal: { url: portal.url, from: portal.from }, oidc: { url: oidc.url, from: oidc.from } };
  };

  it('default to the regional portal and OIDC hosts of sso_region', () => {
    expect(endpointsAt({}, config({}), 'p', 'eu-west-1', 'sso_region')).toEqual({
      portal: { url: 'https://portal.sso.eu-west-1.amazonaws.com', from: 'sso_region eu-west-1' },
      oidc: { url: 'https://oidc.eu-west-1.amazonaws.com', from: 'sso_region eu-west-1' },
    });
    expect(endpointsAt({}, config({}), 'p', 'cn-north-1', 'sso_region')['portal']?.url).toBe('https://portal.sso.cn-north-1.amazonaws.com.cn');
  });

  it('follow botocore: the service variable, AWS_ENDPOINT_URL, the services section, the profile endpoint_url', () => {
    const services = { s: { sso: { endpoint_url: 'http://127.0.0.1:3' }, sso_oidc: { endpoint_url: 'http://127.0.0.1:4' } } };
    const withAll = config({ services: 's', endpoint_url: 'http://127.0.0.1:5' }, services);
    expect(endpointsAt({ AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://127.0.0.1:2' }, withAll, 'p', 'eu-west-1', 'r')).toEqual({
      portal: { url: 'http://127.0.0.1:1', from: 'AWS_ENDPOINT_URL_SSO' },
      oidc: { url: 'http://127.0.0.1:2', from: 'AWS_ENDPOINT_URL' },
    });
    expect(endpointsAt({}, withAll, 'p', 'eu-west-1', 'r')).toEqual({
      portal: { url: 'http://127.0.0.1:3', from: '[services s] sso.endpoint_url' },
      oidc: { url: 'http://127.0.0.1:4', from: '[services s] sso_oidc.endpoint_url' },
    });
    expect(endpointsAt({}, config({ endpoint_url: 'http://127.0.0.1:5' }), 'p', 'eu-west-1', 'r')['portal']).toEqual({ url: 'http://127.0.0.1:5', from: 'endpoint_url of profile p' });
    expect(endpointsAt({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:1' }, config({}), 'p', 'eu-west-1', 'r')['portal']?.url).toBe('https://portal.sso.eu-west-1.amazonaws.com');
  });

  it('carry the selected profile\'s ca_bundle (AWS_CA_BUNDLE first), as the STS client does', () => {
    const deps = (env: Record<string, string>) => ({ env, fs: { readBytes: () => Promise.resolve(undefined) } });
    expect(ssoEndpoints(deps({}), config({ ca_bundle: '/corp/ca.pem' }), 'p', 'eu-west-1', 'r').portal.network.caBundle).toEqual({ path: '/corp/ca.pem', from: 'ca_bundle of profile p' });
    expect(ssoEndpoints(deps({ AWS_CA_BUNDLE: '/env/ca.pem' }), config({ ca_bundle: '/corp/ca.pem' }), 'p', 'eu-west-1', 'r').oidc.network.caBundle).toEqual({ path: '/env/ca.pem', from: 'AWS_CA_BUNDLE' });
  });

  it('the services section reaches the portal end to end', async () => {
    await home.write('.aws/config', `${CONFIG}\n[profile svc]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nservices = local\n[services local]\nsso =\n  endpoint_url = ${rig.url}\n`);
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    const { code } = await awsrole(['export', '--profile', 'svc'], { AWS_ENDPOINT_URL_SSO: '' });
    expect(code).toBe(0);
    expect(operations()).toEqual(['GetRoleCredentials 200']);
  });

  it('a bad sso_region is a config error (it would become a host name)', async () => {
    await home.write('.aws/config', `[profile p]\nsso_start_url = ${startUrl}\nsso_region = eu west\nsso_account_id = 1\nsso_role_name = R\n`);
    await writeToken(LEGACY_TOKEN_FILE, rig.signIn({ startUrl, region }));
    await expectFailure(['export', '--profile', 'p'], 5, 'awsrole: sso: sso_region of profile p "eu west" is not a valid region name\n  hint: a region looks like eu-west-1 (a comment after the value in the config file is part of the value)\n', {
      AWS_ENDPOINT_URL_SSO: '',
      AWS_ENDPOINT_URL_SSO_OIDC: '',
    });
  });
});

describe('with STS: source_profile and whoami --explain', () => {
  let sts: StsRig;
  let ssoForSts: SsoRig;
  beforeAll(async () => {
    sts = await startStsServer();
    // The portal hands out sessions the STS rig knows (alice's), so STS accepts them.
    ssoForSts = await startSsoServer({
      now: () => NOW,
      credentialsFor: (_account, _role, expiration) =>
        sts.model.issue({ kind: 'session-token', issuedAt: new Date(), expiration, user: sts.model.user(FIXTURE.alice.name), mfa: false, chained: false, policyArns: [] }, true),
    });
  });
  afterAll(async () => {
    await Promise.all([sts.close(), ssoForSts.close()]);
  });

  const env = (): Record<string, string> => ({ AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_SSO: ssoForSts.url, AWS_ENDPOINT_URL_SSO_OIDC: ssoForSts.url, AWS_DEFAULT_REGION: 'eu-west-1' });

  it('an SSO profile is the source_profile of a role profile', async () => {
    await home.write('.aws/config', `${CONFIG}\n[profile deploy]\nrole_arn = ${FIXTURE.roles.deploy}\nsource_profile = dev\n`);
    await writeToken(SESSION_TOKEN_FILE, ssoForSts.signIn({ startUrl, region, session: true }));
    sts.reset();
    const { code, deps } = await awsrole(['export', '--profile', 'deploy', '--format', 'json'], env());
    expect(deps.stderr.text()).toBe('');
    expect(code).toBe(0);
    const issued = ssoForSts.issued.at(-1);
    expect(sts.calls.map((call) => [call.action, call.accessKeyId, call.params['RoleArn']])).toEqual([['AssumeRole', issued?.accessKeyId, FIXTURE.roles.deploy]]);
    expect(ssoForSts.calls.map((call) => call.operation)).toEqual(['GetRoleCredentials']);
  });

  it('whoami --explain names the session, the token expiry and renewal, then the role cache on the next run', async () => {
    await writeToken(SESSION_TOKEN_FILE, ssoForSts.signIn({ startUrl, region, session: true, expiresInSeconds: 300 }));
    const first = await awsrole(['whoami', '--profile', 'dev', '--explain'], env());
    expect(first.code).toBe(0);
    expect(first.deps.stdout.text()).toContain(
      `✔  5. sso                            found     IAM Identity Center role Admin in account 111122223333 via sso-session corp (${startUrl}); token valid until ${iso(NOW.getTime() + 8 * HOUR)} (refreshed); role credentials from the portal (now cached)\n`,
    );
    const second = await awsrole(['whoami', '--profile', 'dev', '--explain'], env());
    expect(second.deps.stdout.text()).toContain(
      `✔  5. sso                            found     IAM Identity Center role Admin in account 111122223333 via sso-session corp (${startUrl}); role credentials from the cache in ~/.aws/cli/cache (token not needed)\n`,
    );
  });
});

describe('the renewal lock outlasts a renewal with every retry', () => {
  it('longestCallMs: each attempt\'s connect and answer timeouts plus the longest waits between them', () => {
    // 5 attempts × (5 s + 10 s) + waits of at most 1, 2, 4 and 8 s.
    expect(longestCallMs({})).toBe(5 * 15_000 + 15_000);
    expect(longestCallMs({ AWS_MAX_ATTEMPTS: '1' })).toBe(15_000);
    expect(longestCallMs({ AWS_MAX_ATTEMPTS: '3' })).toBe(3 * 15_000 + 3_000);
    expect(longestCallMs({ AWS_MAX_ATTEMPTS: '1000' })).toBe(2_147_483_647);
  });
});
