/**
 * End to end through the built CLI against a real moto server (STS + IAM) with IAM auth
 * enforcement on: real SigV4 verification, real identity-policy and trust-policy evaluation —
 * an independent implementation, not our own STS rig.
 *
 * What moto 5.2 enforces once auth is on (found empirically, see the final `describe` too):
 * - SigV4 signatures are recomputed and compared: a wrong secret gets SignatureDoesNotMatch (403).
 * - An unknown access key id, or a session token sent with long-term keys, or a wrong session
 *   token with session keys, gets InvalidClientTokenId (403).
 * - sts:GetCallerIdentity is always allowed (as on AWS), for any valid key.
 * - AssumeRole needs BOTH an identity policy allowing sts:AssumeRole on the role ARN and a
 *   trust policy whose Principal.AWS equals (or lists) the caller's exact ARN.
 * Gaps (moto, not awsrole; documented, not asserted against):
 * - An unsigned request after enforcement is not refused cleanly: moto answers HTTP 500
 *   (it reads the missing Authorization header and fails), where AWS answers 403
 *   MissingAuthenticationToken. We assert "not 2xx, and 500".
 * - Trust policies are matched on the exact principal string only: an account principal
 *   (`arn:aws:iam::ACCOUNT:root`, or a bare account id) would NOT admit the account's users
 *   as it does on AWS. So the trust policies below name users by their full ARN.
 * - moto does not check the request date (no 5-minute clock-skew check), nor credential scope.
 *
 * Deliberate set-up so that each refusal has exactly one cause:
 * - deploy's trust policy names alice AND mallory; mallory has no policies, so her refusal
 *   is the identity-policy check alone.
 * - alice's only policy allows sts:AssumeRole on deploy AND locked; locked's trust policy names
 *   someone else, so her refusal on locked is the trust-policy check alone.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHome, runCli, type CliResult, type FakeHome } from '../support/cli.js';
import { usePython } from '../support/python.js';
import { MOTO_ACCOUNT, queryRequest, resetAuth, startMoto, xmlValue, type MotoServer, type QueryCredentials } from '../support/moto.js';

const ROLE_DEPLOY = `arn:aws:iam::${MOTO_ACCOUNT}:role/deploy`;
const ROLE_LOCKED = `arn:aws:iam::${MOTO_ACCOUNT}:role/locked`;
const USER_ALICE = `arn:aws:iam::${MOTO_ACCOUNT}:user/alice`;
const USER_MALLORY = `arn:aws:iam::${MOTO_ACCOUNT}:user/mallory`;
const OUTSIDER = `arn:aws:iam::${MOTO_ACCOUNT}:user/someone-else`;
/** Any key works while auth is off: moto looks at nothing in the no-auth window. */
const SETUP_KEY: QueryCredentials = { accessKeyId: 'AKIAMOTOSETUP0000000', secretAccessKey: 'setup-secret-not-checked' };
const WRONG_SECRET = 'WRONGSECRETwrongsecretWRONGSECRETwrong00';
const SESSION_NAME = 'moto-e2e';

interface Key {
  accessKeyId: string;
  secretAccessKey: string;
}

interface Created {
  alice: Key & { userId: string };
  mallory: Key & { userId: string };
}

const policy = (statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

let moto: MotoServer;
let created: Created;
let home: FakeHome;
/** Every secret this run created or received: none may ever reach stderr. */
const secrets = new Set<string>([WRONG_SECRET]);
const keyIds = new Set<string>();
const timings: string[] = [];

async function iam(action: string, params: Record<string, string>): Promise<string> {
  const result = await queryRequest(moto.url, 'iam', action, params, SETUP_KEY);
  if (result.status !== 200) throw new Error(`setup ${action} failed: HTTP ${result.status}\n${result.body}`);
  return result.body;
}

async function createUserWithKey(name: string): Promise<Key & { userId: string }> {
  const user = await iam('CreateUser', { UserName: name });
  const key = await iam('CreateAccessKey', { UserName: name });
  const accessKeyId = xmlValue(key, 'AccessKeyId');
  const secretAccessKey = xmlValue(key, 'SecretAccessKey');
  const userId = xmlValue(user, 'UserId');
  if (!accessKeyId || !secretAccessKey || !userId) throw new Error(`no key/user id in:\n${user}\n${key}`);
  return { accessKeyId, secretAccessKey, userId };
}

/**
 * The whole IAM set-up, in exactly SETUP_REQUESTS requests (asserted), all inside the
 * no-auth window that reset-auth opened. The request after these is the first one checked.
 */
const SETUP_REQUESTS = 8;
async function setUpIam(): Promise<Created> {
  let count = 0;
  const counted = async <T>(requests: number, work: Promise<T>): Promise<T> => {
    const value = await work;
    count += requests;
    return value;
  };
  const alice = await counted(2, createUserWithKey('alice')); // CreateUser, CreateAccessKey
  await counted(
    1,
    iam('PutUserPolicy', {
      UserName: 'alice',
      PolicyName: 'assume-deploy',
      PolicyDocument: policy([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [ROLE_DEPLOY, ROLE_LOCKED] }]),
    }),
  );
  const mallory = await counted(2, createUserWithKey('mallory')); // no policies at all
  await counted(
    1,
    iam('CreateRole', {
      RoleName: 'deploy',
      AssumeRolePolicyDocument: policy([{ Effect: 'Allow', Principal: { AWS: [USER_ALICE, USER_MALLORY] }, Action: 'sts:AssumeRole' }]),
    }),
  );
  await counted(
    1,
    iam('PutRolePolicy', {
      RoleName: 'deploy',
      PolicyName: 'read-self',
      PolicyDocument: policy([{ Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'iam:GetUser'], Resource: '*' }]),
    }),
  );
  await counted(
    1,
    iam('CreateRole', {
      RoleName: 'locked',
      AssumeRolePolicyDocument: policy([{ Effect: 'Allow', Principal: { AWS: OUTSIDER }, Action: 'sts:AssumeRole' }]),
    }),
  );
  if (count !== SETUP_REQUESTS) throw new Error(`set-up sent ${count} requests, SETUP_REQUESTS says ${SETUP_REQUESTS}`);
  return { alice, mallory };
}

function credentialsFile(): string {
  const { alice, mallory } = created;
  return `[alice]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}

[mallory]
aws_access_key_id = ${mallory.accessKeyId}
aws_secret_access_key = ${mallory.secretAccessKey}

[alice-wrong-secret]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${WRONG_SECRET}

[ghost]
aws_access_key_id = AKIAGHOSTGHOSTGHOST0
aws_secret_access_key = ${WRONG_SECRET}
`;
}

const CONFIG = `[profile alice]
region = us-east-1

[profile deploy]
role_arn = ${ROLE_DEPLOY}
source_profile = alice
role_session_name = ${SESSION_NAME}
region = us-east-1
`;

const mask = (keyId: string) => `****${keyId.slice(-4)}`;

/** Runs the CLI, records its time, and checks what must hold for every run: no secret, no full key id on stderr. */
async function cli(args: string[], extraEnv: Record<string, string> = {}, input?: string): Promise<CliResult> {
  const started = performance.now();
  const result = await runCli(args, { ...home.env, ...extraEnv }, input);
  timings.push(`${(performance.now() - started).toFixed(0).padStart(5)} ms  awsrole ${args.join(' ')}`);
  for (const secret of secrets) expect(result.stderr, `a secret reached stderr of ${args.join(' ')}`).not.toContain(secret);
  for (const keyId of keyIds) expect(result.stderr, `an unmasked key id reached stderr of ${args.join(' ')}`).not.toContain(keyId);
  return result;
}

interface StsCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

/** Remembers session credentials awsrole printed, so the stderr checks cover them too. */
function remember(credentials: StsCredentials): StsCredentials {
  secrets.add(credentials.SecretAccessKey);
  secrets.add(credentials.SessionToken);
  keyIds.add(credentials.AccessKeyId);
  return credentials;
}

function sessionEnv(credentials: StsCredentials): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: credentials.AccessKeyId, AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey, AWS_SESSION_TOKEN: credentials.SessionToken };
}

/** moto is the independent STS/IAM here: without it (outside CI) these say on one line that they were skipped. */
const motoPresent = usePython('moto.server', 'the end-to-end tests against moto (STS and IAM)');

describe.skipIf(!motoPresent)('against a real moto server', () => {
  beforeAll(async () => {
    const started = performance.now();
    moto = await startMoto();
    timings.push(`${(performance.now() - started).toFixed(0).padStart(5)} ms  moto.server up on ${moto.url}`);
    const setupStarted = performance.now();
    expect(await resetAuth(moto.url, SETUP_REQUESTS)).toBe('inf'); // a fresh server: auth was off for good
    created = await setUpIam();
    for (const user of [created.alice, created.mallory]) {
      secrets.add(user.secretAccessKey);
      keyIds.add(user.accessKeyId);
    }
    timings.push(`${(performance.now() - setupStarted).toFixed(0).padStart(5)} ms  IAM set-up (${SETUP_REQUESTS} requests)`);
  });

  afterAll(async () => {
    await moto?.close();
    if (timings.length > 0) process.stderr.write(`moto e2e timings:\n  ${timings.join('\n  ')}\n`);
  });

  beforeEach(async () => {
    home = await makeHome(
      { '.aws/credentials': credentialsFile(), '.aws/config': CONFIG },
      { AWS_ENDPOINT_URL_STS: moto.url, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
    );
  });

  afterEach(async () => {
    await home.cleanup();
  });

  describe('moto with IAM auth enforcement (the ground the other tests stand on)', () => {
    it('the no-auth window is closed right after the set-up: the next request with an unknown key is refused', async () => {
      const next = await queryRequest(moto.url, 'iam', 'CreateUser', { UserName: 'intruder' }, SETUP_KEY);
      expect(next.status).toBe(403);
      expect(next.errorCode).toBe('InvalidClientTokenId');
    });

    it('an unsigned request is refused — but as HTTP 500, not 403 (moto gap: missing Authorization header crashes the check)', async () => {
      const unsigned = await queryRequest(moto.url, 'sts', 'GetCallerIdentity', {});
      expect(unsigned.status).toBe(500);
    });

    it('moto verifies signatures: alice signed right is alice; signed with a wrong secret is SignatureDoesNotMatch', async () => {
      const good = await queryRequest(moto.url, 'sts', 'GetCallerIdentity', {}, created.alice);
      expect(good.status).toBe(200);
      expect(xmlValue(good.body, 'Arn')).toBe(USER_ALICE);
      const bad = await queryRequest(moto.url, 'sts', 'GetCallerIdentity', {}, { ...created.alice, secretAccessKey: WRONG_SECRET });
      expect(bad.status).toBe(403);
      expect(bad.errorCode).toBe('SignatureDoesNotMatch');
    });

    it('moto evaluates identity policies: alice may not iam:GetUser (her only policy is sts:AssumeRole)', async () => {
      const denied = await queryRequest(moto.url, 'iam', 'GetUser', {}, created.alice);
      expect(denied.status).toBe(403);
      expect(denied.errorCode).toBe('AccessDenied');
    });
  });

  describe('whoami', () => {
    it('--json --profile alice: moto’s account, alice’s ARN and user id, the key masked to its last four', async () => {
      const result = await cli(['whoami', '--json', '--profile', 'alice']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const who = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(who).toMatchObject({
        Account: MOTO_ACCOUNT,
        Arn: USER_ALICE,
        UserId: created.alice.userId,
        AccessKeyId: mask(created.alice.accessKeyId),
        Expiration: null,
        Source: { Profile: 'alice' },
      });
      expect(result.stdout).not.toContain(created.alice.accessKeyId);
      expect(result.stdout).not.toContain(created.alice.secretAccessKey);
    });

    it('--credentials-json - (stdin) works against moto too', async () => {
      const input = JSON.stringify({ AccessKeyId: created.mallory.accessKeyId, SecretAccessKey: created.mallory.secretAccessKey });
      const result = await cli(['whoami', '--json', '--credentials-json', '-'], {}, input);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ Arn: USER_MALLORY, UserId: created.mallory.userId, AccessKeyId: mask(created.mallory.accessKeyId) });
    });
  });

  describe('assume', () => {
    it('alice assumes deploy: ASIA session keys; whoami with them is the assumed role', async () => {
      const result = await cli(['assume', '--profile', 'alice', '--role-arn', ROLE_DEPLOY, '--role-session-name', SESSION_NAME, '--format', 'json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const session = remember(JSON.parse(result.stdout) as StsCredentials);
      expect(session.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(session.SecretAccessKey).not.toBe('');
      expect(session.SessionToken).not.toBe('');
      expect(session.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(JSON.parse(result.stdout)).toMatchObject({ Region: 'us-east-1' });

      const who = await cli(['whoami', '--json'], sessionEnv(session));
      expect(who.stderr).toBe('');
      expect(who.code).toBe(0);
      expect(JSON.parse(who.stdout)).toMatchObject({
        Account: MOTO_ACCOUNT,
        Arn: `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/deploy/${SESSION_NAME}`,
        UserId: expect.stringMatching(new RegExp(`^AROA[A-Z0-9]+:${SESSION_NAME}$`)),
        AccessKeyId: mask(session.AccessKeyId),
      });
    });

    it('moto checks the session token too: session keys with a wrong token are refused (exit 4)', async () => {
      const result = await cli(['assume', '--profile', 'alice', '--role-arn', ROLE_DEPLOY, '--format', 'json']);
      expect(result.code).toBe(0);
      const session = remember(JSON.parse(result.stdout) as StsCredentials);
      const who = await cli(['whoami', '--json'], { ...sessionEnv(session), AWS_SESSION_TOKEN: 'not-the-token' });
      expect(who.code).toBe(4);
      expect(who.stdout).toBe('');
      expect(who.stderr).toContain('InvalidClientTokenId');
    });

    it('a role profile (role_arn + source_profile = alice): assume --profile deploy, export --format process', async () => {
      const assumed = await cli(['assume', '--profile', 'deploy', '--format', 'json']);
      expect(assumed.stderr).toBe('');
      expect(assumed.code).toBe(0);
      const session = remember(JSON.parse(assumed.stdout) as StsCredentials);
      expect(session.AccessKeyId).toMatch(/^ASIA/);

      const exported = await cli(['export', '--profile', 'deploy', '--format', 'process']);
      expect(exported.stderr).toBe('');
      expect(exported.code).toBe(0);
      const processJson = JSON.parse(exported.stdout) as Record<string, unknown>;
      // credential_process version 1, plus the optional AccountId (taken from the assumed-role ARN).
      expect(Object.keys(processJson).sort()).toEqual(['AccessKeyId', 'AccountId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Version']);
      expect(processJson['Version']).toBe(1);
      expect(processJson['AccountId']).toBe(MOTO_ACCOUNT);
      expect(processJson['AccessKeyId']).toMatch(/^ASIA/);
      expect(processJson['Expiration']).toMatch(/Z$/);
      // The role session is cached the AWS CLI's way, so export reuses assume's session.
      expect(processJson['AccessKeyId']).toBe(session.AccessKeyId);

      // Forcing a new session gives different keys that moto also accepts as deploy.
      const fresh = await cli(['export', '--profile', 'deploy', '--format', 'process', '--refresh']);
      expect(fresh.stderr).toBe('');
      expect(fresh.code).toBe(0);
      const freshSession = remember(JSON.parse(fresh.stdout) as StsCredentials);
      expect(JSON.parse(fresh.stdout)).toMatchObject({ Version: 1, AccountId: MOTO_ACCOUNT });
      expect(freshSession.AccessKeyId).not.toBe(session.AccessKeyId);
      const who = await cli(['whoami', '--json'], sessionEnv(freshSession));
      expect(who.code).toBe(0);
      expect(JSON.parse(who.stdout)).toMatchObject({ Arn: `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/deploy/${SESSION_NAME}` });
    });
  });

  describe('refusals (exit 4, stdout empty, no secret on stderr)', () => {
    it('a wrong secret: moto refuses the signature (SignatureDoesNotMatch) for whoami and assume', async () => {
      const who = await cli(['whoami', '--json', '--profile', 'alice-wrong-secret']);
      expect(who.code).toBe(4);
      expect(who.stdout).toBe('');
      expect(who.stderr).toContain('SignatureDoesNotMatch');
      expect(who.stderr).toContain(mask(created.alice.accessKeyId));

      const assume = await cli(['assume', '--profile', 'alice-wrong-secret', '--role-arn', ROLE_DEPLOY, '--format', 'sh']);
      expect(assume.code).toBe(4);
      expect(assume.stdout).toBe('');
      expect(assume.stderr).toContain('SignatureDoesNotMatch');
    });

    it('an access key id moto does not know: InvalidClientTokenId', async () => {
      const result = await cli(['whoami', '--profile', 'ghost']);
      expect(result.code).toBe(4);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('InvalidClientTokenId');
      expect(result.stderr).not.toContain('AKIAGHOSTGHOSTGHOST0');
    });

    it('mallory (trusted by deploy, but no identity policy) assuming deploy: AccessDenied, both conditions taught', async () => {
      const result = await cli(['assume', '--profile', 'mallory', '--role-arn', ROLE_DEPLOY, '--format', 'sh']);
      expect(result.code).toBe(4);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`STS denied AssumeRole on ${ROLE_DEPLOY} for ${USER_MALLORY}`);
      expect(result.stderr).toContain('All must hold');
      expect(result.stderr).toContain(`the caller's IAM policies allow sts:AssumeRole on ${ROLE_DEPLOY}`);
      expect(result.stderr).toContain(`the role's trust policy names the caller (${USER_MALLORY})`);
    });

    it('alice (allowed by her policy) assuming locked, whose trust policy names someone else: moto enforces the trust policy', async () => {
      const result = await cli(['assume', '--profile', 'alice', '--role-arn', ROLE_LOCKED, '--format', 'json']);
      expect(result.code).toBe(4);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`STS denied AssumeRole on ${ROLE_LOCKED} for ${USER_ALICE}`);
      expect(result.stderr).toContain('All must hold');
    });

    // Regression: the role-session cache key once held only the AssumeRole arguments (as the AWS
    // CLI's does), so after alice assumed deploy with --role-arn, mallory and unknown keys got her
    // cached session. Ad-hoc sources are now part of the key.
    it('after alice assumed deploy, mallory (and an unknown key) assuming deploy in the same HOME is still refused', async () => {
      const before = await cli(['assume', '--profile', 'mallory', '--role-arn', ROLE_DEPLOY, '--format', 'json']);
      expect(before.code).toBe(4);
      const alice = await cli(['assume', '--profile', 'alice', '--role-arn', ROLE_DEPLOY, '--format', 'json']);
      expect(alice.code).toBe(0);
      remember(JSON.parse(alice.stdout) as StsCredentials);

      const mallory = await cli(['assume', '--profile', 'mallory', '--role-arn', ROLE_DEPLOY, '--format', 'json']);
      const ghost = await cli(['assume', '--profile', 'ghost', '--role-arn', ROLE_DEPLOY, '--format', 'json']);
      // Today: both exit 0 and print alice's session (same AccessKeyId as hers).
      expect({ mallory: mallory.code, ghost: ghost.code, malloryStdout: mallory.stdout, ghostStdout: ghost.stdout }).toEqual({
        mallory: 4,
        ghost: 4,
        malloryStdout: '',
        ghostStdout: '',
      });
    });
  });
});
