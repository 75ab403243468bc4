import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { defaultFormat, OUTPUT_FORMATS, parseFormat } from '../../src/output/formats.js';
import { maskKeyId } from '../../src/output/mask.js';

describe('parseFormat', () => {
  it.each(OUTPUT_FORMATS)('accepts %s', (format) => {
    expect(parseFormat(format)).toBe(format);
  });

  it.each(['', 'SH', 'yaml', 'bash', 'pwsh', ' sh'])('refuses %j with a UsageError listing the formats', (text) => {
    let error: unknown;
    try {
      parseFormat(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toContain('sh, fish, powershell, cmd, dotenv, json, process');
  });

  it('suggests the format for a shell name', () => {
    expect(() => parseFormat('zsh')).toThrow(expect.objectContaining({ hint: 'for zsh, use --format sh' }));
    expect(() => parseFormat('pwsh')).toThrow(expect.objectContaining({ hint: 'for pwsh, use --format powershell' }));
  });
});

describe('defaultFormat', () => {
  it.each([
    [undefined, 'sh'],
    ['', 'sh'],
    ['/bin/bash', 'sh'],
    ['/usr/bin/zsh', 'sh'],
    ['/bin/sh', 'sh'],
    ['/bin/dash', 'sh'],
    ['/bin/ksh', 'sh'],
    ['/usr/bin/fish', 'fish'],
    ['/opt/homebrew/bin/fish', 'fish'],
    ['fish', 'fish'],
    ['/usr/bin/pwsh', 'powershell'],
    ['/usr/local/bin/powershell', 'powershell'],
    ['C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'powershell'],
    ['/usr/bin/tcsh', 'sh'],
    ['/usr/bin/nu', 'sh'],
    ['/usr/bin/fish/', 'sh'],
  ] as const)('$SHELL=%j gives %s', (shell, want) => {
    expect(defaultFormat(shell === undefined ? {} : { SHELL: shell })).toBe(want);
  });
});

describe('maskKeyId', () => {
  it.each([
    ['AKIAIOSFODNN7EXAMPLE', '****MPLE'],
    ['ASIA12345', '****2345'],
    ['ABCDE', '****BCDE'],
    ['ABCD', '****'],
    ['AB', '****'],
    ['', '****'],
  ])('%j becomes %j', (id, want) => {
    expect(maskKeyId(id)).toBe(want);
  });
});
