import { AwsroleError, ChainSkip, ExitCode } from '../errors.js';
import { mergedProfile } from '../config/shared-config.js';
import { isSsoProfile, ssoRoleOf, type SsoRole } from '../sso/profile.js';
import { isoSeconds } from '../domain/time.js';
import { defineLink, type ChainContext, type LinkResult, type SsoRoleCredentials } from './types.js';

function where(role: SsoRole): string {
  const signIn = role.session === undefined ? `start URL ${role.startUrl}` : `sso-session ${role.session.name} (${role.startUrl})`;
  return `IAM Identity Center role ${role.roleName} in account ${role.accountId} via ${signIn}`;
}

/** The --explain detail: the sign-in, the token's expiry and renewal, the role cache; never a secret. */
function detailOf(role: SsoRole, found: SsoRoleCredentials): string {
  if (found.fromCache) return `${where(role)}; role credentials from the cache in ~/.aws/cli/cache (token not needed)`;
  const token = found.token === undefined ? '' : `; token valid until ${isoSeconds(found.token.expiresAt)} (${found.token.refresh})`;
  return `${where(role)}${token}; role credentials from the portal (now cached)`;
}

/** botocore's SSOProvider for `profile`: ChainSkip unless it has sso_role_name or sso_account_id. */
export async function fromSso(context: ChainContext, profile: string): Promise<LinkResult> {
  const role = ssoRoleOf(context.config, profile);
  if (role === undefined) throw new ChainSkip(`profile ${profile} has no sso_account_id or sso_role_name`);
  const fetch = context.services.ssoRoleCredentials;
  if (fetch === undefined) throw new AwsroleError('sso: no IAM Identity Center client is available here', ExitCode.internal);
  const found = await fetch(role);
  return { credentials: found.credentials, detail: detailOf(role, found) };
}

/** Link: IAM Identity Center (after web identity, before the credentials file, as botocore orders it). */
export const ssoLink = defineLink({
  name: 'sso',
  resolve: (context) => fromSso(context, context.profile.name),
  resolveProfile: (context, profile) => fromSso(context, profile),
  // Its credentials are a role session (AWSReservedSSO_…): a role on top of them is chained.
  givesRoleSession: true,
  describe: (context) => (isSsoProfile(mergedProfile(context.config, context.profile.name)) ? `IAM Identity Center role of profile ${context.profile.name}` : undefined),
});
