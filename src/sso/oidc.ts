/** SSO-OIDC CreateToken with a refresh token, as botocore's SSOTokenProvider._attempt_create_token sends it. */
import type { Deps } from '../deps.js';
import type { ConfiguredEndpoint } from '../sts/settings.js';
import { callJson } from './rest-json.js';

export const OIDC_SERVICE = 'IAM Identity Center OIDC';

export interface RefreshRequest {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface CreatedToken {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string | undefined;
}

export type RefreshOutcome = { ok: true; token: CreatedToken } | { ok: false; why: string };

/**
 * An error answer is an outcome (botocore logs it and keeps the old token); only an
 * unreachable service throws (NetworkError), as botocore lets connection errors escape.
 */
export async function refreshAccessToken(deps: Deps, endpoint: ConfiguredEndpoint, request: RefreshRequest): Promise<RefreshOutcome> {
  const answer = await callJson(deps, {
    service: OIDC_SERVICE,
    operation: 'CreateToken',
    endpoint,
    method: 'POST',
    path: '/token',
    body: { clientId: request.clientId, clientSecret: request.clientSecret, grantType: 'refresh_token', refreshToken: request.refreshToken },
  });
  if (!answer.ok) return { ok: false, why: `${answer.type || `HTTP ${answer.status}`}${answer.message ? `: ${answer.message}` : ''}` };
  const { accessToken, expiresIn, refreshToken } = answer.body;
  if (typeof accessToken !== 'string' || typeof expiresIn !== 'number') return { ok: false, why: 'the answer had no accessToken or expiresIn' };
  return { ok: true, token: { accessToken, expiresInSeconds: expiresIn, refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined } };
}
