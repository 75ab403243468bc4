/**
 * Derived data in awsrole's user cache folder (src/files/user-cache.ts): read only from a folder
 * that is the user's own and private, written atomically into one, never needed for a result.
 */
import type { Deps } from '../deps.js';
import { writeFileAtomic } from './atomic-write.js';
import { isPrivateFolderStats } from './user-cache.js';

export async function isPrivateFolder(deps: Pick<Deps, 'fs' | 'processes'>, folder: string): Promise<boolean> {
  const stats = await deps.fs.lstat(folder).catch(() => undefined);
  return stats !== undefined && isPrivateFolderStats(stats, deps.processes.uid);
}

/** Writes a file of derived data into a private folder of the user cache (made 0700 if missing); any failure leaves it out. */
export async function writePrivateCacheFile(deps: Deps, folder: string, file: string, content: string): Promise<void> {
  try {
    await deps.fs.mkdir(folder, { recursive: true, mode: 0o700 });
    if (!(await isPrivateFolder(deps, folder))) return;
    await writeFileAtomic(deps, file, content, { flush: false, symlink: 'replace' });
  } catch {
    // Only a speed-up: the next run does without it.
  }
}
