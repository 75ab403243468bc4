/**
 * The whole CLI in this process: `run(testDeps, argv)` with exactly the environment a spawned
 * run would get, buffered streams and stdin from `input`. For parsing, exit codes and output;
 * spawn (test/support/cli.ts) only where the process itself is the point.
 */
import { run } from '../../src/main.js';
import { assertNoCanary } from './cli.js';
import { testDeps, type TestDeps } from './deps.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** What stdin holds (empty when not given, like a spawned run's closed stdin). */
  input?: string;
  /** Anything else of deps (a fake clock, ...). */
  deps?: Partial<Omit<TestDeps, 'stdout' | 'stderr' | 'env' | 'sleeps'>>;
}

/** `awsrole ARGS` with `env` (its HOME is the home folder), as run() sees a real invocation. */
export async function runInProcess(args: readonly string[], env: Record<string, string>, options: InProcessOptions = {}): Promise<InProcessResult> {
  const home = env['HOME'];
  if (home === undefined) throw new Error('runInProcess needs HOME in env');
  const deps = testDeps(home, { ...options.deps, readStdin: async () => options.input ?? '' });
  deps.env = env; // exactly, without testDeps' defaults (a spawned run gets nothing else either)
  const code = await run(deps, ['node', 'awsrole', ...args]);
  const result = { code, stdout: deps.stdout.text(), stderr: deps.stderr.text() };
  // As for a spawned run (runCommand): a secret on stderr fails the test, whatever it asserts.
  return assertNoCanary(result, args);
}
