/**
 * `awsrole console` with a real browser: Debian's Chromium, driven by playwright-core, as
 * $BROWSER. It lands on the local federation endpoint's login page with the sign-in token the
 * endpoint issued and the destination awsrole asked for. Under CI a missing Chromium fails;
 * elsewhere the test is skipped with one line saying why.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import { testDeps } from '../support/deps.js';
import { useConsoleRigs } from './rigs.js';

const CHROMIUM = '/usr/bin/chromium';
const DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'browser-driver.mjs');

function resolves(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** What is missing, each with the command that installs it. */
const missing = [
  ...(existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (apt-get install -y chromium)`]),
  ...(resolves('playwright-core') ? [] : ['playwright-core (npm install)']),
];
const present = missing.length === 0;
const required = process.env['CI'] === 'true';
if (!present && !required) console.warn(`skipped: console sign-in in a real browser needs ${missing.join(' and ')}`);

describe.skipIf(!present && !required)(`console sign-in in a real browser (${CHROMIUM})`, () => {
  const rigs = useConsoleRigs('region = eu-central-1\n');

  it('chromium and playwright-core are installed', () => {
    expect(missing, `missing: ${missing.join(', ')}`).toEqual([]);
  });

  it.skipIf(!present)('$BROWSER (headless Chromium) lands on the login page with the issued SigninToken and the destination', { timeout: 120_000 }, async () => {
    const { sts, federation, home } = rigs;
    const browser = await home.write('bin/browser', `#!/bin/sh\nexec "${process.execPath}" "${DRIVER}" "$@"\n`, 0o700);
    const resultFile = home.path('browser-result.json');
    const deps = testDeps(home.dir, {
      env: { USER: 'tester', AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_SIGNIN: federation.url, BROWSER: browser, AWSROLE_TEST_BROWSER_RESULT: resultFile },
    });
    const code = await run(deps, ['node', 'awsrole', 'console', '--profile', 'deploy', '--service', 'cloudformation']);
    expect({ code, stdout: deps.stdout.text(), stderr: deps.stderr.text() }).toEqual({ code: 0, stdout: '', stderr: '' });

    const issued = federation.calls.find((call) => call.action === 'getSigninToken');
    expect(issued?.status, issued?.refusal).toBe(200);
    const landed = JSON.parse(await readFile(resultFile, 'utf8')) as Record<string, unknown>;
    expect(landed).toMatchObject({
      status: 200,
      title: 'federation rig: signed in',
      signinToken: issued?.signinToken,
      destination: 'https://eu-central-1.console.aws.amazon.com/cloudformation/home?region=eu-central-1',
      issuer: 'awsrole',
    });
    expect(String(landed['url'])).toMatch(new RegExp(`^${federation.url}/federation\\?Action=login&`));
    expect(federation.calls.filter((call) => call.action === 'login').map((call) => call.status)).toEqual([200]);
  });
});
