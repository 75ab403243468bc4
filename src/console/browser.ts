/**
 * Opens the sign-in URL: $BROWSER (split on spaces, the URL as its last argument), else the
 * platform's opener. The URL is a credential: a failing browser is reported by its exit status
 * alone, never with its output (which may echo the URL).
 */
import { platform } from 'node:os';
import type { Deps } from '../deps.js';
import { CredentialError } from '../errors.js';
import { shown } from '../domain/text.js';

/** Openers hand the URL to a running browser and return; a browser that stays in the foreground is stopped then. */
const OPENER_TIMEOUT_MS = 60_000;
const PRINT_HINT = 'run `awsrole console --print` (same options) and open the URL yourself';

/** The command that opens `url`: $BROWSER when set, else `open` (macOS), `rundll32` (Windows), `xdg-open`. */
export function openerCommand(env: Deps['env'], os: NodeJS.Platform, url: string): string[] {
  const browser = env['BROWSER']?.trim().split(/\s+/).filter(Boolean) ?? [];
  if (browser.length > 0) return [...browser, url];
  if (os === 'darwin') return ['open', url];
  // `start` would go through cmd.exe, which splits the URL at each `&`.
  if (os === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  return ['xdg-open', url];
}

export async function openInBrowser(deps: Deps, url: string): Promise<void> {
  const argv = openerCommand(deps.env, platform(), url);
  const command = argv.slice(0, -1).join(' ');
  deps.debug?.(`opening the sign-in URL with ${command}${deps.env['BROWSER'] ? ' ($BROWSER)' : ''}`);
  const result = await deps.runProcess(argv, { env: deps.env, timeoutMs: OPENER_TIMEOUT_MS });
  if (result.exitCode === 0) return;
  const why = result.timedOut
    ? `did not return within ${OPENER_TIMEOUT_MS / 1000} s`
    : result.exitCode === 127
      ? 'could not be run (not found?)'
      : result.exitCode !== null
        ? `exited with status ${result.exitCode}`
        : `was killed by ${result.signal ?? 'a signal'}`;
  throw new CredentialError(`the browser command ${shown(command)} ${why}`, PRINT_HINT);
}
