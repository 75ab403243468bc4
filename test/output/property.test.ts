/**
 * Property: for thousands of random values (NUL-free, heavy on quotes, escapes, command
 * substitutions, newlines and unicode), the shell gets back exactly the variables asked for,
 * nothing else changes, and no injected code runs. One bash and one fish process evaluate a
 * whole batch per run. The number of cases is sized for a loaded two-core machine (bash forks
 * twice per case); the fragments above make each case dense in what breaks quoting.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/chain/types.js';
import { UsageError } from '../../src/errors.js';
import { credentialEnv, renderCredentials, renderEnv, withSetRecord, type EnvChange } from '../../src/output/index.js';
import { tempDir } from '../support/cleanup.js';
import { applyChange, diffEnv, hasPythonDotenv, parseWithPythonDotenv, runBatch, type Shell } from './harness.js';

const MARKER = join(tempDir('awsrole-marker-'), 'injected');
const BATCH = 200;
const RUNS = 3;

const FRAGMENTS = [
  ...`'"$\`\\;&|<>()[]{}*?~#%!^= \t\n\r`,
  '\u2018',
  '\u2019',
  '\u201A',
  '\u201B',
  'é',
  '中',
  '😀',
  '\u2028',
  '\uFEFF',
  '\uF601',
  "'\\''",
  "\\'",
  '\\\\',
  '\r\n',
  '${IFS}',
  '$HOME',
  '%PATH%',
  '!PATH!',
  `$(touch ${MARKER})`,
  `\`touch ${MARKER}\``,
  `(touch ${MARKER})`,
  `'; touch ${MARKER}; '`,
  `\\'; touch ${MARKER}; echo \\'`,
  `"; touch ${MARKER}; "`,
  '\nexport INJECTED=1\n',
  '\nset -gx INJECTED 1\n',
];

const unit = fc
  .oneof(
    { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  )
  .filter((text) => !text.includes('\0'));
const value = fc.string({ unit, maxLength: 30 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined });

interface Case {
  credentials: Credentials;
  region: string | undefined;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  credentials: fc.record({
    accessKeyId: value,
    secretAccessKey: value,
    sessionToken: maybe(value),
    expiration: maybe(fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })),
  }),
  region: maybe(value),
});

function check(shell: Shell, cases: readonly Case[], locale: string): void {
  const format = shell === 'fish' ? 'fish' : 'sh';
  const changes: EnvChange[] = cases.map(({ credentials, region }) => withSetRecord(credentialEnv(credentials, region)));
  const scripts = cases.map(({ credentials, region }) => renderCredentials(format, credentials, region));
  const result = runBatch(shell, scripts, { locale });
  expect(result.stderr, `${shell} wrote to stderr`).toBe('');
  expect(result.status).toBe(0);
  changes.forEach((change, index) => {
    const problems = diffEnv(applyChange(result.baseline, change), result.envs[index] ?? new Map());
    if (problems.length > 0) {
      throw new Error(`${shell} (${locale}) case ${JSON.stringify(cases[index])}:\n${problems.join('\n')}`);
    }
  });
  expect(existsSync(MARKER), 'injected code ran').toBe(false);
}

describe('random values round-trip exactly', () => {
  let run = 0;
  const locale = (): string => (run++ % 2 === 0 ? 'C.UTF-8' : 'C');

  it.each(['bash', 'fish'] as const)(
    `%s: ${BATCH * RUNS} random credentials`,
    (shell) => {
      fc.assert(
        fc.property(fc.array(caseArb, { minLength: BATCH, maxLength: BATCH }), (cases) => {
          check(shell, cases, locale());
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
  );

  it.skipIf(!hasPythonDotenv())(
    `dotenv: ${BATCH * RUNS} random values read back by python-dotenv (or refused)`,
    () => {
      fc.assert(
        fc.property(fc.array(fc.array(value, { minLength: 1, maxLength: 3 }), { minLength: BATCH, maxLength: BATCH }), (groups) => {
          const accepted: Array<{ text: string; want: Record<string, string> }> = [];
          for (const values of groups) {
            const change: EnvChange = { set: values.map((v, i) => [`V${i}`, v] as const), unset: ['GONE'] };
            if (values.some((v) => v.endsWith('\\') && !/^[A-Za-z0-9_./:+=@,-]*$/.test(v))) {
              expect(() => renderEnv('dotenv', change)).toThrow(UsageError);
              continue;
            }
            accepted.push({ text: renderEnv('dotenv', change), want: Object.fromEntries(change.set) });
          }
          const parsed = parseWithPythonDotenv(accepted.map(({ text }) => text));
          accepted.forEach(({ text, want }, index) => {
            expect(parsed[index], JSON.stringify(text)).toStrictEqual(want);
          });
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
  );
});
