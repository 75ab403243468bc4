/**
 * `awsrole profiles`, the --help examples, the nearest names for an unknown profile, and the
 * MFA words `assume` and `mfa` share: in process (exit codes and exact output).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/main.js';
import { makeHome, type FakeHome } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';

const CONFIG = `[default]
region = eu-west-1

[profile prod-admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = dev
mfa_serial = arn:aws:iam::111122223333:mfa/me
region = us-east-1
external_id = not-shown

[profile ci]
role_arn = arn:aws:iam::111122223333:role/CI
credential_source = Environment

[profile web]
role_arn = arn:aws:iam::111122223333:role/Web
web_identity_token_file = /var/token

[profile "my sso"]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile helper]
credential_process = /bin/false SECRETCANARY

[profile config-keys]
aws_access_key_id = AKIACONFIGKEYS000001
aws_secret_access_key = SECRETCANARY-config
`;

const CREDENTIALS = `[dev]
aws_access_key_id = AKIADEVDEVDEVDEV0001
aws_secret_access_key = SECRETCANARY-dev
aws_session_token = TOKENCANARY-dev

[prod-admin]
region = eu-central-1
`;

describe('awsrole profiles', () => {
  let home: FakeHome;
  beforeAll(async () => {
    home = await makeHome({ '.aws/config': CONFIG, '.aws/credentials': CREDENTIALS });
  });

  it('--json: every profile, sorted, its kind, its files, the settings that are set (never a secret)', async () => {
    const run = await runInProcess(['profiles', '--json'], home.env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      { name: 'ci', kind: 'credential-source', files: ['~/.aws/config'], roleArn: 'arn:aws:iam::111122223333:role/CI', credentialSource: 'Environment' },
      { name: 'config-keys', kind: 'static', files: ['~/.aws/config'] },
      { name: 'default', kind: 'none', files: ['~/.aws/config'], region: 'eu-west-1' },
      { name: 'dev', kind: 'static', files: ['~/.aws/credentials'] },
      { name: 'helper', kind: 'process', files: ['~/.aws/config'] },
      { name: 'my sso', kind: 'sso', files: ['~/.aws/config'], ssoSession: 'corp', ssoAccountId: '111122223333', ssoRoleName: 'ReadOnly' },
      // The credentials file's region wins, as in botocore's merged profile.
      { name: 'prod-admin', kind: 'role', files: ['~/.aws/config', '~/.aws/credentials'], roleArn: 'arn:aws:iam::111122223333:role/Admin', sourceProfile: 'dev', mfaSerial: 'arn:aws:iam::111122223333:mfa/me', region: 'eu-central-1' },
      { name: 'web', kind: 'web-identity', files: ['~/.aws/config'], roleArn: 'arn:aws:iam::111122223333:role/Web' },
    ]);
    expect(run.stdout).not.toMatch(/CANARY|AKIA|not-shown/);
    expect(run.stderr).toBe('');
  });

  it('as text: one aligned line a profile', async () => {
    const run = await runInProcess(['profiles'], home.env);
    expect(run.stdout).toBe(
      [
        'ci           credential-source  ~/.aws/config                     role_arn=arn:aws:iam::111122223333:role/CI credential_source=Environment',
        'config-keys  static             ~/.aws/config',
        'default      none               ~/.aws/config                     region=eu-west-1',
        'dev          static             ~/.aws/credentials',
        'helper       process            ~/.aws/config',
        'my sso       sso                ~/.aws/config                     sso_session=corp sso_account_id=111122223333 sso_role_name=ReadOnly',
        'prod-admin   role               ~/.aws/config,~/.aws/credentials  role_arn=arn:aws:iam::111122223333:role/Admin source_profile=dev mfa_serial=arn:aws:iam::111122223333:mfa/me region=eu-central-1',
        'web          web-identity       ~/.aws/config                     role_arn=arn:aws:iam::111122223333:role/Web',
        '',
      ].join('\n'),
    );
  });

  it('a profile name with control characters: escaped in --json (C1 too) and in text, never raw on the terminal', async () => {
    const hostile = await makeHome({ '.aws/config': '[profile x\u009b31m\u001b]52;c;AA==\u0007]\nregion = eu-west-1\n' });
    const json = await runInProcess(['profiles', '--json'], hostile.env);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(JSON.parse(json.stdout)).toEqual([{ name: 'x\u009b31m\u001b]52;c;AA==\u0007', kind: 'none', files: ['~/.aws/config'], region: 'eu-west-1' }]);
    const text = await runInProcess(['profiles'], hostile.env);
    expect(text.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    await hostile.cleanup();
  });

  it('a broken config file fails as every command does (exit 5), stdout empty', async () => {
    const broken = await makeHome({ '.aws/config': 'no section\n' });
    const run = await runInProcess(['profiles'], broken.env);
    expect(run.code).toBe(5);
    expect(run.stdout).toBe('');
  });

  it('an unknown profile still exits 5, and the hint names the nearest profiles', async () => {
    const typo = await runInProcess(['export', '--profile', 'prod-amdin'], home.env);
    expect(typo.code).toBe(5);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toBe(
      'awsrole: profile "prod-amdin" (from --profile) is in neither ~/.aws/config nor ~/.aws/credentials\n' +
        '  hint: did you mean "prod-admin"? (`awsrole profiles` lists them all); else check the name (--profile), or add the profile with `aws configure --profile NAME`\n',
    );
    const part = await runInProcess(['export', '--profile', 'prod'], home.env);
    expect(part.stderr).toContain('hint: did you mean "prod-admin"?');
    const fromEnv = await runInProcess(['export'], { ...home.env, AWS_PROFILE: 'De' });
    expect(fromEnv.code).toBe(5);
    expect(fromEnv.stderr).toContain('hint: did you mean "dev"? (`awsrole profiles` lists them all); else fix or unset AWS_PROFILE\n');
    const far = await runInProcess(['export', '--profile', 'nothing-like-it'], home.env);
    expect(far.stderr).toContain('hint: check the name (--profile)');
  });
});

describe('help', () => {
  it('every command, hidden ones too, shows at least one example', async () => {
    const home = await makeHome();
    for (const load of Object.values(COMMANDS)) {
      const command = await load();
      const run = await runInProcess([command.name, '--help'], home.env);
      expect(run.code, command.name).toBe(0);
      expect(run.stdout, command.name).toMatch(/\nExamples:\n {2}\S.*\n/);
      expect(run.stdout).toContain(`  ${command.examples[0]}\n`);
    }
  });
});

describe('assume and mfa take the same MFA words', () => {
  let home: FakeHome;
  beforeAll(async () => {
    home = await makeHome({ '.aws/config': CONFIG, '.aws/credentials': CREDENTIALS });
  });

  it('each checks the value under the name it was given, and refuses both names at once', async () => {
    const cases: [string[], string][] = [
      [['assume', '--profile', 'prod-admin', '--serial', 'short'], 'awsrole: --serial: '],
      [['assume', '--profile', 'prod-admin', '--code', '12'], 'awsrole: --code: '],
      [['assume', '--profile', 'prod-admin', '--serial-number', 'short'], 'awsrole: --serial-number: '],
      [['mfa', '--profile', 'dev', '--serial-number', 'short'], 'awsrole: --serial-number: '],
      [['mfa', '--profile', 'dev', '--token-code', '12'], 'awsrole: --token-code: '],
      [['mfa', '--profile', 'dev', '--code', '12'], 'awsrole: --code: '],
      [['assume', '--profile', 'prod-admin', '--code', '123456', '--token-code', '123456'], 'awsrole: --token-code and --code are the same option: pass one\n'],
      [['mfa', '--profile', 'dev', '--serial', 'arn:aws:iam::111122223333:mfa/me', '--serial-number', 'arn:aws:iam::111122223333:mfa/me'], 'awsrole: --serial and --serial-number are the same option: pass one\n'],
    ];
    for (const [args, start] of cases) {
      const run = await runInProcess(args, home.env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.startsWith(start), run.stderr).toBe(true);
    }
  });
});
