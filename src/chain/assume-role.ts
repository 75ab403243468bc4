import { ChainSkip, ConfigError, CredentialError } from '../errors.js';
import { mergedProfile, stringValue, type Section, type SharedConfig } from '../config/shared-config.js';
import { ASSUME_ROLE_DURATION, durationProblem, externalIdProblem, roleArnProblem, serialNumberProblem, sessionNameProblem } from '../sts/validate.js';
import { checkCredentialSource, credentialsFromSource } from './credential-source.js';
import { hasStaticKeys } from './static-keys.js';
import { pythonInt } from '../config/python-int.js';
import { defineLink, type AssumeRoleRequest, type ChainContext, type Credentials, type LinkResult } from './types.js';
import { configuredSessionName, defaultSessionName } from './session-name.js';
import { explainExpiredSource } from '../sts/teach.js';

export function isRoleProfile(section: Section | undefined): boolean {
  return section !== undefined && 'role_arn' in section && !('web_identity_token_file' in section);
}

/**
 * The profiles a role profile's credentials pass through, following source_profile from `name`
 * while each is a role profile; the last is the root (its own keys, or a cycle the chain refuses).
 */
export function sourceProfileChain(config: SharedConfig, name: string): string[] {
  const chain: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined && !chain.includes(current)) {
    chain.push(current);
    const section = mergedProfile(config, current);
    current = isRoleProfile(section) ? stringValue(section, 'source_profile') : undefined;
  }
  return chain;
}

interface RoleConfig {
  roleArn: string;
  sourceProfile?: string | undefined;
  credentialSource?: string | undefined;
  request: Omit<AssumeRoleRequest, 'chained'>;
}

function fileValue(profile: string, key: string, value: string | undefined, problem: (v: string) => string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const message = problem(value);
  if (message) throw new ConfigError(`${key} in profile ${profile}: ${message}`, `fix ${key} in the config file`);
  return value;
}

/** botocore drops a duration_seconds that Python's int() rejects; one outside STS's range is refused here. */
function durationFrom(section: Section, profile: string): number | undefined {
  const text = stringValue(section, 'duration_seconds');
  const seconds = text === undefined ? undefined : pythonInt(text);
  if (seconds === undefined) return undefined;
  const problem = durationProblem(seconds, ASSUME_ROLE_DURATION);
  if (problem) throw new ConfigError(`duration_seconds in profile ${profile}: ${problem}`, 'fix duration_seconds in the config file');
  return seconds;
}

function roleConfig(context: ChainContext, profile: string, visited: string[]): RoleConfig {
  const section = mergedProfile(context.config, profile) ?? {};
  const roleArn = fileValue(profile, 'role_arn', stringValue(section, 'role_arn'), roleArnProblem) ?? '';
  const sourceProfile = stringValue(section, 'source_profile');
  const credentialSource = stringValue(section, 'credential_source');
  if (sourceProfile !== undefined && credentialSource !== undefined) {
    throw new ConfigError(`profile ${profile} has both source_profile and credential_source`, 'keep exactly one of them');
  }
  if (sourceProfile === undefined && credentialSource === undefined) {
    throw new CredentialError(
      `profile ${profile} has role_arn but neither source_profile nor credential_source`,
      'add source_profile = PROFILE (or credential_source = Environment | Ec2InstanceMetadata | EcsContainer)',
    );
  }
  if (credentialSource !== undefined) checkCredentialSource(credentialSource, profile);
  if (sourceProfile !== undefined) checkSourceProfile(context, profile, sourceProfile, visited);
  const sessionName = fileValue(profile, 'role_session_name', configuredSessionName(stringValue(section, 'role_session_name')), sessionNameProblem);
  return {
    roleArn,
    sourceProfile,
    credentialSource,
    request: {
      roleArn,
      roleSessionName: sessionName ?? defaultSessionName(context.deps),
      sessionNameGenerated: sessionName === undefined,
      externalId: fileValue(profile, 'external_id', stringValue(section, 'external_id'), externalIdProblem),
      serialNumber: fileValue(profile, 'mfa_serial', stringValue(section, 'mfa_serial'), serialNumberProblem),
      durationSeconds: durationFrom(section, profile),
      profile,
    },
  };
}

function checkSourceProfile(context: ChainContext, parent: string, source: string, visited: string[]): void {
  const section = mergedProfile(context.config, source);
  if (section === undefined) {
    throw new ConfigError(`source_profile "${source}" of profile ${parent} does not exist`, `add [profile ${source}] to the config file or fix source_profile`);
  }
  if (!visited.includes(source)) return;
  // A profile may source itself when it holds static keys (its keys assume its own role).
  if (source === parent && hasStaticKeys(section)) return;
  throw new ConfigError(`source_profile cycle: ${[...visited, source].join(' → ')}`, 'break the loop: one profile in the chain needs its own keys');
}

interface Sourced {
  credentials: Credentials;
  detail: string;
  chained: boolean;
}

/**
 * botocore's _resolve_credentials_from_profile: static keys win over the profile's own role_arn.
 * Otherwise the source profile's own providers (ProfileProviderBuilder.providers(): the rows of
 * the table that resolve a named profile, in table order, env vars disabled); credentials from a
 * role (web identity) make the next hop chained.
 */
async function credentialsFromProfile(context: ChainContext, profile: string, visited: string[]): Promise<Sourced> {
  const section = mergedProfile(context.config, profile);
  if (hasStaticKeys(section) || !isRoleProfile(section)) {
    for (const link of context.links) {
      if (link.resolveProfile === undefined) continue;
      try {
        const found = await link.resolveProfile(context, profile);
        return { credentials: found.credentials, detail: found.detail, chained: link.givesRoleSession === true };
      } catch (error) {
        if (!(error instanceof ChainSkip)) throw error;
      }
    }
    throw new ConfigError(`source profile ${profile} has no credentials`, `add keys, credential_process or web_identity_token_file to profile ${profile}`);
  }
  const assumed = await assumeProfileRole(context, profile, visited);
  return { credentials: assumed.credentials, detail: assumed.detail, chained: true };
}

/** Assumes the role of a role profile, resolving its source first (recursively for chains). */
export async function assumeProfileRole(context: ChainContext, profile: string, visited: string[]): Promise<LinkResult> {
  const role = roleConfig(context, profile, visited);
  let source: Sourced;
  if (role.credentialSource !== undefined) {
    source = { credentials: await credentialsFromSource(context, role.credentialSource, profile), detail: `credential_source ${role.credentialSource}`, chained: false };
  } else {
    const sourceProfile = role.sourceProfile ?? '';
    visited.push(sourceProfile);
    source = await credentialsFromProfile(context, sourceProfile, visited);
  }
  let credentials: Credentials;
  try {
    credentials = await context.services.assumeRole(source.credentials, {
      ...role.request,
      chained: source.chained,
      sharedCache: role.sourceProfile !== undefined,
    });
  } catch (error) {
    throw explainExpiredSource(error, source.detail);
  }
  return { credentials, detail: `role ${role.roleArn} of profile ${profile}, from ${source.detail}` };
}

/** Link: assume-role profiles (before static keys, as botocore really orders them). */
export const assumeRoleLink = defineLink({
  name: 'assume-role',
  async resolve(context) {
    const name = context.profile.name;
    if (!isRoleProfile(mergedProfile(context.config, name))) throw new ChainSkip(`profile ${name} has no role_arn`);
    return assumeProfileRole(context, name, [name]);
  },
  givesRoleSession: true,
  describe: (context) => {
    const arn = stringValue(mergedProfile(context.config, context.profile.name), 'role_arn');
    return arn === undefined ? undefined : `role_arn ${arn} of profile ${context.profile.name}`;
  },
});
