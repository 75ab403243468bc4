/**
 * Issue 15, item 1: the package as a user gets it. A copy of the source tree without dist/
 * (what a fresh clone has) is packed with `npm pack`, which must build first (prepack); the
 * tarball is installed globally into a scratch prefix with the registry unreachable and an empty
 * npm cache, so a runtime dependency would fail the install; then the installed CLI runs (on
 * this Node and on Node 22) and a strict TypeScript consumer compiles against its declarations.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, ROOT, spawnCollect, type CliResult, type FakeHome } from '../support/cli.js';
import { tempDir } from '../support/cleanup.js';
import { node22 } from './node22.js';

const { alice } = FIXTURE;
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Builds, packs and installs: minutes on a loaded machine. A safety net, not a budget. */
const SLOW_MS = 600_000;

let work: string;
let tarball: string;
let prefix: string;
let installed: string;
let rig: StsRig;
let home: FakeHome;

/** npm with no registry it could reach, no cache to fall back on, and nothing of the developer's config. */
function npmEnv(): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: join(work, 'npm-home'),
    npm_config_registry: 'http://127.0.0.1:1/',
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_userconfig: join(work, 'npm-home', '.npmrc'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

async function npm(args: readonly string[], cwd: string): Promise<CliResult> {
  const result = await spawnCollect('npm', args, npmEnv(), { cwd, limitMs: SLOW_MS });
  expect(result.code, `npm ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** The files git would put in a fresh clone (tracked and new, not ignored), as they are now; node_modules linked. */
function freshClone(into: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files) {
    if (file === '' || !existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(into, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(into, file));
  }
  chmodSync(join(into, 'bin', 'awsrole'), 0o755);
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'));
}

function tarballFiles(): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
    .sort();
}

function runInstalled(node: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return spawnCollect(node, [join(prefix, 'bin', 'awsrole'), ...args], { ...home.env, ...env });
}

beforeAll(async () => {
  work = tempDir('awsrole-package-');
  mkdirSync(join(work, 'npm-home'), { recursive: true });
  const clone = join(work, 'clone');
  freshClone(clone);
  expect(existsSync(join(clone, 'dist'))).toBe(false);
  const packed = await npm(['pack', '--json', '--pack-destination', work], clone);
  const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[\n'))) as [{ filename: string }];
  tarball = join(work, filename);
  prefix = join(work, 'prefix');
  await npm(['install', '--global', '--offline', '--prefix', prefix, tarball], work);
  installed = join(prefix, 'lib', 'node_modules', 'awsrole');
  rig = await startStsServer();
  home = await makeHome(
    { '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\nregion = eu-west-1\n` },
    { AWS_ENDPOINT_URL_STS: rig.url, AWS_DEFAULT_REGION: 'eu-west-1' },
  );
}, SLOW_MS);

afterAll(async () => {
  await rig?.close();
  await home?.cleanup();
});

describe('npm pack on a fresh clone', () => {
  it('built first and packed the product only: no test, demo, test STS or build script', () => {
    const files = tarballFiles();
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/awsrole', 'bin/package.json', 'dist/awsrole.cjs', 'dist/cli.cjs', 'dist/cli.cjs.v8cache', 'dist/complete.cjs', 'dist/chunks/sts-sdk.cjs', 'dist/index.mjs', 'dist/types/api.d.ts']));
    const outsideProduct = files.filter((file) => !/^(LICENSE|README\.md|package\.json|bin\/(awsrole|package\.json)|dist\/.+)$/.test(file));
    expect(outsideProduct).toEqual([]);
    expect(files.filter((file) => /test|demo|sts-server|training|local-sts|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('is Apache-2.0 licensed, with the full license text', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['license']).toBe('Apache-2.0');
    expect(manifest['repository']).toBeDefined();
    expect(manifest['keywords']).toEqual(expect.arrayContaining(['aws', 'credentials']));
    const license = readFileSync(join(installed, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });
});

describe('npm install -g of the tarball, registry unreachable', () => {
  it('installed the package alone: no runtime dependencies to download', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['dependencies']).toBeUndefined();
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    expect(readdirSync(join(prefix, 'lib', 'node_modules'))).toEqual(['awsrole']);
  });

  it('installed files every user can read (a global install serves every account on the machine)', () => {
    const unreadable = readdirSync(installed, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && (statSync(join(entry.parentPath, entry.name)).mode & 0o444) !== 0o444)
      .map((entry) => join(entry.parentPath, entry.name));
    expect(unreadable).toEqual([]);
  });

  it('the installed CLI answers --version, export from the files, and whoami through the bundled SDK', async () => {
    const version = await runInstalled(process.execPath, ['--version']);
    expect(version.stdout).toBe(`${VERSION}\n`);
    const exported = await runInstalled(process.execPath, ['export', '--profile', 'alice', '--format', 'sh']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`export AWS_ACCESS_KEY_ID='${alice.accessKeyId}'\n`);
    const whoami = await runInstalled(process.execPath, ['whoami', '--profile', 'alice', '--json']);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ Arn: alice.arn });
    const names = await runInstalled(process.execPath, ['__complete-profiles']);
    expect(names).toMatchObject({ code: 0, stdout: 'alice\n', stderr: '' });
  });

  it("is what README's Install section says: npm install -g, then the shell code", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const install = readme.slice(readme.indexOf('\n## Install\n'), readme.indexOf('\n## ', readme.indexOf('\n## Install\n') + 1));
    expect(install).toMatch(/^npm install -g awsrole\neval "\$\(awsrole init bash\)"/m);
    expect(install).toContain('npm install -g ./awsrole-*.tgz\neval "$(awsrole init bash)"\n');
  });
});

/** `code cache of FILE: STATUS` lines of a --debug run, by bundle name. */
function cacheStatuses(result: CliResult): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const match of result.stderr.matchAll(/^awsrole: debug: code cache of .*\/dist\/(.+): (.+)$/gm)) statuses[match[1] ?? ''] = match[2] ?? '';
  return statuses;
}

describe('on Node 22 (another Node than the build)', () => {
  let node: string;
  let cacheHome: string;
  beforeAll(() => {
    node = node22();
    cacheHome = tempDir('awsrole-xdg-cache-');
  }, SLOW_MS);

  const whoami = async (env: Record<string, string> = {}): Promise<CliResult> => {
    const result = await runInstalled(node, ['whoami', '--profile', 'alice', '--json', '--debug'], { XDG_CACHE_HOME: cacheHome, ...env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Arn: alice.arn });
    return result;
  };
  const folder = (): string => join(cacheHome, 'awsrole', 'code-cache');

  it('runs, writes its own code caches on first use (0700 folder, 0600 files) and uses them after', async () => {
    expect(execFileSync(node, ['--version'], { encoding: 'utf8' })).toMatch(/^v22\./);
    expect(cacheStatuses(await whoami())).toEqual({ 'cli.cjs': 'from another build or Node', 'chunks/sts-sdk.cjs': 'from another build or Node' });
    expect(statSync(folder()).mode & 0o777).toBe(0o700);
    const files = readdirSync(folder()).sort();
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(file).toMatch(/^(cli|sts-sdk)\.cjs\.[0-9a-f]{32}\.v22\.\d+\.\d+\.[\w]+\.v8cache$/);
      expect(statSync(join(folder(), file)).mode & 0o777).toBe(0o600);
    }
    expect(cacheStatuses(await whoami())).toEqual({ 'cli.cjs': 'accepted from the user cache', 'chunks/sts-sdk.cjs': 'accepted from the user cache' });
  });

  it('never reads a cache folder others can write to, nor one another user owns', async () => {
    chmodSync(folder(), 0o777);
    expect(cacheStatuses(await whoami())).toEqual({ 'cli.cjs': 'from another build or Node', 'chunks/sts-sdk.cjs': 'from another build or Node' });
    chmodSync(folder(), 0o700);
    expect(cacheStatuses(await whoami())['cli.cjs']).toBe('accepted from the user cache');
    if (process.getuid?.() === 0) {
      execFileSync('chown', ['65534', folder()]);
      expect(cacheStatuses(await whoami())['cli.cjs']).toBe('from another build or Node');
      execFileSync('chown', ['0', folder()]);
    }
  });

  it('never reads a cache file others can write to', async () => {
    const file = join(folder(), readdirSync(folder()).find((name) => name.startsWith('cli.cjs.')) ?? '');
    chmodSync(file, 0o666);
    expect(cacheStatuses(await whoami())['cli.cjs']).toBe('from another build or Node');
  });
});

describe('the TypeScript declarations', () => {
  it('a strict consumer compiles against the installed package, and runs', async () => {
    const consumer = join(work, 'consumer');
    mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
    symlinkSync(installed, join(consumer, 'node_modules', 'awsrole'));
    symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(consumer, 'node_modules', '@types', 'node'));
    writeFileSync(join(consumer, 'package.json'), '{ "type": "module", "private": true }\n');
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'out',
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(consumer, 'consumer.ts'),
      [
        "import { AwsroleError, ExitCode, resolveCredentials, type Credentials, type LinkName, type ResolveCredentialsOptions } from 'awsrole';",
        '',
        "const options: ResolveCredentialsOptions = { profile: 'alice', env: process.env };",
        'try {',
        '  const { credentials, source }: { credentials: Credentials; source: LinkName } = await resolveCredentials(options);',
        '  const id: string = credentials.accessKeyId;',
        '  process.stdout.write(`${JSON.stringify({ id, source })}\\n`);',
        '} catch (error) {',
        '  if (error instanceof AwsroleError && error.exitCode === ExitCode.config) process.exitCode = 9;',
        '  throw error;',
        '}',
        'if (process.env.NEVER === "1") {',
        '  // @ts-expect-error: not an option (the declarations are types, not any)',
        "  await resolveCredentials({ profil: 'alice' });",
        '}',
        '',
      ].join('\n'),
    );
    const compiled = await spawnCollect(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], home.env, { cwd: consumer, limitMs: SLOW_MS });
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
    const ran = await spawnCollect(process.execPath, [join(consumer, 'out', 'consumer.js')], home.env, { cwd: consumer });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ id: alice.accessKeyId, source: 'shared-credentials-file' });
  });
});
