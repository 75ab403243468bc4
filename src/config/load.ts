import type { Deps } from '../deps.js';
import { ConfigError } from '../errors.js';
import { IniParseError, type IniSections, parseIni, shlexSplit } from './ini.js';
import { configFilePath, credentialsFilePath, displayPath } from './paths.js';
import type { SharedConfig } from './shared-config.js';
import { strictUtf8 } from './utf8.js';


/** Reads and parses one INI file; a missing file (or a directory) reads as empty, as in botocore. */
export async function readIniFile(deps: Deps, path: string): Promise<IniSections> {
  const text = await readFileText(deps, path);
  try {
    return parseIni(text ?? '');
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
async function isRegularFile(deps: Deps, path: string): Promise<boolean> {
  let stats;
  try {
    stats = await deps.fs.stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new ConfigError(`cannot read ${displayPath(path, deps.env, deps.homedir)}: ${code ?? 'error'}`, 'check the file and its permissions');
  }
  if (stats.isFile()) return true;
  if (stats.isDirectory()) return false;
  throw new ConfigError(`${displayPath(path, deps.env, deps.homedir)} is not a regular file (a FIFO, socket or device)`, 'point the setting at a regular file');
}

async function readFileText(deps: Deps, path: string): Promise<string | undefined> {
  if (!(await isRegularFile(deps, path))) return undefined;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await deps.fs.readBytes(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return undefined;
    throw new ConfigError(`cannot read ${displayPath(path, deps.env, deps.homedir)}: ${code ?? 'error'}`, 'check the file and its permissions');
  }
  if (bytes === undefined) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new ConfigError(`cannot parse ${displayPath(path, deps.env, deps.homedir)}: it is not UTF-8 text`, 'fix or remove the file');
  }
}

/** botocore's build_profile_map: `[profile X]` (split shell-style) and `[default]`. */
export function configProfiles(sections: IniSections, prefix: 'profile' | 'services' | 'sso-session'): IniSections {
  return sections.renamed((name) => profileName(name, prefix));
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
  const [configSections, credentialsSections] = await Promise.all([
    readIniFile(deps, configPath),
    readIniFile(deps, credentialsPath),
  ]);
  return {
    configPath,
    credentialsPath,
    configProfiles: configProfiles(configSections, 'profile'),
    credentialsProfiles: credentialsSections,
    services: configProfiles(configSections, 'services'),
    ssoSessions: configProfiles(configSections, 'sso-session'),
  };
}
