/**
 * exec, the MFA prompt and the shell formats through the built CLI (the process, its terminal and
 * its shell are the point); decode-message, --write-profile and --debug in process.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tracked, trackedGroup } from '../support/cleanup.js';
import { FIXTURE } from '../rigs/sts-server.js';
import { useStsAndHome } from '../support/sts-home.js';
import { AWSROLE_BIN, runCli, runCommand } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';

const { alice, bob, roles } = FIXTURE;

const t = useStsAndHome({
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n\n[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`,
  '.aws/config': `[profile mfa]\nrole_arn = ${roles.mfaAdmin}\nsource_profile = alice\nmfa_serial = ${alice.mfaSerial}\n\n[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\n`,
});

describe('MFA prompt on the terminal', () => {
  it('asks on the terminal, never on stdout, without echoing the code', async () => {
    const out = t.home.path('out.json');
    // `script` gives the command a real pseudo-terminal; the code is typed after the prompt shows.
    const command = `${AWSROLE_BIN} assume --profile mfa --format json > ${out}`;
    const transcript = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
      const child = tracked(spawn('script', ['-qec', command, '/dev/null'], { env: t.home.env, stdio: ['pipe', 'pipe', 'pipe'] }));
      let text = '';
      let typed = false;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        if (!typed && text.includes('Enter MFA code')) {
          typed = true;
          child.stdin.write(`${alice.mfaCode}\r`);
        }
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, text }));
    });
    expect(transcript.code).toBe(0);
    expect(transcript.text).toBe(`Enter MFA code for ${alice.mfaSerial}: \r\n`);
    const printed = JSON.parse(await readFile(out, 'utf8')) as { AccessKeyId: string };
    expect(printed.AccessKeyId).toMatch(/^ASIA/);
    expect(t.rig.calls.find((call) => call.action === 'AssumeRole')?.params['TokenCode']).toBe(alice.mfaCode);
  });
});

describe('exec', () => {
  it('gives the child the credentials only, removes conflicting variables, passes the exit code', async () => {
    const env = { ...t.home.env, AWS_PROFILE: 'alice', AWS_SESSION_TOKEN: 'stale', AWS_SECURITY_TOKEN: 'stale' };
    const script = 'printf "%s|%s|%s|%s" "$AWS_ACCESS_KEY_ID" "${AWS_PROFILE-none}" "${AWS_SESSION_TOKEN-none}" "${AWS_SECURITY_TOKEN-none}"; exit 7';
    const result = await runCli(['exec', '--profile', 'alice', '--', 'sh', '-c', script], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(7);
    expect(result.stdout).toBe(`${alice.accessKeyId}|none|none|none`);
  });

  it('assumes a role profile for the child', async () => {
    const result = await runCli(['exec', '--profile', 'deploy', '--', 'sh', '-c', 'printf %s "$AWS_SESSION_TOKEN" | wc -c'], t.home.env);
    expect(result.code).toBe(0);
    expect(Number(result.stdout.trim())).toBeGreaterThan(20);
    expect(t.rig.count('AssumeRole')).toBe(1);
  });

  it('passes signals to the child and reports how it ended', async () => {
    // Its own process group, which the cleanup kills whole: nothing of this test outlives it.
    const child = trackedGroup(
      spawn(process.execPath, [AWSROLE_BIN, 'exec', '--profile', 'alice', '--', 'sh', '-c', 'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done'], {
        env: t.home.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      }),
    );
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.once('data', () => child.kill('SIGTERM'));
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    expect(code).toBe(42);
  });

  it('a missing command exits 127 with a message', async () => {
    const result = await runCli(['exec', '--profile', 'alice', '--', 'no-such-command-awsrole'], t.home.env);
    expect(result.code).toBe(127);
    expect(result.stderr).toBe('awsrole: cannot run no-such-command-awsrole: command not found\n');
  });
});

/**
 * The rig's encoded messages are random and may start with '-', which the command line reads as
 * an option (a user would need `--` before such a message): draw one that does not.
 */
function encodedMessage(json: object): string {
  for (;;) {
    const encoded = t.rig.encodeMessage(json);
    if (!encoded.startsWith('-')) return encoded;
  }
}

describe('decode-message', () => {
  it('prints the decoded message as indented JSON', async () => {
    const encoded = encodedMessage({ allowed: false, context: { action: 's3:GetObject' } });
    const result = await runInProcess(['decode-message', '--profile', 'alice', encoded], t.home.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{\n  "allowed": false,\n  "context": {\n    "action": "s3:GetObject"\n  }\n}\n');
  });

  it('a caller without the right is refused with exit 4', async () => {
    const result = await runInProcess(['decode-message', '--profile', 'bob', encodedMessage({ a: 1 })], t.home.env);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('AccessDenied');
  });
});

const AWKWARD = {
  AccessKeyId: "AKID'quote\"dq",
  SecretAccessKey: 'sec $HOME `id` $(touch /tmp/awsrole-pwned) ; rm -rf x\\ back\nnew line',
  SessionToken: "tok with spaces\t'\\''  and 'quotes' ünïcode",
};

async function roundTrip(shell: 'bash' | 'fish', format: 'sh' | 'fish'): Promise<string[]> {
  const printer = shell === 'bash' ? 'printf "%s\\0" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"' : 'printf "%s\\0" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"';
  const evaluate = shell === 'bash' ? `eval "$("$AWSROLE" export --credentials-json - --format ${format} < "$INPUT")"; ${printer}` : `"$AWSROLE" export --credentials-json - --format ${format} < "$INPUT" | source; ${printer}`;
  const input = await t.home.write('input.json', JSON.stringify(AWKWARD));
  const result = await runCommand(shell, ['-c', evaluate], { ...t.home.env, AWSROLE: AWSROLE_BIN, INPUT: input });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout.split('\0').slice(0, 3);
}

describe('formats through the built CLI and a real shell', () => {
  it.each([
    ['bash', 'sh'],
    ['fish', 'fish'],
  ] as const)('%s evaluates --format %s back to the exact values', async (shell, format) => {
    expect(await roundTrip(shell, format)).toEqual([AWKWARD.AccessKeyId, AWKWARD.SecretAccessKey, AWKWARD.SessionToken]);
  });
});

describe('--write-profile on mfa and export', () => {
  it('mfa writes the session as a profile, stdout empty, key masked', async () => {
    const result = await runInProcess(['mfa', '--profile', 'alice', '--serial', alice.mfaSerial, '--code', alice.mfaCode, '--write-profile', 'alice-mfa'], t.home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsrole: wrote \[alice-mfa\] to ~\/\.aws\/credentials \(key \*\*\*\*\w{4}, expires .+Z\)\n$/);
    const who = await runInProcess(['whoami', '--json', '--profile', 'alice-mfa'], t.home.env);
    expect(JSON.parse(who.stdout)).toMatchObject({ Arn: alice.arn, Source: { Link: 'shared-credentials-file' } });
  });

  it('export copies a profile', async () => {
    const result = await runInProcess(['export', '--profile', 'bob', '--write-profile', 'bob-copy'], t.home.env);
    expect(result.code).toBe(0);
    const text = await readFile(t.home.path('.aws/credentials'), 'utf8');
    expect(text.endsWith(`\n[bob-copy]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`)).toBe(true);
  });
});

describe('--debug never shows a secret or the MFA code', () => {
  it('traces a two-hop MFA assume with keys masked and no secret, token or code', async () => {
    const result = await runInProcess(['assume', '--debug', '--profile', 'mfa', '--token-code', alice.mfaCode, '--format', 'json'], t.home.env);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('awsrole: debug: chain assume-role: found');
    expect(result.stderr).toContain(`key ****${alice.accessKeyId.slice(-4)}`);
    expect(result.stderr).not.toContain(alice.accessKeyId);
    expect(result.stderr).not.toContain(alice.mfaCode);
    const issued = JSON.parse(result.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    for (const secret of [issued.SecretAccessKey, issued.SessionToken, issued.AccessKeyId]) expect(result.stderr).not.toContain(secret);
  });
});
