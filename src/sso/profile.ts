/**
 * Which IAM Identity Center role a profile names, by botocore's SSOProvider._load_sso_config and
 * SSOTokenProvider._load_sso_config rules: the modern form (`sso_session = S` and an
 * `[sso-session S]` section) or the legacy one (sso_start_url and sso_region in the profile).
 */
import { ConfigError } from '../errors.js';
import { mergedProfile, type Section, type SharedConfig } from '../config/shared-config.js';
import { shown } from '../domain/text.js';

export interface SsoSession {
  name: string;
  /** The `[sso-session NAME]` section as written: the token provider reads its own keys. */
  section: Section;
}

/** An SSO profile, resolved: what GetRoleCredentials and the caches need. */
export interface SsoRole {
  /** The profile whose keys name the role (also the one `awsrole sso login --profile` takes). */
  profile: string;
  startUrl: string;
  region: string;
  accountId: string;
  roleName: string;
  /** Absent for a legacy profile: its token is keyed by the start URL and never refreshed. */
  session?: SsoSession | undefined;
}

/** botocore: the role name or the account id makes a profile an SSO profile (either one). */
const PROFILE_KEYS = ['sso_role_name', 'sso_account_id'] as const;
const SESSION_KEYS = ['sso_start_url', 'sso_region'] as const;

export function isSsoProfile(section: Section | undefined): boolean {
  return section !== undefined && PROFILE_KEYS.some((key) => Object.hasOwn(section, key));
}

/** The profile's keys with its sso-session's laid over them; a key set differently in both is an error, as in botocore. */
function withSession(profile: string, section: Section, session: SsoSession): Section {
  const merged: Section = { ...section };
  for (const [key, value] of Object.entries(session.section)) {
    const own = merged[key];
    if (own !== undefined && JSON.stringify(own) !== JSON.stringify(value)) {
      throw new ConfigError(
        `profile ${shown(profile)} sets ${key} to ${shown(String(own))}, but its [sso-session ${session.name}] sets ${shown(String(value))}`,
        `remove ${key} from the profile (the sso-session's value is used) or make them equal`,
      );
    }
    merged[key] = value;
  }
  return merged;
}

function sessionOf(config: SharedConfig, profile: string, name: string): SsoSession {
  const section = config.ssoSessions?.get(name);
  if (section === undefined) {
    throw new ConfigError(`profile ${shown(profile)} names sso_session ${shown(name)}, but the config file has no [sso-session ${name}]`, `add [sso-session ${name}] with sso_start_url and sso_region (\`aws configure sso-session\` writes it)`);
  }
  return { name, section };
}

function single(profile: string, section: Section, key: string): string {
  const value = section[key];
  if (typeof value === 'string') return value;
  throw new ConfigError(`${key} of profile ${shown(profile)} is an indented block, not a value`, `write ${key} = VALUE on one line`);
}

/**
 * The SSO role of `profile`, or undefined when it is not an SSO profile (neither sso_role_name
 * nor sso_account_id): botocore's SSOProvider then returns None and the chain goes on.
 */
export function ssoRoleOf(config: SharedConfig, profile: string): SsoRole | undefined {
  const section = mergedProfile(config, profile);
  if (section === undefined || !isSsoProfile(section)) return undefined;
  const sessionName = section['sso_session'];
  const session = sessionName === undefined ? undefined : sessionOf(config, profile, single(profile, section, 'sso_session'));
  const resolved = session === undefined ? section : withSession(profile, section, session);
  const missing = [...PROFILE_KEYS, ...SESSION_KEYS].filter((key) => !Object.hasOwn(resolved, key));
  if (missing.length > 0) {
    const where = session === undefined ? 'the profile' : `the profile or its [sso-session ${session.name}]`;
    throw new ConfigError(`profile ${shown(profile)} is configured for IAM Identity Center (SSO) but is missing ${missing.join(', ')}`, `add ${missing.join(' and ')} to ${where} (\`aws configure sso\` writes them)`);
  }
  return {
    profile,
    startUrl: single(profile, resolved, 'sso_start_url'),
    region: single(profile, resolved, 'sso_region'),
    accountId: single(profile, resolved, 'sso_account_id'),
    roleName: single(profile, resolved, 'sso_role_name'),
    session,
  };
}

/**
 * botocore's SSOTokenProvider reads the sso-session section alone: the start URL and region
 * must be there, not only in the profile. Checked when the token is needed (a cached role
 * session is used without it, as in botocore).
 */
export function checkSessionSection(role: Pick<SsoRole, 'profile'>, session: SsoSession): void {
  const missing = SESSION_KEYS.filter((key) => !Object.hasOwn(session.section, key));
  if (missing.length === 0) return;
  throw new ConfigError(`[sso-session ${session.name}] (of profile ${shown(role.profile)}) is missing ${missing.join(', ')}`, `add ${missing.join(' and ')} to [sso-session ${session.name}]`);
}

/** What a sign-in needs: where, and where its token goes. */
export interface SsoSignIn {
  startUrl: string;
  region: string;
  /** sso_registration_scopes, split on commas as the AWS CLI does; undefined when not set (the registration cache key tells the two apart). */
  scopes: string[] | undefined;
  session?: SsoSession | undefined;
}

function scopesOf(section: Section): string[] | undefined {
  const text = section['sso_registration_scopes'];
  return typeof text === 'string' ? text.split(',').map((scope) => scope.trim()).filter((scope) => scope !== '') : undefined;
}

/** The sign-in of `[sso-session NAME]`. */
export function sessionSignIn(config: SharedConfig, name: string, from: string): SsoSignIn {
  if (from === '--sso-session' && config.ssoSessions?.get(name) === undefined) {
    throw new ConfigError(`--sso-session ${shown(name)}: the config file has no [sso-session ${name}]`, '`aws configure sso-session` writes one');
  }
  const session = sessionOf(config, from, name);
  const missing = SESSION_KEYS.filter((key) => typeof session.section[key] !== 'string');
  if (missing.length > 0) throw new ConfigError(`[sso-session ${name}] is missing ${missing.join(', ')}`, `add ${missing.join(' and ')} to [sso-session ${name}]`);
  return { startUrl: session.section['sso_start_url'] as string, region: session.section['sso_region'] as string, scopes: scopesOf(session.section), session };
}

/** The sign-in of a profile: its sso-session's, or (legacy) its own start URL and region. */
export function profileSignIn(config: SharedConfig, profile: string): SsoSignIn {
  const section = mergedProfile(config, profile) ?? {};
  if (section['sso_session'] !== undefined) return sessionSignIn(config, single(profile, section, 'sso_session'), profile);
  const missing = SESSION_KEYS.filter((key) => !Object.hasOwn(section, key));
  if (missing.length > 0) throw new ConfigError(`profile ${shown(profile)} has no sso_session and no ${missing.join(', ')}: nothing to sign in to`, '`aws configure sso` sets up an SSO profile');
  return { startUrl: single(profile, section, 'sso_start_url'), region: single(profile, section, 'sso_region'), scopes: undefined };
}
