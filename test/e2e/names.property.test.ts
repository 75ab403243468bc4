/**
 * Property (issue 4): random strings full of quotes, `$()`, backticks, `;`, newlines and unicode
 * as profile names and session names. Each is either refused before anything happens (exit 2
 * or 5, stdout empty, no STS call, no file changed) or used exactly as given; stderr never
 * carries a control character a terminal would act on, and nothing injected ever runs.
 * Runs in process (run() with test deps) so that hundreds of cases stay fast.
 */
import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIni } from '../../src/config/ini.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, type FakeHome } from '../support/cli.js';
import { runInProcess, type InProcessResult } from '../support/in-process.js';
import { tempDir } from '../support/cleanup.js';

const { alice, roles } = FIXTURE;
const MARKER = join(tempDir('awsrole-names-'), 'injected');
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const FRAGMENTS = [
  ...`'"$\`\\;&|<>()[]{}*?~#%!^=: \t\n\r`,
  'é',
  '中',
  '😀',
  '\u001b[2J',
  '\u009b',
  '\u2028',
  `$(touch ${MARKER})`,
  `\`touch ${MARKER}\``,
  `'; touch ${MARKER}; '`,
  '\n[default]\naws_access_key_id = AKIDINJECTED00000001\n',
  'alice',
  'profile x',
];
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const name = fc.string({ unit, minLength: 1, maxLength: 24 }).filter((text) => !text.includes('\0'));

let rig: StsRig;
let home: FakeHome;
const CREDENTIALS = `# keep me\n[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`;

beforeAll(async () => {
  rig = await startStsServer();
  home = await makeHome({ '.aws/credentials': CREDENTIALS });
});
afterAll(async () => {
  await rig.close();
  await home.cleanup();
  rmSync(dirname(MARKER), { recursive: true, force: true });
});

function awsrole(args: string[]): Promise<InProcessResult> {
  return runInProcess(args, { ...home.env, AWS_ENDPOINT_URL_STS: rig.url });
}

function expectCleanStderr(stderr: string): void {
  expect(stderr).not.toMatch(CONTROL);
  expect(stderr).not.toContain('SECRETCANARY');
  expect(stderr).not.toContain('TOKENCANARY');
}

describe('random names', () => {
  it('as --role-session-name: refused before STS unless STS would take it, then sent exactly', async () => {
    await fc.assert(
      fc.asyncProperty(name, async (session) => {
        const before = rig.count('AssumeRole');
        const result = await awsrole(['assume', '--profile', 'alice', '--role-arn', roles.deploy, '--role-session-name', session, '--format', 'json', '--refresh']);
        expectCleanStderr(result.stderr);
        if (SESSION_NAME.test(session)) {
          expect(result.code).toBe(0);
          expect(rig.calls.at(-1)?.params['RoleSessionName']).toBe(session);
        } else {
          expect([result.code, result.stdout, rig.count('AssumeRole')]).toEqual([2, '', before]);
        }
      }),
      { numRuns: 150 },
    );
    expect(existsSync(MARKER)).toBe(false);
  });

  it('as --profile: unknown profiles are refused with exit 5, named safely', async () => {
    await fc.assert(
      fc.asyncProperty(name, async (profile) => {
        const result = await awsrole(['export', '--profile', profile, '--format', 'sh']);
        expectCleanStderr(result.stderr);
        if (profile === 'alice') expect(result.code).toBe(0);
        else expect([result.code, result.stdout]).toEqual([5, '']);
      }),
      { numRuns: 200 },
    );
  });

  it('as --write-profile: refused (file untouched) or written as exactly that one section', async () => {
    await fc.assert(
      fc.asyncProperty(name, async (profile) => {
        await home.write('.aws/credentials', CREDENTIALS);
        const result = await awsrole(['export', '--profile', 'alice', '--write-profile', profile]);
        expectCleanStderr(result.stderr);
        expect(result.stdout).toBe('');
        const text = await readFile(home.path('.aws/credentials'), 'utf8');
        if (result.code !== 0) {
          expect(result.code).toBe(2);
          expect(text).toBe(CREDENTIALS);
          return;
        }
        expect(text.startsWith(CREDENTIALS)).toBe(true);
        const sections = parseIni(text);
        expect([...sections.keys()]).toEqual(profile === 'alice' ? ['alice'] : ['alice', profile]);
        expect(sections.get(profile)).toMatchObject({ aws_access_key_id: alice.accessKeyId });
      }),
      { numRuns: 200 },
    );
    expect(existsSync(MARKER)).toBe(false);
  });
});
