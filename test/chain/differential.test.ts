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
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from './cases.js';
import type { ChainCase, WantError, WantFound } from './cases.js';
import {
  AWSROLE_BIN,
  BotocoreServer,
  ROOT,
  botocoreAsWant,
  expectedProcessOutput,
  issuedForLastCall,
  mapLimit,
  normaliseProcessOutput,
  recordedRoleCalls,
  runAwsrole,
  runBotocore,
  wantAsBotocore,
} from './harness.js';
import type { BotocoreResult, RunResult, Spawned } from './harness.js';

const PARALLEL = 8;
const cliBuilt = existsSync(AWSROLE_BIN) && existsSync(join(ROOT, 'dist', 'awsrole.cjs'));

interface Outcome {
  boto: RunResult<BotocoreResult>;
  aws: RunResult<Spawned> | undefined;
}

const outcomes = new Map<string, Outcome>();

function outcome(c: ChainCase): Outcome {
  const found = outcomes.get(c.name);
  if (found === undefined) throw new Error(`no outcome for ${c.name}`);
  return found;
}

let server: BotocoreServer | undefined;

beforeAll(async () => {
  server = new BotocoreServer();
  const botocore = server;
  await mapLimit(cases, PARALLEL, async (c) => {
    const [boto, aws] = await Promise.all([runBotocore(c, botocore), cliBuilt ? runAwsrole(c) : Promise.resolve(undefined)]);
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

describe('the harness', () => {
  it('botocore_resolve.py gives the same answer in single-case mode as in --serve mode', async () => {
    const sample = cases.filter((c) => ['§1', '§4', '§7', '§10'].includes(c.spec)).filter((_, i) => i % 9 === 0);
    const single = await mapLimit(sample, PARALLEL, (c) => runBotocore(c));
    expect(single.map((run) => botocoreAsWant(run.result))).toEqual(sample.map((c) => botocoreAsWant(outcome(c).boto.result)));
  });

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
    const detail = boto.result.ok ? '' : boto.result.message;
    expect(botocoreAsWant(boto.result), detail).toEqual(wantAsBotocore(c.want));
    if (c.role !== undefined) expect(recordedRoleCalls(boto)).toEqual(c.role.calls);
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
    if (aws === undefined) throw new Error('bin/awsrole is not built: run `npm run build`');
    if (aws.result.timedOut) throw new Error(`awsrole timed out; stderr: ${aws.result.stderr}`);
    const want = c.want;
    if ('assumed' in want) {
      assertAwsroleAssumed(aws);
      expect(recordedRoleCalls(aws)).toEqual(recordedRoleCalls(boto));
      return;
    }
    if ('error' in want) {
      assertAwsroleFailed(aws, want);
    } else {
      assertAwsroleFound(aws, want);
    }
    if (c.role !== undefined) expect(recordedRoleCalls(aws)).toEqual(recordedRoleCalls(boto));
  });
});

const deviations = cases.filter((c) => c.deviation !== undefined);

describe.skipIf(deviations.length === 0)('awsrole deviates deliberately (documented)', () => {
  it.each(deviations)('$spec $name', (c) => {
    const { aws } = outcome(c);
    if (aws === undefined) throw new Error('bin/awsrole is not built: run `npm run build`');
    const instead = c.deviation?.awsrole;
    if (instead === undefined) throw new Error('deviation without awsrole');
    if ('assumed' in instead) assertAwsroleAssumed(aws);
    else if ('error' in instead) assertAwsroleFailed(aws, instead);
    else assertAwsroleFound(aws, instead);
    expect(recordedRoleCalls(aws)).toEqual(c.deviation?.calls ?? []);
  });
});
