/**
 * Profile names for completion, from the header lines alone: a config of 10,000 profiles is
 * scanned in a few milliseconds, where parsing every key (loadSharedConfig) takes tens.
 * Names are read as loadSharedConfig reads them (`[profile NAME]`, `[default]`, the
 * credentials file's raw section names); what it would refuse as a file is not checked here.
 */
import { headerEnd, skipSpace, trimEnd } from '../config/ini.js';
import { profileName } from '../config/load.js';

/** configparser's DEFAULT section holds defaults for the others; it names no profile. */
const DEFAULT_SECTION = 'DEFAULT';
/** A name with a control character cannot be typed, and would reach the terminal raw. */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** The names in the `[...]` header lines of INI text. */
export function sectionNames(text: string): string[] {
  const names: string[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const from = skipSpace(text, start, end);
    if (text.charCodeAt(from) === 0x5b) {
      const close = headerEnd(text, from, trimEnd(text, from, end));
      if (close >= 0) names.push(text.slice(from + 1, close));
    }
    start = end + 1;
  }
  return names;
}

/** Every profile name of the config and credentials files, sorted, each once. */
export function profileNamesIn(configText: string, credentialsText: string): string[] {
  const names = new Set<string>();
  for (const section of sectionNames(configText)) {
    const name = profileName(section, 'profile');
    if (name !== undefined) names.add(name);
  }
  for (const section of sectionNames(credentialsText)) if (section !== DEFAULT_SECTION) names.add(section);
  return [...names].filter((name) => !CONTROL.test(name)).sort();
}
