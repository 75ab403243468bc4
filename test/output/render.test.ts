import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/chain/types.js';
import { AwsroleError, UsageError } from '../../src/errors.js';
import {
  ALL_CREDENTIAL_VARIABLES,
  CREDENTIAL_ONLY_VARIABLES,
  credentialEnv,
  formatExpiration,
  renderCredentials,
  renderCredentialsJson,
  renderEnv,
  renderProcess,
  renderUnset,
  type EnvFormat,
} from '../../src/output/index.js';

const SESSION: Credentials = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDH+tok=',
  expiration: new Date('2030-01-02T03:04:05.678Z'),
  accountId: '123456789012',
};
const STATIC: Credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('credentialEnv', () => {
  it('sets everything a session has and clears AWS_SECURITY_TOKEN', () => {
    expect(credentialEnv(SESSION, 'eu-west-1')).toEqual({
      set: [
        ['AWS_ACCESS_KEY_ID', 'ASIAIOSFODNN7EXAMPLE'],
        ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
        ['AWS_SESSION_TOKEN', 'FwoGZXIvYXdzEJr//////////wEaDH+tok='],
        ['AWS_CREDENTIAL_EXPIRATION', '2030-01-02T03:04:05Z'],
        ['AWS_REGION', 'eu-west-1'],
        ['AWS_DEFAULT_REGION', 'eu-west-1'],
      ],
      unset: ['AWS_SECURITY_TOKEN'],
    });
  });

  it('clears the token and expiry static keys would contradict, and leaves the region alone', () => {
    expect(credentialEnv(STATIC)).toEqual({
      set: [
        ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
        ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
      ],
      unset: ['AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'],
    });
  });

  it('treats an empty session token and an empty region as absent', () => {
    expect(credentialEnv({ ...STATIC, sessionToken: '' }, '')).toEqual(credentialEnv(STATIC));
  });

  it('only ever names variables in ALL_CREDENTIAL_VARIABLES', () => {
    const names = [credentialEnv(SESSION, 'us-east-1'), credentialEnv(STATIC)].flatMap((change) => [
      ...change.set.map(([name]) => name),
      ...change.unset,
    ]);
    for (const name of names) expect(ALL_CREDENTIAL_VARIABLES).toContain(name);
    expect(new Set(names)).toEqual(new Set(ALL_CREDENTIAL_VARIABLES));
  });
});

describe('formatExpiration', () => {
  it.each([
    ['2030-01-02T03:04:05.678Z', '2030-01-02T03:04:05Z'],
    ['2030-01-02T03:04:05.000Z', '2030-01-02T03:04:05Z'],
    ['2030-06-30T23:59:59.999+02:00', '2030-06-30T21:59:59Z'],
  ])('%s becomes %s', (input, want) => {
    expect(formatExpiration(new Date(input))).toBe(want);
  });

  it('refuses an invalid date as an internal error', () => {
    const error = thrown(() => formatExpiration(new Date('nope')));
    expect(error).toBeInstanceOf(AwsroleError);
    expect((error as AwsroleError).exitCode).toBe(1);
  });
});

describe('renderCredentials: exact output', () => {
  it('sh', () => {
    expect(renderCredentials('sh', SESSION, 'eu-west-1')).toBe(
      [
        "export AWS_ACCESS_KEY_ID='ASIAIOSFODNN7EXAMPLE'",
        "export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
        "export AWS_SESSION_TOKEN='FwoGZXIvYXdzEJr//////////wEaDH+tok='",
        "export AWS_CREDENTIAL_EXPIRATION='2030-01-02T03:04:05Z'",
        "export AWS_REGION='eu-west-1'",
        "export AWS_DEFAULT_REGION='eu-west-1'",
        "export AWSROLE_SET='AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_CREDENTIAL_EXPIRATION,AWS_REGION,AWS_DEFAULT_REGION'",
        'unset AWS_SECURITY_TOKEN',
        '',
      ].join('\n'),
    );
    expect(renderCredentials('sh', STATIC)).toBe(
      [
        "export AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE'",
        "export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
        "export AWSROLE_SET='AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY'",
        'unset AWS_SESSION_TOKEN',
        'unset AWS_SECURITY_TOKEN',
        'unset AWS_CREDENTIAL_EXPIRATION',
        '',
      ].join('\n'),
    );
  });

  it('fish', () => {
    expect(renderCredentials('fish', SESSION, 'eu-west-1')).toBe(
      [
        "set -gx AWS_ACCESS_KEY_ID 'ASIAIOSFODNN7EXAMPLE'",
        "set -gx AWS_SECRET_ACCESS_KEY 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
        "set -gx AWS_SESSION_TOKEN 'FwoGZXIvYXdzEJr//////////wEaDH+tok='",
        "set -gx AWS_CREDENTIAL_EXPIRATION '2030-01-02T03:04:05Z'",
        "set -gx AWS_REGION 'eu-west-1'",
        "set -gx AWS_DEFAULT_REGION 'eu-west-1'",
        "set -gx AWSROLE_SET 'AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_CREDENTIAL_EXPIRATION,AWS_REGION,AWS_DEFAULT_REGION'",
        'set -e AWS_SECURITY_TOKEN',
        '',
      ].join('\n'),
    );
    expect(renderCredentials('fish', STATIC)).toBe(
      [
        "set -gx AWS_ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE'",
        "set -gx AWS_SECRET_ACCESS_KEY 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
        "set -gx AWSROLE_SET 'AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY'",
        'set -e AWS_SESSION_TOKEN',
        'set -e AWS_SECURITY_TOKEN',
        'set -e AWS_CREDENTIAL_EXPIRATION',
        '',
      ].join('\n'),
    );
  });

  it('powershell', () => {
    expect(renderCredentials('powershell', SESSION, 'eu-west-1')).toBe(
      [
        "$Env:AWS_ACCESS_KEY_ID = 'ASIAIOSFODNN7EXAMPLE'",
        "$Env:AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
        "$Env:AWS_SESSION_TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDH+tok='",
        "$Env:AWS_CREDENTIAL_EXPIRATION = '2030-01-02T03:04:05Z'",
        "$Env:AWS_REGION = 'eu-west-1'",
        "$Env:AWS_DEFAULT_REGION = 'eu-west-1'",
        "$Env:AWSROLE_SET = 'AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_CREDENTIAL_EXPIRATION,AWS_REGION,AWS_DEFAULT_REGION'",
        'Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue',
        '',
      ].join('\n'),
    );
    expect(renderCredentials('powershell', STATIC)).toBe(
      [
        "$Env:AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'",
        "$Env:AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
        "$Env:AWSROLE_SET = 'AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY'",
        'Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue',
        'Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue',
        'Remove-Item Env:AWS_CREDENTIAL_EXPIRATION -ErrorAction SilentlyContinue',
        '',
      ].join('\n'),
    );
  });

  it('cmd', () => {
    expect(renderCredentials('cmd', SESSION, 'eu-west-1')).toBe(
      [
        'set "AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE"',
        'set "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        'set "AWS_SESSION_TOKEN=FwoGZXIvYXdzEJr//////////wEaDH+tok="',
        'set "AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05Z"',
        'set "AWS_REGION=eu-west-1"',
        'set "AWS_DEFAULT_REGION=eu-west-1"',
        'set "AWSROLE_SET=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_CREDENTIAL_EXPIRATION,AWS_REGION,AWS_DEFAULT_REGION"',
        'set AWS_SECURITY_TOKEN=',
        '',
      ].join('\n'),
    );
    expect(renderCredentials('cmd', STATIC)).toBe(
      [
        'set "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"',
        'set "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        'set "AWSROLE_SET=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY"',
        'set AWS_SESSION_TOKEN=',
        'set AWS_SECURITY_TOKEN=',
        'set AWS_CREDENTIAL_EXPIRATION=',
        '',
      ].join('\n'),
    );
  });

  it('dotenv: bare values, no unset lines', () => {
    expect(renderCredentials('dotenv', SESSION, 'eu-west-1')).toBe(
      [
        'AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE',
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'AWS_SESSION_TOKEN=FwoGZXIvYXdzEJr//////////wEaDH+tok=',
        'AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05Z',
        'AWS_REGION=eu-west-1',
        'AWS_DEFAULT_REGION=eu-west-1',
        '',
      ].join('\n'),
    );
    expect(renderCredentials('dotenv', STATIC)).toBe(
      ['AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ''].join(
        '\n',
      ),
    );
  });

  it('json', () => {
    const text = renderCredentials('json', SESSION, 'eu-west-1');
    expect(text).toBe(renderCredentialsJson(SESSION, 'eu-west-1'));
    expect(text).toBe(
      [
        '{',
        '  "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",',
        '  "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",',
        '  "SessionToken": "FwoGZXIvYXdzEJr//////////wEaDH+tok=",',
        '  "Expiration": "2030-01-02T03:04:05Z",',
        '  "Region": "eu-west-1"',
        '}',
        '',
      ].join('\n'),
    );
    expect(renderCredentials('json', STATIC)).toBe(
      [
        '{',
        '  "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",',
        '  "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('process (credential_process version 1), region ignored', () => {
    const text = renderCredentials('process', SESSION, 'eu-west-1');
    expect(text).toBe(renderProcess(SESSION));
    expect(text).toBe(
      [
        '{',
        '  "Version": 1,',
        '  "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",',
        '  "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",',
        '  "SessionToken": "FwoGZXIvYXdzEJr//////////wEaDH+tok=",',
        '  "Expiration": "2030-01-02T03:04:05Z",',
        '  "AccountId": "123456789012"',
        '}',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(renderProcess(STATIC))).toStrictEqual({
      Version: 1,
      AccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
  });

  it('json keeps any value exactly', () => {
    const odd = "line\n\"quoted\" $(x) `y` 'z' \\ \u0000 \u2028 😀";
    const parsed = JSON.parse(renderCredentialsJson({ ...STATIC, secretAccessKey: odd }, odd)) as Record<string, string>;
    expect(parsed['SecretAccessKey']).toBe(odd);
    expect(parsed['Region']).toBe(odd);
  });
});

describe('renderEnv: quoting', () => {
  const value = "it's \"$HOME\" `id` $(id) \\ \\' ; & | \u2018x\u2019 \u201Ay\u201B\nnext\tline";
  const change = { set: [['V', value]] as const, unset: [] };

  it.each([
    ['sh', `export V='it'\\''s "$HOME" \`id\` $(id) \\ \\'\\'' ; & | \u2018x\u2019 \u201Ay\u201B\nnext\tline'\n`],
    ['fish', `set -gx V 'it\\'s "$HOME" \`id\` $(id) \\\\ \\\\\\' ; & | \u2018x\u2019 \u201Ay\u201B\nnext\tline'\n`],
    [
      'powershell',
      `$Env:V = 'it''s "$HOME" \`id\` $(id) \\ \\'' ; & | \u2018\u2018x\u2019\u2019 \u201A\u201Ay\u201B\u201B\nnext\tline'\n`,
    ],
    ['dotenv', `V="it's \\"$HOME\\" \`id\` $(id) \\\\ \\\\' ; & | \u2018x\u2019 \u201Ay\u201B\\nnext\tline"\n`],
  ] as const)('%s', (format, want) => {
    expect(renderEnv(format, change)).toBe(want);
  });

  it('sh keeps newlines and carriage returns raw inside the quotes', () => {
    expect(renderEnv('sh', { set: [['V', 'a\r\nb\n']], unset: [] })).toBe("export V='a\r\nb\n'\n");
  });

  it('prints nothing for an empty change', () => {
    for (const format of ['sh', 'fish', 'powershell', 'cmd', 'dotenv'] as const) {
      expect(renderEnv(format, { set: [], unset: [] })).toBe('');
    }
  });

  it.each([
    ['', ''],
    ['eu-west-1', 'eu-west-1'],
    ['a/b+c=d:e@f,g.h_i-j', 'a/b+c=d:e@f,g.h_i-j'],
    ['has space', '"has space"'],
    ['#hash', '"#hash"'],
    ["'single'", '"\'single\'"'],
    ['"double"', '"\\"double\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['cr\rlf\n', '"cr\\rlf\\n"'],
    ['$VAR ${VAR}', '"$VAR ${VAR}"'],
    ['\t tab', '"\t tab"'],
    ['héllo', '"héllo"'],
  ])('dotenv writes %j as %s', (input, want) => {
    expect(renderEnv('dotenv', { set: [['V', input]], unset: ['GONE'] })).toBe(`V=${want}\n`);
  });
});

describe('refusals', () => {
  const canary = 'SECRETCANARY';
  const formats: EnvFormat[] = ['sh', 'fish', 'powershell', 'cmd', 'dotenv'];

  it.each(['%', '!', '^', '&', '<', '>', '|', '"', '\n', '\r', '\t', '\x1b', 'é', '😀'])(
    'cmd refuses a value containing %j, naming the variable and never the value',
    (char) => {
      const error = thrown(() =>
        renderCredentials('cmd', { ...SESSION, sessionToken: `${canary}${char}${canary}` }, 'eu-west-1'),
      );
      expect(error).toBeInstanceOf(UsageError);
      const { message, hint } = error as UsageError;
      expect(message).toContain('AWS_SESSION_TOKEN');
      expect(`${message} ${hint ?? ''}`).not.toContain(canary);
      expect(hint).toContain('--format powershell');
    },
  );

  it('cmd accepts every other printable ASCII character', () => {
    const safe = Array.from({ length: 0x7f - 0x20 }, (_, index) => String.fromCharCode(0x20 + index))
      .filter((char) => !'%!^&<>|"'.includes(char))
      .join('');
    expect(renderEnv('cmd', { set: [['V', safe]], unset: [] })).toBe(`set "V=${safe}"\n`);
  });

  it.each(['cmd', 'powershell'] as const)('%s refuses an empty value (it would delete the variable)', (format) => {
    expect(() => renderEnv(format, { set: [['V', '']], unset: [] })).toThrow(UsageError);
  });

  it('dotenv refuses a quoted value ending in a backslash', () => {
    const error = thrown(() => renderEnv('dotenv', { set: [['AWS_SECRET_ACCESS_KEY', `${canary} \\`]], unset: [] }));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('AWS_SECRET_ACCESS_KEY');
    expect((error as UsageError).message).not.toContain(canary);
  });

  it.each(formats)('%s refuses NUL and lone surrogates, naming the variable only', (format) => {
    for (const bad of [`${canary}\0`, `${canary}\uD800x`, `${canary}\uDC00`]) {
      const error = thrown(() => renderEnv(format, { set: [['AWS_SESSION_TOKEN', bad]], unset: [] }));
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toContain('AWS_SESSION_TOKEN');
      expect(`${(error as UsageError).message} ${(error as UsageError).hint ?? ''}`).not.toContain(canary);
    }
  });

  it.each(formats)('%s refuses an invalid variable name as an internal error', (format) => {
    for (const name of ['', '1A', 'A B', 'A=B', 'A;id', '$(id)']) {
      const error = thrown(() => renderEnv(format, { set: [[name, 'v']], unset: [] }));
      expect(error).toBeInstanceOf(AwsroleError);
      expect((error as AwsroleError).exitCode).toBe(1);
      expect(() => renderEnv(format, { set: [], unset: [name] })).toThrow(AwsroleError);
    }
  });

  it('surrogate pairs (astral characters) are fine', () => {
    expect(renderEnv('sh', { set: [['V', '😀']], unset: [] })).toBe("export V='😀'\n");
  });
});

describe('renderUnset', () => {
  const UNRECORDED = [...CREDENTIAL_ONLY_VARIABLES, 'AWSROLE_SET'];

  it('sh, no record: the credential variables and the record, never the region', () => {
    expect(renderUnset('sh')).toBe(
      [
        'unset AWS_ACCESS_KEY_ID',
        'unset AWS_SECRET_ACCESS_KEY',
        'unset AWS_SESSION_TOKEN',
        'unset AWS_SECURITY_TOKEN',
        'unset AWS_CREDENTIAL_EXPIRATION',
        'unset AWSROLE_SET',
        '',
      ].join('\n'),
    );
  });

  it('sh, with a record: what it names, and only names awsrole could have set', () => {
    expect(renderUnset('sh', 'AWS_ACCESS_KEY_ID,AWS_REGION,PATH,HOME')).toBe('unset AWS_ACCESS_KEY_ID\nunset AWS_REGION\nunset AWSROLE_SET\n');
    expect(renderUnset('sh', 'PATH')).toBe(UNRECORDED.map((name) => `unset ${name}\n`).join(''));
    expect(renderUnset('sh', '')).toBe(UNRECORDED.map((name) => `unset ${name}\n`).join(''));
  });

  it.each([
    ['fish', (name: string) => `set -e ${name}`],
    ['powershell', (name: string) => `Remove-Item Env:${name} -ErrorAction SilentlyContinue`],
    ['cmd', (name: string) => `set ${name}=`],
  ] as const)('%s', (format, line) => {
    expect(renderUnset(format)).toBe(UNRECORDED.map((name) => `${line(name)}\n`).join(''));
  });

  it.each(['json', 'process', 'dotenv'] as const)('%s cannot unset', (format) => {
    const error = thrown(() => renderUnset(format));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(format);
  });
});
