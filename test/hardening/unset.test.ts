/**
 * Issue 10 item 11: export lines record what awsrole set (AWSROLE_SET), and `unset` removes only
 * that; without a record only the credential variables, never the user's own region.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../rigs/sts-server.js';
import { AWSROLE_BIN, runCommand } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { useStsAndHome } from '../support/sts-home.js';

const { alice } = FIXTURE;
const t = useStsAndHome({ '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n` });

describe('unset removes what awsrole set', () => {
  it('export lines end the assignments with the record, quoted like every value', async () => {
    const result = await runInProcess(['export', '--profile', 'alice', '--format', 'fish', '--region', 'eu-west-1'], t.home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("set -gx AWSROLE_SET 'AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_REGION,AWS_DEFAULT_REGION'\n");
  });

  it('a later export keeps what an earlier one recorded', async () => {
    const result = await runInProcess(['export', '--profile', 'alice', '--format', 'sh'], { ...t.home.env, AWSROLE_SET: 'AWS_REGION,AWS_DEFAULT_REGION' });
    expect(result.stdout).toContain("export AWSROLE_SET='AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_REGION,AWS_DEFAULT_REGION'\n");
  });

  it("a region the user exported and awsrole hands on unchanged is not recorded: it stays the user's", async () => {
    const result = await runInProcess(['export', '--profile', 'alice', '--format', 'sh'], { ...t.home.env, AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' });
    expect(result.stdout).toContain("export AWS_REGION='us-east-1'\n");
    expect(result.stdout).toContain("export AWSROLE_SET='AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY'\n");
  });

  it('with no record, unset leaves AWS_REGION and AWS_DEFAULT_REGION alone', async () => {
    const result = await runInProcess(['unset', '--format', 'sh'], { ...t.home.env, AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'unset AWS_ACCESS_KEY_ID\nunset AWS_SECRET_ACCESS_KEY\nunset AWS_SESSION_TOKEN\nunset AWS_SECURITY_TOKEN\nunset AWS_CREDENTIAL_EXPIRATION\nunset AWSROLE_SET\n',
    );
  });

  it.each([
    ['no region: the user\'s own AWS_REGION survives', [], 'region=us-east-1 default=us-east-1 key=unset record=unset'],
    ['--region: the region awsrole set goes too', ['--region', 'eu-west-1'], 'region=unset default=unset key=unset record=unset'],
  ])('in a real bash, %s', async (_what, flags, expected) => {
    const script = `
      set -e
      export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
      eval "$("$AWSROLE" export --profile alice --format sh ${flags.join(' ')})"
      eval "$("$AWSROLE" unset --format sh)"
      echo "region=\${AWS_REGION-unset} default=\${AWS_DEFAULT_REGION-unset} key=\${AWS_ACCESS_KEY_ID-unset} record=\${AWSROLE_SET-unset}"
    `;
    const result = await runCommand('bash', ['-c', script], { ...t.home.env, AWSROLE: AWSROLE_BIN });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${expected}\n`);
  });

  it.each(['powershell', 'cmd', 'sh'])('%s: keys the user exported, handed back unchanged, leave no record (and no empty value)', async (format) => {
    const env = { ...t.home.env, AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
    const result = await runInProcess(['export', '--format', format], env);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/(export |\$Env:|set ")AWSROLE_SET/);
    expect(result.stdout.trim().split(/\r?\n/).at(-1)).toContain('AWSROLE_SET');
  });
});
