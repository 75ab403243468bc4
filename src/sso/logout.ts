/**
 * `awsrole sso logout`: ends sign-ins as `aws sso logout` does (the portal's Logout with the
 * cached token, then the token file and the SSO role credentials in ~/.aws/cli/cache deleted),
 * for one sign-in (a profile's or an sso-session's) or, with --all, every one. Client
 * registrations stay (they hold no sign-in). Files are deleted even when the portal cannot be
 * reached; that failure is raised at the end.
 */
import { join } from 'node:path';
import { cliCacheFolder } from '../cache/cli-cache.js';
import { MAX_CACHE_FILE_BYTES } from '../cache/cache-folder.js';
import { displayPath } from '../config/paths.js';
import type { SharedConfig } from '../config/shared-config.js';
import type { Deps } from '../deps.js';
import { plural, terminalSafe } from '../domain/text.js';
import { NetworkError } from '../errors.js';
import { errorCode } from '../files/errno.js';
import { ssoEndpoints } from './endpoints.js';
import { logout } from './portal.js';
import { ssoRoleOf, type SsoSignIn } from './profile.js';
import { ssoRoleCacheKey } from './role-credentials.js';
import { ssoCacheFolder, tokenFileOf } from './token-cache.js';

interface LogoutContext {
  deps: Deps;
  config: SharedConfig;
  /** The selected profile: its endpoint settings apply to the portal client. */
  profile: string;
  /** The first portal that could not be reached. */
  unreachable?: NetworkError | undefined;
}

async function jsonObjectAt(deps: Deps, path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const text = await deps.fs.readRegularFile(path, { noFollow: true, maxBytes: MAX_CACHE_FILE_BYTES });
    const parsed: unknown = text === undefined ? undefined : JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function remove(deps: Deps, path: string): Promise<boolean> {
  try {
    await deps.fs.unlink(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Tells the portal (in the token's own region, as the AWS CLI does), then deletes the token file. */
async function endToken(context: LogoutContext, path: string, token: Record<string, unknown> | undefined): Promise<boolean> {
  const { deps } = context;
  const { accessToken, region } = token ?? {};
  if (typeof accessToken === 'string' && typeof region === 'string') {
    try {
      const { portal } = ssoEndpoints(deps, context.config, context.profile, region, `the region in ${displayPath(path, deps.env, deps.homedir)}`);
      const refused = await logout(deps, portal, accessToken);
      if (refused !== undefined) deps.debug?.(`sso: the portal refused Logout (${refused}): the sign-in had already ended`);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      context.unreachable ??= error;
    }
  }
  return remove(deps, path);
}

async function jsonFiles(deps: Deps, folder: string): Promise<string[]> {
  const names = await deps.fs.readdir(folder).catch(() => []);
  return names.filter((name) => name.endsWith('.json')).map((name) => join(folder, name));
}

export interface LogoutSummary {
  tokens: number;
  roles: number;
}

function finish(context: LogoutContext, what: string, summary: LogoutSummary): void {
  const { deps } = context;
  deps.stderr.write(terminalSafe(`Signed out of ${what}: deleted ${plural(summary.tokens, 'token file')} and ${plural(summary.roles, 'cached role session')}\n`));
  if (context.unreachable !== undefined) {
    throw new NetworkError(`${context.unreachable.message}: the local files are deleted, but the portal could not be told to end the sign-in`, context.unreachable.hint);
  }
}

/** --all: every token in ~/.aws/sso/cache and every SSO role session in ~/.aws/cli/cache, as `aws sso logout`. */
export async function logoutAll(deps: Deps, config: SharedConfig, profile: string): Promise<void> {
  const context: LogoutContext = { deps, config, profile };
  const summary = { tokens: 0, roles: 0 };
  for (const path of await jsonFiles(deps, ssoCacheFolder(deps))) {
    const token = await jsonObjectAt(deps, path);
    if (token !== undefined && 'accessToken' in token && (await endToken(context, path, token))) summary.tokens++;
  }
  for (const path of await jsonFiles(deps, cliCacheFolder(deps))) {
    if ((await jsonObjectAt(deps, path))?.['ProviderType'] === 'sso' && (await remove(deps, path))) summary.roles++;
  }
  finish(context, 'every IAM Identity Center sign-in', summary);
}

/** One sign-in: its token, and the role sessions of the config's profiles that use it. */
export async function logoutOne(deps: Deps, config: SharedConfig, profile: string, signIn: SsoSignIn): Promise<void> {
  const context: LogoutContext = { deps, config, profile };
  const file = tokenFileOf(deps, signIn);
  const summary = { tokens: 0, roles: 0 };
  if (await endToken(context, file.path, await jsonObjectAt(deps, file.path))) summary.tokens++;
  const folder = cliCacheFolder(deps);
  for (const name of new Set([...config.configProfiles.keys(), ...config.credentialsProfiles.keys()])) {
    let role;
    try {
      role = ssoRoleOf(config, name);
    } catch {
      continue;
    }
    if (role === undefined || tokenFileOf(deps, role).path !== file.path) continue;
    if (await remove(deps, join(folder, `${ssoRoleCacheKey(role)}.json`))) summary.roles++;
  }
  finish(context, file.owner, summary);
}
