/**
 * Every process a test starts and every temp folder it makes is registered here and removed
 * when the test (or the file) ends, even when it failed or timed out: test/support/setup.ts
 * registers the hooks for every test file, and a process `exit` handler catches the rest.
 *
 * A child started inside a test is killed after that test; one started in a beforeAll (a
 * shared server) lives until the file ends. Temp folders go when the file ends.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Scope = 'test' | 'file';

const children = new Map<ChildProcess, Scope>();
const folders = new Set<string>();
let scope: Scope = 'file';

/** Registers `child` to be killed (its whole process group when it leads one) when its scope ends. */
export function tracked<T extends ChildProcess>(child: T): T {
  children.set(child, scope);
  child.once('exit', () => {
    // A group leader's descendants may outlive it: keep it registered so they are killed too.
    if (!isGroupLeader(child)) children.delete(child);
  });
  return child;
}

const groupLeaders = new WeakSet<ChildProcess>();

/** For children spawned with `detached: true`: kill the whole group, not just the leader. */
export function trackedGroup<T extends ChildProcess>(child: T): T {
  groupLeaders.add(child);
  return tracked(child);
}

function isGroupLeader(child: ChildProcess): boolean {
  return groupLeaders.has(child);
}

/** Kills `child` now, and its whole process group when it leads one. */
export function killGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (isGroupLeader(child)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Kills the children of `which` scope (all when undefined). */
export function killChildren(which?: Scope): void {
  for (const [child, childScope] of children) {
    if (which !== undefined && childScope !== which) continue;
    killGroup(child);
    children.delete(child);
  }
}

/** A new empty folder under the system temp folder (its real path), removed when the file ends. */
export function tempDir(prefix = 'awsrole-test-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  folders.add(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders.clear();
}

/** Called by the setup file's hooks. */
export function enterTest(): void {
  scope = 'test';
}

export function leaveTest(): void {
  killChildren('test');
  scope = 'file';
}

export function leaveFile(): void {
  killChildren();
  removeTempDirs();
}

/**
 * When the worker exits without running afterAll (a crash, a kill by vitest), the `exit`
 * handler still kills and removes what is left. One handler per worker process, however many
 * test files (each with its own copy of this module) it runs.
 */
const EXIT_CLEANUPS = Symbol.for('awsrole.test.exitCleanups');
type GlobalWithCleanups = typeof globalThis & { [EXIT_CLEANUPS]?: Set<() => void> };

export function cleanUpOnExit(): void {
  const global = globalThis as GlobalWithCleanups;
  if (global[EXIT_CLEANUPS] === undefined) {
    const cleanups = new Set<() => void>();
    global[EXIT_CLEANUPS] = cleanups;
    process.once('exit', () => {
      for (const cleanup of cleanups) cleanup();
    });
  }
  global[EXIT_CLEANUPS].add(leaveFile);
}

/**
 * Options for spawnSync: a synchronous child blocks the test's thread, so no hook can kill it;
 * this limit does (a safety net for a hang, far beyond any loaded machine's slowness).
 */
export const SYNC_CHILD_LIMIT = { timeout: 240_000, killSignal: 'SIGKILL' } as const;
