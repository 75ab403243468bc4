/**
 * `awsrole sso login` in a real browser: Debian's headless Chromium, driven by playwright-core,
 * as $BROWSER (test/console/real-browser.ts). It opens the rig's authorize page, clicks Allow,
 * and lands on awsrole's loopback callback; awsrole exchanges the code and writes the token.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import { CHROMIUM, MISSING, PRESENT, realBrowser, realBrowserRuns } from '../console/real-browser.js';
import { startSsoServer, SSO_FIXTURE, type SsoRig } from '../rigs/sso-server.js';
import { makeHome, type FakeHome } from '../support/cli.js';
import { testDeps } from '../support/deps.js';

const { startUrl, region } = SSO_FIXTURE;

describe.runIf(realBrowserRuns('sso login'))(`sso login in a real browser (${CHROMIUM})`, () => {
  let rig: SsoRig;
  let home: FakeHome;
  beforeAll(async () => {
    rig = await startSsoServer();
    home = await makeHome({ '.aws/config': `[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n\n[sso-session corp]\nsso_start_url = ${startUrl}\nsso_region = ${region}\n` });
  });
  afterAll(async () => {
    await rig?.close();
    await home?.cleanup();
  });

  it('chromium and playwright-core are installed', () => {
    expect(MISSING, `missing: ${MISSING.join(', ')}`).toEqual([]);
  });

  it.skipIf(!PRESENT)('$BROWSER (headless Chromium) approves on the authorize page and lands on the loopback callback; the token is cached', { timeout: 120_000 }, async () => {
    const browser = await realBrowser(home, { click: '#approve' });
    const deps = testDeps(home.dir, { env: { AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url, BROWSER: browser.command, ...browser.env } });
    const code = await run(deps, ['node', 'awsrole', 'sso', 'login', '--profile', 'dev']);
    expect({ code, stdout: deps.stdout.text() }).toEqual({ code: 0, stdout: '' });

    const authorizeUrl = /\n {2}(\S+)\n/.exec(deps.stderr.text())?.[1] ?? '';
    const redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri') ?? '';
    const landed = await browser.landing();
    expect(landed).toMatchObject({ status: 200, title: 'Signed in' });
    expect(landed.url).toMatch(new RegExp(`^${redirectUri}\\?code=code-[0-9a-f-]+&state=[0-9a-f-]{36}$`));
    expect(landed.body).toContain('You can close this tab');
    // Chromium also asks the rig for /favicon.ico.
    expect(rig.calls.filter((call) => call.path !== '/favicon.ico').map((call) => `${call.operation} ${call.status}`)).toEqual(['RegisterClient 200', 'Authorize 200', 'Approve 302', 'CreateToken 200']);
    const token = JSON.parse(readFileSync(home.path(`.aws/sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`), 'utf8')) as Record<string, unknown>;
    expect(token).toMatchObject({ startUrl, region, clientId: rig.calls.find((call) => call.operation === 'CreateToken')?.body['clientId'] });
    expect(String(token['accessToken'])).toMatch(/^aoa-TOKENCANARY-/);
  });
});
