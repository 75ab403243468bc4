/**
 * A $BROWSER for the console and sso login tests: opens its last argument in Debian's headless
 * Chromium through playwright-core (never a downloaded browser), clicks the element
 * AWSROLE_TEST_BROWSER_CLICK names (a CSS selector) when set, then writes what the page shows
 * to the JSON file named by AWSROLE_TEST_BROWSER_RESULT (whole or not at all: written beside
 * it and renamed, since awsrole leaves the browser running and the test waits for the file).
 * Chromium may reach 127.0.0.1 only.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
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
  let response = await page.goto(url, { timeout: 30_000 });
  const click = process.env['AWSROLE_TEST_BROWSER_CLICK'];
  if (click) [response] = await Promise.all([page.waitForNavigation({ timeout: 30_000 }), page.click(click, { timeout: 30_000 })]);
  const text = async (id) => ((await page.locator(`#${id}`).count()) > 0 ? ((await page.locator(`#${id}`).textContent()) ?? '') : '');
  const result = {
    status: response?.status() ?? 0,
    url: page.url(),
    title: await page.title(),
    signinToken: await text('signin-token'),
    destination: await text('destination'),
    issuer: await text('issuer'),
    body: (await page.locator('body').textContent()) ?? '',
  };
  await writeFile(`${resultFile}.tmp`, JSON.stringify(result));
  await rename(`${resultFile}.tmp`, resultFile);
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}
