/** Issue 3's "done when" against the local STS rig: the whole CLI in process (run() with test deps), the bash round trip through the built CLI. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../rigs/sts-server.js';
import { useStsAndHome } from '../support/sts-home.js';
import { AWSROLE_BIN, expectNoCanary, runCommand } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';

const { alice, bob, roles } = FIXTURE;

const CREDENTIALS = `[alice]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}

[bob]
aws_access_key_id = ${bob.accessKeyId}
aws_secret_access_key = ${bob.secretAccessKey}
`;

const CONFIG = `[profile alice]
region = eu-west-1

[profile deploy]
role_arn = ${roles.deploy}
source_profile = alice

[profile admin]
role_arn = ${roles.admin}
source_profile = deploy

[profile admin-long]
role_arn = ${roles.admin}
source_profile = deploy
duration_seconds = 7200

[profile mfa-a]
role_arn = ${roles.mfaAdmin}
source_profile = alice
mfa_serial = ${alice.mfaSerial}

[profile mfa-b]
role_arn = ${roles.deploy}
source_profile = alice
mfa_serial = ${alice.mfaSerial}
role_session_name = mfa-b
`;

const t = useStsAndHome({ '.aws/credentials': CREDENTIALS, '.aws/config': CONFIG });

describe('assume, whoami, unset in a real bash', () => {
  it('a user assumes a role; whoami shows the session; unset returns to the user', async () => {
    const script = `
      set -e
      eval "$("$AWSROLE" assume --role-arn ${roles.deploy} --format sh)"
      "$AWSROLE" whoami --json | grep '"Arn"'
      eval "$("$AWSROLE" unset --format sh)"
      "$AWSROLE" whoami --json | grep '"Arn"'
      echo "key=\${AWS_ACCESS_KEY_ID-unset}"
    `;
    const result = await runCommand('bash', ['-c', script], { ...t.home.env, AWS_PROFILE: 'alice', AWSROLE: AWSROLE_BIN });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/"Arn": "arn:aws:sts::111122223333:assumed-role\/deploy\/awsrole-tester-\d+",/);
    expect(lines[1]).toBe(`  "Arn": "${alice.arn}",`);
    expect(lines[2]).toBe('key=unset');
  });
});

describe('whoami --explain', () => {
  it('names the winning link, what it shadows, and why every other link was skipped', async () => {
    const env = { ...t.home.env, AWS_PROFILE: 'alice', AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey };
    const result = await runInProcess(['whoami', '--explain'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`Arn      ${bob.arn}`);
    expect(lines).toContain('Source   env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment');
    expect(lines).toContain('profile: alice (from AWS_PROFILE)');
    expect(result.stdout).toMatch(/^· {2}1\. explicit +skipped +no credentials passed explicitly$/m);
    expect(result.stdout).toMatch(/^✔ {2}2\. env +found +AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment\n +shadows keys of profile alice in ~\/\.aws\/credentials$/m);
    expect(result.stdout).toMatch(/^– {2}4\. assume-role-with-web-identity +not-tried +not needed$/m);
    expect(result.stdout).toMatch(/^– {2}5\. sso +not-tried +not needed$/m);
    expect(result.stdout).toMatch(/^– {2}6\. shared-credentials-file +not-tried +keys of profile alice in ~\/\.aws\/credentials$/m);
    expect(result.stdout).toMatch(/^– 12\. iam-role +not-tried/m);
  });

  it('lists the role hops behind role-profile credentials, and which came from the cache', async () => {
    await runInProcess(['assume', '--profile', 'deploy', '--format', 'json'], t.home.env);
    const result = await runInProcess(['whoami', '--explain', '--profile', 'admin'], t.home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`role hops:\\n 1\\. ${roles.deploy} \\(session awsrole-tester-\\d+\\) from the session cache \\(no STS call\\)\\n 2\\. ${roles.admin} \\(session awsrole-tester-\\d+\\) from STS\\n$`));
  });

  it('when nothing is found, shows on stderr why each link was skipped', async () => {
    const result = await runInProcess(['whoami', '--explain'], { ...t.home.env, AWS_SHARED_CREDENTIALS_FILE: t.home.path('none'), AWS_CONFIG_FILE: t.home.path('none') });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    const skipped: [string, string][] = [
      ['env', 'AWS_ACCESS_KEY_ID is not set'],
      ['shared-credentials-file', 'no [default] section in the credentials file'],
      ['boto-config', 'no [Credentials] with aws_access_key_id'],
      ['iam-role', 'IMDS disabled by AWS_EC2_METADATA_DISABLED=true'],
    ];
    for (const [link, reason] of skipped) {
      expect(result.stderr).toMatch(new RegExp(`\\. ${link} +skipped +${reason.replace(/[[\]]/g, '\\$&')}`));
    }
    expect(t.rig.count()).toBe(0);
  });
});

describe('refusals teach', () => {
  it('a user without sts:AssumeRole: exit 4, both conditions, the caller ARN, empty stdout', async () => {
    const result = await runInProcess(['assume', '--profile', 'bob', '--role-arn', roles.deploy], t.home.env);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`STS denied AssumeRole on ${roles.deploy} for ${bob.arn}`);
    expect(result.stderr).toContain(`the caller's IAM policies allow sts:AssumeRole on ${roles.deploy}`);
    expect(result.stderr).toContain(`the role's trust policy names the caller (${bob.arn})`);
    expectNoCanary(result.stderr);
  });

  it('a role whose trust policy does not name the user: exit 4, same teaching', async () => {
    const result = await runInProcess(['assume', '--profile', 'alice', '--role-arn', roles.locked], t.home.env);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`STS denied AssumeRole on ${roles.locked} for ${alice.arn}`);
    expect(result.stderr).toContain("the role's trust policy names the caller");
    expectNoCanary(result.stderr);
  });
});

describe('role chains from the config file', () => {
  it('a two-hop chain works', async () => {
    const result = await runInProcess(['assume', '--profile', 'admin', '--format', 'json'], t.home.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const assumed = t.rig.calls.filter((call) => call.action === 'AssumeRole').map((call) => call.params['RoleArn']);
    expect(assumed).toEqual([roles.deploy, roles.admin]);
    const creds = JSON.parse(result.stdout) as { AccessKeyId: string };
    const who = await runInProcess(['whoami', '--json'], { ...t.home.env, AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: (JSON.parse(result.stdout) as { SecretAccessKey: string }).SecretAccessKey, AWS_SESSION_TOKEN: (JSON.parse(result.stdout) as { SessionToken: string }).SessionToken });
    expect(JSON.parse(who.stdout)).toMatchObject({ Arn: expect.stringMatching(/^arn:aws:sts::111122223333:assumed-role\/admin\//) });
  });

  it('over one hour on the second hop (--duration) is refused before STS is asked for it', async () => {
    const result = await runInProcess(['assume', '--profile', 'admin', '--duration', '2h'], t.home.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('AWS limits role chaining to 1 hour');
    expect(result.stderr).toContain('--duration 3600 or less');
    expect(t.rig.calls.filter((call) => call.params['RoleArn'] === roles.admin)).toEqual([]);
  });

  it('over one hour on the second hop (duration_seconds in the file) is refused with the explanation', async () => {
    const result = await runInProcess(['assume', '--profile', 'admin-long'], t.home.env);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('AWS limits role chaining');
  });

  it('--role-arn on top of a role profile refuses over one hour before calling STS', async () => {
    const result = await runInProcess(['assume', '--profile', 'deploy', '--role-arn', roles.admin, '--duration', '7200'], t.home.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('AWS limits role chaining to 1 hour');
    expect(t.rig.calls.filter((call) => call.params['RoleArn'] === roles.admin)).toEqual([]);
  });
});

describe('MFA sessions', () => {
  it('mfa once, then two profiles sharing mfa_serial assume without a new code', async () => {
    const mfa = await runInProcess(['mfa', '--profile', 'mfa-a', '--code', alice.mfaCode, '--format', 'json'], t.home.env);
    expect(mfa.stderr).toBe('');
    expect(mfa.code).toBe(0);
    // No terminal and no --token-code: a prompt would fail, so success proves none was needed.
    const first = await runInProcess(['assume', '--profile', 'mfa-a', '--format', 'json'], t.home.env);
    const second = await runInProcess(['assume', '--profile', 'mfa-b', '--format', 'json'], t.home.env);
    expect([first.code, second.code, first.stderr, second.stderr]).toEqual([0, 0, '', '']);
    expect(t.rig.count('GetSessionToken')).toBe(1);
    expect(t.rig.count('AssumeRole')).toBe(2);
  });

  it('mfa on a role profile makes the session for the root source profile, and says so', async () => {
    const result = await runInProcess(['mfa', '--debug', '--profile', 'mfa-a', '--code', alice.mfaCode, '--format', 'json'], t.home.env);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('awsrole: debug: profile alice (from source_profile of mfa-a)');
    expect(t.rig.calls.find((call) => call.action === 'GetSessionToken')?.accessKeyId).toBe(alice.accessKeyId);
  });

  it("an MFA session serves only the caller whose keys made it", async () => {
    const mfa = await runInProcess(['mfa', '--profile', 'alice', '--serial', alice.mfaSerial, '--code', alice.mfaCode, '--format', 'json'], t.home.env);
    expect(mfa.code).toBe(0);
    const bobs = await runInProcess(['assume', '--profile', 'bob', '--role-arn', roles.deploy, '--serial-number', alice.mfaSerial], t.home.env);
    expect(bobs.code).toBe(2);
    expect(bobs.stdout).toBe('');
    expect(bobs.stderr).toContain(`an MFA code is needed for ${alice.mfaSerial}`);
    expect(t.rig.count('AssumeRole')).toBe(0);
  });

  it('without a session, code or terminal: exit 2 naming the flag', async () => {
    const result = await runInProcess(['assume', '--profile', 'mfa-a'], t.home.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('pass --token-code 123456');
    expect(t.rig.count()).toBe(0);
  });

  it('a wrong code says so', async () => {
    const result = await runInProcess(['assume', '--profile', 'mfa-a', '--token-code', '000000'], t.home.env);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`STS refused the MFA code for ${alice.mfaSerial}`);
  });
});

describe('caches', () => {
  it('a second assume within the session life makes no STS call', async () => {
    const first = await runInProcess(['assume', '--profile', 'deploy', '--format', 'json'], t.home.env);
    expect(first.code).toBe(0);
    const calls = t.rig.count();
    const second = await runInProcess(['assume', '--profile', 'deploy', '--format', 'json'], t.home.env);
    expect(second.code).toBe(0);
    expect(t.rig.count()).toBe(calls);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
    const refreshed = await runInProcess(['assume', '--profile', 'deploy', '--format', 'json', '--refresh'], t.home.env);
    expect(refreshed.code).toBe(0);
    expect(t.rig.count('AssumeRole')).toBe(2);
    const folder = t.home.path('.aws/cli/cache');
    const [file, ...others] = await readdir(folder);
    expect(others).toEqual([]);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(`${folder}/${file ?? ''}`)).mode & 0o777).toBe(0o600);
  });
});

describe('--write-profile', () => {
  it('changes only its own section of a commented credentials file', async () => {
    const before = `# my credentials — keep this comment
[alice]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}

; a profile written by hand
[old]
aws_access_key_id = AKIDOLDEXAMPLE000001
aws_secret_access_key = oldSECRETCANARY
aws_session_token = an-old-session

[tail]   
region=eu-west-1
`;
    await t.home.write('.aws/credentials', before);
    const result = await runInProcess(['assume', '--profile', 'alice', '--role-arn', roles.deploy, '--write-profile', 'old'], t.home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsrole: wrote \[old\] to ~\/\.aws\/credentials \(key \*\*\*\*\w{4}, expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\n$/);
    expectNoCanary(result.stderr);
    const after = await readFile(t.home.path('.aws/credentials'), 'utf8');
    const head = before.slice(0, before.indexOf('[old]'));
    const tail = before.slice(before.indexOf('[tail]'));
    expect(after.startsWith(head)).toBe(true);
    expect(after.endsWith(tail)).toBe(true);
    const section = after.slice(head.length, after.length - tail.length);
    expect(section).toMatch(/^\[old\]\naws_access_key_id = ASIA\w{16}\naws_secret_access_key = \S+\naws_session_token = \S+\naws_credential_expiration = \S+Z\n\n$/);
  });
});
