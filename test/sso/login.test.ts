/**
 * `awsrole sso login --use-device-code` against the rig: registers a client, starts the device
 * authorization, polls (slowing down when told), and writes the token cache the sso link, the
 * AWS CLI and botocore read.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import { pyJsonDumpsInOrder } from '../../src/sso/cache-json.js';
import { startSsoServer, SSO_FIXTURE, type SsoRig } from '../rigs/sso-server.js';
import { CANARIES, makeHome, type FakeHome } from '../support/cli.js';
import { testDeps, type TestDeps } from '../support/deps.js';

const { startUrl, region } = SSO_FIXTURE;
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
const iso = (time: number): string => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
const START = Math.floor(Date.now() / 1000) * 1000;

const CONFIG = [
  '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n',
  `[sso-session corp]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_registration_scopes = sso:account:access\n`,
  `[profile legacy]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_account_id = 444455556666\nsso_role_name = Admin\n`,
].join('\n');

let rig: SsoRig;
let home: FakeHome;
let clock: number;

beforeAll(async () => {
  rig = await startSsoServer({ now: () => new Date(clock) });
});
afterAll(async () => {
  await rig.close();
});
beforeEach(async () => {
  clock = START;
  rig.reset();
  home = await makeHome({ '.aws/config': CONFIG });
});
afterEach(async () => {
  await home.cleanup();
});

/** A user who approves the request in the browser after `approveAfter` polls; the clock moves with each sleep. */
async function awsrole(args: string[], approveAfter = 1): Promise<{ code: number; deps: TestDeps; sleeps: number[] }> {
  const sleeps: number[] = [];
  const deps: TestDeps = testDeps(home.dir, {
    now: () => new Date(clock),
    env: { USER: 'tester', NO_COLOR: '1', AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      const code = /shows the code (\S+)/.exec(deps.stderr.text())?.[1];
      if (code !== undefined && sleeps.length > approveAfter) rig.approveDevice(code);
    },
  });
  const code = await run(deps, ['node', 'awsrole', ...args]);
  for (const canary of CANARIES) expect(deps.stderr.text()).not.toContain(canary);
  return { code, deps, sleeps };
}

describe('awsrole sso login --use-device-code', () => {
  it('signs in for an sso-session profile and writes the token the sso link then uses', async () => {
    const { code, deps, sleeps } = await awsrole(['sso', 'login', '--use-device-code', '--profile', 'dev']);
    expect(code).toBe(0);
    expect(deps.stdout.text()).toBe('');
    expect(sleeps).toEqual([1000, 1000]);
    expect(rig.calls.map((call) => `${call.operation} ${call.status}`)).toEqual(['RegisterClient 200', 'StartDeviceAuthorization 200', 'CreateToken 400', 'CreateToken 200']);
    expect(rig.calls[0]?.body).toEqual({ clientName: 'awsrole', clientType: 'public', scopes: ['sso:account:access'] });
    expect(rig.calls[1]?.body['startUrl']).toBe(startUrl);
    const path = `.aws/sso/cache/${sha1('corp')}.json`;
    const text = readFileSync(home.path(path), 'utf8');
    const token = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(token)).toEqual(['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
    expect(pyJsonDumpsInOrder(token)).toBe(text);
    expect([token['startUrl'], token['region'], token['expiresAt'], token['clientId']]).toEqual([startUrl, region, iso(clock + 8 * 3600_000), rig.calls[2]?.body['clientId']]);
    expect(statSync(home.path(path)).mode & 0o777).toBe(0o600);
    expect(deps.stderr.text()).toMatch(new RegExp(`^Sign in at:\\n  ${rig.url}/device\\?user_code=(\\w+)\\nand check that the page shows the code \\1\\nSigned in to sso-session corp, valid until ${iso(clock + 8 * 3600_000)} \\(~/${path.replace(/[.]/g, '\\.')}\\)\\n$`));
    rig.reset();
    const exported = await awsrole(['export', '--profile', 'dev']);
    expect(exported.code).toBe(0);
    expect(rig.calls.map((call) => [call.operation, call.bearerToken])).toEqual([['GetRoleCredentials', token['accessToken']]]);
  });

  it('a legacy profile gets a token keyed by the start URL, without a registration', async () => {
    const { code } = await awsrole(['sso', 'login', '--use-device-code', '--profile', 'legacy']);
    expect(code).toBe(0);
    const token = JSON.parse(readFileSync(home.path(`.aws/sso/cache/${sha1(startUrl)}.json`), 'utf8')) as Record<string, string>;
    expect(Object.keys(token)).toEqual(['startUrl', 'region', 'accessToken', 'expiresAt']);
  });

  it('slows down by 5 s when told to, and --sso-session names the session directly', async () => {
    rig.fault({ operation: 'CreateToken', status: 400, type: 'SlowDownException', message: 'Client is polling too fast', times: 1 });
    const { code, sleeps } = await awsrole(['sso', 'login', '--use-device-code', '--sso-session', 'corp']);
    expect(code).toBe(0);
    expect(sleeps).toEqual([1000, 6000]);
  });

  it('an expired device code: exit 3', async () => {
    rig.fault({ operation: 'CreateToken', status: 400, type: 'ExpiredTokenException', message: 'Device code has expired' });
    const { code, deps } = await awsrole(['sso', 'login', '--use-device-code', '--profile', 'dev']);
    expect(code).toBe(3);
    expect(deps.stderr.text()).toMatch(/awsrole: the sign-in request expired before it was approved\n {2}hint: run the command again and approve the request in the browser in time\n$/);
  });

  it('without --use-device-code, and for other actions: usage errors', async () => {
    const browser = await awsrole(['sso', 'login', '--profile', 'dev']);
    expect(browser.code).toBe(2);
    expect(browser.deps.stderr.text()).toBe('awsrole: the browser sign-in (PKCE) is not available yet: pass --use-device-code\n  hint: awsrole sso login --use-device-code --profile NAME\n');
    const logout = await awsrole(['sso', 'logout']);
    expect(logout.code).toBe(2);
    expect(rig.calls).toEqual([]);
  });
});
