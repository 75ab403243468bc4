/** Issue 10 item 9: AccessDenied on AssumeRole when GetCallerIdentity is refused too (the caller stays unknown). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { errorXml, startHostileSts, type HostileSts } from './hostile-sts.js';

const ROLE = 'arn:aws:iam::111122223333:role/r';
let sts: HostileSts;
beforeAll(async () => {
  sts = await startHostileSts(() => ({ status: 403, body: errorXml('AccessDenied', 'denied') }));
});
afterAll(async () => {
  await sts.close();
});

it('an unknown caller is said once, not as "the caller (the caller (unknown ...))"', async () => {
  const home = await makeHome({ '.aws/config': `[profile r]\nrole_arn = ${ROLE}\nsource_profile = s\n`, '.aws/credentials': '[s]\naws_access_key_id = AKIAHOSTILETEST00002\naws_secret_access_key = s\n' });
  try {
    const result = await runInProcess(['assume', '--profile', 'r'], { ...home.env, AWS_ENDPOINT_URL_STS: sts.url, AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(`awsrole: assume-role: STS denied AssumeRole on ${ROLE} for the caller (unknown: GetCallerIdentity failed too).`);
    expect(lines).toContain("    2. the role's trust policy names the caller or its account as a principal");
    expect(sts.actions).toEqual(['AssumeRole', 'GetCallerIdentity']);
  } finally {
    await home.cleanup();
  }
});
