/**
 * Real STS endpoints are https: the same flows through awsrole's own HTTP handler
 * (src/sts/request-handler.ts) against the local STS served over TLS with a test certificate
 * (test/fixtures/tls), trusted through NODE_EXTRA_CA_CERTS as a user behind a private CA would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, ROOT, runCli, type FakeHome } from '../support/cli.js';

const TLS = join(ROOT, 'test', 'fixtures', 'tls');
const CERT = join(TLS, 'localhost-cert.pem');
const { alice, roles } = FIXTURE;

let rig: StsRig;
let home: FakeHome;

beforeAll(async () => {
  rig = await startStsServer({ tls: { key: readFileSync(join(TLS, 'localhost-key.pem'), 'utf8'), cert: readFileSync(CERT, 'utf8') } });
  home = await makeHome(
    {
      '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
      '.aws/config': `[profile alice]\nregion = eu-west-1\n\n[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\n`,
    },
    { AWS_ENDPOINT_URL_STS: rig.url },
  );
});
afterAll(async () => {
  await rig.close();
  await home.cleanup();
});

describe('STS over https', () => {
  it('the rig really is https', () => {
    expect(rig.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('whoami and assume work with the endpoint certificate trusted', async () => {
    const env = { ...home.env, NODE_EXTRA_CA_CERTS: CERT };
    const whoami = await runCli(['whoami', '--profile', 'alice', '--json'], env);
    expect(whoami.stderr).toBe('');
    expect(JSON.parse(whoami.stdout)).toMatchObject({ Arn: alice.arn, Account: FIXTURE.account });
    const assumed = await runCli(['assume', '--profile', 'deploy', '--refresh', '--format', 'json'], env);
    expect(assumed.stderr).toBe('');
    expect(JSON.parse(assumed.stdout)).toMatchObject({ AccessKeyId: expect.stringMatching(/^ASIA/), SessionToken: expect.stringContaining('TOKENCANARY') });
    expect(rig.count('GetCallerIdentity')).toBeGreaterThanOrEqual(1);
    expect(rig.count('AssumeRole')).toBe(1);
  });

  it('an untrusted certificate: exit 6, a message that says so and how to trust a private CA, no retries', async () => {
    rig.reset();
    const result = await runCli(['whoami', '--profile', 'alice'], home.env);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/^awsrole: GetCallerIdentity at https:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL_STS\) failed: the endpoint's TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate\)\n/);
    expect(result.stderr).toContain('NODE_EXTRA_CA_CERTS');
    expect(rig.count()).toBe(0);
  });
});
