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

/** Optimal string alignment distance: edits, with a swap of two neighbours counted as one (typos). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Names at most this far from what was typed count as near: a third of its length, at least one edit. */
const nearEnough = (name: string): number => Math.max(1, Math.floor(name.length / 3));

/**
 * The known profile names nearest to `name`, nearest first, at most `limit`: a typo (few
 * edits, case ignored) or a part of the name (`prod` for `prod-admin`).
 */
export function nearestProfiles(config: SharedConfig, name: string, limit = 3): string[] {
  const wanted = name.toLowerCase();
  const scored: { known: string; distance: number }[] = [];
  for (const known of new Set([...config.configProfiles.keys(), ...config.credentialsProfiles.keys()])) {
    const lower = known.toLowerCase();
    const distance = editDistance(wanted, lower);
    if (distance <= nearEnough(wanted) || (wanted.length >= 3 && lower.includes(wanted))) scored.push({ known, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || (a.known < b.known ? -1 : 1));
  return scored.slice(0, limit).map(({ known }) => known);
}

function unknownProfileHint(config: SharedConfig, profile: ProfileSelection): string {
  const near = nearestProfiles(config, profile.name);
  const fix = isProfileFlag(profile.from) ? `check the name (${profile.from}), or add the profile with \`aws configure --profile NAME\`` : `fix or unset ${profile.from}`;
  if (near.length === 0) return fix;
  return `did you mean ${near.map(shown).join(', ')}? (\`awsrole profiles\` lists them all); else ${fix}`;
}

/** A profile that was asked for by name must exist, before any link runs (botocore: ProfileNotFound). */
export function checkProfileExists(deps: Deps, config: SharedConfig, profile: ProfileSelection): void {
  if (profile.from === 'default' || profileExists(config, profile.name)) return;
  const [configFile, credentialsFile] = [config.configPath, config.credentialsPath].map((path) => displayPath(path, deps.env, deps.homedir));
  throw new ConfigError(`profile ${shown(profile.name)} (from ${profile.from}) is in neither ${configFile} nor ${credentialsFile}`, unknownProfileHint(config, profile));
}
