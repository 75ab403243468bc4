import { displayPath } from '../config/paths.js';
import { profileExists, type SharedConfig } from '../config/shared-config.js';
import type { Deps } from '../deps.js';
import { ConfigError } from '../errors.js';
import { shown } from '../domain/text.js';
import { isProfileFlag, type ProfileFlag, type ProfileSelection } from '../chain/types.js';

/** --profile, then AWS_DEFAULT_PROFILE, then AWS_PROFILE (botocore's order); set-but-empty counts. */
export function selectProfile(env: Deps['env'], flag: string | undefined, flagName: ProfileFlag = '--profile'): ProfileSelection {
  if (flag !== undefined) return { name: flag, from: flagName };
  const fromDefault = env['AWS_DEFAULT_PROFILE'];
  if (fromDefault !== undefined) return { name: fromDefault, from: 'AWS_DEFAULT_PROFILE' };
  const fromProfile = env['AWS_PROFILE'];
  if (fromProfile !== undefined) return { name: fromProfile, from: 'AWS_PROFILE' };
  return { name: 'default', from: 'default' };
}

/** A profile that was asked for by name must exist, before any link runs (botocore: ProfileNotFound). */
export function checkProfileExists(deps: Deps, config: SharedConfig, profile: ProfileSelection): void {
  if (profile.from === 'default' || profileExists(config, profile.name)) return;
  const [configFile, credentialsFile] = [config.configPath, config.credentialsPath].map((path) => displayPath(path, deps.env, deps.homedir));
  throw new ConfigError(
    `profile ${shown(profile.name)} (from ${profile.from}) is in neither ${configFile} nor ${credentialsFile}`,
    isProfileFlag(profile.from) ? `check the name (${profile.from}), or add the profile with \`aws configure --profile NAME\`` : `fix or unset ${profile.from}`,
  );
}
