/**
 * GetRoleCredentials behind the AWS CLI's role cache, as botocore's SSOCredentialFetcher
 * (with the AWS CLI's JSONFileCache in ~/.aws/cli/cache): a cached session with 15 minutes
 * left is used without reading the token; otherwise the token is loaded (renewed if due), the
 * portal called and the answer cached.
 */
import { cliCacheFolder, readCachedSession, writeCachedSession } from '../cache/cli-cache.js';
import { sha1Hex } from '../cache/sha1.js';
import type { SsoRoleCredentials, SsoRoleFetcher } from '../chain/types.js';
import type { SharedConfig } from '../config/shared-config.js';
import type { Credentials } from '../chain/types.js';
import type { Deps } from '../deps.js';
import { shown } from '../domain/text.js';
import { pyJsonCompactSorted, pyJsonDumpsInOrder } from './cache-json.js';
import { isoSeconds } from '../domain/time.js';
import { ssoEndpoints, type SsoEndpoints } from './endpoints.js';
import { getRoleCredentials } from './portal.js';
import type { SsoRole } from './profile.js';
import { loadAccessToken } from './token.js';

/** botocore's SSOCredentialFetcher._create_cache_key */
export function ssoRoleCacheKey(role: Pick<SsoRole, 'accountId' | 'roleName' | 'startUrl' | 'session'>): string {
  const args: Record<string, string> = { roleName: role.roleName, accountId: role.accountId };
  if (role.session !== undefined && role.session.name !== '') args['sessionName'] = role.session.name;
  else args['startUrl'] = role.startUrl;
  return sha1Hex(pyJsonCompactSorted(args));
}

/** The cache file as botocore writes it for an SSO role: ProviderType first, the expiry at whole seconds with a Z. */
export function ssoRoleCacheText(credentials: Credentials): string {
  return pyJsonDumpsInOrder({
    ProviderType: 'sso',
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration === undefined ? undefined : isoSeconds(credentials.expiration),
      AccountId: credentials.accountId,
    },
  });
}

/** What to run to sign in for `profile` (or the sso-session `name` with --sso-session): names it as a shell would need it. */
export function loginCommand(name: string, flag: '--profile' | '--sso-session' = '--profile'): string {
  return `awsrole sso login ${flag} ${/^[\w.@-]+$/.test(name) ? name : shown(name)}`;
}

export interface SsoServiceOptions {
  deps: Deps;
  config: SharedConfig;
  /** The selected profile: its endpoint settings apply to every client, as in botocore. */
  profile: string;
  /** --refresh: skip the role cache (a new session is fetched and cached). */
  refresh: boolean;
}

export function ssoRoleFetcher(options: SsoServiceOptions): SsoRoleFetcher {
  const { deps, config, profile, refresh } = options;
  return async (role): Promise<SsoRoleCredentials> => {
    const folder = cliCacheFolder(deps);
    const key = ssoRoleCacheKey(role);
    const cached = refresh ? undefined : await readCachedSession(deps, folder, key);
    if (cached !== undefined) return { credentials: cached, fromCache: true };
    let endpoints: SsoEndpoints | undefined;
    const resolved = (): SsoEndpoints => (endpoints ??= ssoEndpoints(deps, config, profile, role.region, `sso_region of profile ${role.profile}`));
    const login = `sign in with \`${loginCommand(role.profile)}\``;
    const token = await loadAccessToken(deps, role, { loginHint: login, oidcEndpoint: () => resolved().oidc });
    const credentials = await getRoleCredentials(deps, resolved().portal, role, token.accessToken, { login });
    await writeCachedSession(deps, folder, key, ssoRoleCacheText(credentials));
    return { credentials, fromCache: false, token: { owner: token.file.owner, expiresAt: token.expiresAt, refresh: token.refresh } };
  };
}
