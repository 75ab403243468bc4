/**
 * dist/ is what npm publishes: the product and nothing test-only. Every file in it is an output
 * of scripts/build.mjs (listed in dist/meta.json), that output's V8 code cache, meta.json
 * itself, or a declaration of the API under dist/types/ (one per file of src/ its types use); every output was built from src/ and packages, never from test/ or scripts/. The demo
 * and the bench's local STS live outside dist/ (scripts/build-tools.mjs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');

interface Meta {
  outputs: Record<string, { packages: string[]; sources?: string[] }>;
}

let meta: Meta;

beforeAll(() => {
  const file = join(DIST, 'meta.json');
  if (!existsSync(file)) throw new Error('dist/meta.json is missing: run `npm run build` first');
  meta = JSON.parse(readFileSync(file, 'utf8')) as Meta;
});

/** Every file under `dir`, as a path relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('dist/', () => {
  it('holds the build outputs, their code caches and meta.json, nothing else', () => {
    const outputs = Object.keys(meta.outputs);
    const expected = new Set(['meta.json', ...outputs, ...outputs.map((output) => `${output}.v8cache`)]);
    expect(filesUnder(DIST).filter((file) => !expected.has(file) && !file.startsWith('types/'))).toEqual([]);
  });

  it('holds declarations of the API under types/, each of a file in src/, and nothing else there', () => {
    const declarations = filesUnder(join(DIST, 'types'));
    expect(declarations).toContain('api.d.ts');
    for (const file of declarations) {
      expect(file).toMatch(/\.d\.ts$/);
      expect(existsSync(join(ROOT, 'src', file.replace(/\.d\.ts$/, '.ts'))), file).toBe(true);
    }
  });

  it('holds the product: the entry, the CLI, the completion helper, the SDK file and the API', () => {
    expect(Object.keys(meta.outputs).sort()).toEqual(['awsrole.cjs', 'chunks/sts-sdk.cjs', 'cli.cjs', 'complete.cjs', 'index.mjs']);
  });

  it('keeps the entry small: `--version` compiles no outside world, config code or completion', () => {
    expect(meta.outputs['awsrole.cjs']?.sources).toEqual(['src/bin.ts', 'src/code-cache.ts', 'src/files/user-cache.ts', 'src/shell/spec.ts', 'src/version.ts']);
  });

  it('answers profile-name completion without the CLI: no commander, no command registry', () => {
    expect(meta.outputs['complete.cjs']?.packages).toEqual(['awsrole', 'node']);
    expect(meta.outputs['complete.cjs']?.sources).not.toContain('src/main.ts');
  });

  it('was built from src/ and packages only', () => {
    for (const [output, { sources }] of Object.entries(meta.outputs)) {
      expect(sources, `${output}: dist/meta.json predates the sources field; run \`npm run build\``).toBeDefined();
      expect((sources ?? []).filter((source) => !source.startsWith('src/')), output).toEqual([]);
    }
    expect(meta.outputs['cli.cjs']?.sources).toContain('src/start.ts');
  });
});
