// Bundles the CLI with esbuild: the product only, from src/ and the dependencies (nothing from
// test/; the demo and the bench's local STS are built by scripts/build-tools.mjs, outside dist/).
//
// Layout (docs/bench.md has the measurements behind it):
//   dist/awsrole.cjs         what bin/awsrole requires: answers `--version`, else runs
//                            dist/cli.cjs through src/code-cache.ts (with its V8 code cache).
//   dist/complete.cjs        `__complete-profiles` (profile names for shell completion, at
//                            every Tab): the config files' section names, without the CLI.
//   dist/cli.cjs             the whole CLI in one file: every command, commander, chalk.
//                            No AWS SDK code: `unset`, `export` from files and `assume` on a
//                            cache hit load nothing else.
//   dist/chunks/sts-sdk.cjs  @aws-sdk/client-sts and the @smithy code under it, one CommonJS
//                            file, loaded (with its code cache) only by a command that calls STS.
//   dist/*.v8cache           V8 code caches, written by scripts/train-code-cache.mjs after the
//                            bundles: runs of the built CLI against a fixed-answer STS on
//                            loopback (scripts/training-sts.mjs).
//   dist/index.mjs           the programmatic API (ES module; loads the same SDK file).
//   dist/meta.json           which output file holds which packages, and whether it is SDK
//                            code (test/e2e/lazy-load.test.ts and test/build/ read it).
//   dist/types/              TypeScript declarations of the programmatic API (src/api.ts and
//                            the files its types come from), by tsc (tsconfig.types.json).
//
// Why single CommonJS files and not esbuild's code splitting: every chunk is one more ESM
// module to resolve, read and link (measured: `export` 4 ms slower split in 8 chunks), and
// only a CommonJS file can be compiled with a code cache on Node 20 (vm.Script). Node
// built-ins are not external: each is bundled as a tiny CommonJS shim around
// process.getBuiltinModule(), initialised only with the module that imports it, and for the
// expensive ones (DEFERRED_BUILTINS) only when one of its exports is first used; that also
// leaves no import() of a built-in, which a vm.Script could not run.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { DEFERRED_BUILTINS } from './deferred-builtins.mjs';
import { trainCodeCache } from './train-code-cache.mjs';
import { builtinModules, createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const SDK_FILE = 'chunks/sts-sdk.cjs';
/** The bundles run through src/code-cache.ts, stamped and given a code cache. */
const CACHED_BUNDLES = ['cli.cjs', SDK_FILE];
/** ES modules are strict code; as CommonJS the SDK must say so (esbuild does it for our TypeScript, from tsconfig's strict). */
const strict = { js: '"use strict";' };

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Less text to compile at every start; identifiers keep their names (error names, traces).
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  outExtension: { '.js': '.mjs' },
  define: {
    __AWSROLE_VERSION__: JSON.stringify(version),
    // The SDK's Node-version notice is for SDK users, not for awsrole's users.
    'process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED': '"true"',
  },
};

// ---------------------------------------------------------------------------------------
// Node built-ins as shims

const builtins = new Set(builtinModules);
const requireBuiltin = createRequire(import.meta.url);

/**
 * esbuild hands a CommonJS module to an importing ES module through __toESM, which copies every
 * own property of it onto a new object (node:fs: ~100 getters, per importing file; ~1 ms a
 * start in all). A module object that *inherits* from the built-in has no own properties to
 * copy, and __toESM's result inherits from the same prototype, so every name still resolves.
 * Only for plain-object modules: a function-valued one (node:events, node:stream) must stay
 * itself to be called or extended, and node:process must be the real object (listeners).
 */
const inheritable = (id) => id !== 'node:process' && Object.getPrototypeOf(requireBuiltin(id)) === Object.prototype;

function builtinShim(id) {
  if (!DEFERRED_BUILTINS.has(id)) {
    const builtin = `process.getBuiltinModule(${JSON.stringify(id)})`;
    return `module.exports = ${inheritable(id) ? `Object.create(${builtin})` : builtin};`;
  }
  const getters = Object.keys(requireBuiltin(id)).map((key) => `${JSON.stringify(key)}: { enumerable: true, get: () => load()[${JSON.stringify(key)}] }`);
  return [
    'let loaded;',
    `const load = () => (loaded ??= process.getBuiltinModule(${JSON.stringify(id)}));`,
    `module.exports = Object.defineProperties({}, { ${getters.join(', ')} });`,
  ].join('\n');
}

const builtinPlugin = {
  name: 'awsrole-builtins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
      const id = args.path.replace(/^node:/, '');
      return builtins.has(id) ? { path: `node:${id}`, namespace: 'builtin' } : undefined;
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: builtinShim(args.path), loader: 'js' }));
  },
};

/**
 * In the CLI, `import('@aws-sdk/client-sts')` (src/sts/client.ts) becomes a module that runs the
 * separate SDK file with its code cache.
 */
const sdkLoaderPlugin = {
  name: 'awsrole-sdk-loader',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\/client-sts$/ }, () => ({ path: 'client-sts', namespace: 'awsrole-sdk-loader' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'awsrole-sdk-loader' }, () => ({
      contents: [
        `import { requireWithCodeCache } from ${JSON.stringify(join(root, 'src/code-cache.ts'))};`,
        "import { join } from 'node:path';",
        `export default requireWithCodeCache(join(__dirname, ${JSON.stringify(SDK_FILE)}));`,
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/**
 * In the programmatic API, a plain `import('./chunks/sts-sdk.cjs')`: an application that bundles
 * awsrole must see the SDK file to include it, and a long-running program gains little from a
 * code cache.
 */
const sdkExternalPlugin = {
  name: 'awsrole-sdk-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\/client-sts$/ }, () => ({ path: `./${SDK_FILE}`, external: true }));
  },
};

/**
 * Ends a bundle with a hash of its content, which src/code-cache.ts matches against a cache's
 * header: V8 would take a cache made for another build of the same length.
 */
function stampBuildId(file) {
  const text = readFileSync(file, 'utf8');
  const id = createHash('sha256').update(text).digest('hex').slice(0, 32);
  writeFileSync(file, `${text}//# awsrole-build ${id}\n`);
}

/** vm.Script (src/code-cache.ts) has no module loader behind it: an import() in a bundle would throw when reached. */
function assertNoDynamicImport(file) {
  if (/(^|[^\w$.])import\s*\(/.test(readFileSync(file, 'utf8'))) throw new Error(`build: ${file} contains an import(), which code-cached bundles cannot run`);
}

/**
 * awsrole hands every STSClient its credentials (src/sts/client.ts), so the SDK's default
 * credential chain (SSO, web identity, INI, process, login providers and the nested clients
 * they bring: about 40% of the SDK bundle) can never run: it is replaced by a provider that
 * says so.
 */
const noDefaultCredentialsPlugin = {
  name: 'awsrole-no-default-credentials',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: 'credential-provider-node', namespace: 'awsrole-stub' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'awsrole-stub' }, () => ({
      contents:
        "export const defaultProvider = () => async () => { throw new Error('awsrole: the SDK default credential chain is not bundled; pass credentials to the client'); };",
      loader: 'js',
    }));
  },
};

// ---------------------------------------------------------------------------------------
// What went where

const startedAt = Date.now();
// Builds before issue 9 put the demo and the test rigs' STS here; they live outside dist/ now.
rmSync(join(root, 'dist/tools'), { recursive: true, force: true });
// Caches of the previous build must not outlive its bundles, even if this build stops half-way.
for (const bundle of CACHED_BUNDLES) rmSync(join(root, 'dist', `${bundle}.v8cache`), { force: true });
const outputs = {};

function packageOf(input) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1];
  if (input.startsWith('builtin:')) return 'node';
  if (input.startsWith('awsrole-stub:')) return 'stub';
  if (input.startsWith('awsrole-sdk-loader:')) return 'awsrole';
  return 'awsrole';
}

const SDK_PACKAGE = /^@(aws-sdk|smithy|aws-crypto)\//;

/** The project's own files among a bundle's inputs (not a package's, not a plugin's virtual module). */
const ownSources = (inputs) => inputs.filter((input) => packageOf(input) === 'awsrole' && !/^[\w-]+:/.test(input)).sort();

function record(metafile, { sdkBuild }) {
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const inputs = Object.keys(output.inputs);
    const packages = [...new Set(inputs.map(packageOf))].sort();
    outputs[relative(join(root, 'dist'), join(root, file))] = {
      bytes: output.bytes,
      sdk: sdkBuild || packages.some((pkg) => SDK_PACKAGE.test(pkg)),
      packages,
      sources: ownSources(inputs),
    };
  }
}

/**
 * Removes bundles this build did not write (and their code caches) once they are a minute old:
 * a concurrent build may own newer ones.
 */
function removeStale(folder, keep) {
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    const bundle = path.replace(/\.v8cache$/, '');
    if (keep.has(bundle) || !/\.(mjs|cjs|v8cache)$/.test(name)) continue;
    const { mtimeMs } = statSync(path);
    if (mtimeMs < startedAt - 60_000) rmSync(path, { force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Builds

// 1. The SDK, from its ES modules (module before main) so unused parts can be dropped, as one
//    CommonJS file (its own dynamic imports, event streams and bowser, are inlined).
const sdk = await build({
  ...common,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  mainFields: ['module', 'main'],
  banner: strict,
  entryPoints: { 'sts-sdk': '@aws-sdk/client-sts' },
  outdir: join(root, 'dist/chunks'),
  plugins: [noDefaultCredentialsPlugin, builtinPlugin],
});
record(sdk.metafile, { sdkBuild: true });

// 2. The CLI: a small CommonJS entry (bin/awsrole is CommonJS too: Node 20 starts a CommonJS
//    entry ~3 ms sooner than an ES module) and the CLI bundle it runs. The programmatic API is
//    an ES module.
const cli = await build({
  ...common,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  entryPoints: { awsrole: 'src/bin.ts', cli: 'src/start.ts', complete: 'src/shell/complete-entry.ts' },
  outdir: join(root, 'dist'),
  plugins: [sdkLoaderPlugin, builtinPlugin],
});
record(cli.metafile, { sdkBuild: false });
const api = await build({
  ...common,
  entryPoints: { index: 'src/api.ts' },
  outdir: join(root, 'dist'),
  plugins: [sdkExternalPlugin, builtinPlugin],
});
record(api.metafile, { sdkBuild: false });
const sdkFree = ['awsrole.cjs', 'cli.cjs', 'complete.cjs', 'index.mjs'];
if (sdkFree.some((file) => outputs[file]?.sdk !== false)) {
  throw new Error(`build: SDK code ended up in one of ${sdkFree.join(', ')}`);
}
for (const bundle of ['awsrole.cjs', 'complete.cjs', ...CACHED_BUNDLES]) assertNoDynamicImport(join(root, 'dist', bundle));
for (const bundle of CACHED_BUNDLES) stampBuildId(join(root, 'dist', bundle));
const written = new Set(Object.keys(outputs).map((name) => join(root, 'dist', name)));
removeStale(join(root, 'dist'), written);
removeStale(join(root, 'dist/chunks'), written);

// 3. The API's declarations (package.json `types`): tsc writes them for src/api.ts and the files
//    its types come from; test/package/ compiles a strict consumer against them.
rmSync(join(root, 'dist/types'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.types.json')], { cwd: root, stdio: 'inherit' });

// 4. Code caches for dist/cli.cjs and the SDK file.
await trainCodeCache(root, CACHED_BUNDLES);

writeFileSync(
  join(root, 'dist/meta.json'),
  `${JSON.stringify({ version, note: 'scripts/build.mjs: the CLI output files, their packages, the project files they were built from, and whether they hold AWS SDK code', outputs }, null, 2)}\n`,
);
