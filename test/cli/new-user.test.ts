/**
 * Issue 10 "what a new user tripped over", the CLI side: each answer in process through
 * run(testDeps, argv) (runInProcess), with exact stderr, empty stdout on failure and the exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, type FakeHome } from '../support/cli.js';
import { runInProcess, type InProcessResult } from '../support/in-process.js';

const { alice, bob, roles } = FIXTURE;
let rig: StsRig;
let home: FakeHome;

beforeAll(async () => {
  rig = await startStsServer();
  home = await makeHome({
    '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n\n[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`,
    '.aws/config': [
      `[profile mfa]\nrole_arn = ${roles.mfaAdmin}\nsource_profile = keyless\nmfa_serial = ${alice.mfaSerial}\n`,
      `[profile chained]\nrole_arn = ${roles.deploy}\nsource_profile = mfa\n`,
      '[profile keyless]\nregion = eu-west-1\n',
      '[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n',
      '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
      '[profile signed-in]\nlogin_session = arn:aws:iam::111122223333:user/alice\n',
    ].join('\n'),
  });
});
afterAll(async () => {
  await rig.close();
  await home.cleanup();
});

function awsrole(args: string[], env: Record<string, string> = {}): Promise<InProcessResult> {
  return runInProcess(args, { ...home.env, AWS_ENDPOINT_URL_STS: rig.url, AWS_DEFAULT_REGION: 'eu-west-1', ...env });
}

async function expectFailure(args: string[], code: number, stderr: string): Promise<void> {
  const result = await awsrole(args);
  expect(result.stderr).toBe(stderr);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(code);
}

describe('help and names', () => {
  it('`help asume` names the unknown command and suggests one, as `awsrole asume` does', async () => {
    const message = "awsrole: unknown command 'asume' (did you mean assume?)\n  hint: see `awsrole --help` or `awsrole COMMAND --help`\n";
    await expectFailure(['help', 'asume'], 2, message);
    await expectFailure(['asume'], 2, message);
  });

  it('`help assume` still prints the command help', async () => {
    const { code, stdout } = await awsrole(['help', 'assume']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: awsrole assume \[options\]\n/);
  });

  it('whoami --help says what --region is for there (STS only); export --help says it is exported too', async () => {
    const whoami = await awsrole(['whoami', '--help']);
    expect(whoami.stdout).toMatch(/--region <region> +region for STS\n/);
    const exported = await awsrole(['export', '--help']);
    expect(exported.stdout).toMatch(/--region <region> +region for STS and for the exported\s+AWS_REGION\n/);
  });

  it('an unknown profile is in "neither … nor …"', async () => {
    await expectFailure(
      ['export', '--profile', 'nope'],
      5,
      'awsrole: profile "nope" (from --profile) is in neither ~/.aws/config nor ~/.aws/credentials\n  hint: check the name (--profile), or add the profile with `aws configure --profile NAME`\n',
    );
  });

  it('assume with nothing to assume and no default profile says so', async () => {
    await expectFailure(['assume'], 2, 'awsrole: nothing to assume: no --role-arn, no --profile, and no default profile\n  hint: pass --role-arn ARN, or --profile NAME for a profile with role_arn\n');
  });
});

describe('--token-code with no MFA device', () => {
  it('is refused before anything is sent, naming what would use it', async () => {
    rig.reset();
    const message = '--token-code: no MFA device for this role: add mfa_serial to profile alice or pass --serial-number';
    await expectFailure(['export', '--profile', 'alice', '--token-code', '123456'], 2, `awsrole: ${message}\n`);
    await expectFailure(['assume', '--role-arn', roles.deploy, '--profile', 'alice', '--token-code', '123456'], 2, `awsrole: ${message}\n`);
    expect(rig.calls).toEqual([]);
  });

  it('is taken when a hop of the role chain has mfa_serial (the chain then goes on to its next problem)', async () => {
    const { code, stderr } = await awsrole(['assume', '--profile', 'chained', '--token-code', '123456']);
    expect(stderr).toMatch(/^awsrole: assume-role: source profile keyless has no credentials\n/);
    expect(code).toBe(5);
  });
});

describe('sources awsrole cannot use yet', () => {
  it('an IAM Identity Center profile with no sign-in names the sign-in command (the sso link reads it now)', async () => {
    await expectFailure(
      ['export', '--profile', 'sso'],
      3,
      'awsrole: sso: no IAM Identity Center sign-in for sso-session corp (no ~/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json)\n' +
        '  hint: sign in with `awsrole sso login --profile sso`\n',
    );
  });

  it('an `aws login` session profile too', async () => {
    await expectFailure(
      ['export', '--profile', 'signed-in'],
      3,
      'awsrole: profile "signed-in" is an `aws login` session profile, which awsrole cannot use yet\n' +
        '  hint: until awsrole supports it, bridge it with the AWS CLI: `aws login --profile signed-in`, then use a profile with credential_process = aws configure export-credentials --profile signed-in --format process\n',
    );
  });
});

describe('decode-message', () => {
  it("accepts the AWS CLI's whole error line", async () => {
    const encoded = rig.encodeMessage({ allowed: false });
    const line = `An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: ${encoded}`;
    const { code, stdout, stderr } = await awsrole(['decode-message', '--profile', 'alice', line]);
    expect(stderr).toBe('');
    expect(stdout).toBe('{\n  "allowed": false\n}\n');
    expect(code).toBe(0);
  });
});

describe('an AccessDenied on AssumeRole', () => {
  it('lists every condition a trust policy can impose, and what this call did not send', async () => {
    await expectFailure(
      ['assume', '--profile', 'bob', '--role-arn', roles.deploy, '--external-id', 'partner-7'],
      4,
      `awsrole: STS denied AssumeRole on ${roles.deploy} for ${bob.arn}.\n` +
        '  All must hold:\n' +
        `    1. the caller's IAM policies allow sts:AssumeRole on ${roles.deploy}\n` +
        `    2. the role's trust policy names the caller (${bob.arn}) or its account as a principal\n` +
        "    3. the trust policy's conditions hold; of what they can require, this call:\n" +
        '       - MFA (aws:MultiFactorAuthPresent): not sent: add mfa_serial to the profile or pass --serial-number\n' +
        '       - external id (sts:ExternalId): sent (an external id)\n' +
        '       - source identity (sts:SourceIdentity; the trust policy must allow sts:SetSourceIdentity): not sent: add source_identity to the profile or pass --source-identity\n' +
        '       - session tags (aws:RequestTag; the trust policy must allow sts:TagSession): not sent: add session_tags to the profile or pass --tag\n' +
        "  hint: check them with your administrator (the trust policy and the caller's policies); `awsrole decode-message` decodes an encoded authorization message if STS gave one\n",
    );
  });
});

describe('a duration over the role maximum', () => {
  it("says the role's MaxSessionDuration caps it, and how to ask for less or raise it", async () => {
    await expectFailure(
      ['assume', '--profile', 'alice', '--role-arn', roles.partner, '--external-id', FIXTURE.partnerExternalId, '--duration', '2h'],
      4,
      `awsrole: STS refused AssumeRole (ValidationError) for key ****${alice.accessKeyId.slice(-4)}: The requested DurationSeconds exceeds the MaxSessionDuration set for this role. (7200 s were asked)\n` +
        "  hint: the role's MaxSessionDuration (1 h unless raised, at most 12 h) caps every session of it: ask for less with --duration (e.g. --duration 1h) or duration_seconds, " +
        `or have the role's maximum raised: aws iam update-role --role-name ${roles.partner.split('/').at(-1) ?? ''} --max-session-duration 43200\n`,
    );
  });
});
