/**
 * Which credentials the federation endpoint can take, and how. The rule, from what the session
 * resolution tells (then, only where it cannot tell, from STS's GetCallerIdentity):
 *
 * 1. a role hop was made (--role-arn, a role profile) or the chain's winning link gives a role
 *    session (web identity): a role session, signed in as is (SessionDuration from --duration);
 * 2. no session token: long-term keys of an IAM user (or the root user). getSigninToken refuses
 *    them, so GetFederationToken first (Name from the user name, an allow-all policy: the session
 *    keeps the user's own permissions), then sign in without SessionDuration;
 * 3. a session token from a link that may hold any kind of session (environment, files,
 *    credential_process, IMDS, container): GetCallerIdentity says which. `assumed-role/` is a
 *    role session (rule 1); `federated-user/` is a GetFederationToken session (signed in without
 *    SessionDuration); an IAM user or root with a token is a GetSessionToken (MFA) session, which
 *    neither getSigninToken nor GetFederationToken takes: exit 3.
 */
import type { Credentials } from '../chain/types.js';
import { CredentialError, UsageError } from '../errors.js';
import type { Session } from '../session/index.js';
import { getCallerIdentity, getFederationToken } from '../sts/operations.js';
import type { SigninRequest } from './federation.js';

/** GetFederationToken's policy: allow everything, so the user's own policies alone decide. */
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
/** STS's defaults and caps for GetFederationToken: 12 h by default, 1 h for the root user. */
const FEDERATION_DEFAULT_SECONDS = 43200;
const ROOT_MAX_SECONDS = 3600;
/** What --duration may say in `console`: GetFederationToken's range for an IAM user's keys. */
export const CONSOLE_DURATION = { min: 900, max: 129600 } as const;
/** getSigninToken's SessionDuration (and AssumeRole's DurationSeconds) end at 12 h. */
export const ROLE_SIGNIN_MAX_SECONDS = 43200;

/** --duration for a role session: the sign-in's SessionDuration, refused above 12 h before the endpoint is asked. */
export function roleSessionDuration(durationSeconds: number | undefined): number | undefined {
  if (durationSeconds === undefined || durationSeconds <= ROLE_SIGNIN_MAX_SECONDS) return durationSeconds;
  throw new UsageError(
    `--duration: a role session signs in to the console for at most ${ROLE_SIGNIN_MAX_SECONDS} seconds (12 h); got ${durationSeconds}`,
    'up to 36 h applies to long-term keys (GetFederationToken); pass --duration 12h or less',
  );
}

export interface SigninSource {
  credentials: Credentials;
  session: Session;
  roleSession: boolean;
}

/** STS's Name: 2–32 characters of letters, digits and +=,.@_-, from the user's name. */
export function federationName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const user = resource === 'root' ? 'root' : resource.slice(resource.lastIndexOf('/') + 1);
  const name = user.replace(/[^\w+=,.@-]/g, '').slice(0, 32);
  return name.length >= 2 ? name : 'awsrole';
}

function mfaSessionRefused(arn: string): CredentialError {
  return new CredentialError(
    `these credentials are a GetSessionToken (MFA) session of ${arn}: AWS's console sign-in takes role sessions and long-term keys, not these`,
    'sign in as a role: awsrole console --role-arn ARN (or --profile NAME of a role profile; MFA is asked for there)',
  );
}

/** Long-term keys: GetFederationToken for the same user, then a sign-in without SessionDuration. */
async function federate(obtained: SigninSource, arn: string, durationSeconds: number | undefined): Promise<SigninRequest> {
  const requested = durationSeconds ?? FEDERATION_DEFAULT_SECONDS;
  const isRoot = arn.endsWith(':root');
  const seconds = isRoot ? Math.min(requested, ROOT_MAX_SECONDS) : requested;
  obtained.session.deps.debug?.(`long-term keys of ${arn}: GetFederationToken for ${seconds} s`);
  const credentials = await getFederationToken(obtained.session.sts(), obtained.credentials, { name: federationName(arn), policy: ALLOW_ALL, durationSeconds: seconds });
  return { credentials };
}

/** The credentials and SessionDuration to send to getSigninToken (see the rule above). */
export async function signinRequestFor(obtained: SigninSource, durationSeconds: number | undefined): Promise<SigninRequest> {
  const { credentials, session } = obtained;
  if (obtained.roleSession) return { credentials, sessionDuration: roleSessionDuration(durationSeconds) };
  const { Arn: arn } = await getCallerIdentity(session.sts(), credentials);
  if (!credentials.sessionToken) return federate(obtained, arn, durationSeconds);
  const resource = arn.split(':').slice(5).join(':');
  session.deps.debug?.(`a session token without a role hop: STS says ${arn}`);
  if (resource.startsWith('assumed-role/')) return { credentials, sessionDuration: roleSessionDuration(durationSeconds) };
  if (resource.startsWith('federated-user/')) return { credentials };
  throw mfaSessionRefused(arn);
}
