import { join } from 'node:path';
import type { Deps, FileSystem } from '../deps.js';
import { displayPath } from '../config/paths.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { terminalSafe } from '../domain/text.js';

type Stats = Awaited<ReturnType<FileSystem['lstat']>>;

/** A cached session is ~2 KB; anything past this is not one, and reads as a miss. */
export const MAX_CACHE_FILE_BYTES = 1024 * 1024;

/**
 * Why a cache folder's files cannot be trusted, or undefined when they can. Someone else who
 * can put files in it can plant credentials for us to use, or a symlink for us to write through.
 */
export function cacheFolderDistrust(stats: Stats, uid: number | undefined): string | undefined {
  if (stats.isSymbolicLink()) return 'it is a symlink; make it a real folder';
  // No uid: a platform without POSIX owners and modes (Windows), where these bits mean nothing.
  if (uid === undefined || !stats.isDirectory()) return undefined;
  if (stats.uid !== uid) return `it is owned by uid ${stats.uid}, not by you (uid ${uid})`;
  if ((stats.mode & 0o022) !== 0) return `others can write to it (mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')}); run chmod go-w on it`;
  return undefined;
}

type FolderState = 'trusted' | 'distrusted' | 'missing';

/**
 * Each folder is checked, and warned about, once per run. A run is keyed by its stderr: the CLI
 * and each API call build their own, while --debug copies Deps but keeps the stream.
 */
const verdicts = new WeakMap<object, Map<string, FolderState>>();

async function folderState(deps: Deps, folder: string): Promise<FolderState> {
  const known = verdicts.get(deps.stderr) ?? new Map<string, FolderState>();
  verdicts.set(deps.stderr, known);
  const remembered = known.get(folder);
  if (remembered !== undefined) return remembered;
  let stats: Stats;
  try {
    stats = await deps.fs.lstat(folder);
  } catch {
    // Not remembered: a write makes the folder and then checks it.
    return 'missing';
  }
  const distrust = cacheFolderDistrust(stats, deps.processes.uid);
  if (distrust !== undefined) {
    const shown = displayPath(folder, deps.env, deps.homedir);
    deps.stderr.write(`awsrole: warning: ${terminalSafe(`not using the session cache in ${shown}: ${distrust}`)}\n`);
  }
  const state = distrust === undefined ? 'trusted' : 'distrusted';
  known.set(folder, state);
  return state;
}

/** A cache file's text; undefined (a miss) unless it is a regular file, not a symlink, in a trusted folder. */
export async function readCacheFile(deps: Deps, folder: string, name: string): Promise<string | undefined> {
  if ((await folderState(deps, folder)) !== 'trusted') return undefined;
  return deps.fs.readRegularFile(join(folder, name), { noFollow: true, maxBytes: MAX_CACHE_FILE_BYTES }).catch(() => undefined);
}

/** Writes a cache file unless its folder is distrusted; a symlink in its place is replaced, never followed. */
export async function writeCacheFile(deps: Deps, folder: string, name: string, text: string): Promise<void> {
  let state = await folderState(deps, folder);
  if (state === 'missing') {
    await deps.fs.mkdir(folder, { recursive: true, mode: 0o700 });
    state = await folderState(deps, folder);
  }
  if (state !== 'trusted') return;
  // A session cache: losing it to a crash costs one STS call, so no fsync.
  await writeFileAtomic(deps, join(folder, name), text, { flush: false, symlink: 'replace' });
}
