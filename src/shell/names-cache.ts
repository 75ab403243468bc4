/**
 * Profile names of big config files, for completion at every Tab: scanning 10,000 headers of a
 * 1.4 MB file costs more than starting node. The names are kept in the user's cache folder under
 * both files' identities (path, device, inode, size, modification and change times), with the
 * rules of the config index (src/config/ini-index.ts): written only once the files have settled,
 * into a folder that is the user's own and private, and read only while both identities hold.
 * Missing, stale or foreign: the files are scanned as before.
 */
import { join } from 'node:path';
import { INDEX_MIN_BYTES, SETTLED_MS, type FileStats } from '../config/ini-index.js';
import type { Deps } from '../deps.js';
import { isPrivateFolder, writePrivateCacheFile } from '../files/private-cache.js';
import { userCacheFolder } from '../files/user-cache.js';
import { VERSION } from '../version.js';

const FORMAT = 'awsrole-profile-names 1';
/** Far above any real list of names. */
const MAX_NAMES_BYTES = 64 * 1024 * 1024;

export interface NamedFile {
  path: string;
  /** Undefined when the file cannot be stat-ed (missing): part of the identity all the same. */
  stats: FileStats | undefined;
}

function identityOf(files: readonly NamedFile[]): string {
  return JSON.stringify([FORMAT, VERSION, ...files.map(({ path, stats }) => [path, stats?.dev, stats?.ino, stats?.size, stats?.mtimeMs, stats?.ctimeMs])]);
}

function cacheFile(folder: string, files: readonly NamedFile[]): string {
  // FNV-1a of the paths: a name, not a secret; two pairs that collide just take turns.
  let hash = 0x811c9dc5;
  const key = files.map((file) => file.path).join('\n');
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return join(folder, `${hash.toString(16).padStart(8, '0')}.names`);
}

/**
 * The names `scan` finds in `files`, through the cache when one of them is big. `restat` gives
 * the files' stats again after the scan: files that changed meanwhile are never cached.
 */
export async function profileNamesCached(
  deps: Deps,
  files: readonly NamedFile[],
  scan: () => Promise<string[]>,
  restat: () => Promise<readonly NamedFile[]>,
): Promise<string[]> {
  const base = userCacheFolder(deps.env, deps.homedir);
  const big = files.some(({ stats }) => stats !== undefined && stats.size >= INDEX_MIN_BYTES);
  if (!big || base === undefined || deps.processes.uid === undefined) return scan();
  const folder = join(base, 'profile-names');
  const path = cacheFile(folder, files);
  const identity = identityOf(files);
  if (await isPrivateFolder(deps, folder)) {
    const content = await deps.fs.readRegularFile(path, { noFollow: true, maxBytes: MAX_NAMES_BYTES }).catch(() => undefined);
    const cached = content === undefined ? undefined : namesIn(content, identity);
    if (cached !== undefined) return cached;
  }
  const names = await scan();
  const settled = files.every(({ stats }) => stats === undefined || deps.now().getTime() - Math.max(stats.mtimeMs, stats.ctimeMs) >= SETTLED_MS);
  if (settled && identityOf(await restat()) === identity) await writePrivateCacheFile(deps, folder, path, `${[identity, ...names].join('\n')}\n`);
  return names;
}

/** The names of a cache file written for `identity`, or undefined (another identity, or cut short). */
function namesIn(content: string, identity: string): string[] | undefined {
  if (!content.endsWith('\n')) return undefined;
  const lines = content.slice(0, -1).split('\n');
  return lines[0] === identity ? lines.slice(1) : undefined;
}
