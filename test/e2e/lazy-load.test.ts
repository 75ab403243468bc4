/**
 * Issue 5: the cheap commands load no AWS SDK code. No timing here: the built CLI runs with an
 * ESM resolve hook (`node --import`) and a recorder (`node --require`) of require() resolutions
 * and of files read with readFileSync (src/code-cache.ts reads the bundles it compiles), which
 * write every module URL to a file, and
 * dist/meta.json (written by scripts/build.mjs from esbuild's metafile) says which output
 * files hold SDK code. `whoami` against the local STS must load them, so the check can fail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliCacheKey } from '../../src/cache/cli-cache.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { AWSROLE_BIN, makeHome, ROOT, runCommand, type CliResult, type FakeHome } from '../support/cli.js';
import { tempDir } from '../support/cleanup.js';

const { alice, roles } = FIXTURE;
const DIST = join(ROOT, 'dist');
const META = join(DIST, 'meta.json');

interface Meta {
  outputs: Record<string, { sdk: boolean; packages: string[] }>;
}

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(process.env.AWSROLE_LOAD_TRACE, result.url + '\\n');
  return result;
}
`;
// bin/awsrole and dist/awsrole.cjs are required; the bundles they run are read and compiled
// by src/code-cache.ts: both the resolver and readFileSync are recorded.
const RECORD_REQUIRE = `
const Module = require('node:module');
const fs = require('node:fs');
const { pathToFileURL } = require('node:url');
const record = (file) => {
  if (typeof file === 'string' && file.startsWith('/')) fs.appendFileSync(process.env.AWSROLE_LOAD_TRACE, pathToFileURL(file).href + '\\n');
};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  record(file);
  return file;
};
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  record(file);
  return readFileSync.call(this, file, ...rest);
};
`;
const REGISTER = `
import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
`;

const CACHED_KEY_ID = 'ASIACACHEDLAZYLOAD01';

let meta: Meta;
let sdkUrls: Set<string>;
let hookDir: string;
let rig: StsRig;
let home: FakeHome;

beforeAll(async () => {
  if (!existsSync(META)) throw new Error('dist/meta.json is missing: run `npm run build` first');
  meta = JSON.parse(readFileSync(META, 'utf8')) as Meta;
  sdkUrls = new Set(
    Object.entries(meta.outputs)
      .filter(([, output]) => output.sdk)
      .map(([file]) => pathToFileURL(join(DIST, file)).href),
  );
  hookDir = tempDir('awsrole-hooks-');
  await writeFile(join(hookDir, 'hooks.mjs'), HOOKS);
  await writeFile(join(hookDir, 'register.mjs'), REGISTER);
  await writeFile(join(hookDir, 'record-require.cjs'), RECORD_REQUIRE);
  rig = await startStsServer();
});
afterAll(async () => {
  await rig.close();
  await rm(hookDir, { recursive: true, force: true });
});

beforeEach(async () => {
  rig.reset();
  const expires = new Date(Date.now() + 60 * 60 * 1000).toISOString().replace(/\.\d{3}Z$/, 'UTC');
  // `[profile deploy]` with source_profile and no role_session_name: the AWS CLI's key, {RoleArn} alone.
  const key = cliCacheKey({ RoleArn: roles.deploy });
  home = await makeHome(
    {
      '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
      '.aws/config': `[profile alice]\nregion = eu-west-1\n\n[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\n`,
      [`.aws/cli/cache/${key}.json`]: JSON.stringify({
        Credentials: { AccessKeyId: CACHED_KEY_ID, SecretAccessKey: 'cachedSECRETCANARY', SessionToken: 'cachedTOKENCANARY', Expiration: expires },
      }),
    },
    { AWS_ENDPOINT_URL_STS: rig.url },
  );
});
afterEach(async () => {
  await home.cleanup();
});

interface Traced extends CliResult {
  /** Every module URL the run resolved, in order. */
  urls: string[];
}

async function traced(args: readonly string[]): Promise<Traced> {
  const trace = home.path('load-trace.txt');
  await writeFile(trace, '');
  const register = pathToFileURL(join(hookDir, 'register.mjs')).href;
  const args2 = ['--require', join(hookDir, 'record-require.cjs'), '--import', register, AWSROLE_BIN, ...args];
  const result = await runCommand(process.execPath, args2, { ...home.env, AWSROLE_LOAD_TRACE: trace });
  const urls = (await readFile(trace, 'utf8')).split('\n').filter((line) => line !== '');
  return { ...result, urls };
}

function sdkLoaded(urls: readonly string[]): string[] {
  return urls.filter((url) => sdkUrls.has(url) || /@aws-sdk|@smithy|client-sts/.test(url));
}

describe('the build', () => {
  it('keeps SDK code out of the CLI file and records where it is', () => {
    for (const file of ['awsrole.cjs', 'cli.cjs', 'index.mjs']) {
      expect(meta.outputs[file]?.sdk, file).toBe(false);
      expect(meta.outputs[file]?.packages.some((pkg) => /^@(aws-sdk|smithy)\//.test(pkg)), file).toBe(false);
    }
    const sdkFiles = Object.entries(meta.outputs).filter(([, output]) => output.packages.includes('@aws-sdk/client-sts'));
    expect(sdkFiles.length).toBeGreaterThan(0);
    for (const [file, output] of sdkFiles) {
      expect(output.sdk, file).toBe(true);
      expect(existsSync(join(DIST, file)), file).toBe(true);
    }
  });
});

describe('commands that make no network call load no SDK module', () => {
  it('--version', async () => {
    const run = await traced(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.urls).toContain(pathToFileURL(join(DIST, 'awsrole.cjs')).href);
    expect(run.urls).not.toContain(pathToFileURL(join(DIST, 'cli.cjs')).href);
    expect(sdkLoaded(run.urls)).toEqual([]);
  });

  it('unset', async () => {
    const run = await traced(['unset', '--format', 'sh']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('unset AWS_ACCESS_KEY_ID');
    expect(run.urls).toContain(pathToFileURL(join(DIST, 'cli.cjs')).href);
    expect(sdkLoaded(run.urls)).toEqual([]);
  });

  it('export from the credentials file', async () => {
    const run = await traced(['export', '--profile', 'alice', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ AccessKeyId: alice.accessKeyId });
    expect(sdkLoaded(run.urls)).toEqual([]);
    expect(rig.count()).toBe(0);
  });

  it('assume on a cache hit', async () => {
    const run = await traced(['assume', '--profile', 'deploy', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ AccessKeyId: CACHED_KEY_ID });
    expect(sdkLoaded(run.urls)).toEqual([]);
    expect(rig.count()).toBe(0);
  });
});

describe('commands that call STS do load it (the check above can fail)', () => {
  it('whoami', async () => {
    const run = await traced(['whoami', '--profile', 'alice', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(rig.count('GetCallerIdentity')).toBe(1);
    expect(sdkLoaded(run.urls)).toContain(pathToFileURL(join(DIST, 'chunks', 'sts-sdk.cjs')).href);
  });

  it('assume on a cache miss (--refresh)', async () => {
    const run = await traced(['assume', '--profile', 'deploy', '--refresh', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(rig.count('AssumeRole')).toBe(1);
    expect(sdkLoaded(run.urls).length).toBeGreaterThan(0);
  });
});
