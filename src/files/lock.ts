import { displayPath } from '../config/paths.js';
import type { Deps, ProcessTable } from '../deps.js';
import { ConfigError } from '../errors.js';
import { PRIVATE_FILE_MODE } from './file-mode.js';
import { errorCode } from './errno.js';

/**
 * An exclusive lock file beside a file that several processes read, modify and write
 * (`~/.aws/credentials.lock`): created with O_EXCL, holding the owner's pid and a token.
 *
 * - A lock whose owner process is gone, or that is older than `staleMs`, is stale and is
 *   broken; so is one still without a pid after 2 s (its owner died between creating it and
 *   writing the pid). Breakers serialise on a second lock (`<lock>.break`) and re-check the lock under
 *   it, so two waiters cannot both break it and then delete each other's fresh lock.
 * - An owner removes the lock only while it still holds its own token, so a writer that was
 *   too slow (and lost its lock as stale) does not remove the next writer's lock.
 * - Waiting is a series of short jittered sleeps (deps.sleep, deps.random); their sum is the
 *   time budget, so a test with a fake clock cannot spin forever.
 *
 * Limits: the pid check is meaningless across machines (a home folder on NFS shared by two
 * hosts); there the age rule alone breaks a lock. A lock older than `staleMs` whose owner is
 * still alive and finishing exactly then can, in a window of microseconds, lose to a breaker.
 */

export interface LockOptions {
  /** Give up after waiting this long in total; default 10 s. */
  timeoutMs?: number | undefined;
  /** A lock older than this is broken even when its owner seems alive; default 30 s. */
  staleMs?: number | undefined;
  processes?: ProcessTable | undefined;
  /** What the lock protects, for messages (`~/.aws/credentials`); default: the lock path without `.lock`. */
  label?: string | undefined;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const DEFAULT_STALE_LOCK_MS = 30_000;
/** The break guard is held for a few system calls; one this old was left by a crashed breaker. */
const GUARD_STALE_MS = 5_000;
/** A lock without a whole pid and token this long after it was made was left by a writer that died making it. */
const EMPTY_LOCK_STALE_MS = 2_000;

/** The lock file for a path: `<path>.lock`. */
export function lockPathFor(path: string): string {
  return `${path}.lock`;
}

/** Runs `work` while holding the lock at `lockPath`; the lock is released however `work` ends. */
export async function withFileLock<T>(deps: Deps, lockPath: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const token = await acquire(deps, lockPath, options);
  try {
    return await work();
  } finally {
    await release(deps, lockPath, token);
  }
}

interface Holder {
  pid: number | undefined;
  token: string | undefined;
  ageMs: number;
}

interface Settings {
  timeoutMs: number;
  staleMs: number;
  processes: ProcessTable;
}

async function acquire(deps: Deps, lockPath: string, options: LockOptions): Promise<string> {
  const settings: Settings = {
    timeoutMs: options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    staleMs: options.staleMs ?? DEFAULT_STALE_LOCK_MS,
    processes: options.processes ?? deps.processes,
  };
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    const token = makeToken(deps, settings.processes.pid);
    if (await tryCreate(deps, lockPath, settings.processes.pid, token)) return token;
    const holder = await readHolder(deps, lockPath);
    if (holder !== undefined && isStale(holder, settings.staleMs, settings.processes)) {
      if (await breakStale(deps, lockPath, settings)) continue;
    }
    if (waited >= settings.timeoutMs) throw timedOut(deps, lockPath, holder, waited, options.label);
    const ms = backoff(deps, attempt);
    await deps.sleep(ms);
    waited += ms;
  }
}

let serial = 0;

function makeToken(deps: Deps, pid: number): string {
  serial += 1;
  return `${pid}-${deps.now().getTime().toString(36)}-${serial}-${Math.floor(deps.random() * 2 ** 40).toString(36)}`;
}

/** 5–15 ms at first, growing to 50–150 ms, so a crowd of writers spreads out. */
function backoff(deps: Deps, attempt: number): number {
  const base = Math.min(100, 10 * 2 ** Math.min(attempt, 4));
  return Math.round(base / 2 + deps.random() * base);
}

/**
 * O_EXCL create, then the pid and token; false when someone else holds the lock. Between the
 * two the lock is empty: a writer killed right then leaves an empty lock (seen in practice),
 * which others break after EMPTY_LOCK_STALE_MS. So that a merely slow owner cannot be fooled
 * by that, it reads the lock back and holds it only if its own token is there.
 */
async function tryCreate(deps: Deps, lockPath: string, pid: number, token: string): Promise<boolean> {
  let handle;
  try {
    handle = await deps.fs.open(lockPath, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw cannotLock(deps, lockPath, error);
  }
  try {
    await handle.writeFile(`${pid}\n${token}\n`, 'utf8');
  } catch (error) {
    await handle.close().catch(() => undefined);
    await deps.fs.unlink(lockPath).catch(() => undefined);
    throw cannotLock(deps, lockPath, error);
  }
  await handle.close();
  return (await readHolder(deps, lockPath))?.token === token;
}

/** The lock's owner and age, read from one open file so both describe the same lock; undefined when there is none. */
async function readHolder(deps: Deps, lockPath: string): Promise<Holder | undefined> {
  let handle;
  try {
    handle = await deps.fs.open(lockPath, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw cannotLock(deps, lockPath, error);
  }
  try {
    const stat = await handle.stat();
    const text = await handle.readFile('utf8');
    // Anything but a whole `pid\ntoken\n` is a lock whose owner has not written it yet (or died then).
    const whole = /^([1-9]\d{0,9})\n(\S+)\n$/.exec(text);
    return {
      pid: whole?.[1] === undefined ? undefined : Number(whole[1]),
      token: whole?.[2],
      ageMs: deps.now().getTime() - stat.mtimeMs,
    };
  } finally {
    await handle.close();
  }
}

function isStale(holder: Holder, staleMs: number, processes: ProcessTable): boolean {
  if (holder.ageMs > staleMs) return true;
  if (holder.pid === undefined) return holder.ageMs > EMPTY_LOCK_STALE_MS;
  return !processes.isAlive(holder.pid);
}

/**
 * Removes a stale lock under the break guard, after checking again that it is still stale
 * (another breaker may have replaced it with a fresh one meanwhile). False when another
 * breaker holds the guard: the caller waits and tries again.
 */
async function breakStale(deps: Deps, lockPath: string, settings: Settings): Promise<boolean> {
  const guardPath = `${lockPath}.break`;
  const token = makeToken(deps, settings.processes.pid);
  if (!(await tryCreate(deps, guardPath, settings.processes.pid, token))) {
    const guard = await readHolder(deps, guardPath);
    if (guard !== undefined && isStale(guard, GUARD_STALE_MS, settings.processes)) {
      await removeIfExists(deps, guardPath);
    }
    return false;
  }
  try {
    const holder = await readHolder(deps, lockPath);
    if (holder !== undefined && isStale(holder, settings.staleMs, settings.processes)) {
      await removeIfExists(deps, lockPath);
    }
    return true;
  } finally {
    await release(deps, guardPath, token);
  }
}

/** Removes the lock only if it is still ours; never fails (a leftover lock is stale once we exit). */
async function release(deps: Deps, lockPath: string, token: string): Promise<void> {
  try {
    const holder = await readHolder(deps, lockPath);
    if (holder?.token === token) await removeIfExists(deps, lockPath);
  } catch {
    // Leave it: its owner (this process) will be gone, so the next writer breaks it.
  }
}

async function removeIfExists(deps: Deps, path: string): Promise<void> {
  try {
    await deps.fs.unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw cannotLock(deps, path, error);
  }
}

function timedOut(deps: Deps, lockPath: string, holder: Holder | undefined, waitedMs: number, label: string | undefined): ConfigError {
  const shownLock = displayPath(lockPath, deps.env, deps.homedir);
  const what = label ?? displayPath(lockPath.replace(/\.lock$/, ''), deps.env, deps.homedir);
  const owner = holder?.pid === undefined ? 'another process' : `another process (pid ${holder.pid})`;
  return new ConfigError(
    `${what} is being written by ${owner}: gave up after waiting ${(waitedMs / 1000).toFixed(1)} s for its lock ${shownLock}`,
    `try again; if no other awsrole is running, delete ${shownLock}`,
  );
}

function cannotLock(deps: Deps, path: string, error: unknown): ConfigError {
  const shown = displayPath(path, deps.env, deps.homedir);
  return new ConfigError(`cannot use the lock file ${shown}: ${errorCode(error) ?? String(error)}`, `check that you may create and delete files in its folder`);
}

