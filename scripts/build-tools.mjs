// Builds the developer tools: the demo (scripts/demo.ts) and the local STS (test/rigs/sts-main.ts,
// the tests' STS) that the demo and the bench run. They are not part of the product, so they
// live outside dist/, in node_modules/.cache/awsrole-tools/ (never published, never linted,
// never committed); `npm run demo` and `npm run bench` build them first.
//
//   node scripts/build-tools.mjs
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = join(ROOT, 'node_modules', '.cache', 'awsrole-tools');

/** The tools, by output name (`<name>.mjs` in TOOLS_DIR). */
const TOOLS = { demo: 'scripts/demo.ts', 'sts-server': 'test/rigs/sts-main.ts' };

async function buildTools() {
  rmSync(TOOLS_DIR, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: TOOLS,
    outdir: TOOLS_DIR,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
    // The demo runs the project's bin/awsrole, wherever the tools folder is.
    define: { __AWSROLE_ROOT__: JSON.stringify(ROOT) },
    // A require() for the CommonJS the rig's signing packages ask for.
    banner: { js: "import { createRequire as __toolsCreateRequire } from 'node:module'; const require = __toolsCreateRequire(import.meta.url);" },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildTools();
