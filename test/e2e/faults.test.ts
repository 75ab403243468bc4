/**
 * Outside faults, bounded and explained: STS throttling, 5xx, hangs and garbage; an instance
 * metadata service that hangs, is slow, refuses or babbles; a credential_process that fails,
 * hangs or prints junk; credentials that have already expired.
 *
 * Every run asserts its exit code (DESIGN: 3 no credentials / broken source, 4 refused by STS,
 * 6 network), the number of requests the rig saw, what the message says, an empty stdout on
 * failure and no secret on stderr. Times are safety bounds (generous, never a performance
 * assertion): they catch a hang, not a slow machine.
 *
 * Nothing here leaves loopback: STS is the local rig, IMDS is either off or a loopback rig given
 * by AWS_EC2_METADATA_SERVICE_ENDPOINT (which beats the 169.254.169.254 default).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { fixtureCredentials, refusedPort, startBlackholeServer, startImdsServer, type ImdsChanges, type ImdsServer } from '../rigs/imds-server.js';
import { baseEnv, expectCleanFailure, runBounded, type BoundedResult } from './faults-support.js';
import { expectNoCanary, LOAD_SLACK_MS } from '../support/cli.js';
import { tempDir } from '../support/cleanup.js';

const { alice, roles } = FIXTURE;
const ALICE_ENV = { AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
/**
 * Node startup, SDK load, a loaded two-core machine: added to every computed bound. The bounds
 * tell "honoured its 1 s timeout" from "waited for something far longer" (a 60 s helper, a hang).
 */
const SLACK_MS = LOAD_SLACK_MS;

let rig: StsRig;
let scratch: string;
let homeCount = 0;

beforeAll(async () => {
  rig = await startStsServer();
  scratch = tempDir('awsrole-faults-');
});
afterAll(async () => {
  await rig.close();
  await rm(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  rig.clearFaults();
  rig.reset();
});

/** A fresh HOME with these files (paths relative to HOME). */
async function home(files: Record<string, string> = {}): Promise<string> {
  const dir = join(scratch, `home-${(homeCount += 1)}`);
  await mkdir(join(dir, '.aws'), { recursive: true, mode: 0o700 });
  for (const [relative, content] of Object.entries(files)) await writeFile(join(dir, relative), content, { mode: 0o600 });
  return dir;
}

function firstLine(result: BoundedResult): string {
  return result.stderr.split('\n')[0] ?? '';
}

// ---------------------------------------------------------------------------------------------
describe('STS throttling and 5xx: retried with backoff, then exit 6', () => {
  it('throttled on every attempt: 3 attempts (AWSROLE_STS_MAX_ATTEMPTS default), exit 6, says so', async () => {
    rig.fault({ kind: 'throttle' });
    const result = await runBounded(['whoami'], baseEnv(await home(), rig.url, ALICE_ENV));
    expectCleanFailure(result, 6);
    expect(rig.count('GetCallerIdentity')).toBe(3);
    expect(firstLine(result)).toMatch(/^awsrole: GetCallerIdentity at http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL_STS\) failed after 3 attempts: STS is throttling/);
    expect(result.stderr).toContain('hint: STS is throttling: wait a moment and retry; AWSROLE_STS_MAX_ATTEMPTS');
    expect(result.ms).toBeLessThan(25_000 + SLACK_MS); // SDK backoff is capped; this only catches a hang
  });

  it('throttled twice, then served: exit 0 and 3 calls recorded', async () => {
    rig.fault({ kind: 'throttle', times: 2 });
    const result = await runBounded(['whoami', '--json'], baseEnv(await home(), rig.url, ALICE_ENV));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rig.count('GetCallerIdentity')).toBe(3);
    expect(rig.calls.map((call) => call.status)).toEqual([400, 400, 200]);
    expect(JSON.parse(result.stdout)).toMatchObject({ Arn: alice.arn });
  });

  it('HTTP 500 on every attempt of AssumeRole: 3 attempts, exit 6, no "throttling" hint', async () => {
    rig.fault({ kind: 'http500' });
    const result = await runBounded(['assume', '--role-arn', roles.deploy], baseEnv(await home(), rig.url, ALICE_ENV));
    expectCleanFailure(result, 6);
    expect(rig.count('AssumeRole')).toBe(3);
    expect(firstLine(result)).toMatch(/AssumeRole at .* failed after 3 attempts: InternalFailure \(HTTP 500\)$/);
    expect(result.stderr).toContain('hint: STS (or something in front of it) is failing: retry later');
    expect(result.stderr).not.toContain('throttling');
  });

  it('HTTP 503 with AWSROLE_STS_MAX_ATTEMPTS=5: 5 attempts, and the message counts them', async () => {
    rig.fault({ kind: 'http503' });
    const result = await runBounded(['whoami'], baseEnv(await home(), rig.url, { ...ALICE_ENV, AWSROLE_STS_MAX_ATTEMPTS: '5' }));
    expectCleanFailure(result, 6);
    expect(rig.count()).toBe(5);
    expect(firstLine(result)).toContain('failed after 5 attempts: ServiceUnavailable (HTTP 503)');
  });

  it('HTTP 503 once, inside a role profile chain: retried, exit 0', async () => {
    rig.fault({ kind: 'http503', times: 1 });
    const dir = await home({
      '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
      '.aws/config': `[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\n`,
    });
    const result = await runBounded(['assume', '--profile', 'deploy', '--format', 'json'], baseEnv(dir, rig.url));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rig.count('AssumeRole')).toBe(2);
  });

  it('AWSROLE_STS_MAX_ATTEMPTS=1: no retry at all', async () => {
    rig.fault({ kind: 'throttle' });
    const result = await runBounded(['whoami'], baseEnv(await home(), rig.url, { ...ALICE_ENV, AWSROLE_STS_MAX_ATTEMPTS: '1' }));
    expectCleanFailure(result, 6);
    expect(rig.count()).toBe(1);
    expect(firstLine(result)).toContain('failed after 1 attempt: STS is throttling');
  });
});

// ---------------------------------------------------------------------------------------------
describe('STS hanging, slow, unreachable or answering garbage', () => {
  it('hanging with AWSROLE_STS_TIMEOUT=1: exit 6 within attempts × 1 s (+ slack), "no answer within 1 s"', async () => {
    rig.fault({ kind: 'hang' });
    const result = await runBounded(['whoami'], baseEnv(await home(), rig.url, { ...ALICE_ENV, AWSROLE_STS_TIMEOUT: '1' }));
    expectCleanFailure(result, 6);
    expect(rig.count()).toBe(3);
    expect(firstLine(result)).toMatch(/GetCallerIdentity at http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL_STS\) failed after 3 attempts: no answer within 1 s$/);
    expect(result.stderr).toContain('AWSROLE_STS_TIMEOUT');
    expect(result.ms).toBeGreaterThanOrEqual(3 * 1000 - 100); // it did wait for each attempt
    expect(result.ms).toBeLessThan(3 * 1000 + 5000 + SLACK_MS); // 3 attempts, backoff, slack
  });

  it('hanging with one attempt: gives up after about the timeout', async () => {
    rig.fault({ kind: 'hang' });
    const result = await runBounded(['assume', '--role-arn', roles.deploy], baseEnv(await home(), rig.url, { ...ALICE_ENV, AWSROLE_STS_TIMEOUT: '1', AWSROLE_STS_MAX_ATTEMPTS: '1' }));
    expectCleanFailure(result, 6);
    expect(rig.count()).toBe(1);
    expect(firstLine(result)).toContain('failed after 1 attempt: no answer within 1 s');
    expect(result.ms).toBeLessThan(1000 + SLACK_MS);
  });

  it('slow beyond the timeout once: the retry gets through (2 calls, exit 0)', async () => {
    rig.fault({ kind: 'slow', delayMs: 2500, times: 1 });
    const result = await runBounded(['whoami', '--json'], baseEnv(await home(), rig.url, { ...ALICE_ENV, AWSROLE_STS_TIMEOUT: '1' }));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rig.count()).toBe(2);
  });

  it('slow within the timeout: just slower (1 call, exit 0)', async () => {
    rig.fault({ kind: 'slow', delayMs: 300 });
    const result = await runBounded(['whoami', '--json'], baseEnv(await home(), rig.url, { ...ALICE_ENV, AWSROLE_STS_TIMEOUT: '2' }));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rig.count()).toBe(1);
  });

  it('nothing listening: exit 6, names the endpoint and the refusal', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}`;
    const result = await runBounded(['whoami'], baseEnv(await home(), url, ALICE_ENV));
    expectCleanFailure(result, 6);
    expect(firstLine(result)).toContain(`GetCallerIdentity at ${url} (AWS_ENDPOINT_URL_STS) failed after 3 attempts: `);
    expect(firstLine(result)).toContain('ECONNREFUSED');
  });

  /*
   * Garbage: the exit code. Not 1 ("internal error, a bug: please report it"): awsrole did
   * nothing wrong. Not 4 (refused by STS): STS never said no; the answer is not from STS at all.
   * It is the endpoint failing, like a 5xx from a proxy in front of it: 6, with a hint to check
   * the endpoint settings (a wrong AWS_ENDPOINT_URL_STS, a captive portal, a proxy).
   * The SDK does not retry an unreadable 200, so the rig sees one request.
   */
  it('an HTML page with HTTP 200: exit 6 "not from STS", one line, not retried', async () => {
    rig.fault({ kind: 'garbage' });
    const result = await runBounded(['assume', '--role-arn', roles.deploy], baseEnv(await home(), rig.url, ALICE_ENV));
    expectCleanFailure(result, 6);
    expect(rig.count()).toBe(1);
    expect(result.stderr).toMatch(/^awsrole: AssumeRole at http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL_STS\) got an answer that is not from STS: HTTP 200 with a body that is not STS's XML \([^\n]*\)\n {2}hint: something other than STS answered: check --endpoint-url[^\n]*\n$/);
  });

  it('an empty HTTP 200 to GetCallerIdentity: exit 6, never a blank identity with exit 0', async () => {
    rig.fault({ kind: 'garbage', body: '' });
    const result = await runBounded(['whoami', '--json'], baseEnv(await home(), rig.url, ALICE_ENV));
    expectCleanFailure(result, 6);
    expect(firstLine(result)).toContain('got an answer that is not from STS: HTTP 200 without Account, Arn, UserId');
  });

  it('well-formed XML without credentials to AssumeRole: exit 6, not an internal error', async () => {
    rig.fault({ kind: 'garbage', body: '<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>' });
    const result = await runBounded(['assume', '--role-arn', roles.deploy, '--format', 'json'], baseEnv(await home(), rig.url, ALICE_ENV));
    expectCleanFailure(result, 6);
    expect(firstLine(result)).toContain('HTTP 200 without Credentials.AccessKeyId');
  });
});

// ---------------------------------------------------------------------------------------------
describe('instance metadata (IMDS) failing: the chain ends with exit 3 and --explain says why', () => {
  /** The default (1 s), not set: a timeout the user sets applies to the IMDSv1 fallback too. */
  const TIMEOUT_S = 1;
  /** 1 attempt per request: at most a token PUT (the timeout) and one IMDSv1 GET (0.1 s after a silent PUT) time out. */
  const BOUND_MS = TIMEOUT_S * 1000 + 100 + SLACK_MS;
  let imds: ImdsServer;

  beforeEach(async () => {
    imds = await startImdsServer();
  });
  afterEach(async () => {
    await imds.close();
  });

  /** Nothing configured but IMDS on loopback: AWS_EC2_METADATA_DISABLED unset. */
  function imdsEnv(dir: string, endpoint: string): Record<string, string> {
    const env = baseEnv(dir, rig.url, { AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint });
    delete env['AWS_EC2_METADATA_DISABLED'];
    return env;
  }

  interface ImdsCase {
    name: string;
    rig: ImdsChanges;
    /** What --explain must say on the iam-role line. */
    reason: RegExp;
  }

  const CASES: ImdsCase[] = [
    { name: 'hanging', rig: { modes: { token: 'hang', roles: 'hang', credentials: 'hang' } }, reason: /no answer from http:\/\/127\.0\.0\.1:\d+\/ within 100 ms \(1 attempt; IMDSv1, no token: token PUT got no answer within 1000 ms\); set AWS_EC2_METADATA_DISABLED=true off EC2/ },
    { name: 'slow (every answer after 2.5 s)', rig: { delayMs: 2500 }, reason: /no answer from http:\/\/127\.0\.0\.1:\d+\/ within 100 ms \(1 attempt; IMDSv1, no token: token PUT got no answer within 1000 ms\)/ },
    { name: '401 on the token, IMDSv2 required', rig: { modes: { token: 401 }, v2Only: true }, reason: /answered HTTP 401 to GET \/latest\/meta-data\/iam\/security-credentials\/ \(1 attempt; IMDSv1, no token: token PUT answered HTTP 401\)/ },
    { name: '500 on the role list', rig: { modes: { roles: 500 } }, reason: /answered HTTP 500 to GET \/latest\/meta-data\/iam\/security-credentials\// },
    { name: 'garbage instead of the credentials JSON', rig: { modes: { credentials: 'garbage' } }, reason: /answered GET \/latest\/meta-data\/iam\/security-credentials\/awsrole-test-instance-role with a body that is not JSON/ },
  ];

  for (const c of CASES) {
    it(`${c.name}: export exits 3 in time; whoami --explain names the reason`, async () => {
      imds.set(c.rig);
      const dir = await home();
      const exported = await runBounded(['export'], imdsEnv(dir, imds.url));
      expectCleanFailure(exported, 3);
      expect(exported.ms).toBeLessThan(BOUND_MS);
      expect(firstLine(exported)).toMatch(/^awsrole: no credentials found \(profile default\); tried .*iam-role$/);
      expect(imds.count('token')).toBe(1);

      const explained = await runBounded(['whoami', '--explain'], imdsEnv(dir, imds.url));
      expectCleanFailure(explained, 3);
      expect(explained.ms).toBeLessThan(BOUND_MS);
      const line = explained.stderr.split('\n').find((text) => /^\S+\s+\d+\. iam-role\s/.test(text));
      expect(line, `an iam-role line in:\n${explained.stderr}`).toMatch(/^· +\d+\. iam-role +skipped +/);
      expect(line).toMatch(c.reason);
      expect(rig.count(), 'no STS call without credentials').toBe(0);
    });
  }

  it('slow but within the timeout: the instance role is found (exit 0)', async () => {
    imds.set({ delayMs: 200 });
    const result = await runBounded(['export', '--format', 'json'], imdsEnv(await home(), imds.url));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({ AccessKeyId: fixtureCredentials().AccessKeyId });
  });

  it('a port that accepts and never answers: exit 3 within the timeout + 0.1 s', async () => {
    const blackhole = await startBlackholeServer();
    try {
      const result = await runBounded(['whoami', '--explain'], imdsEnv(await home(), blackhole.url));
      expectCleanFailure(result, 3);
      expect(result.ms).toBeLessThan(BOUND_MS);
      expect(result.stderr).toMatch(/iam-role +skipped +no answer from http:\/\/127\.0\.0\.1:\d+\/ within 100 ms \(1 attempt; IMDSv1, no token: token PUT got no answer within 1000 ms\)/);
      expect(blackhole.connections()).toBe(2); // the token PUT, then the IMDSv1 GET
    } finally {
      await blackhole.close();
    }
  });

  it('nothing listening: exit 3 at once, "could not connect"', async () => {
    const port = await refusedPort();
    const result = await runBounded(['whoami', '--explain'], imdsEnv(await home(), `http://127.0.0.1:${port}/`));
    expectCleanFailure(result, 3);
    expect(result.ms).toBeLessThan(BOUND_MS);
    expect(result.stderr).toMatch(/iam-role +skipped +could not connect to http:\/\/127\.0\.0\.1:\d+\//);
  });
});

// ---------------------------------------------------------------------------------------------
describe('credential_process failing, hanging, babbling: exit 3', () => {
  const processProfile = (command: string): Record<string, string> => ({ '.aws/config': `[default]\ncredential_process = ${command}\n` });

  it('exits 1 with a message on stderr: exit 3, and its first stderr line is shown', async () => {
    const dir = await home(processProfile(`sh -c "echo 'vault: permission denied for role ops' >&2; echo 'stack trace line 2' >&2; exit 1"`));
    const result = await runBounded(['export'], baseEnv(dir, rig.url));
    expectCleanFailure(result, 3);
    expect(firstLine(result)).toBe('awsrole: custom-process: credential_process of profile default exited with code 1: vault: permission denied for role ops');
    expect(result.stderr).not.toContain('stack trace line 2');
    expect(result.stderr).toMatch(/\n {2}hint: run `sh` by hand to see why\n$/);
  });

  it('hangs (AWSROLE_PROCESS_TIMEOUT=1): stopped, exit 3, the message says so', async () => {
    const dir = await home(processProfile(`${process.execPath} -e "setTimeout(() => {}, 30000)"`));
    const result = await runBounded(['export'], baseEnv(dir, rig.url, { AWSROLE_PROCESS_TIMEOUT: '1' }));
    expectCleanFailure(result, 3);
    expect(result.ms).toBeLessThan(1000 + SLACK_MS);
    expect(firstLine(result)).toBe('awsrole: custom-process: credential_process of profile default did not finish within 1 s and was stopped');
    expect(result.stderr).toContain('AWSROLE_PROCESS_TIMEOUT');
  });

  // BUG (src/deps.ts runProcess): on timeout only the direct child is SIGKILLed and awsrole waits
  // for 'close', i.e. for the stdout/stderr pipes; a helper script whose own child (here `sleep`)
  // still holds them keeps awsrole waiting until that grandchild exits: the "1 s" limit becomes
  // 60 s here, and forever for a helper that never ends. Fix: spawn detached and kill the process
  // group (process.kill(-pid)), and settle on the timer without waiting for the pipes.
  it('a hanging helper script (sh → sleep): stopped after the timeout too', async () => {
    const dir = await home(processProfile('sh -c "sleep 60; echo late"'));
    const result = await runBounded(['export'], baseEnv(dir, rig.url, { AWSROLE_PROCESS_TIMEOUT: '1' }), { limitMs: 120_000 });
    expectCleanFailure(result, 3);
    expect(firstLine(result)).toContain('did not finish within 1 s and was stopped');
    expect(result.ms).toBeLessThan(1000 + SLACK_MS);
  });

  it('prints junk: exit 3 "did not print JSON"', async () => {
    const dir = await home(processProfile('echo AccessKeyId=AKIAJUNK SecretAccessKey=junkSECRETCANARY'));
    const result = await runBounded(['export'], baseEnv(dir, rig.url));
    expectCleanFailure(result, 3);
    expect(firstLine(result)).toBe('awsrole: custom-process: credential_process of profile default did not print JSON');
  });

  it('prints Version 2: exit 3, names the version', async () => {
    const dir = await home(processProfile(`echo '{"Version": 2, "AccessKeyId": "AKIAV2", "SecretAccessKey": "v2SECRETCANARY"}'`));
    const result = await runBounded(['export'], baseEnv(dir, rig.url));
    expectCleanFailure(result, 3);
    expect(firstLine(result)).toContain('printed Version 2; only version 1 is supported');
  });
});

// ---------------------------------------------------------------------------------------------
describe('credentials that have already expired', () => {
  it('credential_process with an Expiration in the past: exit 3, says they expired and when', async () => {
    const document = JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROCESSEXPIRED01', SecretAccessKey: 'oldSECRETCANARY', SessionToken: 'oldTOKENCANARY', Expiration: '2020-01-02T03:04:05Z' });
    const dir = await home({ '.aws/config': `[default]\ncredential_process = echo '${document}'\n` });
    const result = await runBounded(['export'], baseEnv(dir, rig.url));
    expectCleanFailure(result, 3);
    expect(firstLine(result)).toBe('awsrole: custom-process: the credentials from credential_process of profile default expired at 2020-01-02T03:04:05Z');
    expect(result.stderr).toContain('hint: get fresh credentials');
    expect(rig.count()).toBe(0);
  });

  it('env keys with AWS_CREDENTIAL_EXPIRATION in the past: exit 3, no STS call', async () => {
    const env = baseEnv(await home(), rig.url, { ...ALICE_ENV, AWS_SESSION_TOKEN: 'staleTOKENCANARY', AWS_CREDENTIAL_EXPIRATION: '2021-06-01T00:00:00Z' });
    const result = await runBounded(['whoami'], env);
    expectCleanFailure(result, 3);
    expect(firstLine(result)).toBe('awsrole: env: the credentials from the environment (AWS_CREDENTIAL_EXPIRATION) expired at 2021-06-01T00:00:00Z');
    expect(rig.count()).toBe(0);
  });

  describe('an STS session that expired (the rig clock moved 2 h on): exit 4, ExpiredToken explained', () => {
    let clockRig: StsRig;
    let session: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };

    beforeAll(async () => {
      // No signature-date check, so requests signed "now" still reach the expiry check after the move.
      clockRig = await startStsServer({ maxClockSkewMs: Number.POSITIVE_INFINITY });
      const issued = await runBounded(['assume', '--role-arn', roles.deploy, '--duration', '900', '--format', 'json'], baseEnv(await home(), clockRig.url, ALICE_ENV));
      expect({ code: issued.code, stderr: issued.stderr }).toEqual({ code: 0, stderr: '' });
      session = JSON.parse(issued.stdout) as typeof session;
      const later = 2 * 3600 * 1000;
      clockRig.setClock(() => new Date(Date.now() + later));
    });
    afterAll(async () => {
      await clockRig.close();
    });
    beforeEach(() => {
      clockRig.reset();
    });

    const sessionEnv = (): Record<string, string> => ({ AWS_ACCESS_KEY_ID: session.AccessKeyId, AWS_SECRET_ACCESS_KEY: session.SecretAccessKey, AWS_SESSION_TOKEN: session.SessionToken });

    it('whoami with the expired session in the environment', async () => {
      const result = await runBounded(['whoami'], baseEnv(await home(), clockRig.url, sessionEnv()));
      expectCleanFailure(result, 4);
      // A real STS would be asked once. The rig's Date header runs 2 h ahead, so the SDK takes
      // the error for clock skew, corrects its clock and retries (up to the attempt count).
      expect(clockRig.count()).toBeGreaterThanOrEqual(1);
      expect(clockRig.count()).toBeLessThanOrEqual(3);
      expect(firstLine(result)).toContain('STS refused GetCallerIdentity (ExpiredToken)');
      expect(result.stderr).toContain('hint: the source credentials have expired: refresh them');
    });

    it('assume --role-arn on top of it names the expired source', async () => {
      const result = await runBounded(['assume', '--role-arn', roles.admin], baseEnv(await home(), clockRig.url, sessionEnv()));
      expectCleanFailure(result, 4);
      expect(firstLine(result)).toMatch(/^awsrole: STS refused AssumeRole: the source credentials from env: .* have expired$/);
      expect(result.stderr).toContain('hint: refresh that source');
    });

    it('a role profile whose source_profile holds the expired session names that source', async () => {
      const dir = await home({
        '.aws/credentials': `[stale]\naws_access_key_id = ${session.AccessKeyId}\naws_secret_access_key = ${session.SecretAccessKey}\naws_session_token = ${session.SessionToken}\n`,
        '.aws/config': `[profile admin]\nrole_arn = ${roles.admin}\nsource_profile = stale\n`,
      });
      const result = await runBounded(['assume', '--profile', 'admin'], baseEnv(dir, clockRig.url));
      expectCleanFailure(result, 4);
      expect(firstLine(result)).toContain('STS refused AssumeRole: the source credentials from');
      expect(firstLine(result)).toContain('have expired');
      expect(firstLine(result)).toContain('stale');
      expectNoCanary(result.stderr);
    });
  });
});
