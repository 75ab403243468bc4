import type { Deps } from '../deps.js';

/**
 * A session name that tells CloudTrail who asked: awsrole-<user>-<unix seconds>,
 * reduced to STS's pattern and 64 characters.
 */
export function defaultSessionName(deps: Pick<Deps, 'env' | 'now'>): string {
  const user = (deps.env['USER'] ?? deps.env['USERNAME'] ?? deps.env['LOGNAME'] ?? '').replace(/[^\w+=,.@-]/g, '').slice(0, 32);
  const seconds = Math.floor(deps.now().getTime() / 1000);
  return (user ? `awsrole-${user}-${seconds}` : `awsrole-${seconds}`).slice(0, 64);
}

/**
 * A configured session name (role_session_name, AWS_ROLE_SESSION_NAME): botocore generates one
 * when it is empty (`if not self._role_session_name`), so an empty value counts as unset.
 */
export function configuredSessionName(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
