/**
 * Issue 10 items 4 and 5: nothing a service, a file or the environment says reaches the terminal
 * raw (escape sequences, C1 controls, forged lines), and JSON escapes C1 controls too.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callJson } from '../../src/sso/rest-json.js';
import { renderCredentialsJson, renderProcess } from '../../src/output/index.js';
import { makeHome, type FakeHome } from '../support/cli.js';
import { testDeps } from '../support/deps.js';
import { runInProcess } from '../support/in-process.js';
import { callerIdentityXml, errorXml, startHostileSts, type HostileAnswer, type HostileSts } from './hostile-sts.js';
import { networkFor } from '../../src/net/network.js';

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAHOSTILETEST00001', AWS_SECRET_ACCESS_KEY: 'hostile/secret' };
/** OSC 52 (write the clipboard), a C1 CSI (clear the screen) and a forged line. */
const OSC52 = '\u001b]52;c;ZWNobyBwd25lZA==\u0007';
const CSI_C1 = '\u009b2J';
const FORGED = '\nexport AWS_ACCESS_KEY_ID=AKIAFORGED';
/** Anything a terminal may act on, the line breaks awsrole writes itself aside. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let answer: (action: string) => HostileAnswer;
let sts: HostileSts;
let home: FakeHome;
beforeAll(async () => {
  sts = await startHostileSts((action) => answer(action));
});
afterAll(async () => {
  await sts.close();
});
beforeEach(async () => {
  home = await makeHome({ '.aws/credentials': `[evil${OSC52}]\naws_access_key_id = AKIAHOSTILETEST00002\naws_secret_access_key = s\n` });
});
afterEach(async () => {
  await home.cleanup();
});

function awsrole(args: string[], env: Record<string, string> = {}) {
  return runInProcess(args, { ...home.env, ...KEYS, AWS_ENDPOINT_URL_STS: sts.url, AWS_DEFAULT_REGION: 'eu-west-1', ...env });
}

describe('whoami shows what STS says, escaped', () => {
  beforeEach(() => {
    answer = () => ({ status: 200, body: callerIdentityXml({ Account: `1111${OSC52}`, Arn: `arn:aws:iam::111122223333:user/x${CSI_C1}${FORGED}`, UserId: `AIDA${CSI_C1}` }) });
  });

  it('the table: Account, Arn and UserId escaped, on their own lines only', async () => {
    const result = await awsrole(['whoami']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Account  1111\\x1b]52;c;ZWNobyBwd25lZA==\\x07',
      'Arn      arn:aws:iam::111122223333:user/x\\x9b2J\\x0aexport AWS_ACCESS_KEY_ID=AKIAFORGED',
      'UserId   AIDA\\x9b2J',
    ]);
  });

  it('--json: C1 controls as \\u escapes, and the values read back exactly', async () => {
    const result = await awsrole(['whoami', '--json']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toContain('"UserId": "AIDA\\u009b2J"');
    expect(JSON.parse(result.stdout).Arn).toBe(`arn:aws:iam::111122223333:user/x${CSI_C1}${FORGED}`);
  });

  it('the STS line shows an endpoint_url from the config escaped', async () => {
    await home.write('.aws/config', `[default]\nendpoint_url = ${sts.url}/\u009b2J\n`);
    const result = await awsrole(['whoami'], { AWS_ENDPOINT_URL_STS: '' });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout.split('\n')[6]).toBe(`STS      ${sts.url}/\\x9b2J (endpoint_url of profile default)`);
  });

  it('the --explain profile line shows the profile name escaped', async () => {
    const result = await awsrole(['whoami', '--explain', '--profile', `evil${OSC52}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toContain('profile: evil\\x1b]52;c;ZWNobyBwd25lZA==\\x07 (from --profile)\n');
  });
});

describe("a service's error text is shown on one line, cut", () => {
  // Under the 1 MiB answer cap (src/http.ts), so STS's refusal is read and its text cut.
  const HUGE = 'x'.repeat(512 * 1024);

  it.each([
    ['whoami', ['whoami']],
    ['mfa', ['mfa', '--serial', 'arn:aws:iam::111122223333:mfa/alice', '--code', '123456']],
  ])('%s: a forged line stays inside the message, a 512 KiB message is cut', async (_name, args) => {
    answer = () => ({ status: 403, body: errorXml('AccessDenied', `denied${FORGED}\r\n${OSC52}${HUGE}`) });
    const result = await awsrole(args);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    const lines = result.stderr.split('\n');
    expect(lines.filter((line) => line.includes('AKIAFORGED'))).toEqual([expect.stringMatching(/^awsrole: STS refused \w+ \(AccessDenied\) for key \*\*\*\*0001: denied export AWS_ACCESS_KEY_ID=AKIAFORGED \]52;c;ZWNobyBwd25lZA== x{200,}\.\.\. \(cut: \d+ characters in all\)$/)]);
    expect(result.stderr.length).toBeLessThan(2000);
  });

  it('an encoded authorization message is kept whole, for decode-message', async () => {
    const encoded = 'A'.repeat(3000);
    answer = () => ({ status: 403, body: errorXml('AccessDenied', `not authorized.\nEncoded authorization failure message: ${encoded}`) });
    const result = await awsrole(['whoami']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`: not authorized. Encoded authorization failure message: ${encoded}\n`);
  });

  it('decode-message prints what STS decoded as JSON with C1 controls escaped', async () => {
    const decoded = JSON.stringify({ allowed: false, context: `x${CSI_C1}` });
    answer = () => ({
      status: 200,
      body: `<DecodeAuthorizationMessageResponse><DecodeAuthorizationMessageResult><DecodedMessage>${decoded.replaceAll('"', '&quot;')}</DecodedMessage></DecodeAuthorizationMessageResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DecodeAuthorizationMessageResponse>`,
    });
    const result = await awsrole(['decode-message', 'abc']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{\n  "allowed": false,\n  "context": "x\\u009b2J"\n}\n');
  });
});

describe('portal errors and JSON output', () => {
  it("an IAM Identity Center error's type and message come back on one line, cut", async () => {
    answer = () => ({ status: 401, body: JSON.stringify({ __type: `Unauthorized${FORGED}`, message: `expired${FORGED}${'y'.repeat(100_000)}` }) });
    const deps = testDeps(home.dir);
    const reply = await callJson(deps, {
      service: 'the IAM Identity Center portal',
      operation: 'GetRoleCredentials',
      endpoint: { url: sts.url, from: 'a test', network: networkFor(deps) },
      method: 'GET',
      path: '/federation/credentials',
    });
    expect(reply).toEqual({
      ok: false,
      status: 401,
      type: 'Unauthorized export AWS_ACCESS_KEY_ID=AKIAFORGED',
      message: expect.stringMatching(/^expired export AWS_ACCESS_KEY_ID=AKIAFORGEDy+\.\.\. \(cut: 100043 characters in all\)$/),
    });
    expect(reply.ok || reply.message.length).toBeLessThan(400);
  });

  it.each([
    ['--format json', renderCredentialsJson],
    ['--format process', renderProcess],
  ])('%s escapes C1 controls and DEL', (_format, render) => {
    const text = render({ accessKeyId: 'ASIAX', secretAccessKey: 's\u0085\u009b\u007f', sessionToken: 't\u2028' });
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain('"s\\u0085\\u009b\\u007f"');
    expect(JSON.parse(text).SessionToken).toBe('t\u2028');
  });
});

describe('words typed on the command line, quoted back by a usage error', () => {
  it.each([
    ['an unknown option', [`--x${OSC52}`], "awsrole: unknown option '--x\\x1b]52;c;ZWNobyBwd25lZA==\\x07'"],
    ['an unknown help topic', ['help', `x${CSI_C1}`], "awsrole: unknown command 'x\\x9b2J'"],
  ])('%s is escaped', async (_what, args, first) => {
    const result = await awsrole(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(result.stderr.split('\n')[0]).toBe(first);
  });
});
