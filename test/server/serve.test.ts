/** Issue 12: `awsrole serve` in process, on a fake clock, against the STS rig (its clock is the same fake one). */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, type FakeHome } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';
import { ANSWER_WITHIN_MS, RETRY_AFTER_FAILURE_MS } from '../../src/server/refresher.js';
import { credentialsOf, send, startServe, timerSet, type ServeRun } from './harness.js';

const { alice, roles } = FIXTURE;
const MINUTE = 60_000;
/** fromContainerMetadata's and fromHttp's default timeout; botocore's is 2 s. */
const SDK_GIVES_UP_MS = 1000;

const FILES = {
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  '.aws/config': `[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\nregion = eu-west-1\n\n[profile mfa]\nrole_arn = ${roles.mfaAdmin}\nsource_profile = alice\nmfa_serial = ${alice.mfaSerial}\n`,
};

let rig: StsRig;
let clock: FakeClock;
let home: FakeHome;
let serving: ServeRun | undefined;

beforeAll(async () => {
  rig = await startStsServer({ maxClockSkewMs: Infinity });
});
afterAll(async () => {
  await rig.close();
});
beforeEach(async () => {
  clock = fakeClock();
  rig.reset();
  rig.clearFaults();
  rig.setClock(clock.now);
  rig.setMfaCodes(alice.mfaSerial, [alice.mfaCode]);
  home = await makeHome(FILES, { AWS_ENDPOINT_URL_STS: rig.url });
});
afterEach(async () => {
  if (serving !== undefined && serving.signals.listeners('SIGTERM') > 0) await serving.stop();
  serving = undefined;
  await home.cleanup();
});

function serve(args: readonly string[] = ['--profile', 'deploy']): ServeRun {
  serving = startServe(args, home.env, clock);
  return serving;
}

describe('serve: the endpoint', () => {
  it('prints the two variables as JSON, closes stdout, answers GET with the exact token', async () => {
    const s = serve();
    const { url, token } = await s.printed;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/awsrole\/credentials$/);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(s.stdoutClosed()).toBe(true);
    const reply = await s.get();
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('application/json');
    const body = credentialsOf(reply);
    expect(Object.keys(body)).toEqual(['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration', 'AccountId']);
    expect(body.AccountId).toBe(FIXTURE.account);
    expect(body.AccessKeyId).toMatch(/^ASIA/);
    expect(body.SecretAccessKey).toContain('SECRETCANARY');
    expect(body.Token).toContain('TOKENCANARY');
    expect(body.Expiration).toBe('2030-01-01T01:00:00Z');
    expect(rig.count('AssumeRole')).toBe(1);
    expect(await s.stop()).toBe(0);
  });

  it('403 without the token or with a wrong one, 404 on another path, 405 on another method; no secret in any', async () => {
    const s = serve();
    const { url, token } = await s.printed;
    const replies = [
      await send(url),
      await send(url, { authorization: `${token}x` }),
      await send(url, { authorization: token.slice(0, -1) }),
      await send(url, { authorization: `Bearer ${token}` }),
      await send(url.replace('/awsrole/credentials', '/'), { authorization: token }),
      await send(`${url}/x`, { authorization: token }),
      await send(url, { authorization: token }, 'POST'),
      await send(url, { authorization: token }, 'PUT'),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([403, 403, 403, 403, 404, 404, 405, 405]);
    for (const reply of replies) {
      expect(reply.contentType).toBe('application/json');
      expect(reply.body).not.toMatch(/SECRETCANARY|TOKENCANARY|ASIA/);
    }
    expect(JSON.parse(replies[0]?.body ?? '')).toEqual({ code: 'AccessDenied', message: 'missing or wrong Authorization token' });
    await s.stop();
  });

  it('listens on 127.0.0.1 only: not on 127.0.0.2 nor ::1, which a wildcard bind would answer', async () => {
    const s = serve();
    const { url, token } = await s.printed;
    const port = new URL(url).port;
    for (const host of ['127.0.0.2', '[::1]']) {
      await expect(send(`http://${host}:${port}/awsrole/credentials`, { authorization: token })).rejects.toThrow(/ECONNREFUSED/);
    }
    await s.stop();
  });

  it('SIGINT and SIGTERM stop it with exit 0 and the port closed', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const s = serve();
      const { url } = await s.printed;
      expect(await s.stop(signal)).toBe(0);
      expect(s.signals.listeners('SIGINT') + s.signals.listeners('SIGTERM')).toBe(0);
      await expect(send(url)).rejects.toThrow(/ECONNREFUSED/);
    }
  });
});

describe('serve: refresh', () => {
  it('reuses the credentials while more than 15 minutes remain, fetches anew when fewer', async () => {
    const s = serve();
    const first = credentialsOf(await s.get());
    await clock.advance(44 * MINUTE);
    expect(credentialsOf(await s.get()).AccessKeyId).toBe(first.AccessKeyId);
    expect(rig.count('AssumeRole')).toBe(1);
    await clock.advance(2 * MINUTE);
    const second = credentialsOf(await s.get());
    expect(second.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(second.Expiration).toBe('2030-01-01T01:46:00Z');
    expect(rig.count('AssumeRole')).toBe(2);
    expect(credentialsOf(await s.get()).AccessKeyId).toBe(second.AccessKeyId);
    expect(rig.count('AssumeRole')).toBe(2);
    expect(await s.stop()).toBe(0);
    expect(s.deps.stderr.text()).not.toContain('could not');
  });

  it('200 concurrent GETs that need a refresh: all answered, one STS call', async () => {
    const s = serve();
    await s.printed;
    await clock.advance(50 * MINUTE);
    const replies = await Promise.all(Array.from({ length: 200 }, () => s.get()));
    const keys = new Set(replies.map((reply) => credentialsOf(reply).AccessKeyId));
    expect(keys.size).toBe(1);
    expect(rig.count('AssumeRole')).toBe(2);
    await s.stop();
  });

  it('STS down while the old credentials are valid: serves them, logs once; expired: 503 without secrets; STS back: new ones', async () => {
    const s = serve();
    const first = credentialsOf(await s.get());
    await clock.advance(50 * MINUTE);
    rig.fault({ kind: 'http503' });
    for (let i = 0; i < 3; i++) expect(credentialsOf(await s.get()).AccessKeyId).toBe(first.AccessKeyId);
    const logged = s.deps.stderr.text().split('\n').filter((line) => line.includes('could not refresh'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^awsrole: could not refresh the credentials \(.+\); serving the current ones until 2030-01-01T01:00:00Z$/);
    await clock.advance(10 * MINUTE);
    const down = await s.get();
    expect(down.status).toBe(503);
    expect(down.contentType).toBe('application/json');
    const problem = JSON.parse(down.body) as { code: string; message: string };
    expect(problem.code).toBe('CredentialsUnavailable');
    expect(problem.message.length).toBeGreaterThan(0);
    expect(down.body).not.toMatch(/SECRETCANARY|TOKENCANARY|ASIA/);
    expect((await s.get()).status).toBe(503);
    expect(s.deps.stderr.text().split('\n').filter((line) => line.startsWith('awsrole: could not fetch credentials: '))).toHaveLength(1);
    rig.clearFaults();
    const back = credentialsOf(await s.get());
    expect(back.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(back.Expiration).toBe('2030-01-01T02:00:00Z');
    await s.stop();
  });

  it('STS down while the old credentials are valid: one attempt per RETRY_AFTER_FAILURE_MS, not one per request; expired: every request tries', async () => {
    const s = serve();
    const first = credentialsOf(await s.get());
    await clock.advance(50 * MINUTE);
    rig.fault({ kind: 'http503' });
    expect(credentialsOf(await s.get()).AccessKeyId).toBe(first.AccessKeyId);
    const afterFirstFailure = rig.count('AssumeRole');
    expect(afterFirstFailure).toBeGreaterThan(1);
    for (let i = 0; i < 5; i++) expect(credentialsOf(await s.get()).AccessKeyId).toBe(first.AccessKeyId);
    await clock.advance(RETRY_AFTER_FAILURE_MS - 1);
    expect(credentialsOf(await s.get()).AccessKeyId).toBe(first.AccessKeyId);
    expect(rig.count('AssumeRole')).toBe(afterFirstFailure);
    await clock.advance(1);
    expect(credentialsOf(await s.get()).AccessKeyId).toBe(first.AccessKeyId);
    const afterSecondFailure = rig.count('AssumeRole');
    expect(afterSecondFailure).toBeGreaterThan(afterFirstFailure);
    // Expired: no backing off, each request is an attempt (a later request tries again).
    await clock.advance(10 * MINUTE);
    expect((await s.get()).status).toBe(503);
    const afterExpiry = rig.count('AssumeRole');
    expect(afterExpiry).toBeGreaterThan(afterSecondFailure);
    expect((await s.get()).status).toBe(503);
    expect(rig.count('AssumeRole')).toBeGreaterThan(afterExpiry);
    rig.clearFaults();
    expect(credentialsOf(await s.get()).AccessKeyId).not.toBe(first.AccessKeyId);
    await s.stop();
  });

  it('a refresh that failed and then succeeds: the backing off ends with it', async () => {
    const s = serve();
    const first = credentialsOf(await s.get());
    await clock.advance(50 * MINUTE);
    rig.fault({ kind: 'http503' });
    expect(credentialsOf(await s.get()).AccessKeyId).toBe(first.AccessKeyId);
    rig.clearFaults();
    expect(credentialsOf(await s.get()).AccessKeyId).toBe(first.AccessKeyId);
    await clock.advance(RETRY_AFTER_FAILURE_MS);
    const second = credentialsOf(await s.get());
    expect(second.AccessKeyId).not.toBe(first.AccessKeyId);
    await clock.advance(50 * MINUTE);
    expect(credentialsOf(await s.get()).AccessKeyId).not.toBe(second.AccessKeyId);
    await s.stop();
  });

  it('a fetch that takes too long: answered within the deadline (old credentials while valid, else 503), later served', async () => {
    const s = serve();
    const first = credentialsOf(await s.get());
    await clock.advance(50 * MINUTE);
    rig.fault({ kind: 'hang', times: 1 });
    const waiting = s.get();
    await timerSet(clock);
    // Answered before the JS SDK gives up (its container provider waits 1 s): a deadline of 1 s or more never fires here.
    await clock.advance(SDK_GIVES_UP_MS - 1);
    expect(credentialsOf(await waiting).AccessKeyId).toBe(first.AccessKeyId);
    expect(s.deps.stderr.text()).not.toContain('could not');
    await s.stop();
  });

  it('an expired session whose refresh hangs: 503 once the deadline passes, with no secret', async () => {
    const s = serve();
    await s.get();
    await clock.advance(61 * MINUTE);
    rig.fault({ kind: 'hang', times: 1 });
    const waiting = s.get();
    await timerSet(clock);
    // Answered before the JS SDK gives up (its container provider waits 1 s): a deadline of 1 s or more never fires here.
    await clock.advance(SDK_GIVES_UP_MS - 1);
    const reply = await waiting;
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toEqual({ code: 'CredentialsUnavailable', message: 'credentials are still being fetched (an MFA code may be awaited on the terminal); try again' });
    await s.stop();
  });

  it('a role with MFA: the refresh needs a new code and there is no terminal: 5xx saying a code is needed', async () => {
    const s = serve(['--profile', 'mfa', '--token-code', alice.mfaCode]);
    const first = credentialsOf(await s.get());
    await clock.advance(50 * MINUTE);
    expect(credentialsOf(await s.get()).AccessKeyId).toBe(first.AccessKeyId);
    expect(s.deps.stderr.text()).toContain(`could not refresh the credentials (assume-role: an MFA code is needed for ${alice.mfaSerial} and there is no terminal to ask on)`);
    await clock.advance(11 * MINUTE);
    const reply = await s.get();
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toEqual({ code: 'CredentialsUnavailable', message: `assume-role: an MFA code is needed for ${alice.mfaSerial} and there is no terminal to ask on` });
    expect(rig.count('AssumeRole')).toBe(1);
    await s.stop();
  });
});

describe('serve: MFA', () => {
  it('a role with mfa_serial re-assumes from the cached `awsrole mfa` session: no code asked, new credentials', async () => {
    const mfa = await runInProcess(['mfa', '--profile', 'mfa', '--code', alice.mfaCode, '--format', 'json'], home.env, { deps: clock.deps });
    expect(mfa.stderr).toBe('');
    expect(mfa.code).toBe(0);
    rig.setMfaCodes(alice.mfaSerial, []); // any code sent from now on is refused
    const s = serve(['--profile', 'mfa']);
    const first = credentialsOf(await s.get());
    await clock.advance(50 * MINUTE);
    const second = credentialsOf(await s.get());
    expect(second.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(rig.count('GetSessionToken')).toBe(1);
    expect(rig.count('AssumeRole')).toBe(2);
    expect(s.deps.stderr.text()).not.toContain('could not');
    await s.stop();
  });

  it('mfa_process: a refresh that needs a new code runs it (no terminal), the code goes to STS and never to stderr', async () => {
    const helper = await home.write('bin/mfa-helper', `#!/bin/sh\necho ran >> "$HOME/helper-ran"\necho ${alice.mfaCode}\n`, 0o700);
    await home.write('.aws/config', `[profile mfa]\nrole_arn = ${roles.mfaAdmin}\nsource_profile = alice\nmfa_serial = ${alice.mfaSerial}\nmfa_process = ${helper}\n`);
    const s = serve(['--profile', 'mfa']);
    const first = credentialsOf(await s.get());
    await clock.advance(50 * MINUTE);
    const second = credentialsOf(await s.get());
    expect(second.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(rig.calls.filter((call) => call.action === 'AssumeRole').map((call) => call.params['TokenCode'])).toEqual([alice.mfaCode, alice.mfaCode]);
    expect(readFileSync(home.path('helper-ran'), 'utf8')).toBe('ran\nran\n');
    await s.stop();
    expect(s.deps.stderr.text()).not.toContain(alice.mfaCode);
  });

  it('with a terminal, a refresh that needs a code asks there; requests meanwhile get the still-valid credentials', async () => {
    const asked: string[] = [];
    let answer: (code: string) => void = () => undefined;
    const promptSecret = (message: string): Promise<string> => {
      asked.push(message);
      return new Promise((resolve) => (answer = resolve));
    };
    serving = startServe(['--profile', 'mfa', '--token-code', alice.mfaCode], home.env, clock, { promptSecret });
    const s = serving;
    const first = credentialsOf(await s.get());
    await clock.advance(50 * MINUTE);
    rig.setMfaCodes(alice.mfaSerial, ['654321']);
    const waiting = s.get();
    await timerSet(clock);
    await clock.advance(ANSWER_WITHIN_MS);
    expect(credentialsOf(await waiting).AccessKeyId).toBe(first.AccessKeyId);
    expect(asked).toEqual([`Enter MFA code for ${alice.mfaSerial}: `]);
    answer('654321');
    let next = first;
    while (next.AccessKeyId === first.AccessKeyId) next = credentialsOf(await s.get());
    expect(asked).toHaveLength(1);
    expect(rig.count('AssumeRole')).toBe(2);
    await s.stop();
  });
});

describe('serve: start', () => {
  it('prints sh lines that set the two variables and remove those that would shadow them', async () => {
    const s = serve(['--profile', 'deploy', '--format', 'sh']);
    const { url, token } = await s.printed;
    expect(s.deps.stdout.text()).toBe(
      [
        `export AWS_CONTAINER_CREDENTIALS_FULL_URI='${url}'`,
        `export AWS_CONTAINER_AUTHORIZATION_TOKEN='${token}'`,
        ...['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CREDENTIAL_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'].map((name) => `unset ${name}`),
        '',
      ].join('\n'),
    );
    expect(s.deps.stderr.text()).toBe(`awsrole: serving credentials at ${url} (pid ${process.pid}); stop with kill -TERM ${process.pid}\n`);
    await s.stop();
  });

  it('without --format: the format of $SHELL (fish here)', async () => {
    serving = startServe(['--profile', 'deploy'], { ...home.env, SHELL: '/usr/bin/fish' }, clock, {}, true);
    const { url, token } = await serving.printed;
    const printed = serving.deps.stdout.text().split('\n');
    expect(printed.slice(0, 2)).toEqual([`set -gx AWS_CONTAINER_CREDENTIALS_FULL_URI '${url}'`, `set -gx AWS_CONTAINER_AUTHORIZATION_TOKEN '${token}'`]);
    await serving.stop();
  });

  it('long-term keys cannot be served: exit 3, stdout empty', async () => {
    const s = serve(['--profile', 'alice']);
    expect(await s.done).toBe(3);
    expect(s.deps.stdout.text()).toBe('');
    expect(s.deps.stderr.text()).toContain('profile alice gives long-term keys, and a credential endpoint serves only temporary credentials');
  });

  it('--port N: listens there; a port in use is exit 2 before any STS call', async () => {
    const busy = await import('node:net').then(({ createServer }) => createServer());
    const port = await new Promise<number>((resolve) => busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)));
    const refused = serve(['--profile', 'deploy', '--port', String(port)]);
    expect(await refused.done).toBe(2);
    expect(refused.deps.stderr.text()).toBe(`awsrole: --port ${port}: cannot listen on 127.0.0.1:${port} (EADDRINUSE)\n  hint: pick another --port, or leave it out for a free one\n`);
    expect(rig.count()).toBe(0);
    await new Promise((resolve) => busy.close(resolve));
    const s = serve(['--profile', 'deploy', '--port', String(port)]);
    expect((await s.printed).url).toBe(`http://127.0.0.1:${port}/awsrole/credentials`);
    expect(credentialsOf(await s.get()).AccessKeyId).toMatch(/^ASIA/);
    await s.stop();
  });

  it('--port that is no port, --format process: exit 2 before any STS call', async () => {
    for (const args of [['--port', '0'], ['--port', '70000'], ['--port', 'x'], ['--format', 'process']]) {
      const s = serve(['--profile', 'deploy', ...args]);
      expect(await s.done).toBe(2);
      expect(s.deps.stdout.text()).toBe('');
    }
    expect(rig.count()).toBe(0);
  });
});
