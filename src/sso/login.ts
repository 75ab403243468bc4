/**
 * `awsrole sso login`: signs in to IAM Identity Center as `aws sso login` does and writes the
 * token cache the AWS CLI, botocore and the sso link read. An sso-session signs in through the
 * browser (authorization code with PKCE) unless the device code is asked for; a legacy profile
 * (start URL in the profile) always uses the device code, as in the AWS CLI.
 */
import type { SharedConfig } from '../config/shared-config.js';
import { openInBrowser } from '../console/browser.js';
import type { Deps } from '../deps.js';
import { terminalSafe } from '../domain/text.js';
import { isoSeconds } from '../domain/time.js';
import { signInWithBrowser } from './authorize.js';
import { ssoEndpoints, type SsoEndpoint } from './endpoints.js';
import { pollDeviceToken, startDeviceAuthorization, type CreatedToken, type RegisteredClient } from './oidc.js';
import type { SsoSignIn } from './profile.js';
import { clientRegistration } from './registration.js';
import { tokenFileFields, tokenFileOf, writeToken } from './token-cache.js';

export interface LoginOptions {
  useDeviceCode: boolean;
  /** false under --no-browser: the URL (and code) are only printed. */
  openBrowser: boolean;
}

/** Opens `url` unless told not to; a browser that fails is a warning (the URL is on stderr already). */
async function open(deps: Deps, url: string, options: LoginOptions, answered?: Promise<unknown>): Promise<void> {
  if (!options.openBrowser) return;
  const failed = await openInBrowser(deps, url, answered);
  if (failed !== undefined) deps.stderr.write(`awsrole: warning: ${terminalSafe(failed)}; open the URL above yourself\n`);
}

async function browserToken(deps: Deps, oidc: SsoEndpoint, client: RegisteredClient, signIn: SsoSignIn, owner: string, options: LoginOptions): Promise<CreatedToken> {
  return signInWithBrowser(deps, oidc, client, signIn.scopes, {
    present: async (url, answered) => {
      const lead = options.openBrowser ? `Signing in to ${owner} in your browser. If it does not open, open this URL on this machine:` : `To sign in to ${owner}, open this URL in a browser on this machine:`;
      deps.stderr.write(terminalSafe(`${lead}\n  ${url}\n(To sign in on another device, run again with --use-device-code.)\n`));
      await open(deps, url, options, answered);
    },
  });
}

async function deviceToken(deps: Deps, oidc: SsoEndpoint, client: RegisteredClient, signIn: SsoSignIn, options: LoginOptions): Promise<CreatedToken> {
  const device = await startDeviceAuthorization(deps, oidc, client, signIn.startUrl);
  deps.stderr.write(terminalSafe(`Sign in at:\n  ${device.verificationUriComplete}\nand check that the page shows the code ${device.userCode}\n`));
  const polled = pollDeviceToken(deps, oidc, client, device);
  await open(deps, device.verificationUriComplete, options, polled.catch(() => undefined));
  return polled;
}

/** Signs in and writes the token cache; `profile` is the selected one (its endpoint settings apply). */
export async function ssoLogin(deps: Deps, config: SharedConfig, signIn: SsoSignIn, profile: string, options: LoginOptions): Promise<void> {
  const { oidc } = ssoEndpoints(deps, config, profile, signIn.region, 'sso_region');
  const file = tokenFileOf(deps, signIn);
  const flow = signIn.session !== undefined && !options.useDeviceCode ? 'authorization-code' : 'device-code';
  const client = await clientRegistration(deps, oidc, signIn, flow);
  const owner = `${file.owner}${signIn.session === undefined ? '' : ` (${signIn.startUrl})`}`;
  const created = flow === 'authorization-code' ? await browserToken(deps, oidc, client, signIn, owner, options) : await deviceToken(deps, oidc, client, signIn, options);
  const expiresAt = new Date(deps.now().getTime() + created.expiresInSeconds * 1000);
  // botocore's fetchers cache the registration beside every token; its token provider refreshes only sso-session ones.
  const registration = { clientId: client.clientId, clientSecret: client.clientSecret, registrationExpiresAt: isoSeconds(client.expiresAt) };
  await writeToken(deps, file, tokenFileFields({ startUrl: signIn.startUrl, region: signIn.region, accessToken: created.accessToken, expiresAt, registration, refreshToken: created.refreshToken }));
  deps.stderr.write(terminalSafe(`Signed in to ${file.owner}, valid until ${isoSeconds(expiresAt)} (${file.shown})\n`));
}
