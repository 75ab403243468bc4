/**
 * The MFA prompt on the controlling terminal when stdin, stdout and stderr are pipes: how an SDK
 * runs awsrole as credential_process. pty_session.py starts the command in a new session whose
 * controlling terminal is a pseudo-terminal it holds, reads the prompt there and types the keys.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../rigs/sts-server.js';
import { AWSROLE_BIN, CLI_BUILT, NOT_BUILT, ROOT, runCli, spawnCollect } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { pythonEnv, usePython } from '../support/python.js';
import { useStsAndHome } from '../support/sts-home.js';

const { alice, roles } = FIXTURE;
const DRIVER = fileURLToPath(new URL('./pty_session.py', import.meta.url));
const AWSROLE = [process.execPath, AWSROLE_BIN];
const PROMPT = `Enter MFA code for ${alice.mfaSerial}: `;
const RETRY = (attempt: number) => `an MFA code is exactly 6 digits; try ${attempt} of 3.\r\n`;

const t = useStsAndHome({
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  '.aws/config': `[profile mfa]\nrole_arn = ${roles.mfaAdmin}\nsource_profile = alice\nmfa_serial = ${alice.mfaSerial}\n\n[profile sdk]\ncredential_process = ${AWSROLE.join(' ')} export --profile mfa --format process\n`,
});

type Step = { expect: string; send: string } | { expect: string; signal: NodeJS.Signals };

interface PtyRun {
  code: number | null;
  signal: string | null;
  terminal: string;
  stdout: string;
  stderr: string;
  timed_out: boolean;
  echo: boolean;
  unmatched: string[];
}

/** Runs `command` with the pseudo-terminal as its controlling terminal and its stdio on pipes. */
async function inSession(steps: Step[], command: readonly string[]): Promise<PtyRun> {
  const env = { ...t.home.env, ...pythonEnv(), HOME: t.home.dir };
  const result = await spawnCollect('python3', [DRIVER, JSON.stringify(steps), '--', ...command], env, { cwd: ROOT });
  expect(result.stderr).toBe('');
  const run = JSON.parse(result.stdout) as PtyRun;
  expect(run.timed_out).toBe(false);
  expect(run.unmatched).toEqual([]);
  return run;
}

const typeCode = (code: string): Step[] => [{ expect: PROMPT, send: `${code}\r` }];

/** The session the SDK got is the one awsrole cached for the role: same key, from the cache now. */
async function roleKeyId(): Promise<string> {
  const cached = await runInProcess(['export', '--profile', 'mfa', '--format', 'json'], t.home.env);
  expect(cached.code).toBe(0);
  return (JSON.parse(cached.stdout) as { AccessKeyId: string }).AccessKeyId;
}

function sentTokenCodes(): (string | undefined)[] {
  return t.rig.calls.filter((call) => call.action === 'AssumeRole').map((call) => call.params['TokenCode']);
}

const BOTOCORE = `
import json, botocore.session
credentials = botocore.session.Session(profile='sdk').get_credentials().get_frozen_credentials()
print(json.dumps({'AccessKeyId': credentials.access_key, 'HasToken': bool(credentials.token)}))
`;

const JS_SDK = `
import { fromProcess } from '@aws-sdk/credential-provider-process';
const credentials = await fromProcess({ profile: 'sdk' })();
console.log(JSON.stringify({ AccessKeyId: credentials.accessKeyId, HasToken: Boolean(credentials.sessionToken) }));
`;

const hasBotocore = usePython('botocore', 'the botocore credential_process prompt test', 'the JS SDK one still runs');

describe.skipIf(!CLI_BUILT)(`the MFA prompt under an SDK's credential_process ${CLI_BUILT ? '' : NOT_BUILT}`, () => {
  it.skipIf(!hasBotocore)('botocore: the code typed on the terminal gets the role credentials', async () => {
    const run = await inSession(typeCode(alice.mfaCode), ['python3', '-c', BOTOCORE]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.terminal).toBe(`${PROMPT}\r\n`);
    expect(JSON.parse(run.stdout)).toEqual({ AccessKeyId: await roleKeyId(), HasToken: true });
    expect(sentTokenCodes()).toEqual([alice.mfaCode]);
  });

  it('the JS SDK (fromProcess): the code typed on the terminal gets the role credentials', async () => {
    const run = await inSession(typeCode(alice.mfaCode), [process.execPath, '--input-type=module', '-e', JS_SDK]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.terminal).toBe(`${PROMPT}\r\n`);
    expect(JSON.parse(run.stdout)).toEqual({ AccessKeyId: await roleKeyId(), HasToken: true });
    expect(sentTokenCodes()).toEqual([alice.mfaCode]);
  });
});

describe.skipIf(!CLI_BUILT)(`keys at the prompt (awsrole's stdio on pipes) ${CLI_BUILT ? '' : NOT_BUILT}`, () => {
  const EXPORT = [...AWSROLE, 'export', '--profile', 'mfa', '--format', 'process'];

  it('"123 456", as authenticator apps show it, is the code 123456', async () => {
    const run = await inSession(typeCode('123 456'), EXPORT);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"AccessKeyId": "ASIA');
    expect(sentTokenCodes()).toEqual([alice.mfaCode]);
  });

  /** Three answers, one step each: the first at the prompt, the others after their retry line. */
  const threeTries = (answers: readonly [string, string, string]): Step[] => answers.map((send, index) => ({ expect: `${index === 0 ? '' : RETRY(index + 1)}${PROMPT}`, send }));

  it('a typo gets a second and third try; erase and Ctrl-U edit the line', async () => {
    const run = await inSession(threeTries(['12345\r', 'abc\u0015\r', '1234567\u007f\u007f6\r']), EXPORT);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.terminal).toBe(`${PROMPT}\r\n${RETRY(2)}${PROMPT}\r\n${RETRY(3)}${PROMPT}\r\n`);
    expect(sentTokenCodes()).toEqual([alice.mfaCode]);
  });

  it.each([
    [
      'three wrong codes: exit 2',
      threeTries(['1\r', '22\r', '333\r']),
      2,
      'awsrole: assume-role: MFA code not sent to STS: an MFA code is exactly 6 digits (3 tries)\n  hint: run the command again and type the 6 digits your device shows, or pass --token-code\n',
    ],
    ['Ctrl-C: "cancelled", exit 130', [{ expect: PROMPT, send: '12\u0003' }], 130, 'awsrole: assume-role: cancelled\n'],
    [
      'Ctrl-D: exit 2',
      [{ expect: PROMPT, send: '\u0004' }],
      2,
      `awsrole: assume-role: no MFA code typed for ${alice.mfaSerial} (end of input)\n  hint: pass --token-code 123456 (the code your device shows)\n`,
    ],
  ])('%s, nothing sent', async (_name, steps, code, stderr) => {
    const run = await inSession(steps, EXPORT);
    expect(run.stderr).toBe(stderr);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(t.rig.count('AssumeRole')).toBe(0);
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s while it prompts: the terminal echoes again, awsrole dies of the signal', async (signal) => {
    const run = await inSession([{ expect: PROMPT, signal }], EXPORT);
    expect(run.signal).toBe(signal);
    expect(run.echo).toBe(true);
    expect(run.stdout).toBe('');
    expect(t.rig.count('AssumeRole')).toBe(0);
  });

  it('no controlling terminal: exit 2 naming --token-code and mfa_process', async () => {
    const result = await runCli(['export', '--profile', 'mfa', '--format', 'process'], t.home.env);
    expect(result.stderr).toBe(
      `awsrole: assume-role: an MFA code is needed for ${alice.mfaSerial} and there is no terminal to ask on\n  hint: pass --token-code 123456 (the code your device shows), or set mfa_process in profile mfa (a command that prints the code)\n`,
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});
