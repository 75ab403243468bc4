import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { IniParseError, parseIni, shlexSplit } from '../../src/config/ini.js';
import { configProfiles } from '../../src/config/load.js';

/** INI texts whose reading changes credentials; each is parsed by botocore and by awsrole. */
const SAMPLES: Record<string, string> = {
  plain: '[default]\naws_access_key_id = A\naws_secret_access_key = B\n',
  'colon delimiter': '[default]\naws_access_key_id: A\n',
  'key case folds': '[default]\nAWS_Access_Key_ID = A\n',
  'inline # kept': '[default]\naws_access_key_id = A # not a comment\n',
  'inline ; kept': '[default]\nregion = eu-west-1 ; x\n',
  'full-line comments': '# top\n[default]\n; c\n  # indented comment\naws_access_key_id = A\n',
  'indented continuation': '[default]\nrole_arn = arn:aws:iam::123456789012:role/a\n  continued\n',
  'nested block': '[profile dev]\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\nregion = us-east-1\n',
  'nested block without =': '[profile dev]\ns3 =\n  nonsense\n',
  'blank lines inside a value': '[default]\nkey = a\n\n  b\n',
  'duplicate section': '[default]\na = 1\n[default]\nb = 2\n',
  'duplicate key': '[default]\na = 1\na = 2\n',
  'duplicate key differing case': '[default]\nA = 1\na = 2\n',
  'no section header': 'aws_access_key_id = A\n',
  'line without delimiter': '[default]\njunk line\n',
  'empty key': '[default]\n= value\n',
  'DEFAULT inherited': '[DEFAULT]\nregion = eu-west-1\n[profile a]\nx = 1\n[default]\ny = 2\n',
  'profile with two spaces': '[profile  spaced]\na = 1\n',
  'quoted profile name': '[profile "a b"]\na = 1\n',
  'profile with three words': '[profile a b]\na = 1\n',
  'profilex is not a profile': '[profilex]\na = 1\n',
  'foo in config ignored': '[foo]\na = 1\n[default]\nb = 2\n',
  'default then profile default': '[default]\na = 1\n[profile default]\na = 2\n',
  'profile default then default': '[profile default]\na = 1\n[default]\na = 2\n',
  'header with trailing junk': '[default] junk\na = 1\n',
  'header with inner bracket': '[profile a]b]\nc = 1\n',
  'CRLF line ends': '[default]\r\naws_access_key_id = A\r\naws_secret_access_key = B\r\n',
  'CR line ends': '[default]\raws_access_key_id = A\r',
  'no final newline': '[default]\naws_access_key_id = A',
  'tabs and spaces': '[default]\n\taws_access_key_id\t=\tA\t\n',
  'value with = inside': '[default]\ncredential_process = /bin/echo a=b\n',
  'empty value': '[default]\nregion =\n',
  'unicode value': '[default]\nrole_session_name = café\n',
  'section indented after a key': '[default]\na = 1\n  [profile b]\n',
  'services section': '[services dev]\nsts =\n  endpoint_url = http://127.0.0.1:1\n[profile a]\nservices = dev\n',
  'bad shell quote': '[profile "unterminated]\na = 1\n',
  'escaped quote in name': '[profile "a\\"b"]\na = 1\n',
  'backslash outside quotes': '[profile a\\ b]\na = 1\n',
  'unicode spaces around value': '[default]\nregion =\u00a0eu-west-1\u00a0\n',
};

interface BotocoreResult {
  ok: boolean;
  error?: string;
  sections?: [string, Record<string, unknown>][];
  profiles?: Record<string, Record<string, unknown>>;
}

function parseWithBotocore(texts: string[]): BotocoreResult[] {
  const result = spawnSync('python3', ['test/config/botocore_parse.py'], { input: JSON.stringify(texts), encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  if (result.status !== 0) throw new Error(`botocore_parse.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as BotocoreResult[];
}

function parseWithAwsrole(text: string): BotocoreResult {
  try {
    const sections = parseIni(text);
    return { ok: true, sections: [...sections.entries()], profiles: Object.fromEntries(configProfiles(sections, 'profile')) };
  } catch (error) {
    if (error instanceof IniParseError) return { ok: false, error: 'ConfigParseError' };
    throw error;
  }
}

describe('INI parsing agrees with botocore', () => {
  const names = Object.keys(SAMPLES);
  const expected = parseWithBotocore(names.map((name) => SAMPLES[name] ?? ''));
  it.each(names.map((name, index) => [name, index] as const))('%s', (name, index) => {
    expect(parseWithAwsrole(SAMPLES[name] ?? '')).toEqual(expected[index]);
  });
});

describe('shlexSplit (section names)', () => {
  it.each([
    ['profile dev', ['profile', 'dev']],
    ['profile  dev', ['profile', 'dev']],
    ['profile "a b"', ['profile', 'a b']],
    ["profile 'a b'", ['profile', 'a b']],
    ['profile "a\\"b"', ['profile', 'a"b']],
    ['profile a\\ b', ['profile', 'a b']],
    ['profile "open', undefined],
  ] as const)('%s', (input, want) => {
    expect(shlexSplit(input)).toEqual(want);
  });
});
