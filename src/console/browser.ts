/**
 * Opens a URL in the user's browser: $BROWSER (split on spaces, the URL as its last argument),
 * else the platform's opener. The child is detached (deps.spawnDetached): awsrole never kills it,
 * so a browser that stays in the foreground keeps running after awsrole is done. A failing
 * browser is reported by its exit status alone, never with its output (which may echo the URL).
 */
import { platform } from 'node:os';
import type { DetachedExit, Deps } from '../deps.js';
import { ChildExitCode } from '../errors.js';
import { shown } from '../domain/text.js';

/**
 * How long awsrole waits to hear whether the opener failed. Openers hand the URL to a running
 * browser and return at once; a browser still running then is taken as opened and left running.
 */
const OPENER_WAIT_MS = 15_000;

/** The command that opens `url`: $BROWSER when set, else `open` (macOS), `rundll32` (Windows), `xdg-open`. */
export function openerCommand(env: Deps['env'], os: NodeJS.Platform, url: string): string[] {
  const browser = env['BROWSER']?.trim().split(/\s+/).filter(Boolean) ?? [];
  if (browser.length > 0) return [...browser, url];
  if (os === 'darwin') return ['open', url];
  // `start` would go through cmd.exe, which splits the URL at each `&`.
  if (os === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  return ['xdg-open', url];
}

/** Why the opener failed, or undefined when it opened the URL (or is still running). */
function failureOf(exit: DetachedExit | undefined): string | undefined {
  if (exit === undefined) return undefined;
  if ('notStarted' in exit) return 'could not be run (not found?)';
  if (exit.exitCode === 0) return undefined;
  if (exit.exitCode === ChildExitCode.notFound) return 'could not be run (not found?)';
  return exit.exitCode !== null ? `exited with status ${exit.exitCode}` : `was killed by ${exit.signal ?? 'a signal'}`;
}

/**
 * Opens `url`; resolves to undefined when it opened, else to the failure as a sentence
 * ("the browser command "xdg-open" exited with status 3"), for the caller to raise or report.
 * It stops waiting to hear earlier when `until` settles (the sign-in it was opened for is done).
 */
export async function openInBrowser(deps: Deps, url: string, until?: Promise<unknown>): Promise<string | undefined> {
  const argv = openerCommand(deps.env, platform(), url);
  const command = argv.slice(0, -1).join(' ');
  deps.debug?.(`opening the URL with ${command}${deps.env['BROWSER'] ? ' ($BROWSER)' : ''}`);
  const child = deps.spawnDetached(argv, deps.env);
  let cancel = (): void => undefined;
  const stillRunning = new Promise<undefined>((resolve) => (cancel = deps.setTimer(OPENER_WAIT_MS, () => resolve(undefined))));
  const exit = await Promise.race([child.exited, stillRunning, ...(until === undefined ? [] : [until.then(() => undefined)])]);
  cancel();
  const why = failureOf(exit);
  return why === undefined ? undefined : `the browser command ${shown(command)} ${why}`;
}
