/**
 * Issue 12: SIGTERM or SIGINT while serve waits at the terminal for a refresh's MFA code still ends
 * serve as its contract says (exit 0, port closed, echo back on); exec --server passes it to the
 * command and exits with the command's 128+N. The terminal is a pseudo-terminal
 * held by test/mfa/pty_session.py; serve_under_terminal.py starts serve, sends the GET that makes it
 * refresh, and passes the signal on.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../rigs/sts-server.js';
import { AWSROLE_BIN, CLI_BUILT, NOT_BUILT, ROOT, spawnCollect } from '../support/cli.js';
import { pythonEnv } from '../support/python.js';
import { useStsAndHome } from '../support/sts-home.js';

const { alice, roles } = FIXTURE;
const PTY = fileURLToPath(new URL('../mfa/pty_session.py', import.meta.url));
const WRAPPER = fileURLToPath(new URL('./serve_under_terminal.py', import.meta.url));
const PROMPT = `Enter MFA code for ${alice.mfaSerial}: `;

// 900 s sessions: fewer than 15 minutes remain at once, so the first GET refreshes, and the role needs a new code.
const t = useStsAndHome({
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  '.aws/config': `[profile mfa]\nrole_arn = ${roles.mfaAdmin}\nsource_profile = alice\nmfa_serial = ${alice.mfaSerial}\nduration_seconds = 900\n`,
});

interface Outcome {
  pty: { code: number | null; signal: string | null; terminal: string; stderr: string; echo: boolean; timed_out: boolean; unmatched: string[] };
  serve: { code: number | null; signal: string | null; port_closed: boolean };
}

/** Runs `command` on the pseudo-terminal: the first prompt gets the code, the second (the refresh's) gets `signal`. */
async function signalledAtSecondPrompt(command: readonly string[], signal: NodeJS.Signals): Promise<Outcome['pty'] & { stdout: string }> {
  const steps = [
    { expect: PROMPT, send: `${alice.mfaCode}\r` },
    { expect: PROMPT, signal },
  ];
  const env = { ...t.home.env, ...pythonEnv(), HOME: t.home.dir };
  const result = await spawnCollect('python3', [PTY, JSON.stringify(steps), '--', ...command], env, { cwd: ROOT });
  expect(result.stderr).toBe('');
  const pty = JSON.parse(result.stdout) as Outcome['pty'] & { stdout: string };
  expect(pty.timed_out).toBe(false);
  expect(pty.unmatched).toEqual([]);
  return pty;
}

async function serveSignalledAtRefreshPrompt(signal: NodeJS.Signals): Promise<Outcome> {
  const pty = await signalledAtSecondPrompt(['python3', WRAPPER, '--', process.execPath, AWSROLE_BIN, 'serve', '--profile', 'mfa', '--format', 'json'], signal);
  return { pty, serve: JSON.parse(pty.stdout) as Outcome['serve'] };
}

describe.skipIf(!CLI_BUILT)(`serve stopped while a refresh prompts on the terminal ${CLI_BUILT ? '' : NOT_BUILT}`, () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s: exit 0, port closed, echo back on', async (signal) => {
    const { pty, serve } = await serveSignalledAtRefreshPrompt(signal);
    expect(serve).toEqual({ code: 0, signal: null, port_closed: true });
    expect(pty.code).toBe(0);
    expect(pty.echo).toBe(true);
    expect(pty.terminal).toBe(`${PROMPT}\r\n${PROMPT}\r\n`);
    expect(pty.stderr).not.toMatch(/SECRETCANARY|TOKENCANARY/);
    // The refresh prompted: one AssumeRole at start, none sent for the cancelled prompt.
    expect(t.rig.count('AssumeRole')).toBe(1);
  });
});

/** The child of exec --server: one GET (which makes awsrole refresh and prompt), then it waits to be signalled. */
const CHILD = `
import os, time, urllib.request
request = urllib.request.Request(os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI'], headers={'Authorization': os.environ['AWS_CONTAINER_AUTHORIZATION_TOKEN']})
urllib.request.urlopen(request, timeout=30).close()
time.sleep(60)
`;

describe.skipIf(!CLI_BUILT)(`exec --server signalled while a refresh prompts on the terminal ${CLI_BUILT ? '' : NOT_BUILT}`, () => {
  it('SIGTERM: goes to the command, awsrole exits with its 143, echo back on', async () => {
    const pty = await signalledAtSecondPrompt([process.execPath, AWSROLE_BIN, 'exec', '--server', '--profile', 'mfa', '--', 'python3', '-c', CHILD], 'SIGTERM');
    expect({ code: pty.code, signal: pty.signal }).toEqual({ code: 143, signal: null });
    expect(pty.echo).toBe(true);
    expect(pty.terminal).toBe(`${PROMPT}\r\n${PROMPT}\r\n`);
    expect(t.rig.count('AssumeRole')).toBe(1);
  });
});
