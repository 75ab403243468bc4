/** Regressions from the code review: each reproduces a bug that was found and fixed. */
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tracked } from '../support/cleanup.js';
import { FIXTURE } from '../rigs/sts-server.js';
import { AWSROLE_BIN } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { useStsAndHome } from '../support/sts-home.js';

const { alice, roles } = FIXTURE;
const aliceKeys = `aws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`;
const t = useStsAndHome({ '.aws/credentials': `[alice]\n${aliceKeys}` });

describe('hardening', () => {
  it('a secret on an indented line of its own never reaches the parse error', async () => {
    await t.home.write('.aws/credentials', `[default]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key =\n    ${alice.secretAccessKey}\n`);
    const result = await runInProcess(['export'], t.home.env);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('the indented block under "aws_secret_access_key" has a line without "="');
  });

  it('escape sequences from a file are shown escaped, never sent to the terminal', async () => {
    await t.home.write('.aws/config', `[profile x]\nrole_arn = ${roles.deploy}\nsource_profile = \u001b]0;PWNED\u0007\u001b[2J\n`);
    const result = await runInProcess(['assume', '--profile', 'x'], t.home.env);
    expect(result.code).toBe(5);
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(result.stderr).toContain('\\x1b]0;PWNED\\x07\\x1b[2J');
  });

  it.each([
    [['--region', 'us-east-1 # N. Virginia'], {}, 2],
    [[], { AWS_DEFAULT_REGION: 'eu west 1' }, 5],
  ] as const)('an invalid region %j %j is refused before any call', async (flags, env, code) => {
    const result = await runInProcess(['whoami', '--profile', 'alice', ...flags], { ...t.home.env, ...env });
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('is not a valid region name');
    expect(t.rig.count()).toBe(0);
  });

  it('a region with an inline comment in the config file is a configuration error', async () => {
    await t.home.write('.aws/config', '[profile alice]\nregion = us-east-1 # N. Virginia\n');
    const result = await runInProcess(['whoami', '--profile', 'alice'], t.home.env);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('region in profile alice "us-east-1 # N. Virginia" is not a valid region name');
  });

  it("mfa checks the profile's mfa_serial like any value from a file", async () => {
    await t.home.write('.aws/config', '[profile alice]\nmfa_serial = not a serial\n');
    const result = await runInProcess(['mfa', '--profile', 'alice', '--code', alice.mfaCode], t.home.env);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('mfa_serial in profile alice');
    expect(t.rig.count()).toBe(0);
  });

  it('AWS_CREDENTIAL_FILE naming a folder is a configuration error, not a crash', async () => {
    await mkdir(t.home.path('folder'));
    const result = await runInProcess(['export', '--profile', 'nothing-here'], { ...t.home.env, AWS_CREDENTIAL_FILE: t.home.path('folder') });
    expect(result.code).toBe(5);
    const plain = await runInProcess(['export'], { ...t.home.env, AWS_SHARED_CREDENTIALS_FILE: t.home.path('none'), AWS_CREDENTIAL_FILE: t.home.path('folder') });
    expect(plain.code).toBe(5);
    expect(plain.stderr).toContain('(AWS_CREDENTIAL_FILE): EISDIR');
  });

  it("a failing credential_process's stderr is shown with key ids masked and key-like runs removed", async () => {
    const helper = await t.home.write('fail.sh', '#!/bin/sh\necho "bad: AKIAPROCESSKEY000001 wJalrXUtnFEMIK7MDENGbPxRfiCYzSECRETCANARY" >&2\nexit 1\n', 0o700);
    await t.home.write('.aws/config', `[profile p]\ncredential_process = ${helper}\n`);
    const result = await runInProcess(['export', '--profile', 'p'], t.home.env);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('exited with code 1: bad: ****0001 [redacted]');
  });

  it('awsrole with no command is a usage error', async () => {
    const result = await runInProcess([], t.home.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('export lines printed to a terminal come with a reminder to evaluate them; piped, they do not', async () => {
    const transcript = await new Promise<string>((resolve, reject) => {
      const child = tracked(spawn('script', ['-qec', `${AWSROLE_BIN} export --profile alice --format sh`, '/dev/null'], { env: t.home.env, stdio: ['pipe', 'pipe', 'ignore'] }));
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      child.on('error', reject);
      child.on('close', () => resolve(text));
    });
    expect(transcript).toContain(`export AWS_ACCESS_KEY_ID='${alice.accessKeyId}'`);
    expect(transcript).toContain('awsrole: these lines only take effect when evaluated: eval "$(awsrole ...)"');
    const piped = await runInProcess(['export', '--profile', 'alice', '--format', 'sh'], t.home.env);
    expect(piped.stderr).toBe('');
  });

  it('a credential_process helper keeps the terminal (it may ask for a password there)', async () => {
    const helper = await t.home.write(
      'helper.sh',
      `#!/bin/sh\nexec 3<>/dev/tty || exit 9\nprintf '{"Version": 1, "AccessKeyId": "AKIDPROCESS000000001", "SecretAccessKey": "procSECRETCANARY"}'\n`,
      0o700,
    );
    await t.home.write('.aws/config', `[profile p]\ncredential_process = ${helper}\n`);
    const out = t.home.path('out.json');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = tracked(spawn('script', ['-qec', `${AWSROLE_BIN} export --profile p --format json > ${out} 2>&1`, '/dev/null'], { env: t.home.env, stdio: ['pipe', 'ignore', 'ignore'] }));
      child.on('error', reject);
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ AccessKeyId: 'AKIDPROCESS000000001' });
  });
});
