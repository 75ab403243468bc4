/** The completion's header scan names the same profiles as the full parse (loadSharedConfig). */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIni } from '../../src/config/ini.js';
import { configProfiles } from '../../src/config/load.js';
import { SETTLED_MS } from '../../src/config/ini-index.js';
import { writeProfileNames } from '../../src/shell/fast-path.js';
import { profileNamesIn } from '../../src/shell/profile-names.js';
import { testDeps } from '../support/deps.js';

const CONFIG = [
  '[DEFAULT]\nregion = eu-west-1\n',
  '[profile zeta]\nregion = x\n',
  '[default]\n',
  '[profile alpha]\r\nregion = y\r\n',
  '[profile "with space"]\n',
  "[profile 'single']\n",
  '[profile  two-spaces]\n',
  '[profile tab\there]\n',
  '[profilex]\n',
  '[sso-session corp]\nsso_start_url = https://x\n',
  '[services dev]\ns3 =\n  endpoint_url = http://localhost\n',
  '[profile x]]\n',
  '[profile bad\x1bname]\n',
  '[profile alpha2] \n',
  '[profile a b c]\n',
].join('');

const CREDENTIALS = '[DEFAULT]\nregion = z\n[alpha]\naws_access_key_id = A\n[cred only]\n[zeta]\n';

describe('profileNamesIn', () => {
  it('finds the names loadSharedConfig finds, sorted, once, without control characters', () => {
    const parsed = new Set([...configProfiles(parseIni(CONFIG), 'profile').keys(), ...parseIni(CREDENTIALS).keys()]);
    const expected = [...parsed].filter((name) => !/[\x00-\x1f]/.test(name)).sort();
    expect(profileNamesIn(CONFIG, CREDENTIALS)).toEqual(expected);
    expect(expected).toEqual(['alpha', 'alpha2', 'cred only', 'default', 'single', 'two-spaces', 'with space', 'x]', 'zeta']);
  });

  it('sorts a config written out of order', () => {
    expect(profileNamesIn('[profile b]\n[profile a]\n[profile b]\n', '[a]\n')).toEqual(['a', 'b']);
  });
});

describe('writeProfileNames on a big config: the names cache (src/shell/names-cache.ts)', () => {
  const PROFILES = 3000; // ~200 KB: over INDEX_MIN_BYTES
  const bigConfig = (extra = ''): string =>
    Array.from({ length: PROFILES }, (_, i) => `[profile team-${String(i).padStart(4, '0')}]\nrole_arn = arn:aws:iam::111122223333:role/r${i}\nsource_profile = alice\n`).join('') + extra;
  let home: string;
  let cache: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'awsrole-names-'));
    cache = join(home, 'xdg-cache');
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'config'), bigConfig());
    writeFileSync(join(home, '.aws', 'credentials'), '[alice]\naws_access_key_id = A\n');
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const folder = (): string => join(cache, 'awsrole', 'profile-names');
  const cacheFiles = (): string[] => (existsSync(folder()) ? readdirSync(folder()).map((name) => join(folder(), name)) : []);
  /** One Tab, with the clock past SETTLED_MS (or not) since the files were written. */
  async function tab(settled = true): Promise<string[]> {
    const deps = testDeps(home, { env: { XDG_CACHE_HOME: cache }, now: () => new Date(Date.now() + (settled ? SETTLED_MS + 60_000 : 0)) });
    await writeProfileNames(deps);
    return deps.stdout.text().split('\n').filter(Boolean);
  }
  const scanned = (): string[] => profileNamesIn(readFileSync(join(home, '.aws', 'config'), 'utf8'), '[alice]\n');

  it('is written once the files have settled (0600 in a 0700 folder), and the next Tab reads it', async () => {
    expect(await tab(false)).toEqual(scanned());
    expect(cacheFiles()).toEqual([]);
    expect(await tab()).toEqual(scanned());
    const [file] = cacheFiles();
    expect(file).toBeDefined();
    expect(statSync(folder()).mode & 0o777).toBe(0o700);
    expect(statSync(file ?? '').mode & 0o777).toBe(0o600);
    // Proof that the next Tab reads the cache and not the files: a name changed in it comes back.
    writeFileSync(file ?? '', readFileSync(file ?? '', 'utf8').replace('team-0001\n', 'from-the-cache\n'));
    expect(await tab()).toContain('from-the-cache');
  });

  it('is not used once a file changed, nor from a folder others can enter', async () => {
    await tab();
    const [file] = cacheFiles();
    writeFileSync(file ?? '', readFileSync(file ?? '', 'utf8').replace('team-0001\n', 'from-the-cache\n'));
    chmodSync(folder(), 0o755);
    expect(await tab()).not.toContain('from-the-cache');
    chmodSync(folder(), 0o700);
    expect(await tab()).toContain('from-the-cache');
    writeFileSync(join(home, '.aws', 'config'), bigConfig('[profile added]\n'));
    const names = await tab();
    expect(names).toContain('added');
    expect(names).not.toContain('from-the-cache');
    expect(names).toEqual(scanned());
  });

  it('is not kept for small files', async () => {
    writeFileSync(join(home, '.aws', 'config'), '[profile small]\n');
    expect(await tab()).toEqual(['alice', 'small']);
    expect(cacheFiles()).toEqual([]);
  });
});
