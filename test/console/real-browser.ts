/**
 * Debian's headless Chromium, driven by playwright-core (browser-driver.mjs), as $BROWSER for
 * the console and sso login tests. Under CI a missing Chromium fails; elsewhere the tests are
 * skipped with one line saying why.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeHome } from '../support/cli.js';

export const CHROMIUM = '/usr/bin/chromium';
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
export const MISSING = [
  ...(existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (apt-get install -y chromium)`]),
  ...(resolves('playwright-core') ? [] : ['playwright-core (npm install)']),
];
export const PRESENT = MISSING.length === 0;
export const REQUIRED = process.env['CI'] === 'true';

/** Logs why a real-browser suite is skipped; true when it runs. */
export function realBrowserRuns(what: string): boolean {
  if (!PRESENT && !REQUIRED) console.warn(`skipped: ${what} in a real browser needs ${MISSING.join(' and ')}`);
  return PRESENT || REQUIRED;
}

export interface BrowserLanding {
  status: number;
  url: string;
  title: string;
  signinToken: string;
  destination: string;
  issuer: string;
  body: string;
}

export interface RealBrowser {
  /** The $BROWSER value. */
  command: string;
  /** The environment the driver reads (add it to awsrole's). */
  env: Record<string, string>;
  /** Where the page landed: waits for the driver, which awsrole leaves running. */
  landing(): Promise<BrowserLanding>;
}

/** A $BROWSER script in `home`; `click` is a CSS selector the driver clicks after the page loads. */
export async function realBrowser(home: FakeHome, options: { click?: string } = {}): Promise<RealBrowser> {
  const command = await home.write('bin/browser', `#!/bin/sh\nexec "${process.execPath}" "${DRIVER}" "$@"\n`, 0o700);
  const resultFile = home.path('browser-result.json');
  const env = { AWSROLE_TEST_BROWSER_RESULT: resultFile, ...(options.click === undefined ? {} : { AWSROLE_TEST_BROWSER_CLICK: options.click }) };
  const landing = async (): Promise<BrowserLanding> => {
    // The driver renames its result into place: poll until it is there (the test's timeout is the safety net).
    for (;;) {
      const text = await readFile(resultFile, 'utf8').catch(() => undefined);
      if (text !== undefined) return JSON.parse(text) as BrowserLanding;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { command, env, landing };
}
