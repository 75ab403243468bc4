/**
 * `awsrole sso login`: signs in to IAM Identity Center and writes the token cache the AWS CLI
 * and the sso link read. This first step has the device-code flow only (--use-device-code);
 * the browser flow (PKCE), logout and populate come next (issue 11 phase 2).
 */
import { loadSharedConfig } from '../../config/load.js';
import type { SharedConfig } from '../../config/shared-config.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';
import { terminalSafe } from '../../domain/text.js';
import { selectProfile } from '../../session/profile.js';
import { isoSeconds } from '../../domain/time.js';
import { ssoEndpoints } from '../../sso/endpoints.js';
import { pollDeviceToken, registerClient, startDeviceAuthorization } from '../../sso/oidc.js';
import { profileSignIn, sessionSignIn, type SsoSignIn } from '../../sso/profile.js';
import { tokenFileFields, tokenFileOf, writeToken } from '../../sso/token-cache.js';
import { defineCommand } from '../command.js';

async function login(deps: Deps, config: SharedConfig, signIn: SsoSignIn, profile: string): Promise<void> {
  const { oidc } = ssoEndpoints(deps.env, config, profile, signIn.region, 'sso_region');
  const client = await registerClient(deps, oidc, signIn.scopes);
  const device = await startDeviceAuthorization(deps, oidc, client, signIn.startUrl);
  deps.stderr.write(terminalSafe(`Sign in at:\n  ${device.verificationUriComplete}\nand check that the page shows the code ${device.userCode}\n`));
  const created = await pollDeviceToken(deps, oidc, client, device);
  const expiresAt = new Date(deps.now().getTime() + created.expiresInSeconds * 1000);
  const file = tokenFileOf(deps, signIn);
  const registration = signIn.session === undefined ? undefined : { clientId: client.clientId, clientSecret: client.clientSecret, registrationExpiresAt: isoSeconds(client.expiresAt) };
  await writeToken(deps, file, tokenFileFields({ startUrl: signIn.startUrl, region: signIn.region, accessToken: created.accessToken, expiresAt, registration, refreshToken: registration && created.refreshToken }));
  deps.stderr.write(terminalSafe(`Signed in to ${file.owner}, valid until ${isoSeconds(expiresAt)} (${file.shown})\n`));
}

export const ssoCommand = defineCommand({
  name: 'sso',
  description: 'IAM Identity Center: `sso login` signs in and writes the token cache the AWS CLI shares',
  examples: ['awsrole sso login --use-device-code --profile my-sso'],
  options: [
    { flags: '--profile <name>', description: 'sign in for this profile (its sso_session, or its sso_start_url)' },
    { flags: '--sso-session <name>', description: 'sign in for this [sso-session NAME]' },
    { flags: '--use-device-code', description: 'sign in with a code shown on another device (the only flow so far)' },
    { flags: '--no-browser', description: 'only print the sign-in URL (awsrole does not open a browser yet)' },
  ],
  argument: { syntax: '[action]', description: 'login', choices: ['login'] },
  async run(deps, options, [action]) {
    if (action !== 'login') throw new UsageError(`awsrole sso ${action ?? ''}`.trimEnd() + ': only `awsrole sso login` is available so far', 'logout and populate are planned; use `aws sso logout` meanwhile');
    if (options.useDeviceCode !== true) throw new UsageError('the browser sign-in (PKCE) is not available yet: pass --use-device-code', 'awsrole sso login --use-device-code --profile NAME');
    if (options.profile !== undefined && options.ssoSession !== undefined) throw new UsageError('pass --profile or --sso-session, not both');
    const config = await loadSharedConfig(deps);
    const profile = selectProfile(deps.env, options.profile).name;
    const signIn = options.ssoSession !== undefined ? sessionSignIn(config, options.ssoSession, '--sso-session') : profileSignIn(config, profile);
    await login(deps, config, signIn, profile);
  },
});
