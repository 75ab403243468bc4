/**
 * Time for tests of long-running commands: now(), sleep() and setTimer() (the Deps fields) on
 * a clock that moves only when the test calls advance().
 */
import type { CancelTimer, Deps } from '../../src/deps.js';

export interface FakeClock {
  /** The Deps fields to pass to testDeps: `testDeps(home, clock.deps)`. */
  deps: Pick<Deps, 'now' | 'sleep' | 'setTimer'>;
  now(): Date;
  /**
   * Moves time forward by `ms`, firing the timers that fall due in time order (equal times in
   * the order they were set) with now() at each one's time. Promise callbacks run after each
   * timer, so a timer set by one that fired fires too if it falls due within `ms`.
   */
  advance(ms: number): Promise<void>;
  /** Timers set and neither fired nor cancelled. */
  pending(): number;
}

interface PendingTimer {
  due: number;
  order: number;
  fire: () => void;
}

/** Lets every promise callback queued so far (and the ones they queue) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function fakeClock(start = new Date('2030-01-01T00:00:00Z')): FakeClock {
  let time = start.getTime();
  let setSoFar = 0;
  const timers = new Set<PendingTimer>();
  const now = (): Date => new Date(time);
  const setTimer = (ms: number, fire: () => void): CancelTimer => {
    const timer = { due: time + Math.max(0, ms), order: setSoFar++, fire };
    timers.add(timer);
    return () => void timers.delete(timer);
  };
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimer(ms, resolve));
  const nextDue = (until: number): PendingTimer | undefined =>
    [...timers].filter((timer) => timer.due <= until).sort((a, b) => a.due - b.due || a.order - b.order)[0];
  const advance = async (ms: number): Promise<void> => {
    const until = time + ms;
    await settle();
    for (let timer = nextDue(until); timer !== undefined; timer = nextDue(until)) {
      timers.delete(timer);
      time = timer.due;
      timer.fire();
      await settle();
    }
    time = until;
  };
  return { deps: { now, sleep, setTimer }, now, advance, pending: () => timers.size };
}
