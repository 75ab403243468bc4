/** The IAM Identity Center portal's GetRoleCredentials, as botocore's SSO client sends it (unsigned, bearer token header). */
import type { Credentials } from '../chain/types.js';
import type { Deps } from '../deps.js';
import { NetworkError, RefusedError } from '../errors.js';
import type { ConfiguredEndpoint } from '../sts/settings.js';
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

export async function getRoleCredentials(deps: Deps, endpoint: ConfiguredEndpoint, role: SsoRole, accessToken: string, hints: PortalHints): Promise<Credentials> {
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
