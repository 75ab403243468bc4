/**
 * `awsrole sso login` as a user runs it: the built CLI in its own process (network guard on),
 * $BROWSER a command that stays in the foreground like a browser does. awsrole signs in once the
 * callback arrives and exits without waiting for the browser, which it leaves running.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SsoRig } from '../rigs/sso-server.js';
import { CLI_BUILT, NOT_BUILT, AWSROLE_BIN, spawnCollect, type FakeHome } from '../support/cli.js';
import { SESSION_TOKEN_FILE, SSO_CONFIG, useSsoWorld } from './world.js';

const world = useSsoWorld(SSO_CONFIG);
let rig: SsoRig;
let home: FakeHome;
beforeEach(() => ({ rig, home } = world));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The browser script's pid, once it has written it: awsrole leaves it running, the test stops it. */
const browserPid = async (): Promise<number | undefined> => {
  const text = await readFile(home.path('browser-pid'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text);
};
afterEach(async () => {
  const pid = await browserPid();
  if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
});

describe.skipIf(!CLI_BUILT)(`the built CLI${CLI_BUILT ? '' : ` (${NOT_BUILT})`}`, () => {
  it('sso login: the browser (a foreground command) gets the URL; awsrole exits 0 after the callback and leaves it running', { timeout: 60_000 }, async () => {
    const urlFile = home.path('browser-url');
    const pidFile = home.path('browser-pid');
    const browser = await home.write('bin/browser', `#!/bin/sh\necho $$ > "${pidFile}"\nprintf '%s' "$1" > "${urlFile}"\nexec sleep 120\n`, 0o700);
    const running = spawnCollect(process.execPath, [AWSROLE_BIN, 'sso', 'login', '--profile', 'dev'], { ...home.env, AWS_ENDPOINT_URL_SSO: rig.url, AWS_ENDPOINT_URL_SSO_OIDC: rig.url, BROWSER: browser });
    let url: string | undefined;
    while (url === undefined) {
      url = await readFile(urlFile, 'utf8').catch(() => undefined);
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const visit = await rig.browse(url);
    const result = await running;
    expect({ code: result.code, stdout: result.stdout, timedOut: result.timedOut, callback: visit.status }).toEqual({ code: 0, stdout: '', timedOut: false, callback: 200 });
    expect(result.stderr).toContain(`\n  ${url}\n`);
    expect(result.stderr).toMatch(/Signed in to sso-session corp, valid until \S+ \(~\/\.aws\/sso\/cache\/\w+\.json\)\n$/);
    expect(JSON.parse(await readFile(home.path(SESSION_TOKEN_FILE), 'utf8'))).toHaveProperty('refreshToken');
    expect(alive((await browserPid()) ?? -1)).toBe(true);
  });
});
