/**
 * `awsrole console` with a real browser: Debian's Chromium, driven by playwright-core, as
 * $BROWSER. It lands on the local federation endpoint's login page with the sign-in token the
 * endpoint issued and the destination awsrole asked for.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import { testDeps } from '../support/deps.js';
import { CHROMIUM, MISSING, PRESENT, realBrowser, realBrowserRuns } from './real-browser.js';
import { useConsoleRigs } from './rigs.js';

describe.runIf(realBrowserRuns('console sign-in'))(`console sign-in in a real browser (${CHROMIUM})`, () => {
  const rigs = useConsoleRigs('region = eu-central-1\n');

  it('chromium and playwright-core are installed', () => {
    expect(MISSING, `missing: ${MISSING.join(', ')}`).toEqual([]);
  });

  it.skipIf(!PRESENT)('$BROWSER (headless Chromium) lands on the login page with the issued SigninToken and the destination', { timeout: 120_000 }, async () => {
    const { sts, federation, home } = rigs;
    const browser = await realBrowser(home);
    const deps = testDeps(home.dir, {
      env: { USER: 'tester', AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_SIGNIN: federation.url, BROWSER: browser.command, ...browser.env },
    });
    const code = await run(deps, ['node', 'awsrole', 'console', '--profile', 'deploy', '--service', 'cloudformation']);
    expect({ code, stdout: deps.stdout.text(), stderr: deps.stderr.text() }).toEqual({ code: 0, stdout: '', stderr: '' });

    const landed = await browser.landing();
    const issued = federation.calls.find((call) => call.action === 'getSigninToken');
    expect(issued?.status, issued?.refusal).toBe(200);
    expect(landed).toMatchObject({
      status: 200,
      title: 'federation rig: signed in',
      signinToken: issued?.signinToken,
      destination: 'https://eu-central-1.console.aws.amazon.com/cloudformation/home?region=eu-central-1',
      issuer: 'awsrole',
    });
    expect(landed.url).toMatch(new RegExp(`^${federation.url}/federation\\?Action=login&`));
    expect(federation.calls.filter((call) => call.action === 'login').map((call) => call.status)).toEqual([200]);
  });
});
