/**
 * Big config files (`sso populate` writes thousands of profiles) are read for one or two
 * profiles, yet every run checked all of their lines the way botocore does: ~15–20 ms for
 * 10,000 profiles. The checking pass of a file that passed it is kept in the user's cache
 * folder as an index (where each section's lines start, by its name in each view the caller
 * asks for: botocore's profile maps), under the awsrole version and the file's
 * identity: path, device, inode, size, and modification and change times. While the identity
 * is the same, the text is the same, and the index stands for the pass; any write changes the
 * change time (which no tool can set back), and the next run checks the file again.
 *
 * Like git's index, a file is only indexed once it has settled: a write in the same timestamp
 * tick as the one that was read could leave every time unchanged. The index folder must be the
 * user's own, 0700, not a symlink, since an index decides which lines a profile is read from.
 * An index that is missing, stale, damaged or unreadable is ignored; one that cannot be written
 * is left out: either way the run parses the file as before.
 */
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { isPrivateFolder, writePrivateCacheFile } from '../files/private-cache.js';
import { userCacheFolder } from '../files/user-cache.js';
import { VERSION } from '../version.js';
import { type IniSections, parseIni, viewsFromIndex } from './ini.js';

export type FileStats = Awaited<ReturnType<Deps['fs']['stat']>>;

/** Below this, checking the lines costs less than reading an index (a 64 KB config: ~600 profiles). */
export const INDEX_MIN_BYTES = 64 * 1024;
/** How long since the last write before a file is indexed: well past any filesystem's timestamp tick. */
export const SETTLED_MS = 2000;
const FORMAT = 'awsrole-ini-index 2';
/** An index is ~40 bytes a section; anything larger is not one of ours. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

/**
 * A view of a file's sections: a section's name in the view, or undefined to leave it out
 * (IniSections.renamed). At most 10; an index is valid only for the views of the awsrole
 * version that wrote it.
 */
export type SectionView = (section: string) => string | undefined;

/** The first line of an index: what the file was when it was indexed, by which awsrole, for how many views. */
export function fileIdentity(path: string, stats: FileStats, views: number): string {
  return JSON.stringify([FORMAT, VERSION, views, path, stats.dev, stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs]);
}

/** The index file of a config file: one per path and number of views (a hash names it; the identity line holds both). */
function indexFile(folder: string, path: string, views: number): string {
  // FNV-1a: a name, not a secret; two paths that collide just take turns.
  let hash = 0x811c9dc5;
  const key = `${views} ${path}`;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return join(folder, `${hash.toString(16).padStart(8, '0')}.index`);
}

function indexFolder(deps: Deps): string | undefined {
  const base = userCacheFolder(deps.env, deps.homedir);
  return base === undefined ? undefined : join(base, 'ini-index');
}

/** The index text: the identity, then `VIEW START NAME` per section of each view (a section name holds no line break). */
export function indexText(identity: string, views: readonly IniSections[]): string {
  const lines = [identity];
  views.forEach((view, number) => {
    for (const [name, start] of view.index.starts) lines.push(`${number} ${start} ${name}`);
  });
  return `${lines.join('\n')}\n`;
}

/** The views in `content` if it is whole, of the file `identity` names, with `count` views; else undefined. */
export function readIndexText(content: string, identity: string, textLength: number, count: number): Map<string, number>[] | undefined {
  const firstEnd = content.indexOf('\n');
  if (firstEnd < 0 || content.slice(0, firstEnd) !== identity) return undefined;
  const views = Array.from({ length: count }, () => new Map<string, number>());
  for (let at = firstEnd + 1; at < content.length; ) {
    const end = content.indexOf('\n', at);
    const space = content.indexOf(' ', at + 2);
    const view = views[content.charCodeAt(at) - 0x30];
    if (end < 0 || space < 0 || space > end || view === undefined || content.charCodeAt(at + 1) !== 0x20) return undefined;
    const start = Number(content.slice(at + 2, space));
    if (!Number.isSafeInteger(start) || start < 0 || start > textLength) return undefined;
    view.set(content.slice(space + 1, end), start);
    at = end + 1;
  }
  return views;
}

/**
 * parseIni's sections in each of `views`, through the index for a big file. `stats` are the
 * file's before its text was read, `restat` gives them after: a file that changed in between is
 * parsed, never indexed.
 */
export async function parseIniIndexed(
  deps: Deps,
  file: { path: string; text: string; stats: FileStats; restat: () => Promise<FileStats> },
  views: readonly SectionView[],
): Promise<IniSections[]> {
  const { path, text, stats, restat } = file;
  const folder = indexFolder(deps);
  if (!(stats.size >= INDEX_MIN_BYTES) || folder === undefined || deps.processes.uid === undefined) return viewsOf(parseIni(text), views);
  const identity = fileIdentity(path, stats, views.length);
  const unchanged = async (): Promise<boolean> => fileIdentity(path, await restat(), views.length) === identity;
  const indexPath = indexFile(folder, path, views.length);
  if (await isPrivateFolder(deps, folder)) {
    const content = await deps.fs.readRegularFile(indexPath, { noFollow: true, maxBytes: MAX_INDEX_BYTES }).catch(() => undefined);
    const starts = content === undefined ? undefined : readIndexText(content, identity, text.length, views.length);
    if (starts !== undefined && (await unchanged())) return viewsFromIndex(text, starts);
  }
  const sections = parseIni(text);
  const result = viewsOf(sections, views);
  const settled = deps.now().getTime() - Math.max(stats.mtimeMs, stats.ctimeMs) >= SETTLED_MS;
  // An index holds no [DEFAULT] keys: a file with them (rare in AWS configs) is checked every time.
  if (settled && sections.index.defaults === undefined && (await unchanged())) await writePrivateCacheFile(deps, folder, indexPath, indexText(identity, result));
  return result;
}

function viewsOf(sections: IniSections, views: readonly SectionView[]): IniSections[] {
  return views.map((view) => sections.renamed(view));
}
