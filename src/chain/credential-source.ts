import { ChainSkip, ConfigError, CredentialError } from '../errors.js';
import { containerLink } from './container.js';
import { credentialsFromEnv } from './env.js';
import { imdsLink } from './imds.js';
import type { ChainContext, Credentials, Link } from './types.js';

/** Credentials, or why there were none. */
type Sourced = Credentials | { missing: string };
type Sourcer = (context: ChainContext) => Promise<Sourced>;

async function fromLink(link: Link, context: ChainContext): Promise<Sourced> {
  try {
    return (await link.resolve(context)).credentials;
  } catch (error) {
    if (error instanceof ChainSkip) return { missing: error.reason };
    throw error;
  }
}

/** botocore's CanonicalNameCredentialSourcer: exact, case-sensitive names. */
const SOURCERS: Record<string, Sourcer> = {
  Environment: async (context) => credentialsFromEnv(context.deps.env, context.deps.now()) ?? { missing: 'AWS_ACCESS_KEY_ID is not set' },
  Ec2InstanceMetadata: (context) => fromLink(imdsLink, context),
  EcsContainer: (context) => fromLink(containerLink, context),
};

export function isCredentialSource(name: string): boolean {
  return Object.hasOwn(SOURCERS, name);
}

export function checkCredentialSource(name: string, profile: string): void {
  if (!isCredentialSource(name)) {
    throw new ConfigError(
      `credential_source "${name}" in profile ${profile} is not valid`,
      `use exactly one of ${Object.keys(SOURCERS).join(', ')} (case-sensitive)`,
    );
  }
}

/** The credentials of a credential_source already checked by checkCredentialSource. */
export async function credentialsFromSource(context: ChainContext, name: string, profile: string): Promise<Credentials> {
  const sourcer = SOURCERS[name];
  if (sourcer === undefined) throw new ConfigError(`credential_source "${name}" in profile ${profile} is not valid`);
  const sourced = await sourcer(context);
  if ('missing' in sourced) {
    throw new CredentialError(
      `credential_source ${name} of profile ${profile} found no credentials: ${sourced.missing}`,
      name === 'Environment' ? 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY' : `run where ${name} is available, or use source_profile`,
    );
  }
  return sourced;
}
