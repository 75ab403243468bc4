import { ChainSkip, CredentialError } from '../errors.js';
import { stringValue, type Section } from '../config/shared-config.js';
import type { ChainContext, Credentials, LinkResult } from './types.js';
import { profileIn } from './where.js';

/**
 * botocore's static-key rule for one section of one file: no key id means "not here";
 * a key id without a secret in the same section is fatal.
 */
export function staticKeysFromSection(section: Section | undefined, where: string): Credentials | undefined {
  const accessKeyId = stringValue(section, 'aws_access_key_id');
  if (accessKeyId === undefined) return undefined;
  const secretAccessKey = stringValue(section, 'aws_secret_access_key');
  if (secretAccessKey === undefined) {
    throw new CredentialError(
      `partial credentials in ${where}: aws_access_key_id is set but aws_secret_access_key is missing`,
      `add aws_secret_access_key to ${where} (a secret in the other file does not count)`,
    );
  }
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken: stringValue(section, 'aws_security_token') ?? stringValue(section, 'aws_session_token'),
    accountId: stringValue(section, 'aws_account_id'),
  };
}

/** botocore's _has_static_credentials: either key present counts. */
export function hasStaticKeys(section: Section | undefined): boolean {
  return stringValue(section, 'aws_access_key_id') !== undefined || stringValue(section, 'aws_secret_access_key') !== undefined;
}

/** For the shadow list: the selected profile's key id in one file, judged without I/O. */
export function describeStaticKeys(context: ChainContext, file: 'config' | 'credentials'): string | undefined {
  const name = context.profile.name;
  const { config } = context;
  const profiles = file === 'config' ? config.configProfiles : config.credentialsProfiles;
  if (stringValue(profiles.get(name), 'aws_access_key_id') === undefined) return undefined;
  return `keys of ${profileIn(context, name, file === 'config' ? config.configPath : config.credentialsPath)}`;
}

/**
 * botocore's SharedCredentialProvider and ConfigProvider: each reads its own file only, so a
 * key id in one file never pairs with a secret in the other.
 */
export async function fromStaticKeysFile(context: ChainContext, profile: string, file: 'credentials' | 'config'): Promise<LinkResult> {
  const { config } = context;
  const path = file === 'credentials' ? config.credentialsPath : config.configPath;
  const section = (file === 'credentials' ? config.credentialsProfiles : config.configProfiles).get(profile);
  if (section === undefined) {
    throw new ChainSkip(file === 'credentials' ? `no [${profile}] section in the credentials file` : `no profile ${profile} in the config file`);
  }
  const where = profileIn(context, profile, path);
  const credentials = staticKeysFromSection(section, where);
  if (credentials === undefined) throw new ChainSkip(`${where} has no aws_access_key_id`);
  return { credentials, detail: where };
}
