/**
 * A $BROWSER for the console test: opens its last argument in Debian's headless Chromium
 * through playwright-core (never a downloaded browser), then writes what the page shows to
 * the JSON file named by AWSROLE_TEST_BROWSER_RESULT. Chromium may reach 127.0.0.1 only.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const url = process.argv.at(-1);
const resultFile = process.env['AWSROLE_TEST_BROWSER_RESULT'];
if (!url || !resultFile) {
  process.stderr.write('usage: AWSROLE_TEST_BROWSER_RESULT=FILE browser-driver.mjs URL\n');
  process.exit(2);
}

const userDataDir = await mkdtemp(join(tmpdir(), 'awsrole-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Every host name but loopback fails to resolve: the test cannot reach anything real.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
  timeout: 60_000,
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const response = await page.goto(url, { timeout: 30_000 });
  const text = async (id) => (await page.locator(`#${id}`).textContent()) ?? '';
  const result = {
    status: response?.status() ?? 0,
    url: page.url(),
    title: await page.title(),
    signinToken: await text('signin-token'),
    destination: await text('destination'),
    issuer: await text('issuer'),
  };
  await writeFile(resultFile, JSON.stringify(result));
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}
