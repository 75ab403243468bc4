/**
 * A real moto server (`python3 -m moto.server`) on a free loopback port, for end-to-end tests
 * against moto's STS/IAM with IAM auth enforcement, plus a tiny query-protocol client that signs
 * with SigV4 (no AWS SDK IAM client needed).
 *
 * The python process gets an environment built from scratch: PATH (and PYTHONPATH), a temp HOME, nothing else
 * (never the developer's AWS_* variables or ~/.aws), so moto cannot pick up real credentials.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { trackedGroup, tempDir } from './cleanup.js';
import { pythonEnv } from './python.js';
import { createServer } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** moto's default account id (what every ARN it hands out contains). */
export const MOTO_ACCOUNT = '123456789012';

export interface MotoServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  pid: number;
  /** What the server printed so far (stdout and stderr), for failure messages. */
  log(): string;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and removes its HOME. Idempotent. */
  close(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for the server to answer HTTP, in ms (default 20 s). */
  startTimeoutMs?: number;
  python?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolveSleep) => setTimeout(resolveSleep, ms));

/** Servers started by this process that are still running: killed on exit as a last resort. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The server runs in its own process group (detached), so this reaches only what we started.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  killGroup(child, 'SIGTERM');
  if (!(await waitForExit(child, 3000))) {
    killGroup(child, 'SIGKILL');
    await waitForExit(child, 3000);
  }
  running.delete(child);
}

async function startOnce(port: number, home: string, options: StartMotoOptions): Promise<MotoServer> {
  const env: Record<string, string> = {
    ...pythonEnv(),
    HOME: home,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const child = trackedGroup(
    spawn(options.python ?? 'python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      env,
      cwd: home,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  running.add(child);
  installExitHook();
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  try {
    for (;;) {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`moto.server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`);
      }
      try {
        // Any HTTP answer means it is serving; the dashboard data is cheap and has no side effects.
        const response = await fetch(`${url}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`moto.server did not answer on ${url} within ${options.startTimeoutMs ?? 20_000} ms:\n${output}`);
        await sleep(100);
      }
    }
  } catch (error) {
    await stop(child);
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    pid: child.pid ?? -1,
    log: () => output,
    close: () => (closed ??= stop(child)),
  };
}

/**
 * Starts moto on a free loopback port and waits until it answers. Retries on another port
 * when the chosen one was taken in between. Call `close()` in afterAll.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const home = tempDir('awsrole-moto-home-');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const server = await startOnce(await freePort(), home, options);
      const close = server.close;
      let closed: Promise<void> | undefined;
      return {
        ...server,
        close: () =>
          (closed ??= (async () => {
            try {
              await close();
            } finally {
              await rm(home, { recursive: true, force: true });
            }
          })()),
      };
    } catch (error) {
      lastError = error;
      if (!/Address already in use|EADDRINUSE/i.test(String(error))) break;
    }
  }
  await rm(home, { recursive: true, force: true });
  throw lastError;
}

/**
 * moto's `POST /moto-api/reset-auth` with a plain-number body: IAM auth enforcement turns on
 * after `n` more requests (the counter is reset to 0). Returns the previous setting.
 */
export async function resetAuth(url: string, n: number): Promise<string> {
  const response = await fetch(`${url}/moto-api/reset-auth`, { method: 'POST', body: String(n) });
  const body = (await response.json()) as { status?: string; PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT?: string };
  if (!response.ok || body.status !== 'ok') throw new Error(`reset-auth ${n} failed: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body.PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT ?? '';
}

export interface QueryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface QueryResult {
  status: number;
  body: string;
  /** `<Code>` of an error answer, if any. */
  errorCode: string | undefined;
}

const API_VERSIONS: Record<string, string> = { iam: '2010-05-08', sts: '2011-06-15' };

/**
 * One query-protocol request (form-encoded POST to `/`), signed with SigV4 for `service` in
 * us-east-1 when `credentials` are given, sent without an Authorization header otherwise.
 */
export async function queryRequest(
  url: string,
  service: 'iam' | 'sts',
  action: string,
  params: Record<string, string>,
  credentials?: QueryCredentials,
): Promise<QueryResult> {
  const endpoint = new URL(url);
  const body = new URLSearchParams({ Action: action, Version: API_VERSIONS[service] ?? '', ...params }).toString();
  let headers: Record<string, string> = {
    host: endpoint.host,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  };
  if (credentials) {
    const signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: Sha256 });
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path: '/',
      query: {},
      headers,
      body,
    });
    headers = signed.headers;
  }
  // fetch sets Host itself from the URL; sending it again is harmless but forbidden in undici.
  const { host: _host, ...sendHeaders } = headers;
  const response = await fetch(`${url}/`, { method: 'POST', headers: sendHeaders, body });
  const text = await response.text();
  return { status: response.status, body: text, errorCode: xmlValue(text, 'Code') };
}

/** The text of the first `<name>…</name>` in an XML answer (query-protocol answers are flat enough). */
export function xmlValue(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1]?.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
