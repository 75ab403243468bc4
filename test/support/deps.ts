import { listen, nodeFileSystem, nodeHttpClient, runProcess, setTimer, spawnDetached, thisProcess, type Deps, type OutStream } from '../../src/deps.js';

/** A stream that keeps what was written, for exact assertions. */
export interface BufferStream extends OutStream {
  text(): string;
}

export function bufferStream(isTTY = false): BufferStream {
  let buffer = '';
  return { isTTY, write: (text) => void (buffer += text), text: () => buffer };
}

export interface TestDeps extends Deps {
  stdout: BufferStream;
  stderr: BufferStream;
  /** Every wait deps.sleep was asked for, in order (whether or not it really waited). */
  sleeps: number[];
}

/** A sleep that returns at once: waits are recorded in `sleeps`, not waited. */
export const noWait = async (): Promise<void> => undefined;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deps for in-process tests: a clean environment (never process.env), the given HOME,
 * IMDS off unless the test says otherwise, buffered streams, recorded sleeps (really waited
 * unless `sleep` says otherwise, e.g. `noWait`).
 */
export function testDeps(home: string, overrides: Partial<Omit<Deps, 'stdout' | 'stderr'>> & { env?: Record<string, string | undefined> } = {}): TestDeps {
  const { env, sleep = realSleep, ...rest } = overrides;
  const sleeps: number[] = [];
  const deps: TestDeps = {
    env: { HOME: home, PATH: '/usr/local/bin:/usr/bin:/bin', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    homedir: home,
    cwd: home,
    fs: nodeFileSystem,
    now: () => new Date(),
    stdout: bufferStream(),
    stderr: bufferStream(),
    readStdin: async () => '',
    http: nodeHttpClient,
    runProcess,
    spawnDetached,
    execChild: async () => {
      throw new Error('execChild is not available in this test');
    },
    promptSecret: undefined,
    processes: thisProcess,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      await sleep(ms);
    },
    sleeps,
    // Long-running commands: real timers and loopback servers; signals never arrive (a test
    // that sends one passes fakeSignals().onSignal, and test/support/fake-clock.ts for time).
    setTimer,
    listen,
    onSignal: () => () => undefined,
  };
  return Object.assign(deps, rest);
}
