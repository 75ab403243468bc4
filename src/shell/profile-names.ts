/**
 * Profile names for completion, from the header lines alone: a config of 10,000 profiles is
 * scanned by one regular expression in a few milliseconds, where parsing every key
 * (loadSharedConfig) takes tens. Names are read as loadSharedConfig reads them (`[profile NAME]`,
 * `[default]`, the credentials file's raw section names); whether the file would parse is not
 * checked here, and indented header lines count as headers.
 */
import { profileName } from '../config/load.js';

/** configparser's `\[(?P<header>.+)\]` on a stripped line: the name runs to the line's last `]`. */
const SECTION_LINE = /^[ \t\f\v]*\[.+\][ \t\f\v\r]*$/gm;
/** The common header, `[profile NAME]` with a plain name: nearly every line of a large config. */
const PLAIN_PROFILE_LINE = /^[ \t\f\v]*\[profile [^\s'"\\\]\x00-\x1f\x7f-\x9f]+\][ \t\f\v\r]*$/gm;
/** Every other header line. */
const OTHER_SECTION_LINE = /^[ \t\f\v]*\[(?!profile [^\s'"\\\]\x00-\x1f\x7f-\x9f]+\][ \t\f\v\r]*$).+\][ \t\f\v\r]*$/gm;
/** configparser's DEFAULT section holds defaults for the others; it names no profile. */
const DEFAULT_SECTION = 'DEFAULT';
/** A name with a control character cannot be typed, and would reach the terminal raw. */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** The section name of a line SECTION_LINE matched. */
function sectionOf(line: string): string {
  const trimmed = line.trim();
  return trimmed.slice(1, trimmed.lastIndexOf(']'));
}

/** The NAME of a line PLAIN_PROFILE_LINE matched. */
function plainNameOf(line: string): string {
  const start = line.indexOf('[') + 'profile '.length + 1;
  return line.slice(start, line.indexOf(']', start));
}

/**
 * Every profile name of the config and credentials files, sorted, each once. The plain
 * `[profile NAME]` lines are found by one regex call and cut with indexOf: code that runs
 * once a start, so the less it does per line (no general parse, no regex per line), the faster.
 */
export function profileNamesIn(configText: string, credentialsText: string): string[] {
  const plain = (configText.match(PLAIN_PROFILE_LINE) ?? []).map(plainNameOf);
  const names = isSortedOnce(plain) ? plain : [...new Set(plain)].sort();
  // The other names are few ([default], quoted names, the credentials file): each goes into
  // its place, and is checked for control characters (which the plain ones cannot hold).
  const add = (name: string | undefined): void => {
    if (name !== undefined && !CONTROL.test(name)) insertSorted(names, name);
  };
  for (const line of configText.match(OTHER_SECTION_LINE) ?? []) add(profileName(sectionOf(line), 'profile'));
  for (const line of credentialsText.match(SECTION_LINE) ?? []) {
    const section = sectionOf(line);
    if (section !== DEFAULT_SECTION) add(section);
  }
  return names;
}

/** Configs are mostly written in order: then sorting is one pass with no copy. */
function isSortedOnce(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i++) if (!((names[i - 1] ?? '') < (names[i] ?? ''))) return false;
  return true;
}

/** Puts `name` into the sorted `names` unless it is there already. */
function insertSorted(names: string[], name: string): void {
  let low = 0;
  let high = names.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((names[middle] ?? '') < name) low = middle + 1;
    else high = middle;
  }
  if (names[low] !== name) names.splice(low, 0, name);
}
