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
import { type FileSystem, nodeFileSystem } from '../../src/deps.js';
import { ConfigError } from '../../src/errors.js';
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

/** What a run read of the config file: whole reads, and the pieces read through the index. */
interface Reads {
  whole: number;
  pieces: number[];
}

interface World {
  home: string;
  cache: string;
  config: string;
  /** What the last load read of the config file. */
  reads: Reads;
  /** While set, a positional read of the config file fails with this error code. */
  failReads: string | undefined;
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
  const w: World = {
    home,
    cache,
    config,
    reads: { whole: 0, pieces: [] },
    failReads: undefined,
    load: (settled = true) => {
      w.reads = { whole: 0, pieces: [] };
      const fs: FileSystem = {
        ...nodeFileSystem,
        readBytes: async (path) => {
          if (path === config) w.reads.whole++;
          return nodeFileSystem.readBytes(path);
        },
        readRangeSync: (path, position, length) => {
          if (path === config && w.failReads !== undefined) throw Object.assign(new Error(`${w.failReads}: read failed`), { code: w.failReads });
          const read = nodeFileSystem.readRangeSync(path, position, length);
          if (path === config) w.reads.pieces.push(read?.bytes.length ?? 0);
          return read;
        },
      };
      return loadSharedConfig(testDeps(home, { fs, env: { XDG_CACHE_HOME: cache }, now: () => new Date(Date.now() + (settled ? SETTLED_MS + 60_000 : 0)) }));
    },
    indexFiles: () => {
      try {
        return readdirSync(folder).map((name) => join(folder, name));
      } catch {
        return [];
      }
    },
  };
  return w;
}

/** Whether the last load went through the index: no whole read, only pieces of a few KB. */
function throughIndex(w: World): boolean {
  return w.reads.whole === 0 && w.reads.pieces.length > 0 && w.reads.pieces.every((bytes) => bytes <= 4096);
}

/** Every profile of the config as plain objects, for comparing runs with a parse of the text. */
function profilesOf(config: SharedConfig): [string, unknown][] {
  return [...config.configProfiles].map(([name, section]) => [name, { ...section }]);
}

function parsedProfiles(text: string): [string, unknown][] {
  return [...configProfiles(parseIni(text), 'profile')].map(([name, section]) => [name, { ...section }]);
}

/** Points one profile's entry in the index (view 0: the profiles) at another section, keeping the index whole (its trailer). */
function tamper(indexFile: string, profile: string, withOffsetOf: string): void {
  const content = readFileSync(indexFile, 'utf8');
  const lines = content.slice(0, content.lastIndexOf('\nend ') + 1).split('\n').slice(0, -1);
  const offsetOf = (name: string): string => (lines.find((line) => line.startsWith('0 ') && line.endsWith(` ${name}`)) ?? '').split(' ')[1] ?? '';
  const other = offsetOf(withOffsetOf);
  expect(other).toMatch(/^\d+$/);
  const body = `${lines.map((line) => (line.startsWith('0 ') && line.endsWith(` ${profile}`) ? `0 ${other} ${profile}` : line)).join('\n')}\n`;
  writeFileSync(indexFile, `${body}end ${body.length}\n`);
}

/**
 * A run through the index that has read team-0001, and a moment later (past the kernel's
 * timestamp tick) the file may be edited under it.
 */
async function throughIndexThenEdited(text: string): Promise<{ w: World; config: SharedConfig }> {
  const w = world(text);
  await w.load();
  const config = await w.load();
  expect(config.configProfiles.get('team-0001')?.['sso_role_name']).toBe('Role1');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { w, config };
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

  it('is what a run uses while the file is unchanged: only the sections asked for are read, a few KB each', async () => {
    const text = bigConfig();
    const w = world(text);
    await w.load();
    expect(w.reads.whole).toBe(1);
    const config = await w.load();
    expect(config.configProfiles.get('team-0500')).toEqual({ sso_session: 'corp', sso_account_id: '100000000500', sso_role_name: 'Role0' });
    expect(config.ssoSessions?.get('corp')).toEqual({ sso_start_url: 'https://corp.awsapps.com/start', sso_region: 'eu-west-1' });
    expect(config.configProfiles.get('team-9999')).toBeUndefined();
    expect(config.configProfiles.has('team-0999')).toBe(true);
    expect(throughIndex(w)).toBe(true);
    expect(w.reads.pieces).toHaveLength(3);
    expect(config.configProfiles.size).toBe(PROFILES);
    expect([...config.configProfiles.keys()]).toEqual([...configProfiles(parseIni(text), 'profile').keys()]);
    expect(throughIndex(w)).toBe(true);
    // Walking every section reads the file whole, as without an index.
    expect(profilesOf(config)).toEqual(parsedProfiles(text));
    expect(w.reads.pieces.at(-1)).toBe(text.length);
  });

  it('looks a few names up by piece; past 32 (listing every profile) reads the file once, whole, and answers the rest from it', async () => {
    const text = bigConfig();
    const w = world(text);
    await w.load();
    const config = await w.load();
    const names = Array.from({ length: 100 }, (_, i) => `team-${String(i * 7).padStart(4, '0')}`);
    const parsed = configProfiles(parseIni(text), 'profile');
    for (const name of names) expect({ ...config.configProfiles.get(name) }, name).toEqual({ ...parsed.get(name) });
    expect(w.reads.whole).toBe(0);
    expect(w.reads.pieces.filter((bytes) => bytes <= 4096)).toHaveLength(32);
    expect(w.reads.pieces.filter((bytes) => bytes > 4096)).toEqual([text.length]);
  });

  it('past 32 names, the whole read keeps the rules of a fallback: it must agree with every answer given through the index, or the run fails', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `team-${String(i * 7).padStart(4, '0')}`);
    // Edited after 32 names were answered through the index. Elsewhere (team-0999): the whole read agrees with them, and answers the rest from the file as it is now.
    const elsewhere = bigConfig((i) => (i === 999 ? 'Role9' : `Role${i % 4}`));
    const first = await throughIndexThenEdited(bigConfig());
    for (const name of names.slice(0, 31)) first.config.configProfiles.get(name);
    writeFileSync(first.w.config, elsewhere);
    for (const name of names) expect({ ...first.config.configProfiles.get(name) }, name).toEqual({ ...configProfiles(parseIni(elsewhere), 'profile').get(name) });
    expect(first.config.configProfiles.get('team-0999')?.['sso_role_name']).toBe('Role9');
    expect(first.w.reads.pieces.filter((bytes) => bytes <= 4096)).toHaveLength(32);
    expect(first.w.reads.pieces.filter((bytes) => bytes > 4096)).toEqual([elsewhere.length]);
    // In a section answered through the index (team-0007): the 33rd name fails the run, and so does every name after.
    const answered = bigConfig((i) => (i === 7 ? 'Role9' : `Role${i % 4}`));
    const second = await throughIndexThenEdited(bigConfig());
    for (const name of names.slice(0, 31)) second.config.configProfiles.get(name);
    writeFileSync(second.w.config, answered);
    expect(() => second.config.configProfiles.get(names[31] ?? '')).toThrow(/config changed while awsrole was reading it/);
    expect(() => second.config.configProfiles.get('team-0001')).toThrow(ConfigError);
    expect(() => second.config.ssoSessions?.get('corp')).toThrow(ConfigError);
    expect(second.w.reads.pieces.filter((bytes) => bytes <= 4096)).toHaveLength(32);
  });

  it('is caught pointing a profile at another section: the run reads the file whole instead', async () => {
    const text = bigConfig();
    const w = world(text);
    await w.load();
    tamper(w.indexFiles()[0] ?? '', 'team-0001', 'team-0002');
    const config = await w.load();
    expect(config.configProfiles.get('team-0003')?.['sso_account_id']).toBe('100000000003');
    expect(config.configProfiles.get('team-0001')?.['sso_account_id']).toBe('100000000001');
    expect(w.reads.pieces.at(-1)).toBe(text.length);
    expect(profilesOf(config)).toEqual(parsedProfiles(text));
  });

  it('checks the header of a section read before when another name points at it too', async () => {
    const w = world(bigConfig());
    await w.load();
    tamper(w.indexFiles()[0] ?? '', 'team-0001', 'team-0002');
    const config = await w.load();
    expect(config.configProfiles.get('team-0002')?.['sso_account_id']).toBe('100000000002');
    expect(config.configProfiles.get('team-0001')?.['sso_account_id']).toBe('100000000001');
    expect(profilesOf(config)).toEqual(parsedProfiles(bigConfig()));
  });

  it('finds no name holding a line break, without reading the file whole (its needle would span two lines of the index)', async () => {
    const w = world(bigConfig());
    await w.load();
    const index = readFileSync(w.indexFiles()[0] ?? '', 'utf8');
    const next = index.split('\n').find((line) => line.startsWith('0 ') && line.endsWith(' team-0002')) ?? '';
    const config = await w.load();
    expect(config.configProfiles.get(`team-0001\n${next}`)).toBeUndefined();
    expect(config.configProfiles.get('team-0002')?.['sso_account_id']).toBe('100000000002');
    expect(throughIndex(w)).toBe(true);
  });

  it('fails a read through the index with the ConfigError a whole read gives', async () => {
    const w = world(bigConfig());
    await w.load();
    const config = await w.load();
    w.failReads = 'EIO';
    expect(() => config.configProfiles.get('team-0001')).toThrow(ConfigError);
    expect(() => config.configProfiles.get('team-0001')).toThrow(/cannot read .*config: EIO/);
  });

  it('once a piece failed, answers every lookup from the whole file: one that no longer parses fails them all with the ConfigError of a run without index', async () => {
    const text = bigConfig();
    const { w, config } = await throughIndexThenEdited(text);
    writeFileSync(w.config, `${text}\nnot a line botocore takes\n`);
    const error = (() => {
      try {
        config.configProfiles.get('team-0002');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/cannot parse .*line \d+ is neither/);
    // Not the section read before the change, nor the index's names: the file as it is now.
    expect(() => config.configProfiles.get('team-0001')).toThrow(ConfigError);
    expect(() => config.ssoSessions?.get('corp')).toThrow(ConfigError);
    expect(() => config.configProfiles.size).toThrow(ConfigError);
  });

  it('never mixes two versions of the file: a change to a section already read fails the run instead', async () => {
    const text = bigConfig();
    const edited = bigConfig((i) => (i === 1 || i === 2 ? 'Role9' : `Role${i % 4}`));
    for (const walk of [false, true]) {
      const w = world(text);
      await w.load();
      const config = await w.load();
      expect(config.configProfiles.get('team-0001')?.['sso_role_name']).toBe('Role1');
      await new Promise((resolve) => setTimeout(resolve, 50));
      writeFileSync(w.config, edited);
      // botocore reads the file once: team-0001 with Role1 and team-0002 with Role9 is neither version.
      if (walk) expect(() => profilesOf(config)).toThrow(/config changed while awsrole was reading it/);
      else expect(() => config.configProfiles.get('team-0002')).toThrow(/config changed while awsrole was reading it/);
      expect(() => config.configProfiles.get('team-0001')).toThrow(ConfigError);
    }
  });

  it('is not used when cut short (its last line is the length of all before it)', async () => {
    const w = world(bigConfig());
    await w.load();
    const index = w.indexFiles()[0] ?? '';
    const content = readFileSync(index, 'utf8');
    const firstEntry = content.indexOf('\n') + 1;
    writeFileSync(index, content.slice(0, firstEntry) + content.slice(content.indexOf('\n', firstEntry) + 1));
    expect((await w.load()).configProfiles.get('team-0001')?.['sso_account_id']).toBe('100000000001');
    expect(w.reads.whole).toBe(1);
  });

  it('reads sections by their place in bytes: names and values beyond ASCII, CRLF lines, a section longer than a piece, a last header without a line break', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `tag_${i} = ${'x'.repeat(20)}`).join('\r\n');
    const text = `${bigConfig((i) => (i % 7 === 0 ? `Rôle-é${i}` : `Role${i % 4}`)).replaceAll('\n', '\r\n')}[profile café]\r\nregion = eu-west-3\r\n${long}\r\n[profile über]\r\nsso_role_name = Ünïcode\r\n[profile last]`;
    const w = world(text);
    await w.load();
    const config = await w.load();
    const parsed = configProfiles(parseIni(text), 'profile');
    for (const name of ['team-0007', 'team-0700', 'café', 'über', 'last', 'team-0999']) expect({ ...config.configProfiles.get(name) }).toEqual({ ...parsed.get(name) });
    expect(config.configProfiles.get('café')?.['tag_399']).toBe('x'.repeat(20));
    expect(w.reads.whole).toBe(0);
    expect(w.reads.pieces.filter((bytes) => bytes > 4096)).toHaveLength(1);
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
    expect(w.reads.whole).toBe(1);
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
    expect(w.reads.whole).toBe(1);
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

  it('stands down when the file changes under a run: a piece read from another file than the indexed one', async () => {
    const text = bigConfig();
    const { w, config } = await throughIndexThenEdited(text);
    const edited = bigConfig((i) => (i === 2 ? 'Role9' : `Role${i % 4}`));
    writeFileSync(w.config, edited);
    expect(config.configProfiles.get('team-0002')?.['sso_role_name']).toBe('Role9');
    expect(w.reads.pieces.at(-1)).toBe(edited.length);
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
