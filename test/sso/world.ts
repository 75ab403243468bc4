/**
 * The SSO tests' world: the local IAM Identity Center rig (one per file), a fresh HOME with the
 * config per test, and the cache file names the AWS CLI uses for the fixture's profiles.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startSsoServer, SSO_FIXTURE, type SsoRig, type SsoServerOptions } from '../rigs/sso-server.js';
import { makeHome, type FakeHome } from '../support/cli.js';

const { startUrl, region } = SSO_FIXTURE;
export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** An sso-session profile (dev), its session (corp), and a legacy profile (legacy). */
export const SSO_CONFIG = [
  '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n',
  `[sso-session corp]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_registration_scopes = sso:account:access\n`,
  `[profile legacy]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_account_id = 444455556666\nsso_role_name = Admin\n`,
].join('\n');

export const SESSION_TOKEN_FILE = `.aws/sso/cache/${sha1('corp')}.json`;
export const LEGACY_TOKEN_FILE = `.aws/sso/cache/${sha1(startUrl)}.json`;
export const DEV_ROLE_CACHE = `.aws/cli/cache/${sha1('{"accountId":"111122223333","roleName":"Admin","sessionName":"corp"}')}.json`;
export const LEGACY_ROLE_CACHE = `.aws/cli/cache/${sha1(`{"accountId":"444455556666","roleName":"Admin","startUrl":"${startUrl}"}`)}.json`;

export interface SsoWorld {
  rig: SsoRig;
  home: FakeHome;
}

/** Registers the hooks; the fields are valid inside tests. Each test starts with the fixture's accounts, no calls, no faults. */
export function useSsoWorld(config: string, options: SsoServerOptions = {}): SsoWorld {
  const world = {} as SsoWorld;
  beforeAll(async () => {
    world.rig = await startSsoServer(options);
  });
  afterAll(async () => {
    await world.rig?.close();
  });
  beforeEach(async () => {
    world.rig.reset();
    world.rig.accounts.splice(0, world.rig.accounts.length, ...structuredClone(SSO_FIXTURE.accounts));
    world.home = await makeHome({ '.aws/config': config });
  });
  afterEach(async () => {
    await world.home?.cleanup();
  });
  return world;
}
