/**
 * Issue 5: the bundles run with the V8 code caches the build trained (src/code-cache.ts,
 * scripts/train-code-cache.mjs). The caches must fit the Node that built them, and a cache that
 * does not fit (another Node, a damaged file) must change nothing but speed.
 */
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBundle } from '../../src/code-cache.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, ROOT, runCommand, type FakeHome } from '../support/cli.js';

const CACHED_BUNDLES = ['cli.cjs', 'chunks/sts-sdk.cjs'];
const { alice } = FIXTURE;

let rig: StsRig;
let home: FakeHome;
let copy: string;

/** bin/ and dist/ copied, so this test may damage or delete caches without touching the build. */
async function copyOfTheCli(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'awsrole-code-cache-'));
  await cp(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  return dir;
}

function run(root: string, args: readonly string[], env: Record<string, string> = {}) {
  return runCommand(process.execPath, [join(root, 'bin', 'awsrole'), ...args], { ...home.env, ...env });
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
  it.each(CACHED_BUNDLES)('wrote a code cache for %s that this Node accepts', (bundle) => {
    expect(compileBundle(join(ROOT, 'dist', bundle)).cache).toBe('accepted');
  });

  it('wrote none for the small entry file, which --version reads alone', () => {
    expect(compileBundle(join(ROOT, 'dist', 'awsrole.cjs')).cache).toBe('missing');
  });
});

describe('a cache that does not fit changes nothing but speed', () => {
  const commands = [
    ['unset', '--format', 'sh'],
    ['export', '--profile', 'alice', '--format', 'json'],
    ['whoami', '--profile', 'alice', '--json'],
  ];

  it('V8 rejects a damaged cache (every byte flipped, same size) rather than run it', async () => {
    // Once per file: V8 keeps what it compiled in this process and would not look again.
    for (const bundle of CACHED_BUNDLES) {
      const real = await readFile(join(ROOT, 'dist', `${bundle}.v8cache`));
      await writeFile(join(copy, 'dist', `${bundle}.v8cache`), Buffer.from(real.map((byte) => byte ^ 0xff)));
      expect(compileBundle(join(copy, 'dist', bundle)).cache).toBe('rejected');
    }
  });

  it.each(commands)('%s: same output with the damaged caches as with the real ones', async (...args) => {
    const expected = await run(ROOT, args);
    expect(expected.code).toBe(0);
    expect(await run(copy, args)).toEqual(expected);
  });

  it('with no caches at all, and AWSROLE_WRITE_CODE_CACHE=1 writes ones V8 accepts', async () => {
    for (const bundle of CACHED_BUNDLES) await rm(join(copy, 'dist', `${bundle}.v8cache`), { force: true });
    const result = await run(copy, ['whoami', '--profile', 'alice', '--json'], { AWSROLE_WRITE_CODE_CACHE: '1' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Arn: alice.arn });
    for (const bundle of CACHED_BUNDLES) {
      expect((await stat(join(copy, 'dist', `${bundle}.v8cache`))).size).toBeGreaterThan(0);
      expect(compileBundle(join(copy, 'dist', bundle)).cache).toBe('accepted');
    }
  });
});
