/**
 * Differential test of the credential chain: every row of cases.ts runs through botocore
 * (python3, botocore_resolve.py) and through `awsrole export --format process`, each in its
 * own temporary HOME with a from-scratch environment and loopback rigs.
 *
 * 1. The row's `want` must match botocore: this validates the table itself.
 * 2. awsrole must agree with botocore: the same credentials, or both fail (awsrole with the
 *    row's exit code and an empty stdout). Role rows compare the AssumeRole requests the STS rig
 *    recorded (RoleArn, ExternalId, DurationSeconds, SerialNumber, signing key) instead of the
 *    random keys it returned.
 * Rows with `deviation` are where awsrole deliberately differs; they assert what awsrole does.
 *
 * botocore is live when python3 can import it, and then its answers must equal the ones
 * recorded in botocore-results.json (`npm run record-botocore` refreshes them). Without it
 * (outside CI) the rows are held to the recorded answers; under CI it is a failure.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from './cases.js';
import type { ChainCase, WantError, WantFound } from './cases.js';
import {
  BotocoreServer,
  RECORDING_PATH,
  botocoreAnswer,
  botocoreAsWant,
  botocoreVersion,
  expectedProcessOutput,
  issuedForLastCall,
  mapLimit,
  normaliseProcessOutput,
  readRecording,
  recordedRoleCalls,
  recordingOf,
  runAwsrole,
  runBotocore,
  wantAsBotocore,
} from './harness.js';
import type { BotocoreAnswer, RunResult, Spawned } from './harness.js';
import { usePython } from '../support/python.js';
import { CLI_BUILT, NOT_BUILT } from '../support/cli.js';

const PARALLEL = 8;
const live = usePython('botocore', 'the live botocore oracle of the chain table', 'the rows are held to test/chain/botocore-results.json instead');
const recording = process.env['AWSROLE_RECORD_BOTOCORE'] === '1';

interface Outcome {
  boto: BotocoreAnswer;
  aws: RunResult<Spawned> | undefined;
}

const outcomes = new Map<string, Outcome>();

function outcome(c: ChainCase): Outcome {
  const found = outcomes.get(c.name);
  if (found === undefined) throw new Error(`no outcome for ${c.name}`);
  return found;
}

/** botocore's recorded answer for a row; a row added since the recording needs a new one. */
function recordedAnswer(c: ChainCase): BotocoreAnswer {
  const answer = readRecording().cases[c.name];
  if (answer === undefined) throw new Error(`no recorded botocore answer for "${c.name}": run \`npm run record-botocore\` with botocore installed`);
  return answer;
}

let server: BotocoreServer | undefined;

beforeAll(async () => {
  if (live) server = new BotocoreServer();
  const botocore = server;
  await mapLimit(cases, PARALLEL, async (c) => {
    const [boto, aws] = await Promise.all([
      botocore === undefined ? Promise.resolve(recordedAnswer(c)) : runBotocore(c, botocore).then(botocoreAnswer),
      CLI_BUILT ? runAwsrole(c) : Promise.resolve(undefined),
    ]);
    outcomes.set(c.name, { boto, aws });
  });
});

afterAll(() => server?.close());

describe('the case table', () => {
  it('has unique names and covers every section §0–§10', () => {
    const names = cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const sections = new Set(cases.map((c) => c.spec));
    for (const s of ['§0', '§1', '§2', '§4', '§5', '§6', '§7', '§8', '§9', '§10']) expect(sections).toContain(s);
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });
});

describe.skipIf(!live)('the live botocore oracle', () => {
  it('botocore_resolve.py gives the same answer in single-case mode as in --serve mode', async () => {
    const sample = cases.filter((c) => ['§1', '§4', '§7', '§10'].includes(c.spec)).filter((_, i) => i % 9 === 0);
    const single = await mapLimit(sample, PARALLEL, (c) => runBotocore(c));
    expect(single.map((run) => botocoreAsWant(run.result))).toEqual(sample.map((c) => outcome(c).boto.answer));
  });

  it(recording ? 'writes its answers to botocore-results.json' : 'answers as recorded in botocore-results.json (else `npm run record-botocore`)', () => {
    const answers = recordingOf(botocoreVersion(), new Map(cases.map((c) => [c.name, outcome(c).boto])));
    if (recording) {
      writeFileSync(RECORDING_PATH, `${JSON.stringify(answers, null, 2)}\n`);
      return;
    }
    expect(answers.cases, 'botocore answers differently from the recording: run `npm run record-botocore`').toEqual(readRecording().cases);
  });
});

describe('the harness', () => {
  it('refuses to run a case whose STS or IMDS is not on loopback', async () => {
    // Both addresses are rejected before anything is spawned: never contacted.
    const realSts: ChainCase = { name: 'guard: sts', spec: '§7', env: { AWS_ENDPOINT_URL_STS: 'https://sts.amazonaws.com' }, want: { error: 'NoCredentials', exit: 3 } };
    const realImds: ChainCase = { name: 'guard: imds', spec: '§9', env: { AWS_EC2_METADATA_DISABLED: 'false' }, want: { error: 'NoCredentials', exit: 3 } };
    await expect(runBotocore(realSts)).rejects.toThrow(/loopback/);
    await expect(runBotocore(realImds)).rejects.toThrow(/loopback/);
    await expect(runAwsrole(realImds)).rejects.toThrow(/loopback/);
  });
});

describe('each row matches botocore', () => {
  it.each(cases)('$spec $name', (c) => {
    const { boto } = outcome(c);
    expect(boto.answer, boto.message).toEqual(wantAsBotocore(c.want));
    if (c.role !== undefined) expect(boto.roleCalls).toEqual(c.role.calls);
  });
});

function assertAwsroleFound(aws: RunResult<Spawned>, want: WantFound): void {
  const { result } = aws;
  expect({ exit: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ exit: 0, stderr: '' });
  const printed = JSON.parse(result.stdout) as Record<string, unknown>;
  expect(normaliseProcessOutput(printed)).toEqual(normaliseProcessOutput(expectedProcessOutput(want)));
}

/** exit 0 with the credentials the STS rig issued for the last AssumeRole call. */
function assertAwsroleAssumed(aws: RunResult<Spawned>): void {
  const { result } = aws;
  expect({ exit: result.code, stdout: result.code === 0 ? '(json)' : result.stdout }, result.stderr).toEqual({ exit: 0, stdout: '(json)' });
  const printed = JSON.parse(result.stdout) as { AccessKeyId?: string };
  expect(issuedForLastCall(aws, printed.AccessKeyId ?? '')).toBe(true);
}

function assertAwsroleFailed(aws: RunResult<Spawned>, want: WantError): void {
  const { result } = aws;
  expect({ exit: result.code, stdout: result.stdout }, result.stderr).toEqual({ exit: want.exit, stdout: '' });
}

describe('awsrole agrees with botocore', () => {
  it.each(cases.filter((c) => c.deviation === undefined))('$spec $name', (c) => {
    const { boto, aws } = outcome(c);
    if (aws === undefined) throw new Error(NOT_BUILT);
    if (aws.result.timedOut) throw new Error(`awsrole timed out; stderr: ${aws.result.stderr}`);
    const want = c.want;
    if ('assumed' in want) {
      assertAwsroleAssumed(aws);
      expect(recordedRoleCalls(aws)).toEqual(boto.roleCalls);
      return;
    }
    if ('error' in want) {
      assertAwsroleFailed(aws, want);
    } else {
      assertAwsroleFound(aws, want);
    }
    if (c.role !== undefined) expect(recordedRoleCalls(aws)).toEqual(boto.roleCalls);
  });
});

const deviations = cases.filter((c) => c.deviation !== undefined);

describe.skipIf(deviations.length === 0)('awsrole deviates deliberately (documented)', () => {
  it.each(deviations)('$spec $name', (c) => {
    const { aws } = outcome(c);
    if (aws === undefined) throw new Error(NOT_BUILT);
    const instead = c.deviation?.awsrole;
    if (instead === undefined) throw new Error('deviation without awsrole');
    if ('assumed' in instead) assertAwsroleAssumed(aws);
    else if ('error' in instead) assertAwsroleFailed(aws, instead);
    else assertAwsroleFound(aws, instead);
    expect(recordedRoleCalls(aws)).toEqual(c.deviation?.calls ?? []);
  });
});
