/**
 * mfa_process: a helper that prints the MFA code, run with no terminal (in process, where there
 * is no prompt, and as the built CLI in its own session). Each command that may need a code
 * gets it from the helper; a broken helper is exit 3 naming the profile, and the code never
 * shows on stderr.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runProcess, type Deps } from '../../src/deps.js';
import { trackedGroup } from '../support/cleanup.js';
import { AWSROLE_BIN, CLI_BUILT, guardedEnv, NOT_BUILT, runCli, runCommand } from '../support/cli.js';
import { pythonEnv, usePython } from '../support/python.js';
import { runInProcess } from '../support/in-process.js';
import { useStsAndHome } from '../support/sts-home.js';
import { FIXTURE } from '../rigs/sts-server.js';

const { alice, roles } = FIXTURE;

const t = useStsAndHome({
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
});

/** Helpers, each leaving a mark that it ran (helper-ran) and its pid. */
const HELPERS = {
  works: `#!/bin/sh\necho ran >> "$HOME/helper-ran"\nprintf '  ${alice.mfaCode}\\n'\n`,
  fails: `#!/bin/sh\necho ran >> "$HOME/helper-ran"\necho 'no YubiKey detected' >&2\nexit 4\n`,
  garbage: `#!/bin/sh\necho ran >> "$HOME/helper-ran"\necho 'Touch your key: 12345'\n`,
  hangs: `#!/bin/sh\necho $$ > "$HOME/helper-pid"\nexec sleep 600\n`,
} as const;

type Helper = keyof typeof HELPERS;

/** Profile mfa (role with MFA) from alice; the helper sits on `where` (mfa itself, or alice, which mfa inherits it from). */
async function configure(helper: Helper | string, where: 'mfa' | 'alice' = 'mfa', extra = ''): Promise<void> {
  const command = helper in HELPERS ? await t.home.write(`bin/${helper}`, HELPERS[helper as Helper], 0o700) : helper;
  const line = `mfa_process = ${command}\n`;
  await t.home.write(
    '.aws/config',
    `[profile alice]\n${where === 'alice' ? line : ''}\n[profile mfa]\nrole_arn = ${roles.mfaAdmin}\nsource_profile = alice\nmfa_serial = ${alice.mfaSerial}\n${where === 'mfa' ? line : ''}${extra}`,
  );
}

function helperRuns(): number {
  const marks = t.home.path('helper-ran');
  return existsSync(marks) ? readFileSync(marks, 'utf8').split('\n').filter(Boolean).length : 0;
}

function sentTokenCodes(): (string | undefined)[] {
  return t.rig.calls.filter((call) => call.action === 'AssumeRole' || call.action === 'GetSessionToken').map((call) => call.params['TokenCode']);
}

describe('mfa_process gives the code', () => {
  it.each([
    ['assume', ['assume', '--profile', 'mfa', '--format', 'json'], '"AccessKeyId": "ASIA'],
    ['export', ['export', '--profile', 'mfa', '--format', 'process'], '"AccessKeyId": "ASIA'],
    ['whoami', ['whoami', '--json', '--profile', 'mfa'], ':assumed-role/mfa-admin/'],
    ['mfa', ['mfa', '--profile', 'mfa', '--format', 'json'], '"AccessKeyId": "ASIA'],
  ])('%s: the helper runs once, its trimmed stdout goes to STS, never to stderr', async (_name, args, printed) => {
    await configure('works');
    const result = await runInProcess([...args, '--debug'], t.home.env);
    expect(result.stderr).not.toContain(alice.mfaCode);
    expect(result.stderr).toContain('awsrole: debug: MFA code from mfa_process of profile mfa\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(printed);
    expect(helperRuns()).toBe(1);
    expect(sentTokenCodes()).toEqual([alice.mfaCode]);
  });

  it('exec: the child gets the role session', async () => {
    await configure('works');
    let childEnv: Record<string, string | undefined> = {};
    const execChild = async (_argv: readonly string[], env: Record<string, string | undefined>): Promise<number> => {
      childEnv = env;
      return 0;
    };
    const result = await runInProcess(['exec', '--profile', 'mfa', '--', 'true'], t.home.env, { deps: { execChild } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(childEnv['AWS_SESSION_TOKEN']).toBeDefined();
    expect(sentTokenCodes()).toEqual([alice.mfaCode]);
  });

  it('is inherited from the source_profile chain', async () => {
    await configure('works', 'alice');
    const result = await runInProcess(['assume', '--profile', 'mfa', '--format', 'json'], t.home.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sentTokenCodes()).toEqual([alice.mfaCode]);
  });

  it('an empty mfa_process stops the inheritance: that profile asks on the terminal (none here: exit 2)', async () => {
    await configure('works', 'alice', 'mfa_process =\n');
    const result = await runInProcess(['assume', '--profile', 'mfa', '--format', 'json'], t.home.env);
    expect(result.code).toBe(2);
    expect(helperRuns()).toBe(0);
  });

  it('--token-code wins: the helper does not run', async () => {
    await configure('fails');
    const result = await runInProcess(['assume', '--profile', 'mfa', '--format', 'json', '--token-code', alice.mfaCode], t.home.env);
    expect(result.code).toBe(0);
    expect(helperRuns()).toBe(0);
  });

  it('runs with a 60 s limit by default (AWSROLE_PROCESS_TIMEOUT changes it)', async () => {
    await configure('works');
    const limits: number[] = [];
    const timed: Deps['runProcess'] = (argv, options) => {
      limits.push(options.timeoutMs);
      return runProcess(argv, options);
    };
    expect((await runInProcess(['assume', '--profile', 'mfa', '--format', 'json'], t.home.env, { deps: { runProcess: timed } })).code).toBe(0);
    expect((await runInProcess(['assume', '--profile', 'mfa', '--format', 'json', '--refresh'], { ...t.home.env, AWSROLE_PROCESS_TIMEOUT: '7' }, { deps: { runProcess: timed } })).code).toBe(0);
    expect(limits).toEqual([60_000, 7_000]);
  });

  it('a cached session needs no code: the helper runs once for two calls', async () => {
    await configure('works');
    for (let run = 0; run < 2; run += 1) expect((await runInProcess(['assume', '--profile', 'mfa', '--format', 'json'], t.home.env)).code).toBe(0);
    expect(helperRuns()).toBe(1);
    expect(t.rig.count('AssumeRole')).toBe(1);
  });
});

describe('a broken mfa_process: exit 3 naming the profile and mfa_process, no STS call', () => {
  it.each([
    ['fails', 'awsrole: assume-role: mfa_process of profile mfa exited with code 4 (its own message, if any, is above)\n  hint: run `BIN/fails` by hand to see why\n'],
    ['garbage', 'awsrole: assume-role: mfa_process of profile mfa did not print a 6-digit MFA code\n  hint: it must print the code alone on stdout (e.g. `ykman oath accounts code --single NAME`)\n'],
    ['no-such-mfa-helper --single x', 'awsrole: assume-role: mfa_process of profile mfa could not be started: spawn no-such-mfa-helper ENOENT (is `no-such-mfa-helper` on PATH?)\n  hint: run `no-such-mfa-helper` by hand to see why\n'],
    ['ykman "unbalanced', 'awsrole: assume-role: mfa_process of profile mfa cannot be split into a command (unbalanced quotes?)\n  hint: fix mfa_process in the config file\n'],
  ])('%s', async (helper, message) => {
    await configure(helper);
    const result = await runInProcess(['assume', '--profile', 'mfa', '--format', 'json'], t.home.env);
    expect(result.stderr.replaceAll(t.home.path('bin'), 'BIN')).toBe(message);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(t.rig.count('AssumeRole')).toBe(0);
  });

  it('the helper\'s own stderr reaches the user, its stdout does not', async () => {
    await configure('garbage');
    const result = await runCli(['assume', '--profile', 'mfa', '--format', 'json'], t.home.env);
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain('12345');
    await configure('fails');
    const failed = await runCli(['assume', '--profile', 'mfa', '--format', 'json'], t.home.env);
    expect(failed.code).toBe(3);
    expect(failed.stderr.startsWith('no YubiKey detected\n')).toBe(true);
  });
});

/** The helper's pid once it has written it; waits for the file (no time limit of its own). */
async function helperPid(): Promise<number> {
  for (;;) {
    const path = t.home.path('helper-pid');
    const text = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
    if (text !== '') return Number(text);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Gone, or a zombie nobody has reaped yet: either way it runs no more. */
function ended(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitEnded(pid: number): Promise<void> {
  while (!ended(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
}

const hasBotocore = usePython('botocore', 'the botocore credential_process + mfa_process test');

describe.skipIf(!CLI_BUILT || !hasBotocore)(`an SDK runs awsrole as credential_process (built CLI) ${CLI_BUILT ? '' : NOT_BUILT}`, () => {
  it('botocore: mfa_process gives the code, the SDK gets the role credentials, stderr holds no code', async () => {
    await configure('works', 'mfa', `\n[profile sdk]\ncredential_process = ${process.execPath} ${AWSROLE_BIN} export --profile mfa --format process\n`);
    const script = "import botocore.session\nc = botocore.session.Session(profile='sdk').get_credentials().get_frozen_credentials()\nprint(c.access_key[:4], bool(c.token))";
    const result = await runCommand('python3', ['-c', script], { ...t.home.env, ...pythonEnv(), HOME: t.home.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('ASIA True\n');
    expect(helperRuns()).toBe(1);
    expect(sentTokenCodes()).toEqual([alice.mfaCode]);
  });
});

describe.skipIf(!CLI_BUILT)(`a hung mfa_process (built CLI) ${CLI_BUILT ? '' : NOT_BUILT}`, () => {
  it('is stopped at AWSROLE_PROCESS_TIMEOUT: exit 3', async () => {
    await configure('hangs');
    const result = await runCli(['assume', '--profile', 'mfa', '--format', 'json'], { ...t.home.env, AWSROLE_PROCESS_TIMEOUT: '1' });
    expect(result.stderr).toBe(
      'awsrole: assume-role: mfa_process of profile mfa did not finish within 1 s and was stopped\n  hint: run the command by hand to see why it hangs, or raise AWSROLE_PROCESS_TIMEOUT (seconds)\n',
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    await waitEnded(await helperPid());
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('ends with awsrole on %s', async (signal) => {
    await configure('hangs');
    const child = trackedGroup(spawn(process.execPath, [AWSROLE_BIN, 'assume', '--profile', 'mfa', '--format', 'json'], { env: guardedEnv(t.home.env), stdio: 'ignore', detached: true }));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, how) => resolve(how)));
    const pid = await helperPid();
    child.kill(signal);
    expect(await exited).toBe(signal);
    await waitEnded(pid);
    expect(t.rig.count('AssumeRole')).toBe(0);
  });
});
