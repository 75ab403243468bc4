import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IniParseError, parseIni } from '../../src/config/ini.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { checkSection, credentialEntries, removeSection, upsertSection } from '../../src/config/profile-writer.js';

const NEW: [string, string][] = [
  ['aws_access_key_id', 'ASIANEWNEWNEWNEW1234'],
  ['aws_secret_access_key', 'new/secret+key'],
  ['aws_session_token', 'FwoGZXIvYXdzE//token=='],
  ['aws_credential_expiration', '2030-01-01T01:00:00Z'],
];
const NEW_LINES = NEW.map(([key, value]) => `${key} = ${value}`);

/** Lines joined with `eol`, each followed by it (a file that ends with a break). */
function file(lines: string[], eol = '\n'): string {
  return lines.map((line) => line + eol).join('');
}

/** A credentials file with everything a person leaves in one. */
const MESSY = [
  '# my AWS keys',
  '; managed by hand',
  '',
  '  [default]',
  'aws_access_key_id=AKIADEFAULTDEFAULT00',
  'aws_secret_access_key   =   default-secret',
  '\t',
  '[dev]   ',
  '# rotated monthly',
  'aws_access_key_id = AKIAOLDOLDOLDOLD0000',
  '',
  '; note in the middle',
  'aws_secret_access_key = old-secret',
  's3 =',
  '    max_concurrent_requests = 10',
  '    [not-a-header] = x',
  '',
  '# prod is live: careful',
  ';   second line about prod',
  '',
  '[prod]  ',
  'aws_access_key_id:AKIAPRODPRODPRODPROD',
  'aws_secret_access_key = prod-secret',
];
const BEFORE_DEV = MESSY.slice(0, 8);
const AFTER_DEV_KEYS = MESSY.slice(16);

describe('upsertSection: replacing', () => {
  it('replaces a section in the middle and keeps every other byte, LF', () => {
    const text = file(MESSY);
    expect(upsertSection(text, 'dev', NEW)).toBe(file([...BEFORE_DEV, ...NEW_LINES, ...AFTER_DEV_KEYS]));
  });

  it('keeps CRLF line ends and writes new lines with CRLF', () => {
    const text = file(MESSY, '\r\n');
    expect(upsertSection(text, 'dev', NEW)).toBe(file([...BEFORE_DEV, ...NEW_LINES, ...AFTER_DEV_KEYS], '\r\n'));
  });

  it('keeps a UTF-8 byte order mark in front', () => {
    const text = `\uFEFF${file(MESSY, '\r\n')}`;
    const result = upsertSection(text, 'dev', NEW);
    expect(result).toBe(`\uFEFF${file([...BEFORE_DEV, ...NEW_LINES, ...AFTER_DEV_KEYS], '\r\n')}`);
    expect(upsertSection('\uFEFF[a]\nk = v\n', 'a', [['k', 'w']])).toBe('\uFEFF[a]\nk = w\n');
  });

  it('replaces the last section of a file without a final newline, which still has none', () => {
    const text = file(MESSY).slice(0, -1);
    const result = upsertSection(text, 'prod', NEW);
    expect(result).toBe(file([...MESSY.slice(0, -2), ...NEW_LINES]).slice(0, -1));
    expect(result.endsWith('\n')).toBe(false);
  });

  it('replaces the last section of a CRLF file that ends with a newline', () => {
    const text = file(MESSY, '\r\n');
    expect(upsertSection(text, 'prod', NEW)).toBe(file([...MESSY.slice(0, -2), ...NEW_LINES], '\r\n'));
  });

  it('replaces the first section', () => {
    const text = file(MESSY);
    expect(upsertSection(text, 'default', NEW)).toBe(file([...MESSY.slice(0, 4), ...NEW_LINES, ...MESSY.slice(6)]));
  });

  it('replaces a section that is only a header at the very end (no newline)', () => {
    expect(upsertSection('[a]\nk = v\n[dev]', 'dev', [['k', '1']])).toBe('[a]\nk = v\n[dev]\nk = 1');
  });

  it('writes exactly the given keys: old keys the section had are gone', () => {
    const result = upsertSection(file(MESSY), 'dev', NEW.slice(0, 2));
    expect(parseIni(result).get('dev')).toEqual(Object.fromEntries(NEW.slice(0, 2)));
  });

  it('parses back with parseIni: the section has the new values, the others what they had', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = file(MESSY, eol);
      const before = parseIni(text);
      const after = parseIni(upsertSection(text, 'dev', NEW));
      expect(after.get('dev')).toEqual(Object.fromEntries(NEW));
      expect(after.get('default')).toEqual(before.get('default'));
      expect(after.get('prod')).toEqual(before.get('prod'));
      expect([...after.keys()]).toEqual(['default', 'dev', 'prod']);
    }
  });
});

describe('upsertSection: appending', () => {
  it('appends to a file that ends with a newline, after a blank line', () => {
    const text = file(MESSY);
    expect(upsertSection(text, 'new', NEW)).toBe(file([...MESSY, '', '[new]', ...NEW_LINES]));
  });

  it('appends to a file without a final newline: adds the one it needs, and still ends without one', () => {
    const text = file(MESSY, '\r\n').slice(0, -2);
    expect(upsertSection(text, 'new', NEW)).toBe(file([...MESSY, '', '[new]', ...NEW_LINES], '\r\n').slice(0, -2));
  });

  it('does not add a second blank line when the file ends with one', () => {
    expect(upsertSection('[a]\nk = v\n\n', 'b', [['k', 'w']])).toBe('[a]\nk = v\n\n[b]\nk = w\n');
  });

  it('writes a new file', () => {
    expect(upsertSection('', 'dev', NEW)).toBe(file(['[dev]', ...NEW_LINES]));
    expect(upsertSection('\uFEFF', 'dev', [['k', 'v']])).toBe('\uFEFF[dev]\nk = v\n');
  });

  it('uses the most common line end for new lines', () => {
    const text = '[a]\r\nk = v\r\nj = w\n';
    expect(upsertSection(text, 'b', [['k', 'x']])).toBe('[a]\r\nk = v\r\nj = w\n\r\n[b]\r\nk = x\r\n');
  });

  it('keeps lone CR line ends (Python reads them as line ends too)', () => {
    expect(upsertSection('[a]\rk = v\r[b]\rk = w\r', 'a', [['k', 'x']])).toBe('[a]\rk = x\r[b]\rk = w\r');
  });
});

describe('upsertSection: finding the header the way the parser does', () => {
  it.each([
    ['trailing spaces', '[dev]   \nk = old\n', '[dev]   \nk = new\n'],
    ['a trailing comment after the bracket', '[dev] ; mine\nk = old\n', '[dev] ; mine\nk = new\n'],
    ['an indented header after a header', '[a]\n  [dev]\nk = old\n', '[a]\n  [dev]\nk = new\n'],
    ['an indented header after a key at the same indent', '  k = v\n  [dev]\nk = old\n', '  k = v\n  [dev]\nk = new\n'],
  ])('%s', (_label, text, want) => {
    expect(upsertSection(text, 'dev', [['k', 'new']])).toBe(want);
  });

  it('does not take an indented line under a key (a continuation) for a header', () => {
    const text = '[a]\nk = v\n  [dev]\n';
    const result = upsertSection(text, 'dev', [['k', 'new']]);
    expect(result).toBe('[a]\nk = v\n  [dev]\n\n[dev]\nk = new\n');
    const parsed = parseIni(result);
    expect(parsed.get('a')).toEqual({ k: 'v\n[dev]' });
    expect(parsed.get('dev')).toEqual({ k: 'new' });
  });

  it('does not match other names: [ dev ], [Dev], [profile dev], [dev] x]', () => {
    for (const header of ['[ dev ]', '[Dev]', '[profile dev]', '[dev] x]']) {
      const text = `${header}\nk = v\n`;
      expect(upsertSection(text, 'dev', [['k', 'new']])).toBe(`${text}\n[dev]\nk = new\n`);
    }
  });

  it('indents the keys like an indented next header, which would otherwise become a continuation', () => {
    const text = '[dev]\n  k = old\n  [next]\n  k = v\n';
    const result = upsertSection(text, 'dev', [['k', 'new']]);
    expect(result).toBe('[dev]\n  k = new\n  [next]\n  k = v\n');
    expect(parseIni(result).get('next')).toEqual({ k: 'v' });
  });

  it('refuses a file with [name] twice, naming the lines', () => {
    const text = '[dev]\nk = 1\n[x]\nk = 2\n[dev]  \nk = 3\n';
    expect(() => upsertSection(text, 'dev', [['k', 'new']])).toThrow(ConfigError);
    expect(() => upsertSection(text, 'dev', [['k', 'new']])).toThrow(/appears 2 times \(lines 1, 5\)/);
  });

  it('a [dev] that is really a continuation line is not a duplicate', () => {
    const text = '[dev]\nk = 1\n  [dev]\n';
    expect(upsertSection(text, 'dev', [['k', 'new']])).toBe('[dev]\nk = new\n');
  });
});

describe('upsertSection: comments inside the replaced section', () => {
  it('drops comments between the keys, keeps the comments and blank lines right above the next header', () => {
    const text = file(['[dev]', '# about the old key', 'k = 1', '; between', 'j = 2', '', '# about next', '', '[next]', 'k = 3']);
    expect(upsertSection(text, 'dev', [['k', 'new']])).toBe(file(['[dev]', 'k = new', '', '# about next', '', '[next]', 'k = 3']));
  });

  it('keeps the trailing comments of the last section too', () => {
    const text = '[dev]\nk = 1\n# the end\n';
    expect(upsertSection(text, 'dev', [['k', 'new']])).toBe('[dev]\nk = new\n# the end\n');
    expect(upsertSection(text.slice(0, -1), 'dev', [['k', 'new']])).toBe('[dev]\nk = new\n# the end');
  });

  it('keeps a section body that is only comments, after the new keys', () => {
    const text = '[dev]\n# nothing yet\n\n[next]\n';
    expect(upsertSection(text, 'dev', [['k', 'new']])).toBe('[dev]\nk = new\n# nothing yet\n\n[next]\n');
  });
});

describe('removeSection: an indented header below the section', () => {
  // `sso populate --prune` removes generated sections; the next header may be a hand-written, indented one.
  const text = '[profile a]\nk = v\n\n[profile gen]\n  x = 1\n  [profile mine]\n  region = eu-west-1\n';

  it('refuses when the header would then read as part of a value of the section above (the section above changes, the one below is gone)', () => {
    expect(parseIni(text).get('profile mine')).toEqual({ region: 'eu-west-1' });
    expect(() => removeSection(text, 'profile gen')).toThrow(ConfigError);
    expect(() => removeSection(text, 'profile gen')).toThrow('removing [profile gen] would make the indented [profile mine] below it (line 6) part of a value of the section above');
  });

  it('removes the section when the header stays one: under a key at its indent, a header, or the lines before the first header', () => {
    expect(removeSection(text.replace('k = v', '  k = v'), 'profile gen')).toBe('[profile a]\n  k = v\n  [profile mine]\n  region = eu-west-1\n');
    expect(removeSection(text.replace('k = v\n', ''), 'profile gen')).toBe('[profile a]\n  [profile mine]\n  region = eu-west-1\n');
    expect(removeSection(text.replace('[profile a]\n', ''), 'profile gen')).toBe('k = v\n  [profile mine]\n  region = eu-west-1\n');
  });
});

describe('checkSection', () => {
  it.each([[''], ['a]b'], ['a\nb'], ['a\rb'], [' dev'], ['dev\t'], ['dev\u00a0'], ['a\u001bb'], ['DEFAULT']])('refuses the name %j', (name) => {
    expect(() => upsertSection('', name, [['k', 'v']])).toThrow(UsageError);
  });

  it('accepts names the parser reads back whole', () => {
    for (const name of ['dev', 'a b', 'profile x', '[odd', 'default', 'ünïcode', 'x#y;z=1']) {
      expect(parseIni(upsertSection('', name, [['k', 'v']])).get(name)).toEqual({ k: 'v' });
    }
  });

  it('refuses a value with a line break, naming the key and never the value', () => {
    const secret = 'SECRETCANARY\nline2';
    let caught: unknown;
    try {
      checkSection('dev', [['aws_secret_access_key', secret]]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toContain('aws_secret_access_key');
    expect((caught as Error).message).not.toContain('SECRETCANARY');
    expect(() => checkSection('dev', [['k', 'a\rb']])).toThrow(UsageError);
    expect(() => checkSection('dev', [['k', ' padded']])).toThrow(UsageError);
  });

  it('refuses keys the parser would read differently', () => {
    for (const key of ['', 'Key', 'a=b', 'a:b', '#k', ' k', 'a b']) {
      expect(() => checkSection('dev', [[key, 'v']])).toThrow(UsageError);
    }
    expect(() => checkSection('dev', [['k', 'v'], ['k', 'w']])).toThrow(UsageError);
  });
});

describe('credentialEntries', () => {
  it('writes the session token and the expiry only when present, expiry in UTC with Z', () => {
    expect(credentialEntries({ accessKeyId: 'AKIA1', secretAccessKey: 's' })).toEqual([
      ['aws_access_key_id', 'AKIA1'],
      ['aws_secret_access_key', 's'],
    ]);
    expect(
      credentialEntries({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: new Date('2030-01-01T02:00:00.123+01:00') }),
    ).toEqual([
      ['aws_access_key_id', 'ASIA1'],
      ['aws_secret_access_key', 's'],
      ['aws_session_token', 't'],
      ['aws_credential_expiration', '2030-01-01T01:00:00Z'],
    ]);
  });
});

describe('upsertSection: property', () => {
  const names = ['dev', 'prod', 'a b', 'default'];
  const lineArb = fc.oneof(
    fc.constantFrom(...names).map((name) => `[${name}]`),
    fc.tuple(fc.constantFrom(...names), fc.constantFrom('', ' ', '  ', '\t')).map(([name, pad]) => `${pad}[${name}]${pad}`),
    fc.tuple(fc.constantFrom('k', 'j', 'aws_access_key_id', 'region'), fc.constantFrom('=', ' = ', ':', '= '), fc.constantFrom('v', '', 'x y', '[dev]')).map(
      ([key, sep, value]) => `${key}${sep}${value}`,
    ),
    fc.tuple(fc.constantFrom(' ', '  ', '\t'), fc.constantFrom('more', '[dev]', 'k = v', '# not a comment?')).map(([pad, text]) => pad + text),
    fc.constantFrom('# comment', '; comment', '  # indented comment', '', ' ', '\t\t'),
  );
  const fileArb = fc
    .tuple(fc.array(lineArb, { maxLength: 14 }), fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 14, maxLength: 14 }), fc.boolean(), fc.boolean())
    .map(([lines, eols, finalBreak, bom]) => {
      const body = lines.map((line, index) => line + (index < lines.length - 1 || finalBreak ? (eols[index] ?? '\n') : '')).join('');
      return (bom ? '\uFEFF' : '') + body;
    });

  function parseOrUndefined(text: string): ReturnType<typeof parseIni> | undefined {
    try {
      return parseIni(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      if (error instanceof IniParseError) return undefined;
      throw error;
    }
  }

  it('changes only [name]: other sections parse the same, and the bytes around the section stay', () => {
    const entries: [string, string][] = [
      ['aws_access_key_id', 'AKIAX'],
      ['aws_secret_access_key', 's/e+c'],
    ];
    fc.assert(
      fc.property(fileArb, fc.constantFrom('dev', 'prod', 'a b'), (text, name) => {
        const before = parseOrUndefined(text);
        if (before === undefined) return; // botocore refuses the file; awsrole will not write it
        const result = upsertSection(text, name, entries);
        const after = parseOrUndefined(result);
        expect(after).toBeDefined();
        expect(after?.get(name)).toEqual(Object.fromEntries(entries));
        for (const [other, section] of before) if (other !== name) expect(after?.get(other)).toEqual(section);
        expect([...(after?.keys() ?? [])].filter((key) => key !== name)).toEqual([...before.keys()].filter((key) => key !== name));
        // Appending: the old file is a prefix (give or take the line break it lacked).
        if (!before.has(name)) expect(result.startsWith(text)).toBe(true);
        expect(result.endsWith('\n') || result.endsWith('\r')).toBe(text === '' || text === '\uFEFF' || /[\r\n]$/.test(text));
        expect(result.startsWith('\uFEFF')).toBe(text.startsWith('\uFEFF'));
      }),
      { numRuns: 3000 },
    );
  });

  it('removeSection removes only [name]: the other sections parse the same, or it refuses and changes nothing', () => {
    fc.assert(
      fc.property(fileArb, fc.constantFrom('dev', 'prod', 'a b'), (text, name) => {
        const before = parseOrUndefined(text);
        if (before === undefined) return;
        let result: string;
        try {
          result = removeSection(text, name);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          return;
        }
        const after = parseOrUndefined(result);
        expect(after).toBeDefined();
        expect(after?.has(name)).toBe(false);
        expect([...(after ?? [])]).toEqual([...before].filter(([key]) => key !== name));
      }),
      { numRuns: 3000 },
    );
  });
});
