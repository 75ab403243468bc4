/**
 * The start-up rules (docs/startup.md), on the source import graph: what a cheap path
 * (`--version`, `unset`, `export` from files, `assume` on a cache hit) initialises when it starts
 * is everything its entry and its command module import statically; whatever else it may need
 * (the AWS SDK, chalk, HTTP, a terminal prompt) must sit behind an `import()`. esbuild reads the
 * graph as the build does (same resolution, `import type` dropped). test/e2e/lazy-load.test.ts
 * checks the same paths at run time for SDK files; this test catches a static import before
 * anything runs, and for more than the SDK.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFERRED_BUILTINS } from '../../scripts/deferred-builtins.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Each cheap path: the modules it runs (the entry, then the command module main.ts loads). */
const CHEAP_PATHS: Record<string, readonly string[]> = {
  '--version': ['src/bin.ts'],
  // Run at every Tab by the completion scripts: src/bin.ts requires dist/complete.cjs for it.
  __complete_profiles: ['src/shell/complete-entry.ts'],
  unset: ['src/start.ts', 'src/cli/commands/unset.ts'],
  'export from files': ['src/start.ts', 'src/cli/commands/export.ts'],
  'assume on a cache hit': ['src/start.ts', 'src/cli/commands/assume.ts'],
};

/** What a cheap path must not import statically: the SDK, chalk, and the network and process built-ins. */
const FORBIDDEN: readonly RegExp[] = [/^@aws-sdk\//, /^@smithy\//, /^chalk$/, /^node:(http|https|http2|net|tls|child_process)$/];

/**
 * The exceptions: forbidden built-ins that the build defers (scripts/deferred-builtins.mjs: the
 * built-in loads at the first call of one of its functions, not at import), imported by the
 * files that own them, whose calls are not on a cheap path.
 */
const DEFERRED_IMPORTS: Record<string, { importers: readonly string[]; why: string }> = {
  'node:child_process': {
    importers: ['src/deps.ts', 'node_modules/commander/lib/command.js'],
    why: "spawn() for exec and credential_process; commander's executable subcommands, which awsrole has none of",
  },
  'node:http': { importers: ['src/http.ts'], why: 'the first request to IMDS, a container endpoint or STS' },
  'node:https': { importers: ['src/http.ts'], why: 'the first request to an https endpoint' },
  'node:net': { importers: ['src/chain/container.ts', 'src/chain/imds-settings.ts'], why: 'IP checks of a configured endpoint' },
};

const STATIC_KINDS = new Set(['import-statement', 'require-call']);
const BUILTINS = new Set(builtinModules);

interface Edge {
  importer: string;
  module: string;
}

/** `fs` and `node:fs` are one module; a package or a file keeps its path. */
function moduleName(path: string): string {
  return BUILTINS.has(path) ? `node:${path}` : path;
}

let graph: Metafile['inputs'];

beforeAll(async () => {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/bin.ts', 'src/start.ts', 'src/shell/complete-entry.ts'],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    outdir: 'out',
    logLevel: 'silent',
    // Forbidden anyway: no need to read the SDK's thousand files.
    external: ['@aws-sdk/*', '@smithy/*', 'chalk'],
  });
  graph = result.metafile.inputs;
});

/** Every file the entries reach by static imports, with the file that first imported it. */
function staticClosure(entries: readonly string[], followDynamic = false): Map<string, string | undefined> {
  const reached = new Map<string, string | undefined>(entries.map((entry) => [entry, undefined]));
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const { path, kind, external } of graph[file]?.imports ?? []) {
      if (external || reached.has(path) || !(followDynamic || STATIC_KINDS.has(kind))) continue;
      reached.set(path, file);
      queue.push(path);
    }
  }
  return reached;
}

/** The external modules (packages left out, built-ins) the reached files import, and by whom. */
function externalImports(reached: ReadonlyMap<string, unknown>, followDynamic = false): Edge[] {
  return [...reached.keys()].flatMap((importer) =>
    (graph[importer]?.imports ?? [])
      .filter(({ external, kind }) => external === true && (followDynamic || STATIC_KINDS.has(kind)))
      .map(({ path }) => ({ importer, module: moduleName(path) })),
  );
}

/** `src/start.ts → src/main.ts → …`: how an entry reached a file. */
function chainTo(file: string, reached: ReadonlyMap<string, string | undefined>): string {
  const chain = [file];
  for (let parent = reached.get(file); parent !== undefined; parent = reached.get(parent)) chain.unshift(parent);
  return chain.join(' → ');
}

const isForbidden = (module: string): boolean => FORBIDDEN.some((pattern) => pattern.test(module));
const isExcepted = ({ importer, module }: Edge): boolean => DEFERRED_IMPORTS[module]?.importers.includes(importer) ?? false;

describe('the cheap paths import nothing slow statically', () => {
  it.each(Object.entries(CHEAP_PATHS))('%s', (_name, entries) => {
    for (const entry of entries) expect(graph[entry], `${entry} is not in the source graph: update CHEAP_PATHS`).toBeDefined();
    const reached = staticClosure(entries);
    const violations = externalImports(reached)
      .filter((edge) => isForbidden(edge.module) && !isExcepted(edge))
      .map((edge) => `${edge.module} imported by ${chainTo(edge.importer, reached)}: load it with import() where it is used`);
    expect(violations).toEqual([]);
  });

  it('the command modules of CHEAP_PATHS are the ones main.ts loads', () => {
    const loadedByCli = new Set((graph['src/main.ts']?.imports ?? []).filter(({ kind }) => kind === 'dynamic-import').map(({ path }) => path));
    const commandModules = Object.values(CHEAP_PATHS).flatMap((entries) => entries.slice(1));
    for (const module of commandModules) expect(loadedByCli.has(module), `${module}: update CHEAP_PATHS`).toBe(true);
  });
});

describe('the exceptions', () => {
  it('are built-ins the build loads on first use', () => {
    for (const module of Object.keys(DEFERRED_IMPORTS)) expect(DEFERRED_BUILTINS.has(module), module).toBe(true);
  });

  it('are still needed: each importer imports its built-in', () => {
    const edges = externalImports(staticClosure(['src/bin.ts', 'src/start.ts'], true), true);
    for (const [module, { importers }] of Object.entries(DEFERRED_IMPORTS)) {
      for (const importer of importers) {
        expect(edges.some((edge) => edge.importer === importer && edge.module === module), `${importer} no longer imports ${module}: drop the exception`).toBe(true);
      }
    }
  });
});

describe('the check can fail', () => {
  it('sees the SDK, chalk and node:http behind the import() calls of the CLI', () => {
    const reached = staticClosure(['src/start.ts'], true);
    const modules = new Set(externalImports(reached, true).map(({ module }) => module));
    for (const module of ['@aws-sdk/client-sts', 'chalk', 'node:http']) expect(modules.has(module), module).toBe(true);
  });
});
