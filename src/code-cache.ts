/**
 * Runs a bundled CommonJS file with the V8 code cache the build wrote beside it (FILE.v8cache).
 *
 * Node 20 has no module compile cache (module.enableCompileCache() is Node 22), so every start
 * compiled the CLI bundle, and every STS call the SDK bundle, from source: ~5 ms and ~30 ms of
 * a run. A code cache holds V8's bytecode for the functions a representative run compiled;
 * loading it skips parsing and compiling them. V8 checks it against its own version, flags and
 * the source, and compiles from source when it does not fit (another Node, an edited file), so
 * a stale cache costs one file read, never a wrong result.
 *
 * The build writes the caches by running the CLI with AWSROLE_WRITE_CODE_CACHE=1 (see
 * scripts/train-code-cache.mjs): at exit each file loaded here stores its cache, bytecode of the
 * functions that run compiled included.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

type CommonJsWrapper = (exports: unknown, require: (id: string) => never, module: { exports: unknown }, filename: string, dirname: string) => void;

/**
 * The bundles need no require(): the build makes every built-in a process.getBuiltinModule()
 * shim and inlines everything else. (node:module's createRequire would cost ~0.5 ms to load.)
 */
function noRequire(id: string): never {
  throw new Error(`awsrole: a bundle asked for require(${JSON.stringify(id)}), which the build should have inlined`);
}

const loaded = new Map<string, unknown>();
const toStore: { cacheFile: string; script: Script }[] = [];

function readCache(cacheFile: string): Buffer | undefined {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** A build hook: it must never break a run, so a cache it cannot write is left out (the build checks for them). */
function storeCaches(): void {
  for (const { cacheFile, script } of toStore) {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
    } catch {
      rmSync(temp, { force: true });
    }
  }
}

export interface CompiledBundle {
  script: Script;
  /** What V8 made of FILE.v8cache. */
  cache: 'accepted' | 'rejected' | 'missing';
}

/** Compiles a CommonJS bundle in Node's own module wrapper (module.wrap, so line 1 keeps its columns). */
export function compileBundle(file: string): CompiledBundle {
  const cachedData = readCache(`${file}.v8cache`);
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n});`;
  const script = new Script(source, { filename: file, cachedData });
  return { script, cache: cachedData === undefined ? 'missing' : script.cachedDataRejected === true ? 'rejected' : 'accepted' };
}

/** require() for a bundle, compiled with its code cache; each file runs once per process. */
export function requireWithCodeCache(file: string): unknown {
  if (loaded.has(file)) return loaded.get(file);
  const { script } = compileBundle(file);
  const module = { exports: {} as unknown };
  (script.runInThisContext() as CommonJsWrapper)(module.exports, noRequire, module, file, dirname(file));
  loaded.set(file, module.exports);
  if (process.env['AWSROLE_WRITE_CODE_CACHE'] === '1') {
    if (toStore.length === 0) process.once('exit', storeCaches);
    toStore.push({ cacheFile: `${file}.v8cache`, script });
  }
  return module.exports;
}
