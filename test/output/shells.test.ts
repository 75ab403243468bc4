/**
 * Round trips through real shells: what a script leaves in the environment must be exactly
 * what credentialEnv asked for, and nothing else may change or run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/chain/types.js';
import {
  CREDENTIAL_ONLY_VARIABLES,
  credentialEnv,
  renderCredentials,
  renderEnv,
  renderUnset,
  SET_RECORD,
  withSetRecord,
  type EnvChange,
  type EnvFormat,
} from '../../src/output/index.js';
import {
  applyChange,
  diffEnv,
  hasCommand,
  hasPythonDotenv,
  parseWithPythonDotenv,
  runBatch,
  STALE_ENV,
  type Shell,
} from './harness.js';
import { SYNC_CHILD_LIMIT, tempDir } from '../support/cleanup.js';

/** Injected code in the values below would create this file. */
const MARKER = join(tempDir('awsrole-marker-'), 'injected');

/** Values that break naive quoting in at least one of the shells. */
const NASTY: Readonly<Record<string, string>> = {
  'single quote': "it's",
  'sh quote escape': "'\\''",
  'fish escapes': "\\' \\\\ \\n \\x41",
  'double quotes': 'say "hi" ""',
  dollar: '$HOME ${HOME} $1 $$ $? $ $',
  'command substitution': `$(touch ${MARKER})`,
  'fish command substitution': `(touch ${MARKER}) $(touch ${MARKER})`,
  backticks: `\`touch ${MARKER}\``,
  'quote breakout sh': `'; touch ${MARKER}; '`,
  'quote breakout fish': `\\'; touch ${MARKER}; echo \\'`,
  'quote breakout pwsh': `'; New-Item ${MARKER}; '`,
  'smart quote breakout pwsh': `\u2019; New-Item ${MARKER}; \u2018`,
  'injected line': `\nexport INJECTED=1\nset -gx INJECTED 1\n$Env:INJECTED = 1\n`,
  semicolons: 'a;b; c ;',
  spaces: '  leading, inner  and trailing  ',
  newlines: 'line1\nline2\n\n',
  'carriage returns': 'a\r\nb\rc\r',
  backslashes: 'back\\slash \\\\ \\',
  unicode: 'héllo wörld 中文 😀 \u200b \u2028 \u00a0 \uf601 \ufdd0',
  globs: '* ? [a] {a,b} ~ ~root',
  empty: '',
  controls: '\t\x01\x1b[31m\x7f\b',
  comment: '# not a comment',
  'history and jobs': '!! !$ & | < > >> 2>&1 %1',
  braces: '} { ) ( ]] [[',
};

const SHELL_FORMAT: Record<Shell, EnvFormat> = { bash: 'sh', dash: 'sh', zsh: 'sh', fish: 'fish', pwsh: 'powershell' };

function caseChange(value: string): EnvChange {
  return {
    set: [
      ['AWS_ACCESS_KEY_ID', 'ASIAIOSFODNN7EXAMPLE'],
      ['AWS_SECRET_ACCESS_KEY', value],
      ['AWS_SESSION_TOKEN', `${value}${value}`],
      ['AWS_REGION', value],
    ],
    unset: ['AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'],
  };
}

function credentialsFrom(value: string): Credentials {
  return {
    accessKeyId: value || 'x',
    secretAccessKey: value,
    sessionToken: `${value}!`,
    expiration: new Date('2030-01-02T03:04:05Z'),
  };
}

function required(shell: Shell): boolean {
  return shell === 'bash' || shell === 'fish';
}

const SHELLS: Shell[] = ['bash', 'fish', 'dash', 'zsh', 'pwsh'];

for (const shell of SHELLS) {
  const present = hasCommand(shell);
  // bash and fish are required (apt-get install -y fish); the others run when present.
  describe.skipIf(!present && !required(shell))(`round trip in ${shell}`, () => {
    const format = SHELL_FORMAT[shell];

    it(`${shell} is installed`, () => {
      expect(present, `${shell} is missing: apt-get install -y ${shell}`).toBe(true);
    });

    it('every nasty value comes back byte for byte, and nothing else changes or runs', () => {
      // PowerShell (like cmd) cannot hold an empty variable: renderEnv refuses it there.
      const entries = Object.entries(NASTY).filter(([, value]) => value !== '' || format !== 'powershell');
      const changes = entries.map(([, value]) => caseChange(value));
      const viaCredentials = entries.map(([, value]) => withSetRecord(credentialEnv(credentialsFrom(value), value)));
      const scripts = [
        ...changes.map((change) => renderEnv(format, change)),
        ...entries.map(([, value]) => renderCredentials(format, credentialsFrom(value), value)),
      ];
      for (const locale of ['C.UTF-8', 'C']) {
        const result = runBatch(shell, scripts, { locale });
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        [...changes, ...viaCredentials].forEach((change, index) => {
          const name = entries[index % entries.length]?.[0];
          const got = result.envs[index] ?? new Map<string, string>();
          expect(diffEnv(applyChange(result.baseline, change), got), `${name} (${locale})`).toEqual([]);
        });
        expect(existsSync(MARKER), 'injected code ran').toBe(false);
      }
    });

    it('renderUnset with no record removes the credential variables and AWSROLE_SET, never the region', () => {
      const unset = renderUnset(format);
      const partial = { AWS_PROFILE: 'keep-me', AWS_REGION: 'us-east-1', OTHER: 'x' };
      for (const baseline of [STALE_ENV, partial]) {
        const result = runBatch(shell, [unset], { baseline });
        expect(result.stderr).toBe('');
        const got = result.envs[0] ?? new Map<string, string>();
        expect(diffEnv(applyChange(result.baseline, { set: [], unset: [...CREDENTIAL_ONLY_VARIABLES, SET_RECORD] }), got)).toEqual([]);
        expect(got.get('AWS_PROFILE')).toBe('keep-me');
        expect(got.get('AWS_REGION')).toBe(baseline.AWS_REGION);
        for (const name of CREDENTIAL_ONLY_VARIABLES) expect(got.has(name)).toBe(false);
      }
    });

    it.each([
      ['without a region, the user\'s own AWS_REGION survives export then unset', undefined],
      ['with a region, unset removes the AWS_REGION awsrole set', 'eu-west-1'],
    ])('%s', (_what, region) => {
      const baseline = { AWS_PROFILE: 'keep-me', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-2', OTHER: 'x' };
      const credentials = credentialsFrom('round-trip');
      const exported = withSetRecord(credentialEnv(credentials, region));
      const record = exported.set.find(([name]) => name === SET_RECORD)?.[1];
      const result = runBatch(shell, [renderCredentials(format, credentials, region) + renderUnset(format, record)], { baseline });
      expect(result.stderr).toBe('');
      const got = result.envs[0] ?? new Map<string, string>();
      const removed = region === undefined ? [] : ['AWS_REGION', 'AWS_DEFAULT_REGION'];
      expect(diffEnv(applyChange(result.baseline, { set: [], unset: removed }), got)).toEqual([]);
    });
  });
}

describe('the way users run it', () => {
  const credentials: Credentials = {
    accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    secretAccessKey: `it's $(touch ${MARKER}) "x"\nline`,
    sessionToken: 'tok\\en',
  };
  const want = {
    AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: `it's $(touch ${MARKER}) "x"\nline`,
    AWS_SESSION_TOKEN: 'tok\\en',
    AWS_REGION: 'eu-west-1',
  };
  const printOut = `printf '%s\\0' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_REGION"`;

  function run(argv: string[], out: string): string[] {
    const result = spawnSync(argv[0] ?? 'false', argv.slice(1), {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', OUT: out, LANG: 'C.UTF-8' },
      encoding: 'utf8',
      ...SYNC_CHILD_LIMIT,
    });
    expect(result.stderr).toBe('');
    return result.stdout.split('\0').slice(0, 4);
  }

  it('bash: eval "$(awsrole ...)"', () => {
    const out = renderCredentials('sh', credentials, 'eu-west-1');
    expect(run(['bash', '--noprofile', '--norc', '-c', `eval "$(printf '%s' "$OUT")"; ${printOut}`], out)).toEqual(
      Object.values(want),
    );
    expect(existsSync(MARKER)).toBe(false);
  });

  it('fish: awsrole ... | source', () => {
    const out = renderCredentials('fish', credentials, 'eu-west-1');
    expect(
      run(
        [
          'fish',
          '--no-config',
          '-c',
          `printf '%s' "$OUT" | source; printf '%s\\0' $AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY $AWS_SESSION_TOKEN $AWS_REGION`,
        ],
        out,
      ),
    ).toEqual(Object.values(want));
    expect(existsSync(MARKER)).toBe(false);
  });
});

describe.skipIf(!hasPythonDotenv())('dotenv read back by python-dotenv', () => {
  it('every nasty value that dotenv accepts comes back exactly', () => {
    const values = Object.values(NASTY).filter((value) => !value.endsWith('\\'));
    const changes = values.map(caseChange);
    const texts = changes.map((change) => renderEnv('dotenv', change));
    const parsed = parseWithPythonDotenv(texts);
    changes.forEach((change, index) => {
      expect(parsed[index], JSON.stringify(values[index])).toStrictEqual(Object.fromEntries(change.set));
    });
  });

  it('a file of several quoted values parses line by line', () => {
    const text = renderCredentials('dotenv', credentialsFrom('a "b"\n\\c'), 'eu west');
    expect(parseWithPythonDotenv([text])[0]).toStrictEqual(
      Object.fromEntries(credentialEnv(credentialsFrom('a "b"\n\\c'), 'eu west').set),
    );
  });
});
