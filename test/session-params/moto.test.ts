/**
 * The session parameters against moto, an independent STS. moto 5.2 reads only RoleArn,
 * RoleSessionName, Policy (kept, not checked), DurationSeconds and ExternalId from AssumeRole; it
 * ignores SourceIdentity, Tags and TransitiveTagKeys. So this shows only that the request with
 * them is one another implementation accepts; the form fields themselves, and STS's chain rules,
 * are asserted against the rig (session-params.test.ts, rig-chain.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, type FakeHome } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { MOTO_ACCOUNT, startMoto, type MotoServer } from '../support/moto.js';
import { usePython } from '../support/python.js';

const motoPresent = usePython('moto.server', 'the session-parameter run against moto');
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/tagged`;
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

describe.skipIf(!motoPresent)('against moto (auth not enforced)', () => {
  let moto: MotoServer;
  let home: FakeHome;
  beforeAll(async () => {
    moto = await startMoto();
    home = await makeHome({}, { AWS_ENDPOINT_URL_STS: moto.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAMOTOTAGS00000000', AWS_SECRET_ACCESS_KEY: 'moto-does-not-check-this-secret' });
  });
  afterAll(async () => {
    await home?.cleanup();
    await moto?.close();
  });

  it('assume --role-arn with a source identity, two tags, a transitive key and a policy', async () => {
    const args = ['assume', '--role-arn', ROLE, '--format', 'json', '--source-identity', 'alice-id', '--tag', 'Team=blue', '--tag', 'Cost=42', '--transitive-tag', 'Team', '--policy', POLICY];
    const result = await runInProcess(args, home.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ AccessKeyId: expect.stringMatching(/^ASIA/), SessionToken: expect.any(String) });
  });
});
