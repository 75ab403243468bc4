import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  DecodeAuthorizationMessageCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  type Credentials,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tracked, tempDir } from '../support/cleanup.js';
import { LOAD_SLACK_MS } from '../support/cli.js';
import { FIXTURE, MESSAGES, StsModel, startStsServer, type StsRig } from './sts-server.js';

const T0 = new Date('2030-01-01T00:00:00Z');
let clock = T0;
let rig: StsRig;

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const alice: Creds = { accessKeyId: FIXTURE.alice.accessKeyId, secretAccessKey: FIXTURE.alice.secretAccessKey };
const bob: Creds = { accessKeyId: FIXTURE.bob.accessKeyId, secretAccessKey: FIXTURE.bob.secretAccessKey };

/** A real SDK client against the rig, its clock lined up with the rig's. */
function sts(credentials: Creds, extra: Partial<STSClientConfig> = {}, target: StsRig = rig): STSClient {
  return new STSClient({
    endpoint: target.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    systemClockOffset: target.now().getTime() - Date.now(),
    ...extra,
  });
}

function creds(c: Credentials | undefined): Creds {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials in answer');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

interface SdkError {
  name: string;
  message: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** Runs `p`, expects an SDK error whose name is `code` (or the modelled class name). */
async function refused(p: Promise<unknown>, code: string, status: number, message?: string | RegExp, name = code): Promise<SdkError> {
  const error = (await p.then(
    () => {
      throw new Error(`expected ${code}, got success`);
    },
    (e: unknown) => e,
  )) as SdkError;
  expect(error.name).toBe(name);
  expect(error.$metadata?.httpStatusCode).toBe(status);
  if (message !== undefined) {
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  }
  return error;
}

const denied = (who: string, role: string): string =>
  `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${role}`;

async function assumeDeploy(extra: Partial<{ DurationSeconds: number }> = {}): Promise<Creds> {
  const out = await sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'ci', ...extra }));
  return creds(out.Credentials);
}

beforeAll(async () => {
  rig = await startStsServer({ now: () => clock });
});
afterAll(async () => {
  await rig.close();
});
beforeEach(() => {
  clock = T0;
  rig.clearFaults();
  rig.reset();
});

describe('fixture', () => {
  it('has 20-char fake key ids and 40-char canary secrets', () => {
    for (const u of [FIXTURE.alice, FIXTURE.bob]) {
      expect(u.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
      expect(u.accessKeyId).toContain('EXAMPLE');
      expect(u.secretAccessKey).toHaveLength(40);
      expect(u.secretAccessKey).toContain('SECRETCANARY');
    }
  });
});

describe('GetCallerIdentity', () => {
  it('names the IAM user', async () => {
    const out = await sts(alice).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Account: '111122223333', Arn: FIXTURE.alice.arn, UserId: 'AIDAALICEEXAMPLE00001' });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names the assumed-role session', async () => {
    const out = await sts(await assumeDeploy()).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({
      Account: '111122223333',
      Arn: 'arn:aws:sts::111122223333:assumed-role/deploy/ci',
      UserId: 'AROADEPLOYEXAMPLE0001:ci',
    });
  });

  it('accepts a signed GET query request', async () => {
    const signer = new SignatureV4({ service: 'sts', region: 'eu-west-1', credentials: alice, sha256: Sha256 });
    const url = new URL(rig.url);
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host: url.host },
      },
      { signingDate: clock },
    );
    const res = await fetch(`${rig.url}/?Action=GetCallerIdentity&Version=2011-06-15`, { headers: signed.headers });
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(body).toContain(`<Arn>${FIXTURE.alice.arn}</Arn>`);
    expect(res.headers.get('date')).toBe(clock.toUTCString());
  });

  it('refuses unsigned requests and unknown actions', async () => {
    const unsigned = await fetch(rig.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(unsigned.status).toBe(403);
    const body = await unsigned.text();
    expect(body).toMatch(/<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    expect(body).toContain('<Code>MissingAuthenticationToken</Code>');
    const unknown = await fetch(`${rig.url}/?Action=GetAccessKeyInfo&Version=2011-06-15`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<Code>InvalidAction</Code>');
  });
});

describe('AssumeRole', () => {
  it('issues ASIA credentials that expire on the rig clock', async () => {
    const out = await sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'ci' }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.SecretAccessKey).toContain('SECRETCANARY');
    expect(out.Credentials?.SessionToken).toContain('TOKENCANARY');
    expect(out.Credentials?.Expiration?.toISOString()).toBe('2030-01-01T01:00:00.000Z');
    expect(out.AssumedRoleUser).toEqual({
      AssumedRoleId: 'AROADEPLOYEXAMPLE0001:ci',
      Arn: 'arn:aws:sts::111122223333:assumed-role/deploy/ci',
    });
    expect(out.PackedPolicySize).toBeUndefined();
  });

  it('honours DurationSeconds up to the role maximum, policies and source identity', async () => {
    const out = await sts(alice).send(
      new AssumeRoleCommand({
        RoleArn: FIXTURE.roles.deploy,
        RoleSessionName: 'long',
        DurationSeconds: 43200,
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
        SourceIdentity: 'alice@example.com',
      }),
    );
    expect(out.Credentials?.Expiration?.toISOString()).toBe('2030-01-01T12:00:00.000Z');
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect(out.SourceIdentity).toBe('alice@example.com');
    expect(rig.calls[0]?.params).toMatchObject({
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      DurationSeconds: '43200',
    });
  });

  it('chains two hops, then refuses more than 1 h on the second hop', async () => {
    const deploy = await assumeDeploy({ DurationSeconds: 7200 });
    const admin = await sts(deploy).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.admin, RoleSessionName: 'hop2' }));
    expect(admin.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/admin/hop2');
    const who = await sts(creds(admin.Credentials)).send(new GetCallerIdentityCommand({}));
    expect(who.UserId).toBe('AROAADMINEXAMPLE00001:hop2');
    await refused(
      sts(deploy).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.admin, RoleSessionName: 'hop2', DurationSeconds: 3601 })),
      'ValidationError',
      400,
      MESSAGES.chainingLimit,
    );
  });

  it('refuses more than the role MaxSessionDuration', async () => {
    await refused(
      sts(alice).send(
        new AssumeRoleCommand({
          RoleArn: FIXTURE.roles.partner,
          RoleSessionName: 'x1',
          ExternalId: FIXTURE.partnerExternalId,
          DurationSeconds: 7200,
        }),
      ),
      'ValidationError',
      400,
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  });

  it('AccessDenied when the identity policy or the trust policy says no', async () => {
    await refused(
      sts(bob).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'b' + 'b' })),
      'AccessDenied',
      403,
      denied(FIXTURE.bob.arn, FIXTURE.roles.deploy),
    );
    await refused(
      sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.locked, RoleSessionName: 'aa' })),
      'AccessDenied',
      403,
      'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/locked',
    );
    await refused(
      sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.admin, RoleSessionName: 'aa' })),
      'AccessDenied',
      403,
      denied(FIXTURE.alice.arn, FIXTURE.roles.admin),
    );
    const deploy = await assumeDeploy();
    await refused(
      sts(deploy).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.locked, RoleSessionName: 'aa' })),
      'AccessDenied',
      403,
      denied('arn:aws:sts::111122223333:assumed-role/deploy/ci', FIXTURE.roles.locked),
    );
  });

  it('checks the external id (cross-account role)', async () => {
    const send = (ExternalId?: string): Promise<unknown> =>
      sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.partner, RoleSessionName: 'p1', ...(ExternalId ? { ExternalId } : {}) }));
    await refused(send(), 'AccessDenied', 403, denied(FIXTURE.alice.arn, FIXTURE.roles.partner));
    await refused(send('wrong-id'), 'AccessDenied', 403);
    const out = (await send(FIXTURE.partnerExternalId)) as { Credentials?: Credentials };
    const who = await sts(creds(out.Credentials)).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('444455556666');
    expect(who.Arn).toBe('arn:aws:sts::444455556666:assumed-role/partner/p1');
  });

  it('refuses bad session policies', async () => {
    await refused(
      sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'pp', Policy: '{not json' })),
      'MalformedPolicyDocument',
      400,
      MESSAGES.malformedPolicy,
      'MalformedPolicyDocumentException',
    );
    const huge = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'x:' + 'a'.repeat(5000), Resource: '*' }] });
    const e = await refused(
      sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'pp', Policy: huge })),
      'PackedPolicyTooLarge',
      400,
      /^Packed policy consumes \d+% of allotted space/,
      'PackedPolicyTooLargeException',
    );
    expect(e.Code).toBe('PackedPolicyTooLarge');
  });

  it.each([
    [{ RoleSessionName: 'a' }, "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"],
    [{ RoleSessionName: 'bad name!' }, "1 validation error detected: Value 'bad name!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
    [{ RoleSessionName: 'x'.repeat(65) }, /at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64$/],
    [{ DurationSeconds: 899 }, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"],
    [{ DurationSeconds: 43201 }, /Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200$/],
    [{ ExternalId: 'no spaces allowed' }, /at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+=,\.@:\\\/-\]\*$/],
    [{ SerialNumber: 'short', TokenCode: '123456' }, /Value 'short' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9$/],
    [{ SerialNumber: FIXTURE.alice.mfaSerial, TokenCode: '12345' }, /Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6$/],
    [{ SerialNumber: FIXTURE.alice.mfaSerial, TokenCode: '12a456' }, /at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\d\]\*$/],
    [{ RoleArn: 'arn:aws:iam::1:r', RoleSessionName: 'a' }, /^2 validation errors detected: Value 'arn:aws:iam::1:r' at 'roleArn' .* greater than or equal to 20; Value 'a' at 'roleSessionName'/],
  ])('ValidationError for %o', async (input, message) => {
    await refused(
      sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'ok', ...input })),
      'ValidationError',
      400,
      message,
    );
  });
});

describe('MFA', () => {
  const mfaAdmin = (extra: { SerialNumber?: string; TokenCode?: string } = {}, who: Creds = alice): Promise<unknown> =>
    sts(who).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.mfaAdmin, RoleSessionName: 'mfa', ...extra }));

  it('requires MFA by trust condition and checks the code', async () => {
    await refused(mfaAdmin(), 'AccessDenied', 403, denied(FIXTURE.alice.arn, FIXTURE.roles.mfaAdmin));
    await refused(mfaAdmin({ SerialNumber: FIXTURE.alice.mfaSerial, TokenCode: '654321' }), 'AccessDenied', 403, MESSAGES.mfaInvalidCode);
    await refused(
      mfaAdmin({ SerialNumber: 'arn:aws:iam::111122223333:mfa/mallory', TokenCode: '123456' }),
      'AccessDenied',
      403,
      MESSAGES.mfaUnknownDevice,
    );
    await expect(mfaAdmin({ SerialNumber: FIXTURE.alice.mfaSerial, TokenCode: FIXTURE.alice.mfaCode })).resolves.toBeDefined();
    rig.setMfaCodes(FIXTURE.alice.mfaSerial, ['000111']);
    try {
      await refused(mfaAdmin({ SerialNumber: FIXTURE.alice.mfaSerial, TokenCode: '123456' }), 'AccessDenied', 403, MESSAGES.mfaInvalidCode);
      await expect(mfaAdmin({ SerialNumber: FIXTURE.alice.mfaSerial, TokenCode: '000111' })).resolves.toBeDefined();
    } finally {
      rig.setMfaCodes(FIXTURE.alice.mfaSerial, [FIXTURE.alice.mfaCode]);
    }
  });

  it('GetSessionToken with MFA gives a session that satisfies requireMfa', async () => {
    const out = await sts(alice).send(
      new GetSessionTokenCommand({ SerialNumber: FIXTURE.alice.mfaSerial, TokenCode: FIXTURE.alice.mfaCode, DurationSeconds: 900 }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials?.Expiration?.toISOString()).toBe('2030-01-01T00:15:00.000Z');
    const session = creds(out.Credentials);
    const who = await sts(session).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(FIXTURE.alice.arn);
    expect(who.UserId).toBe('AIDAALICEEXAMPLE00001');
    await expect(mfaAdmin({}, session)).resolves.toBeDefined();
  });

  it('GetSessionToken without MFA does not satisfy requireMfa', async () => {
    const out = await sts(alice).send(new GetSessionTokenCommand({}));
    expect(out.Credentials?.Expiration?.toISOString()).toBe('2030-01-01T12:00:00.000Z');
    await refused(mfaAdmin({}, creds(out.Credentials)), 'AccessDenied', 403);
  });
});

describe('GetSessionToken', () => {
  it('refuses session credentials', async () => {
    const first = creds((await sts(alice).send(new GetSessionTokenCommand({}))).Credentials);
    await refused(sts(first).send(new GetSessionTokenCommand({})), 'AccessDenied', 403, MESSAGES.sessionCredentials);
    await refused(sts(await assumeDeploy()).send(new GetSessionTokenCommand({})), 'AccessDenied', 403, 'Cannot call GetSessionToken with session credentials');
  });

  it.each([
    [{ DurationSeconds: 129601 }, /Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600$/],
    [{ DurationSeconds: 100 }, /Member must have value greater than or equal to 900$/],
    [{ SerialNumber: 'arn:aws:iam::111122223333:mfa/has space', TokenCode: '123456' }, /at 'serialNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+=\/:,\.@-\]\*$/],
  ])('ValidationError for %o', async (input, message) => {
    await refused(sts(alice).send(new GetSessionTokenCommand(input)), 'ValidationError', 400, message);
  });

  it('caps root-user sessions at 1 h', async () => {
    rig.addUser({ name: 'root', account: '999988887777', root: true });
    const key = rig.model.addAccessKey('root', undefined, '999988887777');
    const who = await sts(key).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Arn: 'arn:aws:iam::999988887777:root', UserId: '999988887777', Account: '999988887777' });
    const out = await sts(key).send(new GetSessionTokenCommand({ DurationSeconds: 7200 }));
    expect(out.Credentials?.Expiration?.toISOString()).toBe('2030-01-01T01:00:00.000Z');
  });

  it('allows 36 h for users', async () => {
    const out = await sts(bob).send(new GetSessionTokenCommand({ DurationSeconds: 129600 }));
    expect(out.Credentials?.Expiration?.toISOString()).toBe('2030-01-02T12:00:00.000Z');
  });
});

describe('DecodeAuthorizationMessage', () => {
  it('decodes messages the rig encoded', async () => {
    const json = { allowed: false, context: { action: 'ec2:RunInstances', principal: { arn: FIXTURE.alice.arn } } };
    const encoded = rig.encodeMessage(json);
    const out = await sts(alice).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    expect(JSON.parse(out.DecodedMessage ?? '')).toEqual(json);
  });

  it('refuses unknown messages and callers without permission', async () => {
    await refused(
      sts(alice).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'not-a-real-message' })),
      'InvalidAuthorizationMessageException',
      400,
    );
    await refused(
      sts(bob).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: rig.encodeMessage('{}') })),
      'AccessDenied',
      403,
      `User: ${FIXTURE.bob.arn} is not authorized to perform: sts:DecodeAuthorizationMessage`,
    );
  });
});

describe('AssumeRoleWithWebIdentity', () => {
  /** A client that cannot sign: the operation is unauthenticated, so the SDK must not ask. */
  const unsigned = (): STSClient => sts(alice, { credentials: () => Promise.reject(new Error('the SDK tried to sign')) });
  const web = FIXTURE.webIdentity;

  it('answers a known token for a role that trusts its provider, unsigned', async () => {
    const out = await unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: FIXTURE.roles.web, RoleSessionName: 'ci-run', WebIdentityToken: web.token }));
    expect(out.SubjectFromWebIdentityToken).toBe(web.subject);
    expect(out.Audience).toBe(web.audience);
    expect(out.Provider).toBe('token.actions.example.com');
    expect(out.AssumedRoleUser).toEqual({ Arn: 'arn:aws:sts::111122223333:assumed-role/web/ci-run', AssumedRoleId: 'AROAWEBEXAMPLE0000001:ci-run' });
    expect(out.Credentials?.SecretAccessKey).toContain('SECRETCANARY');
    expect(out.Credentials?.Expiration?.toISOString()).toBe('2030-01-01T01:00:00.000Z');
    const [call] = rig.calls;
    expect(call).toMatchObject({ action: 'AssumeRoleWithWebIdentity', accessKeyId: '', status: 200 });
    const session = creds(out.Credentials);
    const who = await sts(session).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws:sts::111122223333:assumed-role/web/ci-run');
    // The web role may chain to admin, which trusts it.
    const admin = await sts(session).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.admin, RoleSessionName: 'hop2' }));
    expect(admin.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/admin/hop2');
  });

  it('refuses a token it does not know: InvalidIdentityToken (400)', async () => {
    await refused(
      unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: FIXTURE.roles.web, RoleSessionName: 'ci-run', WebIdentityToken: 'not-a-known-token' })),
      'InvalidIdentityToken',
      400,
      MESSAGES.invalidIdentityToken,
      'InvalidIdentityTokenException',
    );
  });

  it('refuses a role whose trust policy does not name the provider: AccessDenied (403)', async () => {
    await refused(
      unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'ci-run', WebIdentityToken: web.token })),
      'AccessDenied',
      403,
      MESSAGES.webIdentityDenied,
    );
    await refused(
      unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::111122223333:role/nope', RoleSessionName: 'ci-run', WebIdentityToken: web.token })),
      'AccessDenied',
      403,
    );
  });

  it('validates its parameters like STS', async () => {
    await refused(
      unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: FIXTURE.roles.web, RoleSessionName: 'x', WebIdentityToken: web.token, DurationSeconds: 60 })),
      'ValidationError',
      400,
      /^2 validation errors detected: .*'roleSessionName'.*'durationSeconds'/,
    );
  });
});

describe('authentication', () => {
  it('SignatureDoesNotMatch for a wrong secret', async () => {
    await refused(
      sts({ ...alice, secretAccessKey: alice.secretAccessKey.replace('w', 'W') }).send(new GetCallerIdentityCommand({})),
      'SignatureDoesNotMatch',
      403,
      MESSAGES.signatureMismatch,
    );
  });

  it('SignatureDoesNotMatch when the body was changed after signing', async () => {
    const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: alice, sha256: Sha256 });
    const url = new URL(rig.url);
    const body = 'Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900';
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        path: '/',
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      },
      { signingDate: clock },
    );
    const res = await fetch(rig.url, { method: 'POST', headers: signed.headers, body: body.replace('900', '3600') });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(rig.calls.at(-1)).toMatchObject({ action: 'GetSessionToken', status: 403, errorCode: 'SignatureDoesNotMatch' });
  });

  it('InvalidClientTokenId for unknown keys, missing or wrong session tokens, inactive keys', async () => {
    await refused(
      sts({ accessKeyId: 'AKIANOBODYEXAMPLE001', secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid.',
    );
    const session = await assumeDeploy();
    const withoutToken = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey };
    await refused(sts(withoutToken).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
    await refused(sts({ ...session, sessionToken: 'IQoJb3JpZ2luX2VjForged' }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
    await refused(sts({ ...alice, sessionToken: 'IQoJb3JpZ2luX2VjForged' }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
    const key = rig.addAccessKey('bob');
    expect(key.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    await expect(sts(key).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: FIXTURE.bob.arn });
    rig.model.setAccessKeyActive(key.accessKeyId, false);
    await refused(sts(key).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
  });

  it('ExpiredToken once the rig clock passes the expiry', async () => {
    const session = await assumeDeploy({ DurationSeconds: 900 });
    clock = new Date(T0.getTime() + 899_000);
    await expect(sts(session).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    clock = new Date(T0.getTime() + 900_000);
    await refused(sts(session).send(new GetCallerIdentityCommand({})), 'ExpiredToken', 400, 'The security token included in the request is expired');
  });

  it('Signature expired when the request date is over 15 min off the rig clock', async () => {
    const offBy = (ms: number): STSClient => sts(alice, { systemClockOffset: T0.getTime() - Date.now() + ms });
    await expect(offBy(-14 * 60_000).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    await refused(offBy(-16 * 60_000).send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch', 403, /^Signature expired: 20291231T234\d{3}Z is now earlier than 20291231T234500Z \(20300101T000000Z - 15 min\.\)$/);
    await refused(offBy(16 * 60_000).send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch', 403, /^Signature not yet current: /);
  });

  it('the SDK corrects its clock from the Date header when it may retry', async () => {
    const client = sts(alice, { systemClockOffset: 0, maxAttempts: 2 });
    await expect(client.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: FIXTURE.alice.arn });
    expect(rig.calls.map((c) => c.status)).toEqual([403, 200]);
  });
});

describe('recording', () => {
  it('records action, key id, params, status and error code', async () => {
    await sts(alice).send(new GetCallerIdentityCommand({}));
    await sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'rec' }));
    await sts(bob).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'rec' })).catch(() => undefined);
    expect(rig.count()).toBe(3);
    expect(rig.count('AssumeRole')).toBe(2);
    expect(rig.count('GetSessionToken')).toBe(0);
    expect(rig.calls[0]).toEqual({
      action: 'GetCallerIdentity',
      accessKeyId: FIXTURE.alice.accessKeyId,
      params: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      status: 200,
    });
    expect(rig.calls[1]).toMatchObject({ params: { RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'rec' }, status: 200 });
    expect(rig.calls[2]).toMatchObject({ accessKeyId: FIXTURE.bob.accessKeyId, status: 403, errorCode: 'AccessDenied' });
    const view = rig.calls;
    rig.reset();
    expect(view).toHaveLength(0);
    expect(rig.count()).toBe(0);
  });
});

describe('faults', () => {
  afterEach(() => rig.clearFaults());

  it('throttle twice, then normal service (SDK retries)', async () => {
    rig.fault({ kind: 'throttle', times: 2 });
    const out = await sts(alice, { maxAttempts: 3 }).send(new GetCallerIdentityCommand({}));
    expect(out.Arn).toBe(FIXTURE.alice.arn);
    expect(rig.count('GetCallerIdentity')).toBe(3);
    expect(rig.calls.map((c) => c.errorCode ?? c.status)).toEqual(['Throttling', 'Throttling', 200]);
  });

  it('throttle, 500 and 503 surface as STS errors', async () => {
    rig.fault({ kind: 'throttle' });
    await refused(sts(alice).send(new GetCallerIdentityCommand({})), 'Throttling', 400, 'Rate exceeded');
    rig.fault({ kind: 'http500', times: 1 });
    const e500 = await refused(sts(alice).send(new GetCallerIdentityCommand({})), 'InternalFailure', 500);
    expect((e500 as unknown as { $fault: string }).$fault).toBe('server');
    rig.fault({ kind: 'http503', times: 1 });
    await refused(sts(alice).send(new GetCallerIdentityCommand({})), 'ServiceUnavailable', 503);
    await expect(sts(alice).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
  });

  it('faults can target one action', async () => {
    rig.fault({ kind: 'throttle', action: 'AssumeRole', times: 1 });
    await expect(sts(alice).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    await refused(sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'f1' })), 'Throttling', 400);
    await expect(sts(alice).send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'f1' }))).resolves.toBeDefined();
  });

  it('garbage is not XML: the SDK fails to parse it, then service resumes', async () => {
    rig.fault({ kind: 'garbage', times: 1 });
    const outcome = await sts(alice)
      .send(new AssumeRoleCommand({ RoleArn: FIXTURE.roles.deploy, RoleSessionName: 'g1' }))
      .then(
        (out) => out.Credentials,
        (e: unknown) => e,
      );
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/parse|Deserialization/i);
    expect(rig.calls[0]).toMatchObject({ status: 200 });
    await expect(sts(alice).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
  });

  it('slow answers correctly after the delay', async () => {
    rig.fault({ kind: 'slow', delayMs: 150, times: 1 });
    const started = Date.now();
    await expect(sts(alice).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: FIXTURE.alice.arn });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hang never answers; the client times out and close() is prompt', async () => {
    const hangRig = await startStsServer({ model: new StsModel({ users: [{ name: 'h', accessKeys: [alice] }] }) });
    hangRig.fault({ kind: 'hang' });
    const client = sts(alice, { requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true } }, hangRig);
    const started = Date.now();
    const error = (await client.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2000 + LOAD_SLACK_MS);
    expect(hangRig.calls[0]).toMatchObject({ action: 'GetCallerIdentity', status: 0 });
    // a second hung request is still open when we close
    const pending = fetch(hangRig.url + '/?Action=GetCallerIdentity&Version=2011-06-15').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const closing = Date.now();
    await hangRig.close();
    expect(Date.now() - closing).toBeLessThan(500 + LOAD_SLACK_MS);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('sts-main', () => {
  it('bundles with esbuild, prints its url and stops on SIGTERM', async () => {
    const dir = tempDir('awsrole-sts-main-');
    try {
      const outfile = join(dir, 'sts-main.cjs');
      await build({
        entryPoints: [fileURLToPath(new URL('./sts-main.ts', import.meta.url))],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        outfile,
        logLevel: 'silent',
      });
      const child = tracked(spawn(process.execPath, [outfile], { env: { ...process.env, STS_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] }));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', () => reject(new Error('sts-main exited early')));
      });
      const info = JSON.parse(line) as { url: string; users: Array<{ name: string; accessKeyId: string; secretAccessKey: string }> };
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const first = info.users[0];
      expect(first?.name).toBe('alice');
      const client = new STSClient({ endpoint: info.url, region: 'us-east-1', credentials: alice, maxAttempts: 1 });
      await expect(client.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: FIXTURE.alice.arn });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
