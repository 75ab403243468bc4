import { ChainSkip, CredentialError } from '../errors.js';
import { assertNotExpired, parseExpiration } from './expiration.js';
import { defineLink, isProfileFlag, type ChainContext, type Credentials } from './types.js';

type Env = ChainContext['deps']['env'];

/** Reads AWS_* keys from the environment exactly as botocore's EnvProvider does. */
export function credentialsFromEnv(env: Env, now: Date): Credentials | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  if (!accessKeyId) return undefined;
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!secretAccessKey) {
    throw new CredentialError(
      'partial credentials in the environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not',
      'set AWS_SECRET_ACCESS_KEY, or unset AWS_ACCESS_KEY_ID (`eval "$(awsrole unset)"`)',
    );
  }
  const expirationText = env['AWS_CREDENTIAL_EXPIRATION'];
  const expiration = expirationText ? parseExpiration(expirationText, 'AWS_CREDENTIAL_EXPIRATION') : undefined;
  assertNotExpired(expiration, now, 'the environment (AWS_CREDENTIAL_EXPIRATION)');
  return {
    accessKeyId,
    secretAccessKey,
    // botocore prefers the legacy name when both are set.
    sessionToken: env['AWS_SECURITY_TOKEN'] || env['AWS_SESSION_TOKEN'] || undefined,
    expiration,
    accountId: env['AWS_ACCOUNT_ID'] || undefined,
  };
}

/** Link 2: environment variables; `--profile` turns it off, AWS_PROFILE does not. */
export const envLink = defineLink({
  name: 'env',
  async resolve({ deps, profile }) {
    if (isProfileFlag(profile.from)) throw new ChainSkip(`not read: ${profile.from} was given`);
    const credentials = credentialsFromEnv(deps.env, deps.now());
    if (credentials === undefined) throw new ChainSkip('AWS_ACCESS_KEY_ID is not set');
    return { credentials, detail: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment' };
  },
  describe: ({ deps, profile }) => (!isProfileFlag(profile.from) && deps.env['AWS_ACCESS_KEY_ID'] ? 'AWS_ACCESS_KEY_ID in the environment' : undefined),
});
