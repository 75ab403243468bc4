/**
 * Issue 5: the bundles run with the V8 code caches the build trained (src/code-cache.ts,
 * scripts/train-code-cache.mjs). The caches must fit the Node that built them, and a cache that
 * does not fit (another build, another Node, a damaged header) must change nothing but speed.
 * Whether a cache was used is read from `--debug` of a CLI started with the training's clean
 * environment: V8 also rejects a cache under other heap flags, which the test runner may have.
 */
import { cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBundle } from '../../src/code-cache.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, ROOT, runCommand, type CliResult, type FakeHome } from '../support/cli.js';
import { tempDir } from '../support/cleanup.js';

const CACHED_BUNDLES = ['cli.cjs', 'chunks/sts-sdk.cjs'];
const { alice } = FIXTURE;

let rig: StsRig;
let home: FakeHome;
let copy: string;

/** bin/ and dist/ copied, so a test may damage or delete caches without touching the build. */
async function copyOfTheCli(): Promise<string> {
  const dir = tempDir('awsrole-code-cache-');
  await cp(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  return dir;
}

function run(root: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCommand(process.execPath, [join(root, 'bin', 'awsrole'), ...args], { ...home.env, ...env });
}

/** `code cache of FILE: STATUS` lines of a --debug run, by file under dist/. */
function cacheStatuses(result: CliResult, root: string): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const match of result.stderr.matchAll(/^awsrole: debug: code cache of (.+): (.+)$/gm)) {
    statuses[(match[1] ?? '').replace(`${join(root, 'dist')}/`, '')] = match[2] ?? '';
  }
  return statuses;
}

async function whoamiDebug(root: string, env: Record<string, string> = {}): Promise<CliResult> {
  const result = await run(root, ['whoami', '--profile', 'alice', '--json', '--debug'], env);
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ Arn: alice.arn });
  return result;
}

beforeAll(async () => {
  rig = await startStsServer();
  home = await makeHome(
    { '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\nregion = eu-west-1\n` },
    { AWS_ENDPOINT_URL_STS: rig.url, AWS_DEFAULT_REGION: 'eu-west-1' },
  );
  copy = await copyOfTheCli();
});
afterAll(async () => {
  await rig.close();
  await home.cleanup();
  await rm(copy, { recursive: true, force: true });
});

describe('the build', () => {
  it('wrote code caches for the CLI and the SDK that this Node uses', async () => {
    expect(cacheStatuses(await whoamiDebug(ROOT), ROOT)).toEqual({ 'cli.cjs': 'accepted', 'chunks/sts-sdk.cjs': 'accepted' });
  });

  it('stamped both bundles with a build id, and not the small entry file --version reads alone', async () => {
    for (const bundle of CACHED_BUNDLES) expect(await readFile(join(ROOT, 'dist', bundle), 'utf8')).toMatch(/\n\/\/# awsrole-build [0-9a-f]{32}\n$/);
    expect(compileBundle(join(ROOT, 'dist', 'awsrole.cjs')).cache).toBe('unstamped bundle');
  });
});

describe('a cache that does not fit changes nothing but speed', () => {
  it('a bundle rebuilt without new caches (same length, another build id): the stale caches are not used', async () => {
    const cli = join(copy, 'dist', 'cli.cjs');
    const text = await readFile(cli, 'utf8');
    // What a rebuild with a one-word change would leave: same length, new stamp, old cache.
    const rebuilt = text.replace('["Account",identity.Account]', '["ACCOUNT",identity.Account]').replace(/awsrole-build [0-9a-f]{32}/, `awsrole-build ${'0'.repeat(32)}`);
    expect(rebuilt.length).toBe(text.length);
    expect(rebuilt).not.toBe(text);
    await writeFile(cli, rebuilt);
    const result = await run(copy, ['whoami', '--profile', 'alice', '--debug']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ACCOUNT {2}111122223333$/m);
    expect(cacheStatuses(result, copy)).toMatchObject({ 'cli.cjs': 'from another build or Node' });
    await writeFile(cli, text);
  });

  it('a cache from another Node version is not used', async () => {
    const cacheFile = join(copy, 'dist', 'cli.cjs.v8cache');
    const real = await readFile(cacheFile);
    const other = Buffer.from(real.toString('latin1').replace(` ${process.version} `, ' v20.0.0 '.padEnd(process.version.length + 2)), 'latin1');
    await writeFile(cacheFile, other);
    expect(cacheStatuses(await whoamiDebug(copy), copy)).toMatchObject({ 'cli.cjs': 'from another build or Node' });
    await writeFile(cacheFile, real);
  });

  it('a header that fits over V8 data that does not: V8 rejects it', async () => {
    const cacheFile = join(copy, 'dist', 'chunks', 'sts-sdk.cjs.v8cache');
    const real = await readFile(cacheFile);
    const headerEnd = real.indexOf(0x0a) + 1;
    // V8's own header (magic number, version and flag hashes, source length) flipped.
    const damaged = Buffer.concat([real.subarray(0, headerEnd), Buffer.from(real.subarray(headerEnd, headerEnd + 64).map((byte) => byte ^ 0xff)), real.subarray(headerEnd + 64)]);
    await writeFile(cacheFile, damaged);
    const expected = await whoamiDebug(ROOT);
    const result = await whoamiDebug(copy);
    expect(cacheStatuses(result, copy)).toMatchObject({ 'chunks/sts-sdk.cjs': 'rejected by V8' });
    expect(result.stdout).toBe(expected.stdout);
    await writeFile(cacheFile, real);
  });

  it('with no caches at all, and AWSROLE_WRITE_CODE_CACHE=1 writes ones the next run uses', async () => {
    for (const bundle of CACHED_BUNDLES) await rm(join(copy, 'dist', `${bundle}.v8cache`), { force: true });
    expect(cacheStatuses(await whoamiDebug(copy, { AWSROLE_WRITE_CODE_CACHE: '1' }), copy)).toEqual({ 'cli.cjs': 'missing', 'chunks/sts-sdk.cjs': 'missing' });
    for (const bundle of CACHED_BUNDLES) expect((await stat(join(copy, 'dist', `${bundle}.v8cache`))).size).toBeGreaterThan(0);
    expect(cacheStatuses(await whoamiDebug(copy), copy)).toEqual({ 'cli.cjs': 'accepted', 'chunks/sts-sdk.cjs': 'accepted' });
  });
});
