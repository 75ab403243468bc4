import { existsSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { ProcessTable } from '../../src/deps.js';
import { withFileLock } from '../../src/files/lock.js';
import { makeHome } from '../support/cli.js';
import { noWait, testDeps } from '../support/deps.js';

/** A process table where only `alive` pids run; this process is pid 4242. */
function processes(...alive: number[]): ProcessTable {
  return { pid: 4242, isAlive: (pid) => pid === 4242 || alive.includes(pid) };
}

/** Thirty contenders queue for a while on a loaded machine: waiting is not what is tested there. */
const PATIENT_MS = 3_600_000;

function age(path: string, seconds: number): void {
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(path, then, then);
}

describe('withFileLock', () => {
  it('creates the lock with the pid, runs the work, removes the lock', async () => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    const deps = testDeps(home, { sleep: noWait });
    const seen = await withFileLock(deps, lock, async () => readFileSync(lock, 'utf8'), { processes: processes() });
    expect(seen).toMatch(/^4242\n\S+\n$/);
    expect(existsSync(lock)).toBe(false);
  });

  it('removes the lock when the work throws', async () => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    const work = async () => {
      throw new Error('boom');
    };
    await expect(withFileLock(testDeps(home), lock, work)).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });

  it('breaks a lock whose owner is dead, without waiting', async () => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    writeFileSync(lock, '999999\ntoken\n');
    const deps = testDeps(home, { sleep: noWait });
    await withFileLock(deps, lock, async () => undefined, { processes: processes() });
    expect(deps.sleeps).toEqual([]);
  });

  it('breaks a lock older than 30 s even when its owner lives', async () => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    writeFileSync(lock, '77\ntoken\n');
    age(lock, 31);
    const deps = testDeps(home, { sleep: noWait });
    await withFileLock(deps, lock, async () => undefined, { processes: processes(77) });
    expect(deps.sleeps).toEqual([]);
  });

  it.each([
    ['a lock of a live owner, 20 s old', '77\ntoken\n', 20],
    ['an empty lock just made (its owner is writing its pid)', '', 0],
    ['a half-written lock just made', '77', 0],
  ])('does not break %s: waits about 10 s in small jittered steps, then a clear error', async (_label, content, seconds) => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    writeFileSync(lock, content);
    age(lock, seconds);
    // The clock stands still at the lock's age: however slow the machine, it never looks stale.
    const at = new Date(statSync(lock).mtimeMs + seconds * 1000);
    const deps = testDeps(home, { sleep: noWait, now: () => at });
    const error = await withFileLock(deps, lock, async () => 'ran', { processes: processes(77) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/gave up after waiting 10\.\d s for its lock/);
    expect(readFileSync(lock, 'utf8')).toBe(content);
    const total = deps.sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);
    expect(total).toBeLessThan(10_200);
    expect(Math.max(...deps.sleeps)).toBeLessThanOrEqual(150);
    expect(new Set(deps.sleeps).size).toBeGreaterThan(1);
  });

  it.each([
    ['empty', ''],
    ['half-written', '77'],
  ])('breaks an %s lock left for more than 2 s (its owner died making it)', async (_label, content) => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    writeFileSync(lock, content);
    age(lock, 3);
    const deps = testDeps(home, { sleep: noWait });
    await withFileLock(deps, lock, async () => undefined, { processes: processes(77) });
    expect(deps.sleeps).toEqual([]);
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for the holder and then takes the lock', async () => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    writeFileSync(lock, '77\ntoken\n');
    const sleeps: number[] = [];
    const deps = testDeps(home, {
      sleep: async (ms: number) => {
        sleeps.push(ms);
        if (sleeps.length === 3) writeFileSync(lock, ''); // the holder finishes...
        if (sleeps.length === 4) await import('node:fs/promises').then((fs) => fs.unlink(lock)); // ...and removes it
      },
    });
    const result = await withFileLock(deps, lock, async () => 'ran', { processes: processes(77) });
    expect(result).toBe('ran');
    expect(sleeps).toHaveLength(4);
  });

  it('a stale break guard left by a crashed breaker is cleared too', async () => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    writeFileSync(lock, '999999\ntoken\n');
    writeFileSync(`${lock}.break`, '999998\ntoken\n');
    const deps = testDeps(home, { sleep: noWait });
    await withFileLock(deps, lock, async () => undefined, { processes: processes() });
    expect(existsSync(`${lock}.break`)).toBe(false);
    expect(existsSync(lock)).toBe(false);
  });

  it('an owner whose empty lock was broken while it was slow does not go ahead on it', async () => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    const events: string[] = [];
    const real = testDeps(home).fs;
    let first = true;
    const fs = {
      ...real,
      open: (async (path: string, flags: string, mode?: number) => {
        const handle = await real.open(path, flags, mode);
        if (path === lock && flags === 'wx' && first) {
          first = false;
          // Meanwhile a breaker took the lock from under us: ours is unlinked, theirs is at the path.
          unlinkSync(lock);
          writeFileSync(lock, '77\nbreaker\n');
          events.push('broken');
        }
        return handle;
      }) as typeof real.open,
    };
    const deps = testDeps(home, {
      fs,
      sleep: async () => {
        if (existsSync(lock) && readFileSync(lock, 'utf8') === '77\nbreaker\n') {
          unlinkSync(lock);
          events.push('breaker done');
        }
      },
    });
    await withFileLock(deps, lock, async () => void events.push('work'), { processes: processes(77) });
    expect(events).toEqual(['broken', 'breaker done', 'work']);
  });

  it('does not remove a lock that is no longer its own', async () => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'f.lock');
    await withFileLock(testDeps(home), lock, async () => {
      writeFileSync(lock, '77\nnext-owner\n'); // ours was broken as stale and someone else took it
    });
    expect(readFileSync(lock, 'utf8')).toBe('77\nnext-owner\n');
  });

  it('read-modify-write under the lock loses no update', async () => {
    const home = (await makeHome()).dir;
    const lock = join(home, 'counter.lock');
    const counter = join(home, 'counter');
    await writeFile(counter, '0');
    const increment = () =>
      withFileLock(testDeps(home), lock, async () => {
        const value = Number(await readFile(counter, 'utf8'));
        await new Promise((resolve) => setTimeout(resolve, 1));
        await writeFile(counter, String(value + 1));
      }, { timeoutMs: PATIENT_MS });
    await Promise.all(Array.from({ length: 30 }, increment));
    expect(await readFile(counter, 'utf8')).toBe('30');
  });
});
