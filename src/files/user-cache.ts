import { join } from 'node:path';

/**
 * awsrole's own per-user cache folder (the XDG base-directory rule): `$XDG_CACHE_HOME/awsrole`,
 * else `~/.cache/awsrole`. What lives there is derived data that speeds a run up and is never
 * needed: compiled code (src/code-cache.ts), indexes of big config files (src/config/ini-index.ts)
 * and the profile names of big config files for completion (src/shell/names-cache.ts).
 * Undefined without an absolute base, where there is nowhere safe to put it.
 */
export function userCacheFolder(env: Readonly<Record<string, string | undefined>>, homedir: string | undefined): string | undefined {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && xdg.startsWith('/')) return join(xdg, 'awsrole');
  return homedir !== undefined && homedir.startsWith('/') ? join(homedir, '.cache', 'awsrole') : undefined;
}

/** Mode bits a private cache folder or file may not have: anyone but its owner may neither read nor write it. */
export const NOT_PRIVATE = 0o077;

/** Ours alone: a real folder (lstat: no symlink), owned by `uid`, that nobody else can enter or write. */
export function isPrivateFolderStats(stats: { isDirectory(): boolean; uid: number; mode: number }, uid: number | undefined): boolean {
  return stats.isDirectory() && stats.uid === uid && (stats.mode & NOT_PRIVATE) === 0;
}
