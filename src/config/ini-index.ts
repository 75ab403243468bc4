/**
 * Big config files (`sso populate` writes thousands of profiles) are read for one or two
 * profiles, yet every run read and checked all of their lines the way botocore does: ~15–20 ms
 * for 10,000 profiles. The checking pass of a file that passed it is kept in the user's cache
 * folder as an index (where each section's header line starts in the file, in bytes, by its
 * name in each view the caller asks for: botocore's profile maps), under the awsrole version
 * and the file's identity: path, device, inode, size, and modification and change times. While
 * the identity is the same, the bytes are the same, and the index stands for the pass: a run
 * reads the index and then only the sections it asks for (src/config/indexed-sections.ts). Any
 * write changes the change time (which no tool can set back), and the next run checks the file
 * again.
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
import { headerLineStart, type IniSections } from './ini.js';
import { indexedViews, type IndexLines, type SectionView } from './indexed-sections.js';
import type { Section } from './shared-config.js';

export type FileStats = Awaited<ReturnType<Deps['fs']['stat']>>;

/** Below this, checking the lines costs less than reading an index (a 64 KB config: ~600 profiles). */
export const INDEX_MIN_BYTES = 64 * 1024;
/** How long since the last write before a file is indexed: well past any filesystem's timestamp tick. */
export const SETTLED_MS = 2000;
const FORMAT = 'awsrole-ini-index 4';
const TRAILER = 'end ';
/** An index is ~40 bytes a section; anything larger is not one of ours. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

export type { SectionView };

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

/**
 * The index text: the identity, then `VIEW OFFSET NAME` per section of each view (OFFSET: where
 * its header line starts, in bytes; a section name holds no line break), then `end LENGTH`, the
 * length of all before it: an index cut short would otherwise read as one without the profiles
 * it lost.
 */
export function indexText(identity: string, text: string, views: readonly IniSections[]): string {
  const entries = views.flatMap((view, number) => [...view.index.starts].map(([name, start]) => ({ number, name, header: headerLineStart(text, start) })));
  const byteOffset = byteOffsets(text, entries.map((entry) => entry.header));
  const lines = [identity, ...entries.map(({ number, name, header }) => `${number} ${byteOffset(header)} ${name}`)];
  const body = `${lines.join('\n')}\n`;
  return `${body}${TRAILER}${body.length}\n`;
}

/** Turns these offsets in `text` into offsets in its UTF-8 bytes (the same for ASCII text). */
function byteOffsets(text: string, offsets: readonly number[]): (offset: number) => number {
  if (Buffer.byteLength(text) === text.length) return (offset) => offset;
  const inBytes = new Map<number, number>();
  let chars = 0;
  let bytes = 0;
  for (const offset of [...new Set(offsets)].sort((a, b) => a - b)) {
    bytes += Buffer.byteLength(text.slice(chars, offset));
    chars = offset;
    inBytes.set(offset, bytes);
  }
  return (offset) => inBytes.get(offset) ?? 0;
}

/** The index lines of `content` if it is whole and of the file `identity` names; else undefined. */
export function indexLines(content: string, identity: string): IndexLines | undefined {
  const firstEnd = content.indexOf('\n');
  if (firstEnd < 0 || content.slice(0, firstEnd) !== identity) return undefined;
  const bodyEnd = content.lastIndexOf(`\n${TRAILER}`) + 1;
  if (bodyEnd <= firstEnd || content.slice(bodyEnd) !== `${TRAILER}${bodyEnd}\n`) return undefined;
  return { content, from: firstEnd + 1, to: bodyEnd };
}

/** A big file as the caller reads it: its stats before anything was read, and its checking pass over the bytes, each view. */
export interface CheckedFile {
  readonly path: string;
  readonly stats: FileStats;
  readonly views: readonly SectionView[];
  /** The checking pass over the file as it is now, each view (a missing file: no sections). */
  checkWhole(bytes: Uint8Array | undefined): IniSections[];
  /** The error a failed read of the file gives (the one reading it whole before any lookup gives). */
  cannotRead(error: unknown): Error;
  /** The error for a file that changed after a run read sections of it through its index: what it read and the file disagree. */
  changedWhileRead(): Error;
}

/** Whether a file is worth an index, and where it would be; undefined for a small file or without a user cache. */
function indexPathOf(deps: Deps, file: CheckedFile): { folder: string; path: string } | undefined {
  const folder = indexFolder(deps);
  if (!(file.stats.size >= INDEX_MIN_BYTES) || folder === undefined || deps.processes.uid === undefined) return undefined;
  return { folder, path: indexFile(folder, file.path, file.views.length) };
}

/** The views of a big file through its index, reading only the sections asked for; undefined without an index that stands for the file. */
export async function viewsThroughIndex(deps: Deps, file: CheckedFile): Promise<ReadonlyMap<string, Section>[] | undefined> {
  const index = indexPathOf(deps, file);
  if (index === undefined || !(await isPrivateFolder(deps, index.folder))) return undefined;
  const content = await deps.fs.readRegularFile(index.path, { noFollow: true, maxBytes: MAX_INDEX_BYTES }).catch(() => undefined);
  const identity = fileIdentity(file.path, file.stats, file.views.length);
  const lines = content === undefined ? undefined : indexLines(content, identity);
  if (lines === undefined) return undefined;
  const isIndexed = (stats: FileStats): boolean => fileIdentity(file.path, stats, file.views.length) === identity;
  return indexedViews(deps, { ...file, lines, isIndexed });
}

/**
 * After the checking pass over `text` (read after `file.stats` were taken): indexes a big file
 * that has settled and is still the one read. An index holds no [DEFAULT] keys: a file with
 * them (rare in AWS configs) is checked every time.
 */
export async function indexCheckedFile(deps: Deps, file: CheckedFile, text: string, sections: IniSections, views: readonly IniSections[]): Promise<void> {
  const index = indexPathOf(deps, file);
  if (index === undefined || sections.index.defaults !== undefined) return;
  const { stats } = file;
  if (deps.now().getTime() - Math.max(stats.mtimeMs, stats.ctimeMs) < SETTLED_MS) return;
  const identity = fileIdentity(file.path, stats, views.length);
  const now = await deps.fs.stat(file.path).catch(() => undefined);
  if (now === undefined || fileIdentity(file.path, now, views.length) !== identity) return;
  await writePrivateCacheFile(deps, index.folder, index.path, indexText(identity, text, views));
}
