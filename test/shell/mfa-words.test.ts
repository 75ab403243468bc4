/** `assume --serial/--code` and `mfa --serial-number/--token-code` reach STS as their synonyms do (local STS rig). */
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../rigs/sts-server.js';
import { runInProcess } from '../support/in-process.js';
import { useStsAndHome } from '../support/sts-home.js';

const { alice, roles } = FIXTURE;

const t = useStsAndHome({
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  '.aws/config': `[profile alice]\nregion = eu-west-1\n\n[profile mfa-a]\nrole_arn = ${roles.mfaAdmin}\nsource_profile = alice\nmfa_serial = ${alice.mfaSerial}\n`,
});

function sent(action: string): Record<string, string>[] {
  return t.rig.calls.filter((call) => call.action === action).map((call) => call.params);
}

describe('the MFA words of assume and mfa, at STS', () => {
  it('assume --code gives the role profile its MFA code', async () => {
    const run = await runInProcess(['assume', '--profile', 'mfa-a', '--code', alice.mfaCode, '--format', 'json'], t.home.env);
    expect(run.code, run.stderr).toBe(0);
    expect(sent('AssumeRole')).toMatchObject([{ RoleArn: roles.mfaAdmin, SerialNumber: alice.mfaSerial, TokenCode: alice.mfaCode }]);
  });

  it('assume --role-arn --serial --code', async () => {
    const run = await runInProcess(['assume', '--profile', 'alice', '--role-arn', roles.mfaAdmin, '--serial', alice.mfaSerial, '--code', alice.mfaCode, '--format', 'json'], t.home.env);
    expect(run.code, run.stderr).toBe(0);
    expect(sent('AssumeRole')).toMatchObject([{ RoleArn: roles.mfaAdmin, SerialNumber: alice.mfaSerial, TokenCode: alice.mfaCode }]);
  });

  it('mfa --serial-number --token-code', async () => {
    const run = await runInProcess(['mfa', '--profile', 'alice', '--serial-number', alice.mfaSerial, '--token-code', alice.mfaCode, '--format', 'json'], t.home.env);
    expect(run.code, run.stderr).toBe(0);
    expect(sent('GetSessionToken')).toMatchObject([{ SerialNumber: alice.mfaSerial, TokenCode: alice.mfaCode }]);
  });
});
