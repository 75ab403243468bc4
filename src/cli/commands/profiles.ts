/** `awsrole profiles`: every profile of the two files, what kind it is, and its non-secret settings. */
import { isRoleProfile } from '../../chain/assume-role.js';
import { loadSharedConfig } from '../../config/load.js';
import { displayPath } from '../../config/paths.js';
import { mergedProfile, stringValue, type Section, type SharedConfig } from '../../config/shared-config.js';
import type { Deps } from '../../deps.js';
import { terminalSafe } from '../../domain/text.js';
import { isSsoProfile } from '../../sso/profile.js';
import { defineCommand } from '../command.js';
import { renderJson } from '../../output/json.js';

export type ProfileKind = 'static' | 'role' | 'sso' | 'process' | 'web-identity' | 'credential-source' | 'none';

/** The settings shown, by their JSON name; never a secret. */
const SHOWN_SETTINGS = {
  roleArn: 'role_arn',
  sourceProfile: 'source_profile',
  credentialSource: 'credential_source',
  mfaSerial: 'mfa_serial',
  region: 'region',
  ssoSession: 'sso_session',
  ssoAccountId: 'sso_account_id',
  ssoRoleName: 'sso_role_name',
} as const;

type ShownSettings = { -readonly [K in keyof typeof SHOWN_SETTINGS]?: string };

export interface ProfileListing extends ShownSettings {
  name: string;
  kind: ProfileKind;
  /** Display paths (~ for the home folder) of the files it appears in. */
  files: string[];
}

const has = (section: Section | undefined, key: string): boolean => stringValue(section, key) !== undefined;

/** The link botocore's chain would take for the profile, in the chain's order. */
export function profileKind(config: SharedConfig, name: string, section: Section | undefined = mergedProfile(config, name)): ProfileKind {
  if (isRoleProfile(section)) return has(section, 'credential_source') && !has(section, 'source_profile') ? 'credential-source' : 'role';
  if (has(section, 'role_arn') && has(section, 'web_identity_token_file')) return 'web-identity';
  if (isSsoProfile(section)) return 'sso';
  if (has(config.credentialsProfiles.get(name), 'aws_access_key_id')) return 'static';
  if (has(section, 'credential_process')) return 'process';
  if (has(config.configProfiles.get(name), 'aws_access_key_id')) return 'static';
  return 'none';
}

export function listProfiles(deps: Deps, config: SharedConfig): ProfileListing[] {
  const names = [...new Set([...config.configProfiles.keys(), ...config.credentialsProfiles.keys()])].sort();
  const [configFile, credentialsFile] = [config.configPath, config.credentialsPath].map((path) => displayPath(path, deps.env, deps.homedir));
  return names.map((name) => {
    const section = mergedProfile(config, name);
    const files = [...(config.configProfiles.has(name) ? [configFile ?? ''] : []), ...(config.credentialsProfiles.has(name) ? [credentialsFile ?? ''] : [])];
    const listing: ProfileListing = { name, kind: profileKind(config, name, section), files };
    for (const [field, key] of Object.entries(SHOWN_SETTINGS) as [keyof ShownSettings, string][]) {
      const value = stringValue(section, key);
      if (value !== undefined) listing[field] = value;
    }
    return listing;
  });
}

/** One line a profile: name, kind, files, then its settings as the config file spells them. */
function renderText(listings: readonly ProfileListing[]): string {
  const rows = listings.map((listing) => {
    const settings = (Object.entries(SHOWN_SETTINGS) as [keyof ShownSettings, string][]).flatMap(([field, key]) => (listing[field] === undefined ? [] : [`${key}=${listing[field]}`]));
    return [listing.name, listing.kind, listing.files.join(','), settings.join(' ')].map((cell) => terminalSafe(cell));
  });
  const widths = [0, 1, 2].map((column) => Math.max(0, ...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd() + '\n').join('');
}

export const profilesCommand = defineCommand({
  name: 'profiles',
  description: 'list the profiles of the config and credentials files: kind, files, role and SSO settings (never a secret)',
  examples: ['awsrole profiles', "awsrole profiles --json | jq -r '.[] | select(.kind == \"role\") | .name'"],
  options: [{ flags: '--json', description: 'print a JSON array' }],
  async run(deps, options) {
    const listings = listProfiles(deps, await loadSharedConfig(deps));
    deps.stdout.write(options.json ? renderJson(listings) : renderText(listings));
  },
});
