/**
 * Runs a bundled CommonJS file with the V8 code cache the build wrote beside it (FILE.v8cache).
 *
 * Node 20 has no module compile cache (module.enableCompileCache() is Node 22), so every start
 * compiled the CLI bundle, and every STS call the SDK bundle, from source: ~5 ms and ~30 ms of
 * a run. A code cache holds V8's bytecode for the functions a representative run compiled;
 * loading it skips parsing and compiling them.
 *
 * V8 itself checks only its version, its flags and the source's *length*: a cache left from an
 * earlier build of the same length would run the old bytecode. So the build stamps each bundle
 * with a hash of its content (`//# awsrole-build ID`, the last line), and a cache is used only
 * when its header names the same ID, Node version and architecture. A cache that does not fit
 * is ignored and the bundle compiles from source: slower, never different. (A cache file
 * damaged on disk, like a damaged bundle, is not detected: rebuild or reinstall.)
 *
 * The build writes the caches by running the CLI with AWSROLE_WRITE_CODE_CACHE=1 (see
 * scripts/train-code-cache.mjs): at exit each file loaded here stores its cache, bytecode of the
 * functions that run compiled included.
 *
 * The build's caches fit only the Node version that built the package. On any other Node the
 * first run compiles from source and, at exit, stores its cache in a per-user folder
 * ($XDG_CACHE_HOME or ~/.cache, then awsrole/code-cache/, made 0700), named by build id, Node
 * version and architecture; later runs use it. Bytecode is code: a folder or file there that
 * is not the user's own, or that others can write to, is never read (docs/startup.md).
 */
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, constants as fsConstants, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isPrivateFolderStats, userCacheFolder as awsroleCacheFolder } from './files/user-cache.js';
import { Script } from 'node:vm';

type CommonJsWrapper = (exports: unknown, require: (id: string) => never, module: { exports: unknown }, filename: string, dirname: string) => void;

export type CacheStatus =
  | 'accepted'
  | 'rejected by V8'
  | 'from another build or Node'
  | 'missing'
  | 'unstamped bundle'
  | 'accepted from the user cache'
  | 'rejected by V8 (user cache)';

const BUILD_STAMP = '//# awsrole-build ';
const CACHE_MAGIC = 'awsrole-v8cache';

/**
 * The bundles need no require(): the build makes every built-in a process.getBuiltinModule()
 * shim and inlines everything else. (node:module's createRequire would cost ~0.5 ms to load.)
 */
function noRequire(id: string): never {
  throw new Error(`awsrole: a bundle asked for require(${JSON.stringify(id)}), which the build should have inlined`);
}

/**
 * What became of each bundle's cache, for `--debug`. Process-wide: dist/awsrole.cjs and
 * dist/cli.cjs each carry their own copy of this module.
 */
const statuses: Map<string, CacheStatus> = ((globalThis as Record<symbol, unknown>)[Symbol.for('awsrole.codeCacheStatuses')] ??= new Map()) as Map<string, CacheStatus>;

const loaded = new Map<string, unknown>();
const toStore: { cacheFile: string; header: string; script: Script }[] = [];

/** The ID the build stamped on the bundle's last line; undefined for an unstamped file. */
function buildIdOf(source: string): string | undefined {
  const lastLine = source.slice(source.lastIndexOf('\n', source.length - 2) + 1);
  return lastLine.startsWith(BUILD_STAMP) ? lastLine.slice(BUILD_STAMP.length).trim() : undefined;
}

function cacheHeader(buildId: string): string {
  return `${CACHE_MAGIC} ${buildId} ${process.version} ${process.arch}\n`;
}

/** The V8 data of a cache whose header matches, or why there is none. */
function readCache(cacheFile: string, header: string): Buffer | 'missing' | 'from another build or Node' {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return 'missing';
  }
  return dataAfterHeader(bytes, header);
}

function dataAfterHeader(bytes: Buffer, header: string): Buffer | 'from another build or Node' {
  return bytes.subarray(0, header.length).toString('latin1') === header ? bytes.subarray(header.length) : 'from another build or Node';
}

// ---------------------------------------------------------------------------------------
// The per-user cache, for a Node other than the build's

/** The user's uid; undefined where there are no POSIX owners (Windows), where no user cache is kept. */
const uid = process.geteuid?.();

/** The folder for this user's code caches, or undefined without a HOME (or on Windows). */
function userCacheFolder(): string | undefined {
  if (uid === undefined) return undefined;
  const base = awsroleCacheFolder(process.env, process.env['HOME']);
  return base === undefined ? undefined : join(base, 'code-cache');
}

/** One file per bundle, build, Node version and architecture: an upgrade of either writes a new one. */
function userCacheFile(folder: string, bundle: string, buildId: string): string {
  return join(folder, `${basename(bundle)}.${buildId}.${process.version}.${process.arch}.v8cache`);
}

/** Ours alone: a real folder (no symlink), owned by this user, that nobody else can enter or write. */
function isPrivateFolder(folder: string): boolean {
  try {
    const stats = lstatSync(folder);
    return isPrivateFolderStats(stats, uid);
  } catch {
    return false;
  }
}

/** A cache file in the user folder: opened without following a symlink, used only if this user owns it and only they can write it. */
function readUserCache(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    return stats.isFile() && stats.uid === uid && (stats.mode & 0o022) === 0 ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function readFromUserCache(bundle: string, header: string, buildId: string): Buffer | undefined {
  const folder = userCacheFolder();
  if (folder === undefined || !isPrivateFolder(folder)) return undefined;
  const bytes = readUserCache(userCacheFile(folder, bundle, buildId));
  if (bytes === undefined) return undefined;
  const data = dataAfterHeader(bytes, header);
  return typeof data === 'string' ? undefined : data;
}

/** At exit: the bytecode this run compiled, for the next run on this Node. Never breaks a run. */
function storeInUserCache(bundle: string, buildId: string, header: string, script: Script): void {
  const folder = userCacheFolder();
  if (folder === undefined) return;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  if (!isPrivateFolder(folder)) return;
  writeAtomically(userCacheFile(folder, bundle, buildId), header, script, 0o600);
}

/** `mode`: the user cache's files are the user's alone; the build's are read by whoever runs the installed package. */
function writeAtomically(cacheFile: string, header: string, script: Script, mode = 0o644): void {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()]), { mode, flag: 'wx' });
    renameSync(temp, cacheFile);
  } catch {
    rmSync(temp, { force: true });
  }
}

/** A build hook: it must never break a run, so a cache it cannot write is left out (the build checks for them). */
function storeCaches(): void {
  for (const { cacheFile, header, script } of toStore) writeAtomically(cacheFile, header, script);
}

export interface CompiledBundle {
  script: Script;
  cache: CacheStatus;
  /** The header a cache of this bundle, made by this Node, carries; undefined for an unstamped bundle. */
  header: string | undefined;
  buildId: string | undefined;
}

/** `useUserCache`: false while the build trains its own caches, which must not depend on a user's. */
function cachedDataFor(file: string, buildId: string | undefined, useUserCache: boolean): { data: Buffer | undefined; status: CacheStatus; fromUser: boolean } {
  if (buildId === undefined) return { data: undefined, status: 'unstamped bundle', fromUser: false };
  const header = cacheHeader(buildId);
  const shipped = readCache(`${file}.v8cache`, header);
  if (typeof shipped !== 'string') return { data: shipped, status: 'accepted', fromUser: false };
  const own = useUserCache ? readFromUserCache(file, header, buildId) : undefined;
  return own === undefined ? { data: undefined, status: shipped, fromUser: false } : { data: own, status: 'accepted from the user cache', fromUser: true };
}

/** Compiles a CommonJS bundle in Node's own module wrapper (module.wrap, so line 1 keeps its columns). */
export function compileBundle(file: string, useUserCache = true): CompiledBundle {
  const text = readFileSync(file, 'utf8');
  const buildId = buildIdOf(text);
  const header = buildId === undefined ? undefined : cacheHeader(buildId);
  const cached = cachedDataFor(file, buildId, useUserCache);
  const source = `(function (exports, require, module, __filename, __dirname) { ${text}\n});`;
  const script = new Script(source, { filename: file, cachedData: cached.data });
  const rejected = cached.data !== undefined && script.cachedDataRejected === true;
  const cache: CacheStatus = rejected ? (cached.fromUser ? 'rejected by V8 (user cache)' : 'rejected by V8') : cached.status;
  return { script, cache, header, buildId };
}

/**
 * What makes a run store its bytecode in the user cache. Not a shipped cache that V8 rejected:
 * its header fits, so it is read first every time (V8 rejects one made under other flags, such
 * as a NODE_OPTIONS heap size) and a user cache would never be read.
 */
const NEEDS_USER_CACHE: ReadonlySet<CacheStatus> = new Set<CacheStatus>(['missing', 'from another build or Node', 'rejected by V8 (user cache)']);

/** Bundles that ran without a cache that fits this Node: their bytecode goes to the user cache at exit. */
const toStoreForUser: { file: string; buildId: string; header: string; script: Script }[] = [];

function storeUserCaches(): void {
  for (const { file, buildId, header, script } of toStoreForUser) storeInUserCache(file, buildId, header, script);
}

/** require() for a bundle, compiled with its code cache; each file runs once per process. */
export function requireWithCodeCache(file: string): unknown {
  if (loaded.has(file)) return loaded.get(file);
  const training = process.env['AWSROLE_WRITE_CODE_CACHE'] === '1';
  const { script, cache, header, buildId } = compileBundle(file, !training);
  statuses.set(file, cache);
  const module = { exports: {} as unknown };
  (script.runInThisContext() as CommonJsWrapper)(module.exports, noRequire, module, file, dirname(file));
  loaded.set(file, module.exports);
  if (header === undefined || buildId === undefined) return module.exports;
  if (training) {
    if (toStore.length === 0) process.once('exit', storeCaches);
    toStore.push({ cacheFile: `${file}.v8cache`, header, script });
  } else if (NEEDS_USER_CACHE.has(cache)) {
    if (toStoreForUser.length === 0) process.once('exit', storeUserCaches);
    toStoreForUser.push({ file, buildId, header, script });
  }
  return module.exports;
}

/** Each bundle loaded so far and what became of its code cache. */
export function codeCacheStatuses(): ReadonlyMap<string, CacheStatus> {
  return statuses;
}
