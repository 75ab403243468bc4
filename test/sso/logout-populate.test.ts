/**
 * `awsrole sso logout` and `awsrole sso populate` against the rig: the portal calls they make,
 * the files they delete or write (byte for byte), exit codes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import { refusedPort } from '../rigs/imds-server.js';
import { SSO_FIXTURE, type SignedIn, type SsoRig } from '../rigs/sso-server.js';
import { CANARIES, type FakeHome } from '../support/cli.js';
import { noWait, testDeps, type TestDeps } from '../support/deps.js';
import { DEV_ROLE_CACHE, LEGACY_ROLE_CACHE, LEGACY_TOKEN_FILE, SESSION_TOKEN_FILE, SSO_CONFIG, useSsoWorld } from './world.js';

const { startUrl, region } = SSO_FIXTURE;
const ASSUMED_ROLE = '.aws/cli/cache/0123456789abcdef0123456789abcdef01234567.json';
const REGISTRATION = '.aws/sso/cache/fedcba9876543210fedcba9876543210fedcba98.json';

const world = useSsoWorld(SSO_CONFIG);
let rig: SsoRig;
let home: FakeHome;
beforeEach(() => ({ rig, home } = world));

async function awsrole(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; deps: TestDeps }> {
  const deps = testDeps(home.dir, { env: { USER: 'tester', NO_COLOR: '1', AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url, ...env }, sleep: noWait });
  const code = await run(deps, ['node', 'awsrole', ...args]);
  for (const canary of CANARIES) expect(deps.stderr.text()).not.toContain(canary);
  return { code, stdout: deps.stdout.text(), stderr: deps.stderr.text(), deps };
}

async function signIn(relative: string, session: boolean): Promise<SignedIn> {
  const token = rig.signIn({ startUrl, region, session });
  await home.write(relative, JSON.stringify(token));
  return token;
}

/** Both sign-ins, each profile's role session cached, an assumed-role session and a registration beside them. */
async function signedInEverywhere(): Promise<{ session: SignedIn; legacy: SignedIn }> {
  const session = await signIn(SESSION_TOKEN_FILE, true);
  const legacy = await signIn(LEGACY_TOKEN_FILE, false);
  expect((await awsrole(['export', '--profile', 'dev'])).code).toBe(0);
  expect((await awsrole(['export', '--profile', 'legacy'])).code).toBe(0);
  await home.write(ASSUMED_ROLE, '{"Credentials": {"AccessKeyId": "ASIAEXAMPLE"}}');
  await home.write(REGISTRATION, '{"clientId": "c", "clientSecret": "SECRETCANARY", "expiresAt": "2099-01-01T00:00:00Z"}');
  rig.reset();
  return { session, legacy };
}

const exists = (relative: string): boolean => existsSync(home.path(relative));

describe('awsrole sso logout', () => {
  it('--profile: ends that sign-in at the portal, deletes its token and the role sessions of the profiles using it', async () => {
    const { session } = await signedInEverywhere();
    const result = await awsrole(['sso', 'logout', '--profile', 'dev']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: 'Signed out of sso-session corp: deleted 1 token file and 1 cached role session\n' });
    expect(rig.calls.map((call) => [call.operation, call.bearerToken, call.status])).toEqual([['Logout', session.accessToken, 200]]);
    expect([SESSION_TOKEN_FILE, DEV_ROLE_CACHE, LEGACY_TOKEN_FILE, LEGACY_ROLE_CACHE, ASSUMED_ROLE, REGISTRATION].map(exists)).toEqual([false, false, true, true, true, true]);
    // The portal no longer takes the token: a cached role session is gone too, so dev needs a new sign-in.
    expect((await awsrole(['export', '--profile', 'dev'])).code).toBe(3);
  });

  it('--all: every token and every SSO role session, as `aws sso logout`; registrations and assumed-role sessions stay', async () => {
    const { session, legacy } = await signedInEverywhere();
    const result = await awsrole(['sso', 'logout', '--all']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: 'Signed out of every IAM Identity Center sign-in: deleted 2 token files and 2 cached role sessions\n' });
    expect(rig.calls.map((call) => call.bearerToken).sort()).toEqual([session.accessToken, legacy.accessToken].sort());
    expect([SESSION_TOKEN_FILE, DEV_ROLE_CACHE, LEGACY_TOKEN_FILE, LEGACY_ROLE_CACHE, ASSUMED_ROLE, REGISTRATION].map(exists)).toEqual([false, false, false, false, true, true]);
  });

  it('a token the portal no longer takes is still deleted: exit 0', async () => {
    const { session } = await signedInEverywhere();
    rig.revoke(session.accessToken);
    const result = await awsrole(['sso', 'logout', '--sso-session', 'corp']);
    expect(result).toMatchObject({ code: 0, stderr: 'Signed out of sso-session corp: deleted 1 token file and 1 cached role session\n' });
    expect(rig.calls.map((call) => call.status)).toEqual([401]);
    expect(exists(SESSION_TOKEN_FILE)).toBe(false);
  });

  it('the portal unreachable: the files are deleted anyway, exit 6', async () => {
    await signedInEverywhere();
    const result = await awsrole(['sso', 'logout', '--profile', 'dev'], { AWS_ENDPOINT_URL_SSO: `http://127.0.0.1:${await refusedPort()}` });
    expect(result.code).toBe(6);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Signed out of sso-session corp: deleted 1 token file and 1 cached role session\nawsrole: .*: the local files are deleted, but the portal could not be told to end the sign-in\n/);
    expect([SESSION_TOKEN_FILE, DEV_ROLE_CACHE].map(exists)).toEqual([false, false]);
  });

  it('nothing signed in: nothing to delete, no call, exit 0', async () => {
    const result = await awsrole(['sso', 'logout', '--profile', 'dev']);
    expect(result).toMatchObject({ code: 0, stderr: 'Signed out of sso-session corp: deleted 0 token files and 0 cached role sessions\n' });
    expect(rig.calls).toEqual([]);
  });
});

describe('--debug', () => {
  it('populate and logout say each call, never a token, a refresh token or a client secret (every run checks the canaries)', async () => {
    await signedInEverywhere();
    const populated = await awsrole(['sso', 'populate', '--sso-session', 'corp', '--debug']);
    expect(populated).toMatchObject({ code: 0, stdout: '' });
    expect(populated.stderr).toContain(`the IAM Identity Center portal: ListAccounts GET ${rig.url}/assignment/accounts (AWS_ENDPOINT_URL_SSO)`);
    const loggedOut = await awsrole(['sso', 'logout', '--all', '--debug']);
    expect(loggedOut).toMatchObject({ code: 0, stdout: '' });
    expect(loggedOut.stderr).toContain(`the IAM Identity Center portal: Logout POST ${rig.url}/logout (AWS_ENDPOINT_URL_SSO)`);
    expect(rig.calls.filter((call) => call.operation === 'Logout').map((call) => call.status)).toEqual([200, 200]);
  });
});

describe('awsrole sso populate', () => {
  const config = (): string => readFileSync(home.path('.aws/config'), 'utf8');
  const generated = (name: string, accountId: string, role: string, extra = ''): string => `\n[profile ${name}]\nsso_session = corp\nsso_account_id = ${accountId}\nsso_role_name = ${role}\n${extra}awsrole_populated = true\n`;

  it('writes one profile per account and role (every page), keeping every other byte; a second run changes nothing', async () => {
    const { session } = await signedInEverywhere();
    const before = config();
    const result = await awsrole(['sso', 'populate', '--sso-session', 'corp']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        '6 roles assigned in sso-session corp: 6 added, 0 updated, 0 unchanged, 0 removed, 0 skipped in ~/.aws/config',
        ...['Production.Admin', 'Production.ReadOnly', 'Staging.Admin', 'Sandbox.Developer', 'Sandbox.ReadOnly', 'Sandbox.Admin'].map((name) => `  added ${name}`),
        '',
      ].join('\n'),
    );
    expect(config()).toBe(
      before +
        generated('Production.Admin', '111122223333', 'Admin') +
        generated('Production.ReadOnly', '111122223333', 'ReadOnly') +
        generated('Staging.Admin', '444455556666', 'Admin') +
        generated('Sandbox.Developer', '777788889999', 'Developer') +
        generated('Sandbox.ReadOnly', '777788889999', 'ReadOnly') +
        generated('Sandbox.Admin', '777788889999', 'Admin'),
    );
    expect(statSync(home.path('.aws/config')).mode & 0o777).toBe(0o600);
    // The rig pages by 2: ListAccounts twice, Sandbox's roles twice.
    expect(rig.calls.map((call) => [call.operation, call.query['account_id'], call.query['next_token']].filter(Boolean).join(' '))).toEqual([
      'ListAccounts',
      'ListAccounts 2',
      'ListAccountRoles 111122223333',
      'ListAccountRoles 444455556666',
      'ListAccountRoles 777788889999',
      'ListAccountRoles 777788889999 2',
    ]);
    expect(rig.calls.every((call) => call.bearerToken === session.accessToken)).toBe(true);

    const after = config();
    const again = await awsrole(['sso', 'populate', '--profile', 'dev']);
    expect(again.stderr).toBe('6 roles assigned in sso-session corp: 0 added, 0 updated, 6 unchanged, 0 removed, 0 skipped in ~/.aws/config\n');
    expect(config()).toBe(after);

    // The profiles it wrote resolve through the sso link.
    expect((await awsrole(['export', '--profile', 'Sandbox.Developer', '--format', 'json'])).code).toBe(0);
  });

  it('a portal that throttles the listing (a call per account) is waited out, as botocore does: every role is written', async () => {
    await signedInEverywhere();
    rig.fault({ operation: 'ListAccountRoles', status: 429, type: 'TooManyRequestsException', message: 'Rate exceeded', times: 2 });
    rig.fault({ operation: 'ListAccounts', status: 500, type: 'InternalServerException', message: 'oops', times: 1 });
    const result = await awsrole(['sso', 'populate', '--sso-session', 'corp']);
    expect(result.stderr.split('\n')[0]).toBe('6 roles assigned in sso-session corp: 6 added, 0 updated, 0 unchanged, 0 removed, 0 skipped in ~/.aws/config');
    expect(result.code).toBe(0);
    expect(rig.calls.map((call) => [call.operation, call.query['account_id'], call.query['next_token']].filter(Boolean).join(' '))).toEqual([
      'ListAccounts',
      'ListAccounts',
      'ListAccounts 2',
      'ListAccountRoles 111122223333',
      'ListAccountRoles 111122223333',
      'ListAccountRoles 111122223333',
      'ListAccountRoles 444455556666',
      'ListAccountRoles 777788889999',
      'ListAccountRoles 777788889999 2',
    ]);
    expect(result.deps.sleeps).toEqual([500, 500, 1000]);
  });

  it('--prune that would make an indented header below a removed profile part of a value above: refused naming the file and the line, nothing written', async () => {
    await signedInEverywhere();
    const indented = `${SSO_CONFIG}\n[profile Old.Admin]\n  sso_session = corp\n  sso_account_id = 999999999999\n  sso_role_name = Admin\n  awsrole_populated = true\n  [profile mine]\n  region = eu-west-1\n`;
    await home.write('.aws/config', indented);
    const result = await awsrole(['sso', 'populate', '--sso-session', 'corp', '--prune']);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsrole: cannot update ~\/\.aws\/config: removing \[profile Old\.Admin\] would make the indented \[profile mine\] below it \(line \d+\) part of a value of the section above; awsrole will not change another section; nothing was written\n {2}hint: remove the indentation before \[profile mine\] and try again\n$/);
    expect(config()).toBe(indented);
  });

  it('--template and --region; a hand-written profile of the same name is left alone; keys a user added to a generated profile stay', async () => {
    await signedInEverywhere();
    await home.write('.aws/config', `${SSO_CONFIG}\n[profile Staging-Admin]\nregion = us-east-1\n`);
    const first = await awsrole(['sso', 'populate', '--sso-session', 'corp', '--template', '{account_name}-{role_name}', '--region', 'eu-west-3']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('5 added, 0 updated, 0 unchanged, 0 removed, 1 skipped');
    expect(first.stderr).toContain('  skipped Staging-Admin: a profile of that name exists and was not written by populate\n');
    expect(config()).toContain(generated('Production-Admin', '111122223333', 'Admin', 'region = eu-west-3\n'));
    expect(config()).toContain('[profile Staging-Admin]\nregion = us-east-1\n');

    await home.write('.aws/config', config().replace('[profile Production-Admin]\n', '[profile Production-Admin]\noutput = json\n'));
    const second = await awsrole(['sso', 'populate', '--sso-session', 'corp', '--template', '{account_name}-{role_name}', '--region', 'eu-west-2']);
    expect(second.stderr).toContain('0 added, 5 updated, 0 unchanged, 0 removed, 1 skipped');
    expect(config()).toContain(generated('Production-Admin', '111122223333', 'Admin', 'region = eu-west-2\n').replace('awsrole_populated = true\n', 'awsrole_populated = true\noutput = json\n'));
    // Without --region the region written before is the user's to keep: nothing changes any more.
    const written = config();
    const third = await awsrole(['sso', 'populate', '--sso-session', 'corp', '--template', '{account_name}-{role_name}']);
    expect(third.stderr).toContain('0 added, 0 updated, 5 unchanged, 0 removed, 1 skipped');
    expect(config()).toBe(written);
  });

  it('--prune removes only generated profiles no longer assigned; hand-written ones stay', async () => {
    await signedInEverywhere();
    const before = config();
    await awsrole(['sso', 'populate', '--sso-session', 'corp']);
    rig.accounts.splice(1, 2);
    const kept = await awsrole(['sso', 'populate', '--sso-session', 'corp']);
    expect(kept.stderr).toContain('2 roles assigned in sso-session corp: 0 added, 0 updated, 2 unchanged, 0 removed, 0 skipped');
    const pruned = await awsrole(['sso', 'populate', '--sso-session', 'corp', '--prune']);
    expect(pruned.stderr).toBe(
      ['2 roles assigned in sso-session corp: 0 added, 0 updated, 2 unchanged, 4 removed, 0 skipped in ~/.aws/config', ...['Staging.Admin', 'Sandbox.Developer', 'Sandbox.ReadOnly', 'Sandbox.Admin'].map((name) => `  removed ${name}`), ''].join('\n'),
    );
    expect(config()).toBe(before + generated('Production.Admin', '111122223333', 'Admin') + generated('Production.ReadOnly', '111122223333', 'ReadOnly'));
    rig.accounts.length = 0;
    await awsrole(['sso', 'populate', '--sso-session', 'corp', '--prune']);
    expect(config()).toBe(before);
  });

  it("--prune leaves what populate generated for another sso-session, and a hand-written profile marked by hand for another session, byte for byte", async () => {
    await signedInEverywhere();
    const other = `\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = ${region}\n` + generated('Other.Admin', '999900001111', 'Admin').replace('sso_session = corp', 'sso_session = other');
    const handWritten = '\n[profile mine]\nsso_session = corp\nsso_account_id = 999900001111\nsso_role_name = Gone\n';
    await home.write('.aws/config', `${SSO_CONFIG}${other}${handWritten}`);
    const before = config();
    await awsrole(['sso', 'populate', '--sso-session', 'corp']);
    rig.accounts.length = 0;
    const pruned = await awsrole(['sso', 'populate', '--sso-session', 'corp', '--prune']);
    expect(pruned).toMatchObject({ code: 0, stdout: '' });
    expect(pruned.stderr).toContain('0 roles assigned in sso-session corp: 0 added, 0 updated, 0 unchanged, 6 removed, 0 skipped');
    expect(config()).toBe(before);
  });

  it('errors: no sign-in (exit 3), a legacy profile, a bad template, a revoked token (exit 4)', async () => {
    const none = await awsrole(['sso', 'populate', '--sso-session', 'corp']);
    expect(none).toMatchObject({ code: 3, stdout: '' });
    expect(none.stderr).toContain('hint: sign in with `awsrole sso login --sso-session corp`');
    const legacy = await awsrole(['sso', 'populate', '--profile', 'legacy']);
    expect(legacy).toMatchObject({ code: 5, stderr: 'awsrole: profile "legacy" has no sso_session: populated profiles name an [sso-session]\n  hint: `aws configure sso-session` writes one\n' });
    const template = await awsrole(['sso', 'populate', '--sso-session', 'corp', '--template', '{account}.{role_name}']);
    expect(template).toMatchObject({ code: 2, stderr: 'awsrole: --template "{account}.{role_name}": unknown placeholder {account}\n  hint: use {account_name}, {account_id}, {role_name}, {sso_session}\n' });
    const noSession = await awsrole(['sso', 'populate']);
    expect(noSession.code).toBe(2);
    const { session } = await signedInEverywhere();
    rig.revoke(session.accessToken);
    const revoked = await awsrole(['sso', 'populate', '--sso-session', 'corp']);
    expect(revoked.code).toBe(4);
    expect(config()).toBe(SSO_CONFIG);
    expect(rig.calls.map((call) => call.operation)).toEqual(['ListAccounts']);
  });
});
