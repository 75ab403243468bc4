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
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

type CommonJsWrapper = (exports: unknown, require: (id: string) => never, module: { exports: unknown }, filename: string, dirname: string) => void;

export type CacheStatus = 'accepted' | 'rejected by V8' | 'from another build or Node' | 'missing' | 'unstamped bundle';

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
  return bytes.subarray(0, header.length).toString('latin1') === header ? bytes.subarray(header.length) : 'from another build or Node';
}

/** A build hook: it must never break a run, so a cache it cannot write is left out (the build checks for them). */
function storeCaches(): void {
  for (const { cacheFile, header, script } of toStore) {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()]));
      renameSync(temp, cacheFile);
    } catch {
      rmSync(temp, { force: true });
    }
  }
}

export interface CompiledBundle {
  script: Script;
  cache: CacheStatus;
  /** The header a cache of this bundle, made by this Node, carries; undefined for an unstamped bundle. */
  header: string | undefined;
}

/** Compiles a CommonJS bundle in Node's own module wrapper (module.wrap, so line 1 keeps its columns). */
export function compileBundle(file: string): CompiledBundle {
  const text = readFileSync(file, 'utf8');
  const buildId = buildIdOf(text);
  const header = buildId === undefined ? undefined : cacheHeader(buildId);
  const cached = header === undefined ? 'unstamped bundle' : readCache(`${file}.v8cache`, header);
  const cachedData = typeof cached === 'string' ? undefined : cached;
  const source = `(function (exports, require, module, __filename, __dirname) { ${text}\n});`;
  const script = new Script(source, { filename: file, cachedData });
  const cache: CacheStatus = typeof cached === 'string' ? cached : script.cachedDataRejected === true ? 'rejected by V8' : 'accepted';
  return { script, cache, header };
}

/** require() for a bundle, compiled with its code cache; each file runs once per process. */
export function requireWithCodeCache(file: string): unknown {
  if (loaded.has(file)) return loaded.get(file);
  const { script, cache, header } = compileBundle(file);
  statuses.set(file, cache);
  const module = { exports: {} as unknown };
  (script.runInThisContext() as CommonJsWrapper)(module.exports, noRequire, module, file, dirname(file));
  loaded.set(file, module.exports);
  if (process.env['AWSROLE_WRITE_CODE_CACHE'] === '1' && header !== undefined) {
    if (toStore.length === 0) process.once('exit', storeCaches);
    toStore.push({ cacheFile: `${file}.v8cache`, header, script });
  }
  return module.exports;
}

/** Each bundle loaded so far and what became of its code cache. */
export function codeCacheStatuses(): ReadonlyMap<string, CacheStatus> {
  return statuses;
}
