import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IniParseError, parseIni, shlexSplit, type IniSections } from '../../src/config/ini.js';
import { configProfiles } from '../../src/config/load.js';
import { SYNC_CHILD_LIMIT } from '../support/cleanup.js';
import { pythonEnv, usePython } from '../support/python.js';

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
  'mixed line ends': '[a]\r\nk = 1\r[b]\nk = 2\r\n\r[c]\rk = 3',
  'CR then CRLF is two line ends': '[a]\r\r\nk = 1\r\r\n  more\r\n',
  'continuation over CRLF with blank lines': '[a]\r\nk = first\r\n\r\n  second\r\n\r\n[b]\r\nk = 2\r\n',
  'continuation over CR': '[a]\rk = first\r  second\r\r',
  'nested block over CRLF': '[profile a]\r\ns3 =\r\n  max_concurrent_requests = 20\r\n\r\n  addressing_style = path\r\n',
  'last section empty, no final newline': '[a]\nk = v\n[b]',
  'header only, no newline': '[a]',
  'empty file': '',
  'only blank lines': '\n\r\n  \n',
  'DEFAULT twice': '[DEFAULT]\na = 1\n[x]\nb = 2\n[DEFAULT]\nc = 3\n',
  'DEFAULT key twice across blocks': '[DEFAULT]\na = 1\n[x]\nb = 2\n[DEFAULT]\na = 3\n',
  'DEFAULT overridden by a section': '[a]\nregion = us-east-1\n[DEFAULT]\nregion = eu-west-1\ns3 =\n  k = v\n',
  'DEFAULT nested block without =': '[DEFAULT]\ns3 =\n  nonsense\n[a]\nk = v\n',
  'nested block without = in a later section': '[a]\nk = v\n[b]\ns3 =\n  x = 1\n  nonsense\n[c]\nk = v\n',
  'bad line after a nested block error': '[a]\ns3 =\n  nonsense\n[b]\njunk\n',
  'duplicate key after a bad line': '[a]\njunk\n[b]\nk = 1\nk = 2\n',
  'duplicate key in a late section': '[a]\nk = 1\n[b]\nk = 1\n[c]\nk = 1\nK = 2\n',
  'duplicate section after a bad line': '[a]\njunk\n[b]\n[a]\n',
  'section indented after a nested block': '[a]\ns3 =\n  x = 1\n  [b]\nk = v\n',
  'header after an indented key': '[a]\n  k = v\n[b]\nk = w\n',
  'profile default after default, lazily': '[default]\na = 1\n[profile x]\nb = 2\n[profile default]\nc = 3\n',
  'proto section and key': '[__proto__]\n__proto__ = 1\n[profile __proto__]\nconstructor = 2\n',
};

interface BotocoreResult {
  ok: boolean;
  error?: string;
  sections?: [string, Record<string, unknown>][];
  profiles?: Record<string, Record<string, unknown>>;
}

function parseWithBotocore(texts: string[]): BotocoreResult[] {
  const result = spawnSync('python3', ['test/config/botocore_parse.py'], { input: JSON.stringify(texts), encoding: 'utf8', env: pythonEnv(), ...SYNC_CHILD_LIMIT });
  if (result.status !== 0) throw new Error(`botocore_parse.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as BotocoreResult[];
}

/** botocore's parse of every sample, refreshed by `npm run record-botocore`; used where botocore is not installed. */
const RECORDING = new URL('./botocore-results.json', import.meta.url);
const live = usePython('botocore', 'the live botocore oracle of INI parsing', 'the samples are held to test/config/botocore-results.json instead');

function recordedParses(): Record<string, BotocoreResult> {
  return JSON.parse(readFileSync(RECORDING, 'utf8')) as Record<string, BotocoreResult>;
}

/** botocore's answer for each sample by name: live (and then equal to the recording, or recorded anew), else recorded. */
function botocoreParses(names: readonly string[]): Record<string, BotocoreResult> {
  if (!live) return recordedParses();
  const parsed = parseWithBotocore(names.map((name) => SAMPLES[name] ?? ''));
  const byName = Object.fromEntries(names.map((name, index) => [name, parsed[index] as BotocoreResult]));
  if (process.env['AWSROLE_RECORD_BOTOCORE'] === '1') writeFileSync(RECORDING, `${JSON.stringify(byName, null, 2)}\n`);
  return byName;
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
  const expected = botocoreParses(names);
  it.each(names)('%s', (name) => {
    const answer = expected[name];
    if (answer === undefined) throw new Error(`no recorded botocore parse for "${name}": run \`npm run record-botocore\` with botocore installed`);
    expect(parseWithAwsrole(SAMPLES[name] ?? '')).toEqual(answer);
  });

  it.skipIf(!live)('botocore parses as recorded in botocore-results.json (else `npm run record-botocore`)', () => {
    expect(expected).toEqual(recordedParses());
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

function parseError(text: string): { line: number; message: string } | undefined {
  try {
    parseIni(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof IniParseError)) throw error;
    return { line: error.line, message: error.message };
  }
}

/** Ten profiles like a team's generated config, each with a role and a nested block. */
function teamConfig(eol: string): string {
  const parts = ['[DEFAULT]', 'region = eu-west-1', '[default]', 'output = json'];
  for (let i = 0; i < 10; i++) {
    parts.push(`[profile team-${i}]`, `role_arn = arn:aws:iam::111122223333:role/team-${i}`, 'source_profile = default', 's3 =', `  max_concurrent_requests = ${i}`, '', `  addressing_style = path`);
  }
  return parts.join(eol);
}

describe('parseIni reads sections on demand', () => {
  it.each([
    ['\n', 'LF'],
    ['\r\n', 'CRLF'],
    ['\r', 'CR'],
  ])('a section read first from the end, then from the start (%j, %s)', (eol) => {
    const sections = parseIni(teamConfig(eol));
    expect(sections.get('profile team-9')).toEqual({
      region: 'eu-west-1',
      role_arn: 'arn:aws:iam::111122223333:role/team-9',
      source_profile: 'default',
      s3: { max_concurrent_requests: '9', addressing_style: 'path' },
    });
    expect(sections.get('default')).toEqual({ region: 'eu-west-1', output: 'json' });
    expect(sections.get('profile team-0')).toEqual({
      region: 'eu-west-1',
      role_arn: 'arn:aws:iam::111122223333:role/team-0',
      source_profile: 'default',
      s3: { max_concurrent_requests: '0', addressing_style: 'path' },
    });
  });

  it('keeps every map method in file order', () => {
    const sections: IniSections = parseIni('[b]\nk = 1\n[a]\nk = 2\n  more\n[c]');
    expect(sections.size).toBe(3);
    expect(sections.has('a')).toBe(true);
    expect(sections.has('DEFAULT')).toBe(false);
    expect(sections.get('missing')).toBeUndefined();
    expect([...sections.keys()]).toEqual(['b', 'a', 'c']);
    expect([...sections.values()]).toEqual([{ k: '1' }, { k: '2\nmore' }, {}]);
    expect([...sections]).toEqual([
      ['b', { k: '1' }],
      ['a', { k: '2\nmore' }],
      ['c', {}],
    ]);
    const seen: [string, unknown][] = [];
    sections.forEach((section, name, map) => {
      expect(map).toBe(sections);
      seen.push([name, section]);
    });
    expect(seen).toEqual([...sections.entries()]);
  });

  it('builds a section once: every access, and the profile map, get the same object', () => {
    const sections = parseIni('[profile a]\nk = v\n');
    const section = sections.get('profile a');
    expect(sections.get('profile a')).toBe(section);
    expect(configProfiles(sections, 'profile').get('a')).toBe(section);
    expect([...sections.values()][0]).toBe(section);
  });

  it('values keep their inner spaces and characters, trimmed of Python whitespace only', () => {
    const sections = parseIni('[a]\n\u3000key\t: \u00a0a = b ; c #d\u2028\r\nother=\ufeffx\ufeff\n');
    expect(sections.get('a')).toEqual({ key: 'a = b ; c #d', other: '\ufeffx\ufeff' });
  });

  it('a value ends before the next header, even one at the end of the file without a newline', () => {
    const sections = parseIni('[a]\nk = v\n\n\n[b]');
    expect(sections.get('a')).toEqual({ k: 'v' });
    expect(sections.get('b')).toEqual({});
  });

  it('an option of a section read later still sees [DEFAULT] keys that come after it', () => {
    const sections = parseIni('[a]\nx = 1\n[DEFAULT]\ny = 2\n[b]\nz = 3\n');
    expect(sections.get('a')).toEqual({ y: '2', x: '1' });
    expect(sections.get('b')).toEqual({ y: '2', z: '3' });
  });
});

describe('parseIni errors name the line botocore fails on, whether or not the section is read', () => {
  it.each([
    ['a line before any header', 'k = v\n[a]\n', 1, 'line 1 comes before any [section] header'],
    ['a bad line in a late section', '[a]\nk = v\n[b]\nk = v\n\njunk\n', 6, 'line 6 is neither a [section], a key = value, nor an indented continuation'],
    ['a bad line over CRLF', '[a]\r\nk = v\r\n\r\njunk\r\n', 4, 'line 4 is neither a [section], a key = value, nor an indented continuation'],
    ['a bad line over CR', '[a]\rk = v\r\r= v', 4, 'line 4 is neither a [section], a key = value, nor an indented continuation'],
    ['the first of two bad lines', '[a]\njunk\nmore junk\n', 2, 'line 2 is neither a [section], a key = value, nor an indented continuation'],
    ['a duplicate key after a bad line', '[a]\njunk\n[b]\nk = 1\nK = 2\n', 5, 'key "k" appears twice in [b] (line 5)'],
    ['a duplicate key in a late section', '[a]\nk = 1\n[b]\nk = 1\nk = 2\n', 5, 'key "k" appears twice in [b] (line 5)'],
    ['a [DEFAULT] key twice across blocks', '[DEFAULT]\nk = 1\n[a]\n[DEFAULT]\nk = 2\n', 5, 'key "k" appears twice in [DEFAULT] (line 5)'],
    ['a duplicate section', '[a]\n[b]\r\n[a]', 3, 'section [a] appears twice (line 3)'],
    ['a nested block line without = in a section never read', '[a]\ns3 =\n  x = 1\n  nonsense\n[b]\n', 0, 'the indented block under "s3" has a line without "=" (an indented line continues the key above it)'],
    ['the first bad nested block in file order', '[a]\nk =\n  one\n[b]\nj =\n  two\n', 0, 'the indented block under "k" has a line without "=" (an indented line continues the key above it)'],
    ['a bad nested block in [DEFAULT] before one in a section', '[a]\nk =\n  one\n[DEFAULT]\nj =\n  two\n', 0, 'the indented block under "j" has a line without "=" (an indented line continues the key above it)'],
    ['a bad line before a bad nested block', '[a]\nk =\n  one\n[b]\njunk\n', 5, 'line 5 is neither a [section], a key = value, nor an indented continuation'],
  ])('%s', (_label, text, line, message) => {
    expect(parseError(text)).toEqual({ line, message });
  });

  it('a value whose first line has text is not a nested block', () => {
    expect(parseIni('[a]\nk = v\n  no equals here\n').get('a')).toEqual({ k: 'v\nno equals here' });
  });
});

describe('configProfiles', () => {
  it('names profiles as botocore does, the later of [default] and [profile default] winning in place', () => {
    const sections = parseIni('[profile default]\na = 1\n[profile  b]\nb = 2\n[profile "c d"]\nc = 3\n[default]\na = 4\n[profile]\n[profile e f]\n[services s]\nsts =\n  endpoint_url = x\n');
    const profiles = configProfiles(sections, 'profile');
    expect([...profiles]).toEqual([
      ['default', { a: '4' }],
      ['b', { b: '2' }],
      ['c d', { c: '3' }],
    ]);
    expect([...configProfiles(sections, 'services')]).toEqual([['s', { sts: { endpoint_url: 'x' } }]]);
  });

  it('finds one profile among many', () => {
    const lines = ['[profile alice]', 'region = eu-west-1'];
    for (let i = 0; i < 3000; i++) lines.push(`[profile team-${i}]`, `role_arn = arn:aws:iam::111122223333:role/team-${i}`, 'source_profile = alice');
    const profiles = configProfiles(parseIni(`${lines.join('\n')}\n`), 'profile');
    expect(profiles.size).toBe(3001);
    expect(profiles.get('alice')).toEqual({ region: 'eu-west-1' });
    expect(profiles.get('team-2999')).toEqual({ role_arn: 'arn:aws:iam::111122223333:role/team-2999', source_profile: 'alice' });
    expect(profiles.has('team-3000')).toBe(false);
  });
});
