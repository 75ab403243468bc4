import { listen, nodeFileSystem, nodeHttpClient, runProcess, setTimer, thisProcess, type Deps, type OutStream } from '../../src/deps.js';

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
}

/**
 * Deps for in-process tests: a clean environment (never process.env), the given HOME,
 * IMDS off unless the test says otherwise, buffered streams, a fixed clock.
 */
export function testDeps(home: string, overrides: Partial<Omit<Deps, 'stdout' | 'stderr'>> & { env?: Record<string, string | undefined> } = {}): TestDeps {
  const { env, ...rest } = overrides;
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
    execChild: async () => {
      throw new Error('execChild is not available in this test');
    },
    promptSecret: undefined,
    processes: thisProcess,
    random: () => 0.5,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // Long-running commands: real timers and loopback servers; signals never arrive (a test
    // that sends one passes fakeSignals().onSignal, and test/support/fake-clock.ts for time).
    setTimer,
    listen,
    onSignal: () => () => undefined,
  };
  return Object.assign(deps, rest);
}
