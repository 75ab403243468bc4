/** The IAM Identity Center portal's GetRoleCredentials, as botocore's SSO client sends it (unsigned, bearer token header). */
import type { Credentials } from '../chain/types.js';
import type { Deps } from '../deps.js';
import { NetworkError, RefusedError } from '../errors.js';
import type { SsoEndpoint } from './endpoints.js';
import { callJson, type JsonAnswer } from './rest-json.js';
import type { SsoRole } from './profile.js';

export const PORTAL_SERVICE = 'the IAM Identity Center portal';

export interface PortalHints {
  /** What to run to sign in again. */
  login: string;
}

function refused(role: SsoRole, answer: Extract<JsonAnswer, { ok: false }>, hints: PortalHints): Error {
  const said = `${answer.type || `HTTP ${answer.status}`}${answer.message ? `: ${answer.message}` : ''}`;
  const what = `role ${role.roleName} in account ${role.accountId}`;
  if (answer.status === 401 || answer.type === 'UnauthorizedException') {
    return new RefusedError(`${PORTAL_SERVICE} refused the sign-in token for ${what} (${said})`, `the sign-in has expired or was revoked: ${hints.login}`);
  }
  if (answer.status === 429 || answer.status >= 500) {
    return new NetworkError(`${PORTAL_SERVICE} is failing or throttling GetRoleCredentials for ${what} (${said})`, 'retry in a moment');
  }
  return new RefusedError(`${PORTAL_SERVICE} refused ${what} (${said})`, `check sso_account_id and sso_role_name of profile ${role.profile}: the signed-in user must be assigned that role in that account`);
}

function roleCredentialsOf(body: Record<string, unknown>, role: SsoRole): Credentials | undefined {
  const found = body['roleCredentials'];
  if (typeof found !== 'object' || found === null) return undefined;
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = found as Record<string, unknown>;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string' || typeof sessionToken !== 'string' || typeof expiration !== 'number') return undefined;
  // botocore keeps the expiry at whole seconds (it writes it with strftime).
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(Math.floor(expiration / 1000) * 1000), accountId: role.accountId };
}

export async function getRoleCredentials(deps: Deps, endpoint: SsoEndpoint, role: SsoRole, accessToken: string, hints: PortalHints): Promise<Credentials> {
  const answer = await callJson(deps, {
    service: PORTAL_SERVICE,
    operation: 'GetRoleCredentials',
    endpoint,
    method: 'GET',
    path: '/federation/credentials',
    query: [
      ['role_name', role.roleName],
      ['account_id', role.accountId],
    ],
    headers: { 'x-amz-sso_bearer_token': accessToken },
  });
  if (!answer.ok) throw refused(role, answer, hints);
  const credentials = roleCredentialsOf(answer.body, role);
  if (credentials === undefined) throw new NetworkError(`${PORTAL_SERVICE} answered GetRoleCredentials without complete roleCredentials`, `check ${endpoint.from}`);
  return credentials;
}

/** The portal's answer to a call made with a bearer token alone (no role): 401/403 → exit 4, the rest as callJson. */
function refusedToken(operation: string, answer: Extract<JsonAnswer, { ok: false }>, hints: PortalHints): Error {
  const said = `${answer.type || `HTTP ${answer.status}`}${answer.message ? `: ${answer.message}` : ''}`;
  if (answer.status === 429 || answer.status >= 500) return new NetworkError(`${PORTAL_SERVICE} is failing or throttling ${operation} (${said})`, 'retry in a moment');
  return new RefusedError(`${PORTAL_SERVICE} refused ${operation} (${said})`, `the sign-in has expired or was revoked: ${hints.login}`);
}

/** Logout: ends the sign-in at the portal. Resolves to the refusal's words when the portal refuses (an expired token, say). */
export async function logout(deps: Deps, endpoint: SsoEndpoint, accessToken: string): Promise<string | undefined> {
  const answer = await callJson(deps, { service: PORTAL_SERVICE, operation: 'Logout', endpoint, method: 'POST', path: '/logout', headers: { 'x-amz-sso_bearer_token': accessToken } });
  return answer.ok ? undefined : `${answer.type || `HTTP ${answer.status}`}${answer.message ? `: ${answer.message}` : ''}`;
}

export interface AssignedAccount {
  accountId: string;
  accountName: string;
}

/** The page size the AWS CLI's paginators ask for. */
const MAX_RESULT = '1000';

/** Every page of a list operation: `items` reads one page's list. */
async function allPages<T>(deps: Deps, endpoint: SsoEndpoint, operation: string, path: string, query: [string, string][], accessToken: string, hints: PortalHints, items: (body: Record<string, unknown>) => T[]): Promise<T[]> {
  const found: T[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await callJson(deps, {
      service: PORTAL_SERVICE,
      operation,
      endpoint,
      method: 'GET',
      path,
      query: [...query, ['max_result', MAX_RESULT], ...(nextToken === undefined ? [] : [['next_token', nextToken] as [string, string]])],
      headers: { 'x-amz-sso_bearer_token': accessToken },
    });
    if (!answer.ok) throw refusedToken(operation, answer, hints);
    found.push(...items(answer.body));
    const next = answer.body['nextToken'];
    nextToken = typeof next === 'string' && next !== '' ? next : undefined;
  } while (nextToken !== undefined);
  return found;
}

function listOf(body: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const list = body[key];
  return Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
}

/** ListAccounts, all pages. */
export function listAccounts(deps: Deps, endpoint: SsoEndpoint, accessToken: string, hints: PortalHints): Promise<AssignedAccount[]> {
  return allPages(deps, endpoint, 'ListAccounts', '/assignment/accounts', [], accessToken, hints, (body) =>
    listOf(body, 'accountList').flatMap(({ accountId, accountName }) => (typeof accountId === 'string' ? [{ accountId, accountName: typeof accountName === 'string' ? accountName : accountId }] : [])),
  );
}

/** ListAccountRoles of one account, all pages: the role names. */
export function listAccountRoles(deps: Deps, endpoint: SsoEndpoint, accountId: string, accessToken: string, hints: PortalHints): Promise<string[]> {
  return allPages(deps, endpoint, 'ListAccountRoles', '/assignment/roles', [['account_id', accountId]], accessToken, hints, (body) =>
    listOf(body, 'roleList').flatMap(({ roleName }) => (typeof roleName === 'string' ? [roleName] : [])),
  );
}
