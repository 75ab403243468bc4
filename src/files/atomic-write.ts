import { dirname, basename, join } from 'node:path';
import type { Deps } from '../deps.js';

/** The path the rename goes over: under 'follow', a symlink's target, so the link stays a link. */
async function writeTarget(deps: Deps, path: string, symlink: SymlinkRule): Promise<string> {
  if (symlink === 'replace') return path;
  try {
    return await deps.fs.realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path;
    throw error;
  }
}

function tempPrefix(target: string): string {
  return `.${basename(target)}.`;
}

/**
 * A writer killed between writing its temp file and renaming it leaves the temp file behind,
 * secrets and all; the next writer removes those whose process is gone.
 */
async function removeOrphanedTemps(deps: Deps, folder: string, target: string): Promise<void> {
  const prefix = tempPrefix(target);
  const names = await deps.fs.readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (pid !== deps.processes.pid && !deps.processes.isAlive(pid)) await deps.fs.unlink(join(folder, name)).catch(() => undefined);
  }
}

/**
 * What a symlink at the path's last component means.
 * - 'follow': the user's own files (~/.aws/credentials, written by --write-profile). Users link
 *   these into a dotfiles repo on purpose: the target gets the new content and the link stays.
 * - 'replace': files awsrole owns (its session caches). Nobody links those on purpose, so a
 *   link there was planted to aim the write elsewhere: the rename replaces the link itself and
 *   its target is never opened.
 */
export type SymlinkRule = 'follow' | 'replace';

export interface AtomicWriteOptions {
  /** Default 'follow'; see SymlinkRule. */
  symlink?: SymlinkRule;
  /**
   * fsync before the rename (default). A cache may skip it (~0.5 ms): after a crash its file may
   * be empty or gone, which reads as a miss; readers still never see a half-written file.
   */
  flush?: boolean;
}

/**
 * Writes a file so that readers see the old content or the new, never a mix: a 0600 temp file
 * beside it, flushed (unless options.flush is false), then renamed over it (a temp file is
 * removed when writing it fails). Parent folders are made 0700.
 */
export async function writeFileAtomic(deps: Deps, path: string, content: string, options: AtomicWriteOptions = {}): Promise<void> {
  const target = await writeTarget(deps, path, options.symlink ?? 'follow');
  const folder = dirname(target);
  await deps.fs.mkdir(folder, { recursive: true, mode: 0o700 });
  const temp = join(folder, `${tempPrefix(target)}${deps.processes.pid}.${Math.floor(deps.random() * 1e9)}.tmp`);
  const handle = await deps.fs.open(temp, 'wx', 0o600);
  try {
    try {
      // The umask may have taken bits from 0600 at open; the file must end up exactly 0600.
      await handle.chmod(0o600);
      await handle.writeFile(content, 'utf8');
      if (options.flush !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await deps.fs.rename(temp, target);
  } catch (error) {
    await deps.fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await removeOrphanedTemps(deps, folder, target);
}
