/**
 * The chain case table through awsrole alone (`awsrole export --format process`, the whole CLI
 * in process: run() with test deps; the botocore differential runs the built CLI), each row in a
 * fresh HOME with a from-scratch environment and loopback rigs:
 * - the exit code is 0 for found rows and the row's `exit` otherwise;
 * - a found row prints exactly the expected credential_process JSON (parsed; role rows: the
 *   session the STS rig issued for the last AssumeRole call);
 * - a failing row prints nothing on stdout;
 * - stderr never contains a fixture secret (`SECRETCANARY`) or an issued session token.
 * Rows with `deviation` are held to what awsrole deliberately does instead.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cases } from './cases.js';
import type { ChainCase, Want } from './cases.js';
import { expectedProcessOutput, mapLimit, normaliseProcessOutput, runAwsroleInProcess } from './harness.js';
import type { RunResult } from './harness.js';
import { FIXTURE } from '../rigs/sts-model.js';
import { CANARIES } from '../support/cli.js';
import type { InProcessResult } from '../support/in-process.js';

const PARALLEL = 8;
/** Each row's run, or why it failed (a canary on stderr fails its own row, not the table). */
const runs = new Map<string, RunResult<InProcessResult> | Error>();

beforeAll(async () => {
  await mapLimit(cases, PARALLEL, async (c) => {
    runs.set(c.name, await runAwsroleInProcess(c).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
  });
});

function awsroleWant(c: ChainCase): Want {
  return c.deviation?.awsrole ?? c.want;
}

function runOf(c: ChainCase): RunResult<InProcessResult> {
  const run = runs.get(c.name);
  if (run === undefined) throw new Error(`no run for ${c.name}`);
  if (run instanceof Error) throw run;
  return run;
}

/** The credentials the STS rig issued for the last AssumeRole(WithWebIdentity) call, as awsrole must print them. */
function issuedOutput(run: RunResult<InProcessResult>): Record<string, unknown> {
  const calls = run.stsCalls.filter((call) => (call.action === 'AssumeRole' || call.action === 'AssumeRoleWithWebIdentity') && call.status === 200);
  const last = calls[calls.length - 1];
  const arn = last?.params['RoleArn'];
  const sessions = [...run.stsSessions.values()].filter((s) => s.kind === 'role' && s.role?.arn === arn);
  const session = sessions[sessions.length - 1];
  if (session === undefined || session.role === undefined) throw new Error('the STS rig issued no role session');
  return {
    Version: 1,
    AccessKeyId: session.accessKeyId,
    SecretAccessKey: session.secretAccessKey,
    SessionToken: session.sessionToken,
    Expiration: session.expiration.toISOString(),
    AccountId: session.role.account,
  };
}

/** Secrets and tokens stderr must never show: fixtures carry the canaries, issued tokens their own. */
function leaks(run: RunResult<InProcessResult>): string[] {
  const secrets = [...run.stsSessions.values()].flatMap((s) => [s.secretAccessKey, s.sessionToken]);
  // The web identity token is a secret too: awsrole names its file, never its content.
  return [...CANARIES, FIXTURE.webIdentity.token, ...secrets].filter((secret) => run.result.stderr.includes(secret));
}

describe('awsrole export --format process over the chain table', () => {
  it.each(cases)('$spec $name', (c) => {
    const run = runOf(c);
    const { code, stdout, stderr } = run.result;
    const want = awsroleWant(c);
    expect(leaks(run)).toEqual([]);
    if ('error' in want) {
      expect({ exit: code, stdout }, stderr).toEqual({ exit: want.exit, stdout: '' });
      expect(stderr.trim()).not.toBe('');
      return;
    }
    expect({ exit: code, stderr: code === 0 ? '' : stderr }).toEqual({ exit: 0, stderr: '' });
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    const expected = 'assumed' in want ? issuedOutput(run) : expectedProcessOutput(want);
    expect(normaliseProcessOutput(printed)).toEqual(normaliseProcessOutput(expected));
  });
});
