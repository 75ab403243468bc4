/**
 * The index of a big config file (src/config/ini-index.ts): a run reads what a parse would
 * have given, the index is used only while the file is the one it was made from, only from a
 * private folder, and only for settled, clean files without [DEFAULT].
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_MIN_BYTES, SETTLED_MS } from '../../src/config/ini-index.js';
import { parseIni } from '../../src/config/ini.js';
import { configProfiles, loadSharedConfig } from '../../src/config/load.js';
import type { SharedConfig } from '../../src/config/shared-config.js';
import { tempDir } from '../support/cleanup.js';
import { testDeps } from '../support/deps.js';

const PROFILES = 1000;

function bigConfig(valueOf: (i: number) => string = (i) => `Role${i % 4}`): string {
  const lines = ['[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = eu-west-1', ''];
  for (let i = 0; i < PROFILES; i++) {
    lines.push(`[profile team-${String(i).padStart(4, '0')}]`, 'sso_session = corp', `sso_account_id = ${100_000_000_000 + i}`, `sso_role_name = ${valueOf(i)}`, '');
  }
  return lines.join('\n');
}

interface World {
  home: string;
  cache: string;
  config: string;
  /** Loads the files as a run does, at a time long after they were written (settled). */
  load(settled?: boolean): Promise<SharedConfig>;
  indexFiles(): string[];
}

function world(text: string): World {
  const home = tempDir('awsrole-ini-index-');
  const cache = join(home, 'xdg-cache');
  const config = join(home, '.aws', 'config');
  mkdirSync(join(home, '.aws'), { recursive: true });
  writeFileSync(config, text);
  const folder = join(cache, 'awsrole', 'ini-index');
  return {
    home,
    cache,
    config,
    load: (settled = true) =>
      loadSharedConfig(testDeps(home, { env: { XDG_CACHE_HOME: cache }, now: () => new Date(Date.now() + (settled ? SETTLED_MS + 60_000 : 0)) })),
    indexFiles: () => {
      try {
        return readdirSync(folder).map((name) => join(folder, name));
      } catch {
        return [];
      }
    },
  };
}

/** Every profile of the config as plain objects, for comparing runs with a parse of the text. */
function profilesOf(config: SharedConfig): [string, unknown][] {
  return [...config.configProfiles].map(([name, section]) => [name, { ...section }]);
}

function parsedProfiles(text: string): [string, unknown][] {
  return [...configProfiles(parseIni(text), 'profile')].map(([name, section]) => [name, { ...section }]);
}

/** Points one profile's entry in the index (view 0: the profiles) at another section: a run that uses the index reads the wrong one. */
function tamper(indexFile: string, profile: string, withStartOf: string): void {
  const lines = readFileSync(indexFile, 'utf8').split('\n');
  const startOf = (name: string): string => (lines.find((line) => line.startsWith('0 ') && line.endsWith(` ${name}`)) ?? '').split(' ')[1] ?? '';
  const other = startOf(withStartOf);
  expect(other).toMatch(/^\d+$/);
  writeFileSync(indexFile, lines.map((line) => (line.startsWith('0 ') && line.endsWith(` ${profile}`) ? `0 ${other} ${profile}` : line)).join('\n'));
}

describe('the index of a big config file', () => {
  it('is written to a private folder once the file has settled, and a run through it reads what a parse reads', async () => {
    const text = bigConfig();
    expect(text.length).toBeGreaterThan(INDEX_MIN_BYTES);
    const w = world(text);
    await w.load(false);
    expect(w.indexFiles()).toEqual([]);
    const first = await w.load();
    const [index] = w.indexFiles();
    expect(index).toBeDefined();
    expect(statSync(join(w.cache, 'awsrole', 'ini-index')).mode & 0o777).toBe(0o700);
    expect(statSync(index ?? '').mode & 0o777).toBe(0o600);
    expect(readFileSync(index ?? '', 'utf8').split('\n')[0]).toContain(JSON.stringify(w.config));
    const second = await w.load();
    expect(profilesOf(first)).toEqual(parsedProfiles(text));
    expect(profilesOf(second)).toEqual(parsedProfiles(text));
    expect(second.ssoSessions?.get('corp')).toEqual({ sso_start_url: 'https://corp.awsapps.com/start', sso_region: 'eu-west-1' });
  });

  it('is what a run uses while the file is unchanged (a tampered index shows)', async () => {
    const w = world(bigConfig());
    await w.load();
    tamper(w.indexFiles()[0] ?? '', 'team-0001', 'team-0002');
    expect((await w.load()).configProfiles.get('team-0001')?.['sso_account_id']).toBe('100000000002');
  });

  it('is not used once the file changed, even to the same size and modification time', async () => {
    const w = world(bigConfig());
    const { mtime } = statSync(w.config);
    await w.load();
    tamper(w.indexFiles()[0] ?? '', 'team-0001', 'team-0002');
    // The kernel's timestamp tick (a few ms) must pass, as between two real edits.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const edited = bigConfig((i) => (i === 1 ? 'Role9' : `Role${i % 4}`));
    expect(edited.length).toBe(readFileSync(w.config, 'utf8').length);
    writeFileSync(w.config, edited);
    utimesSync(w.config, mtime, mtime);
    const after = await w.load();
    expect(after.configProfiles.get('team-0001')).toEqual({ sso_session: 'corp', sso_account_id: '100000000001', sso_role_name: 'Role9' });
    expect(profilesOf(after)).toEqual(parsedProfiles(edited));
  });

  it('is neither read nor written in a folder others can enter', async () => {
    const w = world(bigConfig());
    await w.load();
    const folder = join(w.cache, 'awsrole', 'ini-index');
    const index = w.indexFiles()[0] ?? '';
    tamper(index, 'team-0001', 'team-0002');
    const tampered = readFileSync(index, 'utf8');
    chmodSync(folder, 0o755);
    expect((await w.load()).configProfiles.get('team-0001')?.['sso_account_id']).toBe('100000000001');
    expect(readFileSync(index, 'utf8')).toBe(tampered);
  });

  it('keeps one index per file and set of views: the same big file as config and credentials file', async () => {
    const text = bigConfig();
    const w = world(text);
    const deps = testDeps(w.home, { env: { XDG_CACHE_HOME: w.cache, AWS_SHARED_CREDENTIALS_FILE: w.config }, now: () => new Date(Date.now() + SETTLED_MS + 60_000) });
    await loadSharedConfig(deps);
    expect(w.indexFiles()).toHaveLength(2);
    const config = await loadSharedConfig(deps);
    expect(profilesOf(config)).toEqual(parsedProfiles(text));
    expect([...config.credentialsProfiles.keys()]).toEqual([...parseIni(text).keys()]);
    expect({ ...config.credentialsProfiles.get('profile team-0999') }).toEqual({ sso_session: 'corp', sso_account_id: '100000000999', sso_role_name: 'Role3' });
  });

  it('is not made for a small file, a file with [DEFAULT], or one that does not parse', async () => {
    const small = world('[profile a]\nregion = eu-west-1\n');
    await small.load();
    expect(small.indexFiles()).toEqual([]);
    const withDefault = world(`[DEFAULT]\nregion = eu-west-1\n${bigConfig()}`);
    await withDefault.load();
    await withDefault.load();
    expect(withDefault.indexFiles()).toEqual([]);
    expect((await withDefault.load()).configProfiles.get('team-0001')?.['region']).toBe('eu-west-1');
    const broken = world(`${bigConfig()}\nnot a line botocore takes\n`);
    await expect(broken.load()).rejects.toThrow(/cannot parse .*line \d+ is neither/);
    await expect(broken.load()).rejects.toThrow(/cannot parse/);
    expect(broken.indexFiles()).toEqual([]);
  });
});
