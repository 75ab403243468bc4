import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIni } from '../../src/config/ini.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { credentialEntries, upsertSection, writeCredentialsProfile } from '../../src/config/profile-writer.js';
import { sampleCredentials } from './helpers.js';
import { makeHome } from '../support/cli.js';
import { noWait, testDeps } from '../support/deps.js';

const CREDS = {
  accessKeyId: 'ASIAEXAMPLEEXAMABCD',
  secretAccessKey: 'wJalr/SECRETCANARY+KEY',
  sessionToken: 'FwoGZXIvTOKENCANARY//=',
  expiration: new Date('2030-01-01T01:00:00Z'),
};

/** Comments, blank lines, odd spacing, CRLF, other profiles, no final newline. */
const EXISTING =
  '# my keys\r\n; by hand\r\n\r\n[default]\r\naws_access_key_id = AKIADEFAULT0000\r\naws_secret_access_key=default-secret\r\n\r\n' +
  '[alice-mfa]  \r\n# old\r\naws_access_key_id = OLDOLD\r\naws_secret_access_key = old\r\naws_session_token = old\r\n\r\n# about prod\r\n' +
  '[prod]\r\n  aws_access_key_id = AKIAPROD\r\naws_secret_access_key = prod';

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

function credentialsPath(home: string): string {
  return join(home, '.aws', 'credentials');
}

function writeExisting(home: string, text: string | Buffer, fileMode = 0o600): string {
  const path = credentialsPath(home);
  mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
  writeFileSync(path, text);
  chmodSync(path, fileMode);
  return path;
}

describe('writeCredentialsProfile over long-term keys', () => {
  const LONG_TERM = '# mine\n[alice]\n# the keys\naws_access_key_id = AKIAALICE0000001\naws_secret_access_key = alice/secret\nregion = eu-west-1\n\n# next\n[other]\nx = 1\n';
  const at = new Date('2026-12-03T12:42:00Z');

  it.each([
    ['an AKIA key id, even beside a session token', '[alice]\naws_access_key_id = AKIAALICE0000001\naws_secret_access_key = s\naws_session_token = t\n'],
    ['a key id with no session token', '[alice]\naws_access_key_id = ASIAOLD000000001\naws_secret_access_key = s\n'],
  ])('refuses to replace %s without force, and writes nothing', async (_what, text) => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, text);
    const error = await writeCredentialsProfile(testDeps(home), 'alice', CREDS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(
      `refusing to overwrite [alice] in ~/.aws/credentials: it holds long-term keys (key ****0001), which may be your only copy; nothing was written`,
    );
    expect((error as UsageError).hint).toContain('--force');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('with force, keeps the old lines byte for byte as [NAME-backup-TIME] in the same file, written in one go', async () => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, LONG_TERM);
    const line = await writeCredentialsProfile(testDeps(home, { now: () => at }), 'alice', CREDS, { force: true });
    expect(line).toBe('wrote [alice] to ~/.aws/credentials (key ****ABCD, expires 2030-01-01T01:00:00Z); its long-term keys were kept as [alice-backup-20261203T124200Z]');
    expect(readFileSync(path, 'utf8')).toBe(
      '# mine\n[alice]\n' + credentialEntries(CREDS).map(([key, value]) => `${key} = ${value}\n`).join('') + '\n# next\n[other]\nx = 1\n' +
        '\n[alice-backup-20261203T124200Z]\n# the keys\naws_access_key_id = AKIAALICE0000001\naws_secret_access_key = alice/secret\nregion = eu-west-1\n',
    );
    expect(mode(path)).toBe(0o600);
  });

  it('with force twice in the same second, the second backup gets its own name', async () => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, LONG_TERM);
    const deps = testDeps(home, { now: () => at });
    await writeCredentialsProfile(deps, 'alice', { accessKeyId: 'AKIANEW000000002', secretAccessKey: 'n' }, { force: true });
    const line = await writeCredentialsProfile(deps, 'alice', CREDS, { force: true });
    expect(line).toContain('kept as [alice-backup-20261203T124200Z-2]');
    const parsed = parseIni(readFileSync(path, 'utf8'));
    expect(parsed.get('alice-backup-20261203T124200Z')).toEqual({ aws_access_key_id: 'AKIAALICE0000001', aws_secret_access_key: 'alice/secret', region: 'eu-west-1' });
    expect(parsed.get('alice-backup-20261203T124200Z-2')).toEqual({ aws_access_key_id: 'AKIANEW000000002', aws_secret_access_key: 'n' });
  });

  it('replaces a session it wrote before (ASIA key id with a token) without force or backup', async () => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, '[alice]\naws_access_key_id = ASIAOLD000000001\naws_secret_access_key = s\naws_session_token = t\n');
    const line = await writeCredentialsProfile(testDeps(home), 'alice', CREDS);
    expect(line).not.toContain('backup');
    expect(parseIni(readFileSync(path, 'utf8')).get('alice')).toEqual(Object.fromEntries(credentialEntries(CREDS)));
  });
});

describe('writeCredentialsProfile', () => {
  it('creates ~/.aws (0700) and the file (0600), and confirms with the key masked', async () => {
    const home = (await makeHome()).dir;
    const deps = testDeps(home);
    const line = await writeCredentialsProfile(deps, 'alice-mfa', CREDS);
    expect(line).toBe('wrote [alice-mfa] to ~/.aws/credentials (key ****ABCD, expires 2030-01-01T01:00:00Z)');
    const path = credentialsPath(home);
    expect(mode(join(home, '.aws'))).toBe(0o700);
    expect(mode(path)).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe(
      '[alice-mfa]\naws_access_key_id = ASIAEXAMPLEEXAMABCD\naws_secret_access_key = wJalr/SECRETCANARY+KEY\n' +
        'aws_session_token = FwoGZXIvTOKENCANARY//=\naws_credential_expiration = 2030-01-01T01:00:00Z\n',
    );
    expect(deps.stderr.text()).toBe('');
    expect(readdirSync(join(home, '.aws'))).toEqual(['credentials']); // no lock, no temp file left
  });

  it('leaves out the token and the expiry for static keys', async () => {
    const home = (await makeHome()).dir;
    const line = await writeCredentialsProfile(testDeps(home), 'static', { accessKeyId: 'AKIASTATICKEY1234', secretAccessKey: 's' });
    expect(line).toBe('wrote [static] to ~/.aws/credentials (key ****1234)');
    expect(parseIni(readFileSync(credentialsPath(home), 'utf8')).get('static')).toEqual({ aws_access_key_id: 'AKIASTATICKEY1234', aws_secret_access_key: 's' });
  });

  it('keeps every other byte of an existing file and parses back to the right values', async () => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, EXISTING);
    await writeCredentialsProfile(testDeps(home), 'alice-mfa', CREDS);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(
      '# my keys\r\n; by hand\r\n\r\n[default]\r\naws_access_key_id = AKIADEFAULT0000\r\naws_secret_access_key=default-secret\r\n\r\n' +
        '[alice-mfa]  \r\naws_access_key_id = ASIAEXAMPLEEXAMABCD\r\naws_secret_access_key = wJalr/SECRETCANARY+KEY\r\n' +
        'aws_session_token = FwoGZXIvTOKENCANARY//=\r\naws_credential_expiration = 2030-01-01T01:00:00Z\r\n\r\n# about prod\r\n' +
        '[prod]\r\n  aws_access_key_id = AKIAPROD\r\naws_secret_access_key = prod',
    );
    const parsed = parseIni(text);
    expect(parsed.get('alice-mfa')).toEqual(Object.fromEntries(credentialEntries(CREDS)));
    expect(parsed.get('default')).toEqual({ aws_access_key_id: 'AKIADEFAULT0000', aws_secret_access_key: 'default-secret' });
    expect(parsed.get('prod')).toEqual({ aws_access_key_id: 'AKIAPROD', aws_secret_access_key: 'prod' });
  });

  it('appends a new profile at the end, keeping the missing final newline style', async () => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, EXISTING);
    await writeCredentialsProfile(testDeps(home), 'new', CREDS);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(upsertSection(EXISTING, 'new', credentialEntries(CREDS)));
    expect(text.startsWith(`${EXISTING}\r\n\r\n[new]\r\n`)).toBe(true);
    expect(text.endsWith('2030-01-01T01:00:00Z')).toBe(true);
  });

  it('honours AWS_SHARED_CREDENTIALS_FILE (with ~) and shows that path', async () => {
    const home = (await makeHome()).dir;
    const deps = testDeps(home, { env: { HOME: home, AWS_SHARED_CREDENTIALS_FILE: '~/elsewhere/creds' } });
    const line = await writeCredentialsProfile(deps, 'x', CREDS);
    expect(line).toContain('to ~/elsewhere/creds ');
    expect(mode(join(home, 'elsewhere', 'creds'))).toBe(0o600);
    expect(existsSync(join(home, '.aws'))).toBe(false);
  });

  it('never shows the secret or the token, on stderr or in the confirmation', async () => {
    const home = (await makeHome()).dir;
    writeExisting(home, '[x]\naws_access_key_id = A\naws_session_token = old\n', 0o644);
    const deps = testDeps(home);
    const line = await writeCredentialsProfile(deps, 'x', CREDS);
    for (const text of [line, deps.stderr.text()]) {
      expect(text).not.toContain('CANARY');
      expect(text).not.toContain('ASIAEXAMPLE');
    }
  });

  it('warns when the old file was readable by others, and leaves it 0600', async () => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, '[x]\n', 0o644);
    const deps = testDeps(home);
    await writeCredentialsProfile(deps, 'x', CREDS);
    expect(deps.stderr.text()).toBe('awsrole: warning: ~/.aws/credentials was readable by others (mode 0644); it now is 0600\n');
    expect(mode(path)).toBe(0o600);
  });

  it('does not warn about a 0600 file', async () => {
    const home = (await makeHome()).dir;
    writeExisting(home, '[x]\n', 0o600);
    const deps = testDeps(home);
    await writeCredentialsProfile(deps, 'x', CREDS);
    expect(deps.stderr.text()).toBe('');
  });

  it('ends 0600 even under a umask that would take bits away', async () => {
    const home = (await makeHome()).dir;
    mkdirSync(join(home, '.aws'), { mode: 0o700 });
    const old = process.umask(0o277);
    try {
      await writeCredentialsProfile(testDeps(home), 'x', CREDS);
    } finally {
      process.umask(old);
    }
    expect(mode(credentialsPath(home))).toBe(0o600);
  });

  it('writes through a symlink: the target changes, the link stays a link', async () => {
    const home = (await makeHome()).dir;
    const dotfiles = join(home, 'dotfiles');
    mkdirSync(dotfiles);
    const target = join(dotfiles, 'aws-credentials');
    writeFileSync(target, '# kept\n[other]\nk = v\n', { mode: 0o600 });
    mkdirSync(join(home, '.aws'), { mode: 0o700 });
    const link = credentialsPath(home);
    symlinkSync('../dotfiles/aws-credentials', link);
    await writeCredentialsProfile(testDeps(home), 'x', CREDS);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(upsertSection('# kept\n[other]\nk = v\n', 'x', credentialEntries(CREDS)));
    expect(mode(target)).toBe(0o600);
    expect(readdirSync(dotfiles)).toEqual(['aws-credentials']);
    expect(readdirSync(join(home, '.aws'))).toEqual(['credentials']);
  });

  it('refuses a symlink to a missing file rather than replace the link', async () => {
    const home = (await makeHome()).dir;
    mkdirSync(join(home, '.aws'), { mode: 0o700 });
    symlinkSync('../nowhere/credentials', credentialsPath(home));
    await expect(writeCredentialsProfile(testDeps(home), 'x', CREDS)).rejects.toThrow(/symbolic link to a file that does not exist/);
    expect(lstatSync(credentialsPath(home)).isSymbolicLink()).toBe(true);
  });

  it('breaks a lock left by a writer that died', async () => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, '[x]\n');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(`${path}.lock`, `${dead}\nsome-token\n`);
    const deps = testDeps(home, { sleep: noWait });
    await writeCredentialsProfile(deps, 'x', CREDS);
    expect(deps.sleeps).toEqual([]);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(parseIni(readFileSync(path, 'utf8')).get('x')).toEqual(Object.fromEntries(credentialEntries(CREDS)));
  });

  it('gives up with a clear error when a live writer holds the lock, and writes nothing', async () => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, '[x]\n');
    writeFileSync(`${path}.lock`, `${process.pid}\nsomeone-else\n`);
    const deps = testDeps(home, { sleep: noWait });
    const error = await writeCredentialsProfile(deps, 'x', CREDS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^~\/\.aws\/credentials is being written by another process \(pid \d+\): gave up after waiting 1\d\.\d s for its lock ~\/\.aws\/credentials\.lock$/);
    expect((error as ConfigError).hint).toContain('delete ~/.aws/credentials.lock');
    expect(readFileSync(path, 'utf8')).toBe('[x]\n');
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid}\nsomeone-else\n`);
  });

  it.each([
    ['a file the AWS CLI cannot parse', '[a]\nnot a key\n', /cannot update ~\/\.aws\/credentials: line 2 .*nothing was written/],
    ['a byte order mark', '\uFEFF[a]\nk = v\n', /byte order mark/],
    ['[x] twice', '[x]\nk = 1\n[x]\nk = 2\n', /\[x\] appears 2 times/],
    ['a [DEFAULT] that would lend the profile a session token', '[DEFAULT]\naws_session_token = stale\n', /inherit aws_session_token from the file's \[DEFAULT\]/],
  ])('refuses %s and leaves the file alone', async (_label, text, message) => {
    const home = (await makeHome()).dir;
    const path = writeExisting(home, text);
    const error = await writeCredentialsProfile(testDeps(home), 'x', { accessKeyId: 'AKIA1234567', secretAccessKey: 's' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(join(home, '.aws'))).toEqual(['credentials']);
  });

  it('refuses a file that is not UTF-8 rather than change its bytes', async () => {
    const home = (await makeHome()).dir;
    const bytes = Buffer.from('# caf\xe9\n[a]\nk = v\n', 'latin1');
    const path = writeExisting(home, bytes);
    await expect(writeCredentialsProfile(testDeps(home), 'x', CREDS)).rejects.toThrow(/not UTF-8/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('refuses a path that is not a regular file', async () => {
    const home = (await makeHome()).dir;
    mkdirSync(join(home, '.aws', 'credentials'), { recursive: true });
    await expect(writeCredentialsProfile(testDeps(home), 'x', CREDS)).rejects.toThrow(/is not a regular file/);
  });

  it('refuses a bad name before touching anything', async () => {
    const home = (await makeHome()).dir;
    await expect(writeCredentialsProfile(testDeps(home), 'bad]name', CREDS)).rejects.toThrow(UsageError);
    await expect(writeCredentialsProfile(testDeps(home), 'x', { ...CREDS, sessionToken: 'a\nb' })).rejects.toThrow(/aws_session_token/);
    expect(existsSync(join(home, '.aws'))).toBe(false);
  });

  it('eight writers in one process all land', async () => {
    const home = (await makeHome()).dir;
    writeExisting(home, EXISTING);
    const names = Array.from({ length: 8 }, (_, index) => `p${index}`);
    await Promise.all(names.map((name) => writeCredentialsProfile(testDeps(home), name, sampleCredentials(name))));
    const parsed = parseIni(readFileSync(credentialsPath(home), 'utf8'));
    for (const name of names) expect(parsed.get(name)?.['aws_secret_access_key']).toBe(sampleCredentials(name).secretAccessKey);
    expect(readFileSync(credentialsPath(home), 'utf8').startsWith(EXISTING)).toBe(true);
  });
});
