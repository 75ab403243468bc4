/** The programmatic API, and botocore's explicit-parameter link (spec §3), which only it and --credentials-json reach. */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsroleError, resolveCredentials } from '../../src/api.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, ROOT, runCommand, type FakeHome } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { tempDir } from '../support/cleanup.js';

const FILE_KEY = 'AKIDAPIFILE000000001';
let home: FakeHome;

beforeEach(async () => {
  home = await makeHome({ '.aws/credentials': `[default]\naws_access_key_id = ${FILE_KEY}\naws_secret_access_key = fileSECRETCANARY\n` });
});
afterEach(async () => {
  await home.cleanup();
});

describe('explicit parameters (spec §3)', () => {
  it('key and secret: found, ahead of env and files', async () => {
    const env = { ...home.env, AWS_ACCESS_KEY_ID: 'AKIDAPIENV0000000001', AWS_SECRET_ACCESS_KEY: 'envSECRETCANARY' };
    const result = await resolveCredentials({ env, credentials: { accessKeyId: 'AKIDAPIEXPLICIT00001', secretAccessKey: 'expSECRETCANARY', sessionToken: 'tok' } });
    expect(result.source).toBe('explicit');
    expect(result.credentials).toEqual({ accessKeyId: 'AKIDAPIEXPLICIT00001', secretAccessKey: 'expSECRETCANARY', sessionToken: 'tok' });
    expect(result.trace[0]).toEqual({ link: 'explicit', outcome: 'found', detail: 'credentials passed explicitly', shadows: expect.arrayContaining(['AWS_ACCESS_KEY_ID in the environment']) });
  });

  it.each([
    ['only the key id', { accessKeyId: 'AKIDAPIEXPLICIT00001' }, 'SecretAccessKey is missing'],
    ['only the secret', { secretAccessKey: 'expSECRETCANARY' }, 'AccessKeyId is missing'],
  ])('%s: fatal (partial credentials), exit code 3, no secret in the message', async (_name, credentials, missing) => {
    const error = await resolveCredentials({ env: home.env, credentials }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsroleError);
    expect((error as AwsroleError).exitCode).toBe(3);
    expect((error as AwsroleError).message).toContain(missing);
    expect((error as AwsroleError).message).not.toContain('SECRETCANARY');
  });

  it('a token without the pair is ignored: the next links run', async () => {
    const result = await resolveCredentials({ env: home.env, credentials: { sessionToken: 'tok' } });
    expect(result.source).toBe('shared-credentials-file');
    expect(result.credentials.accessKeyId).toBe(FILE_KEY);
  });

  it('the CLI takes them as JSON on stdin with --credentials-json -', async () => {
    const input = JSON.stringify({ AccessKeyId: 'AKIDAPIEXPLICIT00001', SecretAccessKey: 'expSECRETCANARY' });
    const result = await runInProcess(['export', '--format', 'process', '--credentials-json', '-'], home.env, { input });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ Version: 1, AccessKeyId: 'AKIDAPIEXPLICIT00001', SecretAccessKey: 'expSECRETCANARY' });
  });
});

describe('resolveCredentials', () => {
  it('reads the given env (and its HOME), never process.env', async () => {
    const result = await resolveCredentials({ env: home.env });
    expect(result).toMatchObject({ source: 'shared-credentials-file', profile: { name: 'default', from: 'default' } });
  });

  it('an unknown profile is a configuration error (exit code 5)', async () => {
    const error = await resolveCredentials({ env: home.env, profile: 'ghost' }).catch((caught: unknown) => caught);
    expect((error as AwsroleError).exitCode).toBe(5);
    expect((error as AwsroleError).message).toContain('profile "ghost" (from the profile option)');
  });
});

describe('the built API (dist/index.mjs), as an application uses it', () => {
  let rig: StsRig;
  let work: string;
  beforeAll(async () => {
    rig = await startStsServer();
    work = tempDir('awsrole-api-app-');
    const app = `import { resolveCredentials } from ${JSON.stringify(join(ROOT, 'dist', 'index.mjs'))};\nconst result = await resolveCredentials({ env: process.env, profile: 'deploy' });\nconsole.log(JSON.stringify({ source: result.source, key: result.credentials.accessKeyId.slice(0, 4) }));\n`;
    await writeFile(join(work, 'app.mjs'), app);
  });
  afterAll(async () => {
    await rig.close();
    await rm(work, { recursive: true, force: true });
  });

  async function runApp(file: string): Promise<unknown> {
    const { alice, roles } = FIXTURE;
    await home.write('.aws/credentials', `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
    await home.write('.aws/config', `[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\nregion = eu-west-1\n`);
    const result = await runCommand(process.execPath, [file], { ...home.env, AWS_ENDPOINT_URL_STS: rig.url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  }

  it('imported as it is: assumes the role through the SDK file', async () => {
    expect(await runApp(join(work, 'app.mjs'))).toEqual({ source: 'assume-role', key: 'ASIA' });
    expect(rig.count('AssumeRole')).toBe(1);
  });

  it('bundled into the application with esbuild (as for AWS Lambda): the SDK file comes along', async () => {
    const { build } = await import('esbuild');
    await build({ entryPoints: [join(work, 'app.mjs')], bundle: true, platform: 'node', format: 'esm', outdir: join(work, 'out'), logLevel: 'error' });
    expect(await runApp(join(work, 'out', 'app.js'))).toEqual({ source: 'assume-role', key: 'ASIA' });
  });
});
