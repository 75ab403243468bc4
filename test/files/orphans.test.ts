import { readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileSystem, ProcessTable } from '../../src/deps.js';
import { writeFileAtomic } from '../../src/files/atomic-write.js';
import { testDeps } from '../support/deps.js';
import { tempDir } from '../support/cleanup.js';

let home: string | undefined;
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

/** This process is 100; 200 is alive; every other pid is gone. */
const processes: ProcessTable = { pid: 100, isAlive: (pid) => pid === 100 || pid === 200 };

describe('temp files left by a killed writer', () => {
  it('are removed by the next write when their writer is gone, and only then', async () => {
    home = tempDir('awsrole-orphans-');
    const folder = join(home, '.aws');
    await mkdir(folder);
    const leftovers = ['.credentials.300.1.tmp', '.credentials.200.2.tmp', '.config.300.3.tmp', 'credentials.300.4.tmp'];
    for (const name of leftovers) await writeFile(join(folder, name), 'aws_secret_access_key = oldSECRETCANARY\n');
    await writeFileAtomic(testDeps(home, { processes }), join(folder, 'credentials'), '[a]\n');
    expect((await readdir(folder)).sort()).toEqual(['.config.300.3.tmp', '.credentials.200.2.tmp', 'credentials', 'credentials.300.4.tmp']);
  });
});

describe('flushing', () => {
  /** Real files, with every fsync counted. */
  function countingSyncs(dir: string): { deps: ReturnType<typeof testDeps>; syncs: string[] } {
    const syncs: string[] = [];
    const deps = testDeps(dir);
    const open = deps.fs.open;
    const fs: FileSystem = {
      ...deps.fs,
      open: async (path, flags, mode) => {
        const file = await open(path, flags, mode);
        return { ...file, sync: async () => void syncs.push(path) };
      },
    };
    return { deps: { ...deps, fs }, syncs };
  }

  it('a file is flushed before the rename; a cache asks not to be, and is written all the same', async () => {
    home = tempDir('awsrole-flush-');
    const { deps, syncs } = countingSyncs(home);
    await writeFileAtomic(deps, join(home, 'credentials'), '[a]\n');
    expect(syncs).toEqual([expect.stringMatching(/\/\.credentials\.\d+\.\d+\.tmp$/)]);
    await writeFileAtomic(deps, join(home, 'cache.json'), '{}', { flush: false });
    expect(syncs).toHaveLength(1);
    expect(await readFile(join(home, 'cache.json'), 'utf8')).toBe('{}');
    expect((await stat(join(home, 'cache.json'))).mode & 0o777).toBe(0o600);
  });
});
