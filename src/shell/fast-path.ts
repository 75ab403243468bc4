/**
 * `awsrole __complete-profiles`, run by the completion scripts at each Tab after --profile.
 * src/bin.ts answers it before the CLI bundle loads, from dist/complete.cjs (src/shell/complete-entry.ts),
 * so this module and what it imports stay small: no commander, no command registry.
 */
import { configFilePath, credentialsFilePath } from '../config/paths.js';
import type { Deps } from '../deps.js';
import { profileNamesCached, type NamedFile } from './names-cache.js';
import { profileNamesIn } from './profile-names.js';

/** Far above any real config; a file this large is not read for completion. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** A file that cannot be read completes nothing: completion never prints an error. */
async function readQuietly(deps: Pick<Deps, 'fs'>, path: string): Promise<string> {
  try {
    return (await deps.fs.readRegularFile(path, { noFollow: false, maxBytes: MAX_FILE_BYTES })) ?? '';
  } catch {
    return '';
  }
}

async function statQuietly(deps: Pick<Deps, 'fs'>, path: string): Promise<NamedFile> {
  return { path, stats: await deps.fs.stat(path).catch(() => undefined) };
}

/** The profile names of both files, one a line (of big files, through src/shell/names-cache.ts). */
export async function writeProfileNames(deps: Deps): Promise<void> {
  const paths = [configFilePath(deps.env, deps.homedir), credentialsFilePath(deps.env, deps.homedir)] as const;
  const stat = (): Promise<NamedFile[]> => Promise.all(paths.map((path) => statQuietly(deps, path)));
  const scan = async (): Promise<string[]> => {
    const [config, credentials] = await Promise.all(paths.map((path) => readQuietly(deps, path)));
    return profileNamesIn(config ?? '', credentials ?? '');
  };
  const names = await profileNamesCached(deps, await stat(), scan, stat).catch(() => scan());
  try {
    if (names.length > 0) deps.stdout.write(`${names.join('\n')}\n`);
  } catch {
    // The shell stopped reading (a closed pipe): nothing to report to anyone.
  }
}
