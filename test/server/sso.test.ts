/** Issue 12: an SSO profile served by `awsrole serve`, refreshed from the token cache (fake clock, IAM Identity Center rig). */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { startSsoServer, SSO_FIXTURE, type SsoRig } from '../rigs/sso-server.js';
import { makeHome, type FakeHome } from '../support/cli.js';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';
import { credentialsOf, startServe } from './harness.js';

const { startUrl, region } = SSO_FIXTURE;
const MINUTE = 60_000;
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

const CONFIG = [
  '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-central-1\n',
  `[sso-session corp]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_registration_scopes = sso:account:access\n`,
].join('\n');

let clock: FakeClock;
let rig: SsoRig;
let home: FakeHome;

beforeAll(async () => {
  clock = fakeClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  rig = await startSsoServer({ now: () => clock.now() });
});
afterAll(async () => {
  await rig.close();
});
beforeEach(async () => {
  rig.reset();
  home = await makeHome({ '.aws/config': CONFIG }, { AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url });
  const token = rig.signIn({ startUrl, region, session: true, expiresInSeconds: 8 * 3600 });
  await home.write(`.aws/sso/cache/${sha1('corp')}.json`, JSON.stringify(token));
});
afterEach(async () => {
  await home.cleanup();
});

it('serves the role credentials of an SSO profile and refreshes them from the token cache', async () => {
  const s = startServe(['--profile', 'dev'], home.env, clock);
  const first = credentialsOf(await s.get());
  expect(first.AccountId).toBe('111122223333');
  await clock.advance(50 * MINUTE);
  const second = credentialsOf(await s.get());
  expect(second.AccessKeyId).not.toBe(first.AccessKeyId);
  expect(rig.calls.map((call) => `${call.operation} ${call.status}`)).toEqual(['GetRoleCredentials 200', 'GetRoleCredentials 200']);
  expect(await s.stop()).toBe(0);
  expect(s.deps.stderr.text()).not.toContain('could not');
});
