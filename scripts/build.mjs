// Bundles the CLI (and the test rigs the demo and bench use) with esbuild.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // ESM output still meets CommonJS inside the SDK: give it require().
  banner: { js: "import { createRequire as __awsroleCreateRequire } from 'node:module'; const require = __awsroleCreateRequire(import.meta.url);" },
  define: {
    __AWSROLE_VERSION__: JSON.stringify(version),
    // The SDK's Node-version notice is for SDK users, not for awsrole's users.
    'process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED': '"true"',
  },
};

await build({
  ...common,
  entryPoints: { awsrole: 'src/bin.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

const tools = Object.fromEntries(
  Object.entries({ demo: 'scripts/demo.ts', 'sts-server': 'test/rigs/sts-main.ts' }).filter(([, path]) => existsSync(path)),
);
await build({
  ...common,
  entryPoints: tools,
  outdir: 'dist/tools',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
