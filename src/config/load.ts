import type { Deps } from '../deps.js';
import { ConfigError } from '../errors.js';
import { IniParseError, type IniSections, parseIni, shlexSplit } from './ini.js';
import { type CheckedFile, type FileStats, indexCheckedFile, type SectionView, viewsThroughIndex } from './ini-index.js';
import { configFilePath, credentialsFilePath, displayPath } from './paths.js';
import type { Section, SharedConfig } from './shared-config.js';
import { strictUtf8 } from './utf8.js';


/** Reads and parses one INI file; a missing file (or a directory) reads as empty, as in botocore. */
export async function readIniFile(deps: Deps, path: string): Promise<ReadonlyMap<string, Section>> {
  const [sections] = await readIniViews(deps, path, [(name) => name]);
  return sections ?? parseIni('');
}

/**
 * One INI file's sections in each of `views` (botocore's profile maps), from one read and one
 * parse; a big file that has not changed since it was indexed, through its index.
 */
async function readIniViews(deps: Deps, path: string, views: readonly SectionView[]): Promise<ReadonlyMap<string, Section>[]> {
  const stats = await regularFileStats(deps, path);
  if (stats === undefined) return views.map((view) => parseIni('').renamed(view));
  const file: CheckedFile = {
    path,
    stats,
    views,
    checkWhole: (bytes) => checkedViews(deps, path, bytes, views).views,
    cannotRead: (error) => cannotRead(deps, path, error),
    changedWhileRead: () =>
      new ConfigError(`${displayPath(path, deps.env, deps.homedir)} changed while awsrole was reading it`, 'run the command again'),
  };
  const indexed = await viewsThroughIndex(deps, file);
  if (indexed !== undefined) return indexed;
  const bytes = await readFileBytes(deps, path);
  const checked = checkedViews(deps, path, bytes, views);
  if (checked.text !== undefined) await indexCheckedFile(deps, file, checked.text, checked.sections, checked.views);
  return checked.views;
}

/** The checking pass over a file's bytes (none: an empty file), with botocore's refusals as ConfigErrors. */
function checkedViews(deps: Deps, path: string, bytes: Uint8Array | undefined, views: readonly SectionView[]): { text?: string; sections: IniSections; views: IniSections[] } {
  if (bytes === undefined) return { sections: parseIni(''), views: views.map((view) => parseIni('').renamed(view)) };
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new ConfigError(`cannot parse ${displayPath(path, deps.env, deps.homedir)}: it is not UTF-8 text`, 'fix or remove the file');
  }
  try {
    const sections = parseIni(text);
    return { text, sections, views: views.map((view) => sections.renamed(view)) };
  } catch (error) {
    if (error instanceof IniParseError) {
      throw new ConfigError(
        `cannot parse ${displayPath(path, deps.env, deps.homedir)}: ${error.message}`,
        'fix the file (the AWS CLI refuses it too)',
      );
    }
    throw error;
  }
}

/**
 * botocore reads only regular files (os.path.isfile): a missing path or a directory reads as
 * empty. A FIFO, socket or device would block or mislead, so awsrole refuses it by name.
 */
async function regularFileStats(deps: Deps, path: string): Promise<FileStats | undefined> {
  let stats;
  try {
    stats = await deps.fs.stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`cannot read ${displayPath(path, deps.env, deps.homedir)}: ${code ?? 'error'}`, 'check the file and its permissions');
  }
  if (stats.isFile()) return stats;
  if (stats.isDirectory()) return undefined;
  throw new ConfigError(`${displayPath(path, deps.env, deps.homedir)} is not a regular file (a FIFO, socket or device)`, 'point the setting at a regular file');
}

/** The file's bytes; undefined for a folder (botocore reads it as empty). */
async function readFileBytes(deps: Deps, path: string): Promise<Uint8Array | undefined> {
  try {
    return await deps.fs.readBytes(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return undefined;
    throw cannotRead(deps, path, error);
  }
}

function cannotRead(deps: Deps, path: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new ConfigError(`cannot read ${displayPath(path, deps.env, deps.homedir)}: ${code ?? 'error'}`, 'check the file and its permissions');
}

/** botocore's build_profile_map: `[profile X]` (split shell-style) and `[default]`. */
export function configProfiles(sections: IniSections, prefix: ConfigPrefix): IniSections {
  return sections.renamed(configView(prefix));
}

type ConfigPrefix = 'profile' | 'services' | 'sso-session';

function configView(prefix: ConfigPrefix): SectionView {
  return (name) => profileName(name, prefix);
}

/** A name shlex would take as one plain word: `[profile NAME]` needs no general split. */
const PLAIN_NAME = /^[^\s'"\\]+$/;

export function profileName(section: string, prefix: 'profile' | 'services' | 'sso-session'): string | undefined {
  if (prefix === 'profile' && section === 'default') return 'default';
  if (!section.startsWith(prefix)) return undefined;
  const rest = section.slice(prefix.length + 1);
  if (section.charCodeAt(prefix.length) === 0x20 && PLAIN_NAME.test(rest)) return rest;
  const parts = shlexSplit(section);
  return parts?.length === 2 ? parts[1] : undefined;
}

export async function loadSharedConfig(deps: Deps): Promise<SharedConfig> {
  const configPath = configFilePath(deps.env, deps.homedir);
  const credentialsPath = credentialsFilePath(deps.env, deps.homedir);
  const [[profiles, services, ssoSessions], credentialsProfiles] = await Promise.all([
    readIniViews(deps, configPath, [configView('profile'), configView('services'), configView('sso-session')]),
    readIniFile(deps, credentialsPath),
  ]);
  if (profiles === undefined || services === undefined || ssoSessions === undefined) throw new Error('readIniViews: a view went missing');
  return { configPath, credentialsPath, configProfiles: profiles, credentialsProfiles, services, ssoSessions };
}
