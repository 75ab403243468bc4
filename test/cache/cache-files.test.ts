/** The file-system primitives the caches stand on: reading only regular files, writing over a symlink. */
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../../src/deps.js';
import { writeFileAtomic } from '../../src/files/atomic-write.js';
import { testDeps } from '../support/deps.js';
import { tempDir } from '../support/cleanup.js';

let dir: string;

beforeEach(async () => {
  dir = tempDir('awsrole-cache-files-');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readRegularFile', () => {
  const read = (name: string, noFollow = true, maxBytes = 16): Promise<string | undefined> =>
    nodeFileSystem.readRegularFile(join(dir, name), { noFollow, maxBytes });

  it('reads a regular file of up to maxBytes, whole', async () => {
    await writeFile(join(dir, 'file'), 'x'.repeat(16));
    expect(await read('file')).toBe('x'.repeat(16));
  });

  it('a file over maxBytes, a missing path, a folder and a FIFO read as undefined', async () => {
    await writeFile(join(dir, 'big'), 'x'.repeat(17));
    await mkdir(join(dir, 'folder'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(await read('big')).toBeUndefined();
    expect(await read('missing')).toBeUndefined();
    expect(await read('missing/below')).toBeUndefined();
    expect(await read('folder')).toBeUndefined();
    expect(await read('fifo')).toBeUndefined();
  });

  it('a symlink is undefined under noFollow, and its target otherwise', async () => {
    await writeFile(join(dir, 'target'), 'text');
    await symlink('target', join(dir, 'link'));
    expect(await read('link')).toBeUndefined();
    expect(await read('link', false)).toBe('text');
  });
});

describe("writeFileAtomic's symlink rule", () => {
  it("'replace' puts a regular file where the link was and leaves its target alone", async () => {
    await writeFile(join(dir, 'target'), 'keep');
    await symlink('target', join(dir, 'cache.json'));
    await writeFileAtomic(testDeps(dir), join(dir, 'cache.json'), '{}', { flush: false, symlink: 'replace' });
    expect(await readFile(join(dir, 'target'), 'utf8')).toBe('keep');
    expect((await lstat(join(dir, 'cache.json'))).isFile()).toBe(true);
    expect(await readFile(join(dir, 'cache.json'), 'utf8')).toBe('{}');
  });

  it("'follow' (the default, for the user's own files) writes the target and keeps the link", async () => {
    await writeFile(join(dir, 'target'), 'old');
    await symlink('target', join(dir, 'credentials'));
    await writeFileAtomic(testDeps(dir), join(dir, 'credentials'), 'new');
    expect(await readlink(join(dir, 'credentials'))).toBe('target');
    expect(await readFile(join(dir, 'target'), 'utf8')).toBe('new');
  });
});
