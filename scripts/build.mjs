// Bundles the CLI (and the test rigs the demo and bench use) with esbuild.
//
// Layout (docs/bench.md has the measurements behind it):
//   dist/awsrole.cjs         the whole CLI in one file: every command, commander, chalk.
//                            No AWS SDK code: it is the only file `--version`, `unset`,
//                            `export` from files and `assume` on a cache hit load.
//   dist/chunks/sts-sdk.mjs  @aws-sdk/client-sts and the @smithy code under it, loaded by the
//   dist/chunks/sdk-*.mjs    `import()` in src/sts/client.ts, i.e. only by a command that
//                            calls STS; sdk-* are the SDK's own lazily loaded parts.
//   dist/meta.json           which output file holds which packages, and whether it is SDK
//                            code (test/e2e/lazy-load.test.ts reads it).
//   dist/tools/              the local STS (`sts-server.mjs`) and the demo.
//
// Why one file and not esbuild's code splitting for the CLI: every chunk is one more ESM module
// to resolve, read and link (measured: `export` 4 ms slower split in 8 chunks). But a single
// ESM file hoists every external `import` to its top, so node:http, node:crypto,
// node:child_process... would load on every start. Hence node built-ins are not external:
// each is bundled as a tiny CommonJS shim around process.getBuiltinModule(), initialised only
// with the module that imports it, and for the expensive ones (DEFERRED_BUILTINS) only when one
// of its exports is first used. The same shims serve require() inside CommonJS packages, so
// the CLI file needs no createRequire(import.meta.url) banner.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const SDK_FILE = 'chunks/sts-sdk.mjs';

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

// A require() for whatever CommonJS in a bundle asks for beyond the built-ins.
const requireBanner = {
  js: "import { createRequire as __awsroleCreateRequire } from 'node:module'; const require = __awsroleCreateRequire(import.meta.url);",
};

// ---------------------------------------------------------------------------------------
// Node built-ins as shims

const builtins = new Set(builtinModules);
const requireBuiltin = createRequire(import.meta.url);

/**
 * Built-ins that cost a millisecond or more to load and that start-up code imports for a path
 * it rarely takes (commander's executable subcommands and deps.ts's spawn → child_process;
 * cache keys → crypto; IP checks of custom endpoints → net; the SDK's HTTP/2 handler and
 * compression → http2, zlib): loaded on first use of one of their exports.
 */
const DEFERRED_BUILTINS = new Set(['child_process', 'crypto', 'net', 'tty', 'http', 'https', 'http2', 'zlib'].map((id) => `node:${id}`));

function builtinShim(id) {
  if (!DEFERRED_BUILTINS.has(id)) return `module.exports = process.getBuiltinModule(${JSON.stringify(id)});`;
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

/** In the CLI, the SDK is the separate file the SDK build writes. */
const sdkExternalPlugin = {
  name: 'awsrole-sdk-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\/client-sts$/ }, () => ({ path: `./${SDK_FILE}`, external: true }));
  },
};

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
const outputs = {};

function packageOf(input) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1];
  if (input.startsWith('builtin:')) return 'node';
  if (input.startsWith('awsrole-stub:')) return 'stub';
  return 'awsrole';
}

const SDK_PACKAGE = /^@(aws-sdk|smithy|aws-crypto)\//;

function record(metafile, { sdkBuild }) {
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const packages = [...new Set(Object.keys(output.inputs).map(packageOf))].sort();
    outputs[relative(join(root, 'dist'), join(root, file))] = {
      bytes: output.bytes,
      sdk: sdkBuild || packages.some((pkg) => SDK_PACKAGE.test(pkg)),
      packages,
    };
  }
}

/** Removes .mjs files this build did not write once they are a minute old (a concurrent build may own newer ones). */
function removeStale(folder, keep) {
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (keep.has(path) || !name.endsWith('.mjs')) continue;
    const { mtimeMs } = statSync(path);
    if (mtimeMs < startedAt - 60_000) rmSync(path, { force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Builds

// 1. The SDK, from its ES modules (module before main) so unused parts can be dropped, split
//    only along its own dynamic imports (event streams, bowser).
const sdk = await build({
  ...common,
  banner: requireBanner,
  mainFields: ['module', 'main'],
  entryPoints: { 'sts-sdk': '@aws-sdk/client-sts' },
  outdir: join(root, 'dist/chunks'),
  splitting: true,
  chunkNames: 'sdk-[name]-[hash]',
  plugins: [noDefaultCredentialsPlugin, builtinPlugin],
});
record(sdk.metafile, { sdkBuild: true });

// 2. The CLI: one CommonJS file (bin/awsrole is CommonJS too: Node 20 starts a CommonJS entry
//    ~3 ms sooner than an ES module, and require() of one file is cheaper than an import).
//    The SDK stays an ES module, reached by import(). The programmatic API is an ES module.
const cli = await build({
  ...common,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  entryPoints: { awsrole: 'src/bin.ts' },
  outdir: join(root, 'dist'),
  plugins: [sdkExternalPlugin, builtinPlugin],
});
record(cli.metafile, { sdkBuild: false });
const api = await build({
  ...common,
  entryPoints: { index: 'src/api.ts' },
  outdir: join(root, 'dist'),
  plugins: [sdkExternalPlugin, builtinPlugin],
});
record(api.metafile, { sdkBuild: false });
if (outputs['awsrole.cjs']?.sdk !== false || outputs['index.mjs']?.sdk !== false) {
  throw new Error(`build: SDK code ended up in dist/awsrole.cjs or dist/index.mjs`);
}
removeStale(join(root, 'dist/chunks'), new Set(Object.keys(outputs).map((name) => join(root, 'dist', name))));

// 3. Tools: the local STS (bench, demo) and the demo.
const tools = Object.fromEntries(
  Object.entries({ demo: 'scripts/demo.ts', 'sts-server': 'test/rigs/sts-main.ts' }).filter(([, path]) => existsSync(join(root, path))),
);
const toolBuild = await build({
  ...common,
  minifyWhitespace: false,
  minifySyntax: false,
  banner: requireBanner,
  entryPoints: tools,
  outdir: join(root, 'dist/tools'),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
removeStale(join(root, 'dist/tools/chunks'), new Set(Object.keys(toolBuild.metafile.outputs).map((file) => join(root, file))));

writeFileSync(
  join(root, 'dist/meta.json'),
  `${JSON.stringify({ version, note: 'scripts/build.mjs: the CLI output files, their packages, and whether they hold AWS SDK code', outputs }, null, 2)}\n`,
);
