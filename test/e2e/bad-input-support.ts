/**
 * HOME snapshots for the bad-input table: every entry under a directory with its type, mode
 * and (for regular files) a hash of its bytes, read without following symlinks and without
 * opening anything that is not a regular file (a FIFO would block the reader).
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';

export type TreeSnapshot = Record<string, string>;

function kindOf(stats: Awaited<ReturnType<typeof lstat>>): string {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFIFO()) return 'fifo';
  return 'other';
}

export async function snapshotTree(root: string): Promise<TreeSnapshot> {
  const out: TreeSnapshot = {};
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const stats = await lstat(path);
      const kind = kindOf(stats);
      let content = '';
      if (kind === 'file') content = createHash('sha256').update(await readFile(path)).digest('hex');
      if (kind === 'symlink') content = await readlink(path);
      out[relative(root, path)] = `${kind} ${(stats.mode & 0o7777).toString(8)} ${stats.size} ${content}`;
      if (kind === 'dir') await walk(path);
    }
  };
  await walk(root);
  return out;
}
