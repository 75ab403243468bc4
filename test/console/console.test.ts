/**
 * `awsrole console` in process (run(testDeps, argv)) against the local STS rig and the local
 * federation endpoint: exact stdout, stderr and exit codes, and what each rig was sent.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import type { FederationRig } from '../rigs/federation-server.js';
import { startSsoServer, SSO_FIXTURE } from '../rigs/sso-server.js';
import { FIXTURE, type Session, type StsRig } from '../rigs/sts-server.js';
import { CANARIES, type FakeHome } from '../support/cli.js';
import { testDeps, type TestDeps } from '../support/deps.js';
import { useConsoleRigs } from './rigs.js';

const { alice, roles } = FIXTURE;
const HOME_PAGE = 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1';
const ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

const rigs = useConsoleRigs();
let sts: StsRig;
let federation: FederationRig;
let home: FakeHome;

beforeEach(() => {
  ({ sts, federation, home } = rigs);
  sts.reset();
  federation.reset();
});
afterEach(async () => {
  // Role sessions land in the AWS CLI cache: each test starts without them.
  await import('node:fs/promises').then((fs) => fs.rm(home.path('.aws/cli'), { recursive: true, force: true }));
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  deps: TestDeps;
}

async function awsrole(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  const deps = testDeps(home.dir, {
    env: { USER: 'tester', NO_COLOR: '1', AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_SIGNIN: federation.url, AWS_DEFAULT_REGION: 'eu-west-1', ...env },
  });
  const code = await run(deps, ['node', 'awsrole', 'console', ...args]);
  const stderr = deps.stderr.text();
  for (const canary of CANARIES) expect(stderr).not.toContain(canary);
  return { code, stdout: deps.stdout.text(), stderr, deps };
}

/** The one getSigninToken the federation rig answered, and the URL awsrole must have built from it. */
function signedIn(destination = HOME_PAGE): { url: string; call: (typeof federation.calls)[number] } {
  const calls = federation.calls.filter((call) => call.action === 'getSigninToken');
  expect(calls).toHaveLength(1);
  const call = calls[0]!;
  expect(call.status, call.refusal).toBe(200);
  const url = `${federation.url}/federation?Action=login&Issuer=awsrole&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(call.signinToken!)}`;
  return { url, call };
}

function issuedSession(call: (typeof federation.calls)[number]): Session {
  const session = sts.model.sessions.get(String(call.session?.sessionId));
  expect(session).toBeDefined();
  expect(call.session).toEqual({ sessionId: session!.accessKeyId, sessionKey: session!.secretAccessKey, sessionToken: session!.sessionToken });
  return session!;
}

function stsActions(): string[] {
  return sts.calls.map((call) => call.action);
}

function envCredentials(session: Session): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: session.accessKeyId, AWS_SECRET_ACCESS_KEY: session.secretAccessKey, AWS_SESSION_TOKEN: session.sessionToken };
}

function issue(kind: Session['kind'], extra: Partial<Session> = {}): Session {
  const now = new Date();
  return sts.model.issue(
    { kind, issuedAt: now, expiration: new Date(now.getTime() + 3600_000), user: sts.model.user('alice'), mfa: true, chained: false, policyArns: [], ...extra },
    true,
  );
}

describe('role sessions', () => {
  it('a role profile: AssumeRole, then getSigninToken with its credentials and no SessionDuration; --print writes the URL alone', async () => {
    const result = await awsrole(['--profile', 'deploy', '--print']);
    const { url, call } = signedIn();
    expect(result).toMatchObject({ code: 0, stdout: `${url}\n`, stderr: '' });
    expect(stsActions()).toEqual(['AssumeRole']);
    expect(issuedSession(call).role?.arn).toBe(roles.deploy);
    expect(call.params).not.toHaveProperty('SessionDuration');
    expect(federation.issued.get(call.signinToken!)?.sessionDuration).toBeUndefined();
  });

  it('--role-arn with --duration: the hop lasts that long and SessionDuration says so; --service opens its home', async () => {
    const result = await awsrole(['--profile', 'alice', '--role-arn', roles.deploy, '--duration', '2h', '--service', 's3', '--print']);
    const { url, call } = signedIn('https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1');
    expect(result).toMatchObject({ code: 0, stdout: `${url}\n`, stderr: '' });
    expect(sts.calls.map((c) => [c.action, c.params['DurationSeconds']])).toEqual([['AssumeRole', '7200']]);
    expect(call.params['SessionDuration']).toBe('7200');
    expect(issuedSession(call).role?.arn).toBe(roles.deploy);
  });

  it('a role that requires MFA: AssumeRole with the code, then the console as that role', async () => {
    const result = await awsrole(['--profile', 'alice', '--role-arn', roles.mfaAdmin, '--serial-number', alice.mfaSerial, '--token-code', alice.mfaCode, '--print']);
    const { url, call } = signedIn();
    expect(result).toMatchObject({ code: 0, stdout: `${url}\n`, stderr: '' });
    expect(sts.calls.map((c) => [c.action, c.params['SerialNumber'], c.params['TokenCode']])).toEqual([['AssumeRole', alice.mfaSerial, alice.mfaCode]]);
    expect(issuedSession(call)).toMatchObject({ role: { arn: roles.mfaAdmin }, mfa: true });
  });

  it('web identity (the winning link gives a role session): no GetCallerIdentity, signed in as the role', async () => {
    const tokenFile = await home.write('web-identity-token', FIXTURE.webIdentity.token);
    const result = await awsrole(['--print'], { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: roles.web });
    const { url, call } = signedIn();
    expect(result).toMatchObject({ code: 0, stdout: `${url}\n`, stderr: '' });
    expect(stsActions()).toEqual(['AssumeRoleWithWebIdentity']);
    expect(issuedSession(call).role?.arn).toBe(roles.web);
  });

  it('SSO role credentials (the sso link gives a role session): no GetCallerIdentity, signed in as the role with SessionDuration', async () => {
    // The portal hands out role sessions the STS rig knows, so the federation endpoint takes them.
    const sso = await startSsoServer({ credentialsFor: (_account, _role, expiration) => issue('role', { role: sts.model.role(roles.deploy)!, sessionName: 'sso', mfa: false, expiration }) });
    const config = await import('node:fs/promises').then((fs) => fs.readFile(home.path('.aws/config'), 'utf8'));
    try {
      const { startUrl, region } = SSO_FIXTURE;
      await home.write('.aws/config', `${config}\n[profile sso-dev]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_account_id = 111122223333\nsso_role_name = Admin\n`);
      await home.write(`.aws/sso/cache/${createHash('sha1').update(startUrl).digest('hex')}.json`, JSON.stringify(sso.signIn({ startUrl, region })));
      const result = await awsrole(['--profile', 'sso-dev', '--duration', '2h', '--print'], { AWS_ENDPOINT_URL_SSO: sso.url });
      const { url, call } = signedIn();
      expect(result).toMatchObject({ code: 0, stdout: `${url}\n`, stderr: '' });
      expect(sso.calls.map((c) => c.operation)).toEqual(['GetRoleCredentials']);
      expect(stsActions()).toEqual([]);
      expect(issuedSession(call)).toMatchObject({ kind: 'role', sessionName: 'sso' });
      expect(call.params['SessionDuration']).toBe('7200');
    } finally {
      await sso.close();
      await home.write('.aws/config', config);
    }
  });

  it('--destination on the partition console host is used as given', async () => {
    const destination = 'https://console.aws.amazon.com/iam/home#/roles';
    const result = await awsrole(['--profile', 'deploy', '--destination', destination, '--print']);
    expect(result).toMatchObject({ code: 0, stdout: `${signedIn(destination).url}\n`, stderr: '' });
  });

  it('role credentials in the environment: GetCallerIdentity says assumed-role, so they sign in as they are (with SessionDuration)', async () => {
    const role = issue('role', { role: sts.model.role(roles.deploy)!, sessionName: 'exported' });
    const result = await awsrole(['--duration', '1h', '--print'], envCredentials(role));
    const { url, call } = signedIn();
    expect(result).toMatchObject({ code: 0, stdout: `${url}\n`, stderr: '' });
    expect(stsActions()).toEqual(['GetCallerIdentity']);
    expect(issuedSession(call)).toBe(role);
    expect(call.params['SessionDuration']).toBe('3600');
  });
});

describe('long-term keys', () => {
  it('GetFederationToken (Name from the user, allow-all policy, 12 h), then getSigninToken without SessionDuration', async () => {
    const result = await awsrole(['--profile', 'alice', '--print']);
    const { url, call } = signedIn();
    expect(result).toMatchObject({ code: 0, stdout: `${url}\n`, stderr: '' });
    expect(stsActions()).toEqual(['GetCallerIdentity', 'GetFederationToken']);
    const federated = sts.calls[1]!;
    expect(federated.accessKeyId).toBe(alice.accessKeyId);
    expect(federated.params).toMatchObject({ Name: 'alice', Policy: ALLOW_ALL, DurationSeconds: '43200' });
    const session = issuedSession(call);
    expect(session).toMatchObject({ kind: 'federation', federatedName: 'alice' });
    expect(call.params).not.toHaveProperty('SessionDuration');
  });

  it('--duration becomes DurationSeconds; SessionDuration is still left out', async () => {
    const result = await awsrole(['--profile', 'alice', '--duration', '90m', '--print']);
    const { url, call } = signedIn();
    expect(result).toMatchObject({ code: 0, stdout: `${url}\n`, stderr: '' });
    expect(sts.calls[1]!.params['DurationSeconds']).toBe('5400');
    expect(call.params).not.toHaveProperty('SessionDuration');
  });

  it('long-term keys take up to 36 h (GetFederationToken), and no SessionDuration', async () => {
    const result = await awsrole(['--profile', 'alice', '--duration', '36h', '--print']);
    expect(result).toMatchObject({ code: 0, stdout: `${signedIn().url}\n`, stderr: '' });
    expect(sts.calls[1]!.params['DurationSeconds']).toBe('129600');
  });

  it("the root user's keys: DurationSeconds capped at STS's 1 h, Name root", async () => {
    const keys = sts.addUser({ name: 'root', account: '999988887777', root: true, accessKeys: [{ accessKeyId: 'AKIAROOTEXAMPLE00001', secretAccessKey: 'rootrootrootrootrootrootrootSECRETCANARY' }] });
    expect(keys.root).toBe(true);
    const result = await awsrole(['--print'], { AWS_ACCESS_KEY_ID: 'AKIAROOTEXAMPLE00001', AWS_SECRET_ACCESS_KEY: 'rootrootrootrootrootrootrootSECRETCANARY' });
    expect(result).toMatchObject({ code: 0, stdout: `${signedIn().url}\n`, stderr: '' });
    expect(sts.calls[1]!.params).toMatchObject({ Name: 'root', DurationSeconds: '3600' });
  });

  it('a federation-token session in the environment signs in without SessionDuration, even with --duration', async () => {
    const federated = issue('federation', { federatedName: 'alice' });
    const result = await awsrole(['--duration', '1h', '--print'], envCredentials(federated));
    const { url, call } = signedIn();
    expect(result).toMatchObject({ code: 0, stdout: `${url}\n`, stderr: '' });
    expect(stsActions()).toEqual(['GetCallerIdentity']);
    expect(call.params).not.toHaveProperty('SessionDuration');
  });
});

describe('refusals', () => {
  it('GetSessionToken (MFA session) credentials: exit 3 suggesting a role, nothing sent to the federation endpoint', async () => {
    const mfaSession = issue('session-token');
    const result = await awsrole(['--print'], envCredentials(mfaSession));
    expect(result).toMatchObject({
      code: 3,
      stdout: '',
      stderr:
        `awsrole: these credentials are a GetSessionToken (MFA) session of ${alice.arn}: AWS's console sign-in takes role sessions and long-term keys, not these\n` +
        '  hint: sign in as a role: awsrole console --role-arn ARN (or --profile NAME of a role profile; MFA is asked for there)\n',
    });
    expect(stsActions()).toEqual(['GetCallerIdentity']);
    expect(federation.calls).toEqual([]);
  });

  it.each([
    ['http://console.aws.amazon.com/s3/home', 'http'],
    ['https://evil.example.com/console.aws.amazon.com', 'another host'],
    ['https://console.aws.amazon.com.evil.example/', 'a host that only starts like it'],
    ['https://console.amazonaws.cn/console/home', "another partition's console"],
    ['not a url', 'not a URL'],
  ])('--destination %s (%s): exit 2 before any call', async (destination) => {
    const result = await awsrole(['--profile', 'deploy', '--destination', destination, '--print']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        `awsrole: --destination: ${JSON.stringify(destination)} is not an https page of the aws console (console.aws.amazon.com)\n` +
        '  hint: write it like https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1, or use --service NAME\n',
    });
    expect(sts.calls).toEqual([]);
    expect(federation.calls).toEqual([]);
  });

  it('a console.aws.amazon.com destination for aws-cn (no role ARN, so the region says): exit 2 before any call', async () => {
    const result = await awsrole(['--profile', 'alice', '--region', 'cn-north-1', '--destination', 'https://console.aws.amazon.com/', '--print']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'awsrole: --destination: "https://console.aws.amazon.com/" is not an https page of the aws-cn console (console.amazonaws.cn)\n' +
        '  hint: write it like https://cn-north-1.console.amazonaws.cn/ec2/home?region=cn-north-1, or use --service NAME\n',
    );
    expect(sts.calls).toEqual([]);
  });

  it("the role ARN's partition wins over the region's: an aws console page for an aws-cn role is refused before any call", async () => {
    const cnRole = 'arn:aws-cn:iam::111122223333:role/deploy';
    const result = await awsrole(['--profile', 'alice', '--role-arn', cnRole, '--region', 'us-east-1', '--destination', 'https://console.aws.amazon.com/', '--print']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'awsrole: --destination: "https://console.aws.amazon.com/" is not an https page of the aws-cn console (console.amazonaws.cn)\n' +
        '  hint: write it like https://cn-north-1.console.amazonaws.cn/ec2/home?region=cn-north-1, or use --service NAME\n',
    });
    expect(sts.calls).toEqual([]);
  });

  it('--duration outside 15 min–36 h: exit 2 before any call', async () => {
    const result = await awsrole(['--profile', 'alice', '--duration', '37h', '--print']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'awsrole: --duration: a duration must be 900–129600 seconds (got 133200)\n' });
    expect(sts.calls).toEqual([]);
  });

  it('--duration over 12 h with a role to assume: exit 2 before any call (SessionDuration and AssumeRole end at 12 h)', async () => {
    const hint = '  hint: up to 36 h applies to long-term keys (GetFederationToken); pass --duration 12h or less\n';
    for (const args of [['--profile', 'deploy'], ['--profile', 'alice', '--role-arn', roles.deploy]]) {
      const result = await awsrole([...args, '--duration', '13h', '--print']);
      expect(result).toMatchObject({ code: 2, stdout: '', stderr: `awsrole: --duration: a role session signs in to the console for at most 43200 seconds (12 h); got 46800\n${hint}` });
    }
    expect(sts.calls).toEqual([]);
    // A role session from the environment: known only once STS says so; the federation endpoint is never asked.
    const result = await awsrole(['--duration', '13h', '--print'], envCredentials(issue('role', { role: sts.model.role(roles.deploy)!, sessionName: 'env' })));
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(stsActions()).toEqual(['GetCallerIdentity']);
    expect(federation.calls).toEqual([]);
  });

  it('--service with --destination: exit 2', async () => {
    const result = await awsrole(['--profile', 'deploy', '--service', 's3', '--destination', 'https://console.aws.amazon.com/', '--print']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'awsrole: --service and --destination both name the page to open\n  hint: pass one of them\n' });
    expect(sts.calls).toEqual([]);
  });

  it('the federation endpoint refusing (4xx): exit 4', async () => {
    federation.failWith(403);
    const result = await awsrole(['--profile', 'deploy', '--print']);
    expect(result).toMatchObject({
      code: 4,
      stdout: '',
      stderr:
        `awsrole: the federation endpoint ${federation.url}/federation refused the credentials (HTTP 403)\n` +
        '  hint: expired credentials: run again with --refresh; --duration: AWS allows 15 min to 12 h (1 h for a role assumed with role credentials)\n',
    });
  });

  it('SessionDuration over 1 h for a chained role session is refused by the endpoint as by AWS: exit 4', async () => {
    const chained = issue('role', { role: sts.model.role(roles.admin)!, sessionName: 'chained', chained: true });
    const result = await awsrole(['--duration', '2h', '--print'], envCredentials(chained));
    expect(result.code).toBe(4);
    expect(federation.calls[0]?.refusal).toBe('SessionDuration over 1 h for a chained role');
  });

  it('the federation endpoint unreachable: exit 6', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await awsrole(['--profile', 'deploy', '--print'], { AWS_ENDPOINT_URL_SIGNIN: `http://127.0.0.1:${port}/ignored/path` });
    expect(result).toMatchObject({
      code: 6,
      stdout: '',
      stderr: `awsrole: could not reach the federation endpoint http://127.0.0.1:${port}/federation: ECONNREFUSED\n  hint: check the network (and AWS_ENDPOINT_URL_SIGNIN when set)\n`,
    });
  });

  it('AWS_ENDPOINT_URL_SIGNIN that is not an http(s) URL: exit 5 before any call', async () => {
    const result = await awsrole(['--profile', 'deploy', '--print'], { AWS_ENDPOINT_URL_SIGNIN: 'ftp://signin.example' });
    expect(result).toMatchObject({ code: 5, stdout: '' });
    expect(sts.calls).toEqual([]);
  });
});

describe('the browser', () => {
  async function browserScript(body: string): Promise<string> {
    return home.write(`bin/browser-${sts.calls.length}-${Math.random().toString(36).slice(2)}`, `#!/bin/sh\n${body}\n`, 0o700);
  }

  it('$BROWSER gets the URL as its last argument; stdout and stderr stay empty', async () => {
    const received = home.path('browser-args');
    const browser = await browserScript(`for arg in "$@"; do printf '%s\\n' "$arg"; done > "${received}"`);
    const result = await awsrole(['--profile', 'deploy'], { BROWSER: `${browser} --new-window` });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(received, 'utf8')).toBe(`--new-window\n${signedIn().url}\n`);
  });

  it('a failing browser command: exit 3 with a hint to use --print, and the URL nowhere', async () => {
    const browser = await browserScript('echo "cannot open $1" >&2; exit 3');
    const result = await awsrole(['--profile', 'deploy'], { BROWSER: browser });
    expect(result).toMatchObject({
      code: 3,
      stdout: '',
      stderr: `awsrole: the browser command ${JSON.stringify(browser.length > 64 ? `${browser.slice(0, 61)}...` : browser)} exited with status 3\n  hint: run \`awsrole console --print\` (same options) and open the URL yourself\n`,
    });
  });

  it('a browser command that does not exist: exit 3', async () => {
    const result = await awsrole(['--profile', 'deploy'], { BROWSER: '/nonexistent/browser' });
    expect(result).toMatchObject({
      code: 3,
      stdout: '',
      stderr: 'awsrole: the browser command "/nonexistent/browser" could not be run (not found?)\n  hint: run `awsrole console --print` (same options) and open the URL yourself\n',
    });
  });
});

describe('--debug', () => {
  it('says what it does, but never the URL, the sign-in token or the Session', async () => {
    const result = await awsrole(['--profile', 'alice', '--debug', '--print']);
    const { url, call } = signedIn();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${url}\n`);
    expect(result.stderr).toContain(`awsrole: debug: getSigninToken at ${federation.url}/federation, without SessionDuration\n`);
    expect(result.stderr).toContain(`awsrole: debug: console: partition aws, destination ${HOME_PAGE}\n`);
    for (const secret of [call.signinToken!, encodeURIComponent(call.signinToken!), 'Action=login', 'SigninToken=', 'sessionKey', String(call.session?.sessionToken)]) {
      expect(result.stderr).not.toContain(secret);
    }
  });
});
