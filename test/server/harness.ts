/** `awsrole serve` in this process (fake clock, fake signals, STS rig) and plain HTTP requests to it. */
import { request as httpRequest } from 'node:http';
import { run } from '../../src/main.js';
import { assertNoCanary } from '../support/cli.js';
import { testDeps, type TestDeps } from '../support/deps.js';
import type { FakeClock } from '../support/fake-clock.js';
import { fakeSignals, type FakeSignals } from '../support/fake-signals.js';

export interface Reply {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** One request on its own connection (no agent, no keep-alive), with a generous safety-net timeout. */
export function send(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out (safety net)')));
    req.on('error', reject);
    req.end();
  });
}

export interface Endpoint {
  url: string;
  token: string;
}

export interface ServeRun {
  deps: TestDeps;
  signals: FakeSignals;
  /** Resolves with the URL and token once serve printed them (--format json unless args say otherwise). */
  printed: Promise<Endpoint>;
  /** serve's exit code, once it stops (or fails at start). */
  done: Promise<number>;
  stdoutClosed(): boolean;
  /** A GET with the right token. */
  get(): Promise<Reply>;
  /** Sends SIGTERM and returns the exit code; stderr is checked for secrets. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** `--format json` is added unless `args` name a format, or `defaultFormat` asks for serve's own default (from $SHELL). */
export function startServe(args: readonly string[], env: Record<string, string>, clock: FakeClock, extra: Partial<TestDeps> = {}, defaultFormat = false): ServeRun {
  const signals = fakeSignals();
  const deps = testDeps(env['HOME'] ?? '', { ...clock.deps, onSignal: signals.onSignal, ...extra });
  deps.env = env;
  let closed = false;
  let announce: (endpoint: Endpoint) => void = () => undefined;
  const announced = new Promise<Endpoint>((resolve) => (announce = resolve));
  const buffer = deps.stdout;
  deps.stdout = {
    ...buffer,
    write: (text) => {
      buffer.write(text);
      const url = /AWS_CONTAINER_CREDENTIALS_FULL_URI\W+(http:[^'"\s]+)/.exec(buffer.text())?.[1];
      const token = /AWS_CONTAINER_AUTHORIZATION_TOKEN\W+([0-9a-f]+)/.exec(buffer.text())?.[1];
      if (url !== undefined && token !== undefined) announce({ url, token });
    },
    close: () => void (closed = true),
  };
  const done = run(deps, ['node', 'awsrole', 'serve', ...(args.includes('--format') || defaultFormat ? [] : ['--format', 'json']), ...args]);
  const failedAtStart = done.then((code): Endpoint => {
    throw new Error(`serve exited with ${code} before printing: ${deps.stderr.text()}`);
  });
  const printed = Promise.race([announced, failedAtStart]);
  printed.catch(() => undefined); // a test of a failing start awaits `done` instead
  const get = async (): Promise<Reply> => {
    const { url, token } = await printed;
    return send(url, { authorization: token });
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number> => {
    signals.send(signal);
    const code = await done;
    assertNoCanary({ stderr: deps.stderr.text() }, args);
    return code;
  };
  return { deps, signals, printed, done, stdoutClosed: () => closed, get, stop };
}

export interface CredentialsBody {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: string;
  AccountId?: string;
}

export function credentialsOf(reply: Reply): CredentialsBody {
  if (reply.status !== 200) throw new Error(`expected 200, got ${reply.status}: ${reply.body}`);
  return JSON.parse(reply.body) as CredentialsBody;
}

/** Resolves once the server has set a timer on the fake clock (a request waiting for a fetch): no wall-clock wait. */
export async function timerSet(clock: FakeClock, count = 1): Promise<void> {
  while (clock.pending() < count) await new Promise((resolve) => setImmediate(resolve));
}
