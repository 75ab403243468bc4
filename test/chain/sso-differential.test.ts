/**
 * Issue 11: awsrole and botocore (as the AWS CLI sets it up, botocore_sso.py) resolve the same
 * SSO profiles from the same token cache, against the same local IAM Identity Center rig, to the
 * same keys; and each reads the token and role cache files the other wrote. Kept apart from the
 * shared chain table (cases.ts) while that is being reorganised.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import { pyJsonDumpsInOrder } from '../../src/sso/cache-json.js';
import { ssoRoleCacheText } from '../../src/sso/role-credentials.js';
import { SSO_FIXTURE, type SignedIn, type SsoRig } from '../rigs/sso-server.js';
import { ROOT, runCommand, type FakeHome } from '../support/cli.js';
import { DEV_ROLE_CACHE, LEGACY_ROLE_CACHE, LEGACY_TOKEN_FILE, SESSION_TOKEN_FILE, useSsoWorld } from '../sso/world.js';
import { testDeps } from '../support/deps.js';

const SCRIPT = join(ROOT, 'test', 'chain', 'botocore_sso.py');
const { startUrl, region } = SSO_FIXTURE;

const CONFIG = [
  '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n',
  `[sso-session corp]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_registration_scopes = sso:account:access\n`,
  `[profile legacy]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_account_id = 444455556666\nsso_role_name = Admin\n`,
  '[profile broken]\nsso_account_id = 111122223333\n',
].join('\n');

interface Keys {
  key: string;
  secret: string;
  sessionToken: string | undefined;
  accountId: string | undefined;
}

type BotocoreResult = { ok: true; key: string; secret: string; session_token: string | null; account_id: string | null; method: string } | { ok: false; error: string; message: string };

const world = useSsoWorld(CONFIG);
let rig: SsoRig;
let home: FakeHome;
beforeEach(() => ({ rig, home } = world));

const endpoints = (): Record<string, string> => ({ AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url });
const read = (relative: string): string => readFileSync(home.path(relative), 'utf8');
const operations = (): string[] => rig.calls.map((call) => `${call.operation} ${call.status}`);

async function writeToken(relative: string, token: SignedIn): Promise<void> {
  await home.write(relative, pyJsonDumpsInOrder(token));
}

async function botocore(profile: string, extraEnv: Record<string, string> = {}): Promise<BotocoreResult> {
  const env = { HOME: home.dir, PATH: process.env['PATH'] ?? '/usr/bin:/bin', AWS_EC2_METADATA_DISABLED: 'true', ...endpoints(), ...extraEnv };
  const result = await runCommand('python3', [SCRIPT, '--profile', profile], env);
  if (result.code !== 0) throw new Error(`botocore_sso.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as BotocoreResult;
}

async function awsrole(profile: string, extra: string[] = [], extraEnv: Record<string, string> = {}): Promise<{ code: number; keys?: Keys; stderr: string }> {
  const deps = testDeps(home.dir, { env: { USER: 'tester', NO_COLOR: '1', ...endpoints(), ...extraEnv } });
  const code = await run(deps, ['node', 'awsrole', 'export', '--profile', profile, '--format', 'process', ...extra]);
  if (code !== 0) return { code, stderr: deps.stderr.text() };
  const out = JSON.parse(deps.stdout.text()) as Record<string, string>;
  return { code, stderr: deps.stderr.text(), keys: { key: out['AccessKeyId'] ?? '', secret: out['SecretAccessKey'] ?? '', sessionToken: out['SessionToken'], accountId: out['AccountId'] } };
}

function keysOf(result: BotocoreResult): Keys {
  if (!result.ok) throw new Error(`botocore failed: ${result.error}: ${result.message}`);
  return { key: result.key, secret: result.secret, sessionToken: result.session_token ?? undefined, accountId: result.account_id ?? undefined };
}

describe.each([
  ['dev', SESSION_TOKEN_FILE, DEV_ROLE_CACHE, true],
  ['legacy', LEGACY_TOKEN_FILE, LEGACY_ROLE_CACHE, false],
] as const)('profile %s', (profile, tokenFile, roleCache, session) => {
  it('awsrole first: botocore reads the role cache awsrole wrote (no second portal call)', async () => {
    await writeToken(tokenFile, rig.signIn({ startUrl, region, session }));
    const ours = await awsrole(profile);
    expect(ours.code).toBe(0);
    const theirs = await botocore(profile);
    expect(keysOf(theirs)).toEqual(ours.keys);
    expect(theirs.ok && theirs.method).toBe('sso');
    expect(operations()).toEqual(['GetRoleCredentials 200']);
  });

  it('botocore first: awsrole reads the role cache botocore wrote, which is byte for byte what awsrole writes', async () => {
    await writeToken(tokenFile, rig.signIn({ startUrl, region, session }));
    const theirs = keysOf(await botocore(profile));
    const ours = await awsrole(profile);
    expect(ours.keys).toEqual(theirs);
    expect(operations()).toEqual(['GetRoleCredentials 200']);
    const issued = rig.issued.at(-1);
    if (issued === undefined) throw new Error('nothing issued');
    const expiration = new Date(Math.floor(issued.expiration / 1000) * 1000);
    expect(read(roleCache)).toBe(ssoRoleCacheText({ accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken, expiration, accountId: issued.accountId }));
  });

  it('both resolve the same fresh session from the same token (each with its own portal call)', async () => {
    await writeToken(tokenFile, rig.signIn({ startUrl, region, session }));
    const theirs = keysOf(await botocore(profile));
    expect(theirs.key).toBe(rig.issued.at(-1)?.accessKeyId);
    const ours = await awsrole(profile, ['--refresh']);
    expect(ours.keys?.key).toBe(rig.issued.at(-1)?.accessKeyId);
    expect(rig.calls.map((call) => call.bearerToken)).toEqual([rig.calls[0]?.bearerToken, rig.calls[0]?.bearerToken]);
  });
});

describe('token renewal: each reads the token file the other rewrote', () => {
  it('botocore renews; awsrole uses the renewed token without renewing again; the file is in botocore\'s own format', async () => {
    const token = rig.signIn({ startUrl, region, session: true, expiresInSeconds: 300 });
    await writeToken(SESSION_TOKEN_FILE, token);
    keysOf(await botocore('dev'));
    const written = read(SESSION_TOKEN_FILE);
    const renewed = JSON.parse(written) as Record<string, unknown>;
    expect(renewed['accessToken']).not.toBe(token.accessToken);
    expect(Object.keys(renewed)).toEqual(['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
    expect(pyJsonDumpsInOrder(renewed)).toBe(written);
    rig.reset();
    const ours = await awsrole('dev', ['--refresh']);
    expect(ours.code).toBe(0);
    expect(operations()).toEqual(['GetRoleCredentials 200']);
    expect(rig.calls[0]?.bearerToken).toBe(renewed['accessToken']);
  });

  it('awsrole renews; botocore uses the renewed token without renewing again', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true, expiresInSeconds: 300 }));
    expect((await awsrole('dev')).code).toBe(0);
    const renewed = JSON.parse(read(SESSION_TOKEN_FILE)) as Record<string, unknown>;
    rmSync(home.path(DEV_ROLE_CACHE));
    rig.reset();
    const theirs = await botocore('dev');
    expect(theirs.ok).toBe(true);
    expect(operations()).toEqual(['GetRoleCredentials 200']);
    expect(rig.calls[0]?.bearerToken).toBe(renewed['accessToken']);
  });
});

describe('awsrole sso login writes the token botocore reads', () => {
  it.each([
    ['dev', 'the browser flow (PKCE)'],
    ['legacy', 'the device code'],
  ])('%s: %s', async (profile) => {
    // The browser: what the user does on the authorize page, over HTTP; the device code is approved at the first poll.
    const deps = testDeps(home.dir, {
      env: { USER: 'tester', ...endpoints(), BROWSER: 'test-browser' },
      spawnDetached: (argv) => ({ exited: rig.browse(argv.at(-1) ?? '').then(() => ({ exitCode: 0, signal: null })) }),
      sleep: async () => {
        const code = /shows the code (\S+)/.exec(deps.stderr.text())?.[1];
        if (code !== undefined) rig.approveDevice(code);
      },
    });
    const argv = ['node', 'awsrole', 'sso', 'login', '--profile', profile, ...(profile === 'legacy' ? ['--no-browser'] : [])];
    expect(await run(deps, argv)).toBe(0);
    const signedIn = rig.calls.find((call) => call.operation === 'CreateToken' && call.status === 200);
    rig.reset();
    const theirs = await botocore(profile);
    expect(theirs.ok && theirs.method).toBe('sso');
    expect(operations()).toEqual(['GetRoleCredentials 200']);
    expect(rig.calls[0]?.bearerToken).toBe(JSON.parse(read(profile === 'dev' ? SESSION_TOKEN_FILE : LEGACY_TOKEN_FILE))['accessToken']);
    expect(signedIn?.body['grantType']).toBe(profile === 'dev' ? 'authorization_code' : 'urn:ietf:params:oauth:grant-type:device_code');
  });
});

describe('both refuse the same profiles', () => {
  it.each([
    ['no token in the cache', 'dev', undefined, 'SSOTokenLoadError', 3],
    ['an expired legacy token', 'legacy', { file: LEGACY_TOKEN_FILE, session: false }, 'UnauthorizedSSOTokenError', 3],
    ['an expired session token with no way to renew it', 'dev', { file: SESSION_TOKEN_FILE, session: true }, 'TokenRetrievalError', 3],
    ['missing configuration', 'broken', undefined, 'InvalidConfigError', 5],
  ] as const)('%s', async (_name, profile, token, botocoreError, code) => {
    if (token !== undefined) {
      const signed = rig.signIn({ startUrl, region, session: token.session, expiresInSeconds: -60, registrationSeconds: -1 });
      await writeToken(token.file, signed);
    }
    const theirs = await botocore(profile);
    expect(theirs.ok ? 'ok' : theirs.error).toBe(botocoreError);
    const ours = await awsrole(profile);
    expect(ours.code).toBe(code);
    expect(operations()).toEqual([]);
  });

  it('a portal that throttles once: both try again (botocore\'s default retries) and get the credentials', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    const throttleOnce = (): void => rig.fault({ operation: 'GetRoleCredentials', status: 429, type: 'TooManyRequestsException', message: 'Rate exceeded', times: 1 });
    throttleOnce();
    expect(keysOf(await botocore('dev')).key).toBe(rig.issued.at(-1)?.accessKeyId);
    throttleOnce();
    expect((await awsrole('dev', ['--refresh'])).keys?.key).toBe(rig.issued.at(-1)?.accessKeyId);
    expect(operations()).toEqual(['GetRoleCredentials 429', 'GetRoleCredentials 200', 'GetRoleCredentials 429', 'GetRoleCredentials 200']);
  });

  it('AWS_MAX_ATTEMPTS=1: neither tries again', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    rig.fault({ operation: 'GetRoleCredentials', status: 503, type: 'ServiceUnavailableException', message: 'down' });
    const theirs = await botocore('dev', { AWS_MAX_ATTEMPTS: '1' });
    expect(theirs.ok).toBe(false);
    expect((await awsrole('dev', [], { AWS_MAX_ATTEMPTS: '1' })).code).toBe(6);
    expect(operations()).toEqual(['GetRoleCredentials 503', 'GetRoleCredentials 503']);
  });

  it.each([
    ['0', 'InvalidMaxRetryAttemptsError'],
    ['abc', 'ValueError'],
  ])('AWS_MAX_ATTEMPTS=%j: both refuse it (botocore with %s, when it makes the client) before any call', async (value, error) => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    const theirs = await botocore('dev', { AWS_MAX_ATTEMPTS: value });
    expect(theirs.ok || theirs.error).toBe(error);
    const ours = await awsrole('dev', [], { AWS_MAX_ATTEMPTS: value });
    expect(ours.code).toBe(5);
    expect(ours.stderr).toContain(`AWS_MAX_ATTEMPTS = "${value}" is not a whole number of attempts of 1 or more`);
    expect(operations()).toEqual([]);
  });

  it('AWS_MAX_ATTEMPTS="+2" (Python\'s int()): two attempts each', async () => {
    await writeToken(SESSION_TOKEN_FILE, rig.signIn({ startUrl, region, session: true }));
    rig.fault({ operation: 'GetRoleCredentials', status: 503, type: 'ServiceUnavailableException', message: 'down' });
    expect((await botocore('dev', { AWS_MAX_ATTEMPTS: '+2' })).ok).toBe(false);
    expect((await awsrole('dev', [], { AWS_MAX_ATTEMPTS: '+2' })).code).toBe(6);
    expect(operations()).toEqual(['GetRoleCredentials 503', 'GetRoleCredentials 503', 'GetRoleCredentials 503', 'GetRoleCredentials 503']);
  });

  it('a revoked token: the portal answers 401 to both', async () => {
    const token = rig.signIn({ startUrl, region, session: true });
    rig.revoke(token.accessToken);
    await writeToken(SESSION_TOKEN_FILE, token);
    const theirs = await botocore('dev');
    expect(theirs.ok ? 'ok' : theirs.error).toBe('UnauthorizedSSOTokenError');
    expect((await awsrole('dev')).code).toBe(4);
    expect(operations()).toEqual(['GetRoleCredentials 401', 'GetRoleCredentials 401']);
  });
});
