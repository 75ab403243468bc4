import { spawn } from 'node:child_process';
import {
  closeSync,
  constants as fsConstants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { isatty } from 'node:tty';
import type { HttpClient, HttpRequest, HttpResponse, ListenOptions, Listener, RequestHandler } from './http.js';
import type { Env } from './domain/env.js';
import { terminalSafe } from './domain/text.js';
import { constants as osConstants, homedir } from 'node:os';
import { ChildExitCode } from './errors.js';

/** Where output goes; tests pass buffers. */
export interface OutStream {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Closes it for good, so a reader sees the end while awsrole runs on (serve); later writes are dropped. */
  close?(): void;
}

/** Result of running a child process to completion (credential_process). */
export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** stdout passed MAX_PROCESS_STDOUT_BYTES: the child was killed and stdout holds only the start. */
  stdoutTooLarge?: boolean | undefined;
}

/** No credential_process answer comes near this (issue 10: every answer awsrole reads is capped). */
export const MAX_PROCESS_STDOUT_BYTES = 1024 * 1024;
/** Only stderr's first line is ever shown: the rest is not kept. */
const MAX_PROCESS_STDERR_CHARS = 64 * 1024;

/** This process's id and a liveness probe for others (lock files name their owner). */
export interface ProcessTable {
  readonly pid: number;
  /** The effective user id (who owns what awsrole creates); undefined where there is none (Windows). */
  readonly uid?: number | undefined;
  isAlive(pid: number): boolean;
}

export const thisProcess: ProcessTable = {
  pid: process.pid,
  uid: process.geteuid?.(),
  isAlive(pid: number): boolean {
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists but belongs to someone else.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/** How a detached child ended: its exit, or that it could not be started. */
export type DetachedExit = { exitCode: number | null; signal: string | null } | { notStarted: string };

/** A child started in its own process group that awsrole never kills and never waits for on exit. */
export interface DetachedChild {
  /** Settles when the child exits (or fails to start); awsrole may stop listening at any time. */
  readonly exited: Promise<DetachedExit>;
}

export interface RunProcessOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
  /** 'inherit': the child talks to the user on awsrole's stderr (a YubiKey's "touch" notice); default: captured. */
  stderr?: 'capture' | 'inherit' | undefined;
}

/**
 * Everything the core needs from the outside world. Only this file and main.ts touch
 * process, the real file system, the clock and the network.
 */
export interface Deps {
  env: Env;
  homedir: string;
  cwd: string;
  fs: FileSystem;
  now(): Date;
  stdout: OutStream;
  stderr: OutStream;
  readStdin(): Promise<string>;
  /** Plain HTTP(S) for IMDS and container credentials: one bounded request, through HTTP_PROXY only when the request says so (IMDS). */
  http: HttpClient;
  runProcess(argv: readonly string[], options: RunProcessOptions): Promise<ProcessResult>;
  /**
   * Starts a browser or opener: its own process group (Ctrl-C and awsrole's exit leave it
   * running), no stdin, its output discarded (it may echo a URL that is a credential).
   */
  spawnDetached(argv: readonly string[], env: Record<string, string | undefined>): DetachedChild;
  /** Runs a command attached to this terminal; resolves to the exit code to pass on. */
  execChild(argv: readonly string[], env: Record<string, string | undefined>): Promise<number>;
  /**
   * Reads a line from the controlling terminal without echo; undefined when awsrole may not ask
   * (the API). Fails with a PromptError when there is no terminal or the user gives up.
   */
  promptSecret?: ((message: string) => Promise<string>) | undefined;
  /** Lets the user pick one item on the terminal (src/picker/): undefined without one (stdin and stderr), null when cancelled. */
  pickOnTerminal?: ((title: string, items: readonly string[]) => Promise<string | null | undefined>) | undefined;
  processes: ProcessTable;
  /** Set under --debug: one line of diagnostics on stderr. Never pass it a secret. */
  debug?: ((line: string) => void) | undefined;
  /** Chooses between equivalent options at random (jitter); tests may fix it. */
  random(): number;
  sleep(ms: number): Promise<void>;
  /** Calls `fire` once after `ms`; the returned function cancels it. Long-running commands' timers. */
  setTimer(ms: number, fire: () => void): CancelTimer;
  /** Serves HTTP on host:port (a loopback address) until the listener is closed. */
  listen(handler: RequestHandler, options: ListenOptions): Promise<Listener>;
  /** Calls `handler` on each of these signals until the returned function unsubscribes it. */
  onSignal(signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): Unsubscribe;
}

/** Why a prompt got no line: no controlling terminal, Ctrl-C, or Ctrl-D (end of input). */
export type PromptFailure = 'no-terminal' | 'cancelled' | 'end-of-input';

export class PromptError extends Error {
  constructor(readonly reason: PromptFailure) {
    super(reason === 'no-terminal' ? 'no terminal to ask on' : reason);
    this.name = 'PromptError';
  }
}

export type CancelTimer = () => void;
export type Unsubscribe = () => void;

/** The part of node:fs/promises' FileHandle that awsrole uses (atomic writes, lock files). */
export interface OpenFile {
  chmod(mode: number): Promise<void>;
  writeFile(text: string, encoding: 'utf8'): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
  stat(): Promise<Stats>;
  readFile(encoding: 'utf8'): Promise<string>;
}

export interface FileSystem {
  /** The file's text, or undefined when it does not exist. Other errors throw. */
  readText(path: string): Promise<string | undefined>;
  /** The file's bytes, or undefined when it does not exist. Other errors throw. */
  readBytes(path: string): Promise<Uint8Array | undefined>;
  /**
   * The text of a regular file of at most maxBytes; undefined when it is missing, not a regular
   * file (a FIFO, socket, device, folder), larger, or (with noFollow) a symlink. Other errors throw.
   */
  readRegularFile(path: string, options: ReadRegularFileOptions): Promise<string | undefined>;
  /**
   * Up to `length` bytes of a regular file from `position` (fewer at its end), and the file's
   * stats from the same descriptor, taken after the read; undefined when it is missing or not a regular file. Other
   * errors throw. Synchronous: a section of a big config is read when a lookup asks for it.
   */
  readRangeSync(path: string, position: number, length: number): { bytes: Uint8Array; stats: Stats } | undefined;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<void>;
  stat(path: string): Promise<Stats>;
  lstat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  open(path: string, flags: string, mode?: number): Promise<OpenFile>;
}

async function readText(path: string): Promise<string | undefined> {
  const bytes = await readBytes(path);
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
}

async function readBytes(path: string): Promise<Uint8Array | undefined> {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

export interface ReadRegularFileOptions {
  noFollow: boolean;
  maxBytes: number;
}

/** What open(2) says when the path is no file to read: missing, a symlink under O_NOFOLLOW, a lone FIFO/socket. */
const NOT_A_FILE_TO_READ = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENXIO', 'EISDIR']);

/**
 * Opened non-blocking (a FIFO cannot hang the open or the read), and with noFollow not through a
 * symlink; undefined when the path is no file to read. Other errors throw.
 */
function openToRead(path: string, noFollow: boolean): number | undefined {
  // Windows has neither flag (nor FIFOs in the file system).
  const flags = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (noFollow ? (fsConstants.O_NOFOLLOW ?? 0) : 0);
  try {
    return openSync(path, flags);
  } catch (error) {
    if (NOT_A_FILE_TO_READ.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

/** Reads from `position` until `buffer` is full or the file ends; how many bytes it read. */
function fillFrom(fd: number, buffer: Buffer, position: number): number {
  let filled = 0;
  while (filled < buffer.length) {
    const read = readSync(fd, buffer, filled, buffer.length - filled, position + filled);
    if (read === 0) break;
    filled += read;
  }
  return filled;
}

/** Checked with fstat on the open descriptor, so the file checked is the file read. */
async function readRegularFile(path: string, options: ReadRegularFileOptions): Promise<string | undefined> {
  const fd = openToRead(path, options.noFollow);
  if (fd === undefined) return undefined;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > options.maxBytes) return undefined;
    // One byte more than fstat promised: a file still growing is not read as if it were whole.
    const buffer = Buffer.allocUnsafe(stats.size + 1);
    const length = fillFrom(fd, buffer, 0);
    return length > stats.size ? undefined : buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

function readRangeSync(path: string, position: number, length: number): { bytes: Uint8Array; stats: Stats } | undefined {
  const fd = openToRead(path, false);
  if (fd === undefined) return undefined;
  try {
    const before = fstatSync(fd);
    if (!before.isFile()) return undefined;
    const bytes = Buffer.allocUnsafe(Math.max(0, Math.min(length, before.size - position)));
    const filled = fillFrom(fd, bytes, position);
    // The stats after the read: a write in place while reading shows in its change time.
    return { bytes: bytes.subarray(0, filled), stats: fstatSync(fd) };
  } finally {
    closeSync(fd);
  }
}

function openFile(fd: number): OpenFile {
  return {
    chmod: async (mode) => fchmodSync(fd, mode),
    writeFile: async (text, encoding) => writeFileSync(fd, text, encoding),
    sync: async () => fsyncSync(fd),
    close: async () => closeSync(fd),
    stat: async () => fstatSync(fd),
    readFile: async (encoding) => readFileSync(fd, encoding),
  };
}

/**
 * Synchronous calls behind the async interface: a CLI makes a handful of small file operations
 * one after another, with nothing to overlap them with, and node:fs/promises costs ~1.3 ms to
 * load (readline, file watchers, streams). Errors still arrive as rejections.
 */
export const nodeFileSystem: FileSystem = {
  readText,
  readBytes,
  readRegularFile,
  readRangeSync,
  rename: async (from, to) => renameSync(from, to),
  mkdir: async (path, options) => void mkdirSync(path, options),
  stat: async (path) => statSync(path),
  lstat: async (path) => lstatSync(path),
  realpath: async (path) => realpathSync(path),
  unlink: async (path) => unlinkSync(path),
  readdir: async (path) => readdirSync(path),
  open: async (path, flags, mode) => openFile(openSync(path, flags, mode)),
};

/** The signals that end awsrole (interrupted, terminated, its terminal gone). */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Dies of `signal` as if nobody had caught it (the shell then reports 128 + N), unless another
 * part of awsrole still listens for it (a server shutting down cleanly).
 */
export function endBySignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/**
 * A helper (credential_process, mfa_process) must not outlive awsrole: a signal that ends
 * awsrole goes to the helper first. Ctrl-C reaches the whole process group anyway; `kill PID`
 * and a closed terminal's SIGHUP reach awsrole alone.
 */
function endChildWithAwsrole(running: { child?: ReturnType<typeof spawn> }): Unsubscribe {
  const stop = onSignal(ENDING_SIGNALS, (signal) => {
    stop();
    running.child?.kill(signal);
    endBySignal(signal);
  });
  return stop;
}

/**
 * Runs a command to completion with a deadline, as botocore runs credential_process: stdin and
 * the controlling terminal stay the user's (a helper may ask for a password there), stdout and
 * stderr are captured. On timeout the child is killed and the result settles at once, even if
 * a grandchild still holds the pipes: our ends are closed so nothing keeps awsrole waiting.
 */
export function runProcess(argv: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  const [command, ...args] = argv;
  return new Promise((resolve) => {
    if (command === undefined) {
      resolve({ exitCode: ChildExitCode.notFound, signal: null, stdout: '', stderr: 'empty command', timedOut: false });
      return;
    }
    // The relay goes in before the child starts (as in execChild): measured, a handler added
    // just after spawn() sometimes missed a SIGTERM that came once the child was running.
    const running: { child?: ReturnType<typeof spawn> } = {};
    const stopRelaying = endChildWithAwsrole(running);
    const child = spawn(command, args, { env: definedEnv(options.env), stdio: ['inherit', 'pipe', options.stderr === 'inherit' ? 'inherit' : 'pipe'] });
    running.child = child;
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (result: ProcessResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopRelaying();
      resolve(result);
    };
    const stop = (why: Partial<ProcessResult>): void => {
      child.kill('SIGKILL');
      child.stdout?.destroy();
      child.stderr?.destroy();
      settle({ exitCode: null, signal: 'SIGKILL', stdout, stderr, timedOut: false, ...why });
    };
    const timer = setTimeout(() => stop({ timedOut: true }), options.timeoutMs);
    let stdoutBytes = 0;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdoutBytes += Buffer.byteLength(chunk);
      if (stdoutBytes > MAX_PROCESS_STDOUT_BYTES) stop({ stdoutTooLarge: true });
      else stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_PROCESS_STDERR_CHARS) stderr += chunk.slice(0, MAX_PROCESS_STDERR_CHARS - stderr.length);
    });
    child.on('error', (error) => settle({ exitCode: ChildExitCode.notFound, signal: null, stdout, stderr: error.message, timedOut: false }));
    child.on('close', (exitCode, signal) => settle({ exitCode, signal, stdout, stderr, timedOut: false }));
  });
}

export function spawnDetached(argv: readonly string[], env: Record<string, string | undefined>): DetachedChild {
  const [command, ...args] = argv;
  const exited = new Promise<DetachedExit>((resolve) => {
    if (command === undefined) return resolve({ notStarted: 'empty command' });
    const child = spawn(command, args, { env: definedEnv(env), stdio: 'ignore', detached: true });
    // Unreferenced: awsrole's event loop never waits for it.
    child.unref();
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ notStarted: error.code ?? error.message }));
    child.on('exit', (exitCode, signal) => resolve({ exitCode, signal }));
  });
  return { exited };
}

export async function nodeHttpClient(request: HttpRequest): Promise<HttpResponse> {
  const { httpRequest } = await import('./http.js');
  return httpRequest(request);
}

/** node:http loads only when a command serves (long-running commands), never at start-up. */
export async function listen(handler: RequestHandler, options: ListenOptions): Promise<Listener> {
  const { listenHttp } = await import('./http.js');
  return listenHttp(handler, options);
}

export function setTimer(ms: number, fire: () => void): CancelTimer {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}

export function onSignal(signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): Unsubscribe {
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

export function definedEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** Like exec(3) as far as Node allows: signals go to the child, its exit code (or 128+signal) comes back. */
export function execChild(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  const [command, ...args] = argv;
  return new Promise((resolve) => {
    const running: { child?: ReturnType<typeof spawn> } = {};
    // Handlers go in before the child starts, so no signal can arrive with nobody to pass it on.
    const forward = (signal: NodeJS.Signals): void => void running.child?.kill(signal);
    const stopForwarding = onSignal(FORWARDED_SIGNALS, forward);
    const done = (code: number): void => {
      stopForwarding();
      resolve(code);
    };
    const child = spawn(command ?? '', args, { env: definedEnv(env), stdio: 'inherit' });
    running.child = child;
    child.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(`awsrole: cannot run ${terminalSafe(`${command ?? ''}: ${error.code === 'ENOENT' ? 'command not found' : error.message}`)}\n`);
      done(error.code === 'ENOENT' ? ChildExitCode.notFound : ChildExitCode.cannotRun);
    });
    child.on('exit', (code, signal) => {
      done(code ?? ChildExitCode.signalBase + (signal ? (osConstants.signals[signal] ?? 0) : 0));
    });
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Writes straight to the file descriptor: building process.stdout/stderr streams costs
 * milliseconds on every start, and awsrole writes a few short payloads at most.
 */
function writeAllSync(fd: number, text: string): void {
  if (readerGone.has(fd)) return;
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The reader closed its end (`awsrole profiles | head -1`): what it did not want is dropped, as a
      // tool killed by SIGPIPE would drop it, instead of an internal error.
      if (code === 'EPIPE') return void readerGone.add(fd);
      // A non-blocking pipe that is full: wait for the reader.
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/** Descriptors whose reader has gone (EPIPE): later writes to them are dropped. */
const readerGone = new Set<number>();

/**
 * A terminal is a character device: a pipe or a file (stdout inside `eval "$(…)"`) is answered
 * by one fstat, without loading node:tty (and with it node:net and the streams, ~2 ms).
 */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return isatty(fd);
}

function fdStream(fd: number): OutStream {
  let open = true;
  return {
    write: (text) => {
      if (open) writeAllSync(fd, text);
    },
    get isTTY() {
      return open && isTerminal(fd);
    },
    close: () => {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/**
 * Prompts on the controlling terminal (/dev/tty, never stdout) with echo off, whatever stdin,
 * stdout and stderr are: an SDK runs a credential_process with all three on pipes, and inside
 * `eval "$(awsrole ...)"` stdout is a pipe. Without a controlling terminal: PromptError.
 */
async function promptSecret(message: string): Promise<string> {
  const { promptOnTerminal } = await import('./terminal.js');
  return promptOnTerminal(message);
}

/** The picker needs the keyboard (stdin) and a screen that is not stdout (stderr). */
async function pickOnTerminal(title: string, items: readonly string[]): Promise<string | null | undefined> {
  if (!isTerminal(0) || !isTerminal(2)) return undefined;
  const picker = await import('./picker/terminal.js');
  return picker.pickOnTerminal(title, items, (text) => writeAllSync(2, text));
}

/**
 * os.homedir() is $HOME when it is set (libuv), else the passwd entry: read $HOME here, so a
 * start loads node:os (~0.3 ms, deferred by the build) only without it.
 */
function userHome(): string {
  const home = process.env['HOME'];
  return home !== undefined ? home : homedir();
}

export function realDeps(): Deps {
  return {
    env: process.env,
    homedir: userHome(),
    cwd: process.cwd(),
    fs: nodeFileSystem,
    now: () => new Date(),
    stdout: fdStream(1),
    stderr: fdStream(2),
    readStdin,
    http: nodeHttpClient,
    runProcess,
    spawnDetached,
    execChild,
    promptSecret,
    pickOnTerminal,
    processes: thisProcess,
    random: Math.random,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    setTimer,
    listen,
    onSignal,
  };
}
