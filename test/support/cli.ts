/**
 * Runs the built CLI as a user would: its own temp HOME, an environment built from scratch
 * (never the developer's AWS_* variables), STS on a loopback rig, IMDS off.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { killGroup, tempDir, trackedGroup } from './cleanup.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const AWSROLE_BIN = join(ROOT, 'bin', 'awsrole');
/** The spawned tests run the built CLI (`npm test` builds first). */
export const CLI_BUILT = existsSync(AWSROLE_BIN) && existsSync(join(ROOT, 'dist', 'awsrole.cjs'));
export const NOT_BUILT = 'bin/awsrole is not built: run `npm run build`';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** True when the run was still going at its limit and was killed. */
  timedOut: boolean;
}

export interface SpawnOptions {
  /** Written to stdin, then closed; without it stdin is at EOF. */
  input?: string;
  cwd?: string;
  /** Killed (its whole process group) after this long: a safety net for a hang, not a budget. */
  limitMs?: number;
}

/** How long a run may take before it counts as hung: far beyond a loaded machine's slowness. */
export const RUN_LIMIT_MS = 60_000;

/**
 * Room added to every upper bound on a wait: a loaded two-core machine only adds to a wait, so
 * lower bounds hold as they are and upper bounds catch a hang or a far longer timeout, never slowness.
 */
export const LOAD_SLACK_MS = 10_000;

export interface FakeHome {
  dir: string;
  env: Record<string, string>;
  write(relative: string, content: string, mode?: number): Promise<string>;
  path(relative: string): string;
  cleanup(): Promise<void>;
}

export async function makeHome(files: Record<string, string> = {}, env: Record<string, string> = {}): Promise<FakeHome> {
  const dir = tempDir('awsrole-home-');
  const home: FakeHome = {
    dir,
    env: { HOME: dir, PATH: process.env['PATH'] ?? '/usr/bin:/bin', USER: 'tester', AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', ...env },
    path: (relative) => join(dir, relative),
    async write(relative, content, mode = 0o600) {
      const path = join(dir, relative);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, content, { mode });
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  for (const [relative, content] of Object.entries(files)) await home.write(relative, content);
  return home;
}

/** Spawns `node bin/awsrole ARGS` with exactly `env`, stdin from `input` (or closed). */
export function runCli(args: readonly string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return runCommand(process.execPath, [AWSROLE_BIN, ...args], env, input);
}

/** Fixture secrets and the session tokens the STS rig issues carry these; none may reach stderr. */
export const CANARIES = ['SECRETCANARY', 'TOKENCANARY'] as const;

export function expectNoCanary(text: string): void {
  for (const canary of CANARIES) expect(text).not.toContain(canary);
}

/** Every run through this helper fails its test if a secret leaked to stderr. */
export function assertNoCanary<T extends { stderr: string }>(result: T, args: readonly string[]): T {
  const leaked = CANARIES.find((canary) => result.stderr.includes(canary));
  if (leaked !== undefined) throw new Error(`a secret (${leaked}) reached stderr of: ${args.join(' ').slice(0, 200)}`);
  return result;
}

/** Every node process a test starts (the CLI, and any node it starts) loads the network guard. */
const GUARD = `--import ${pathToFileURL(join(ROOT, 'test', 'support', 'network-guard.mjs')).href}`;

export function guardedEnv(env: Record<string, string>): Record<string, string> {
  return { ...env, NODE_OPTIONS: [env['NODE_OPTIONS'], GUARD].filter(Boolean).join(' ') };
}

export async function runCommand(command: string, args: readonly string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return assertNoCanary(await spawnCollect(command, args, env, input === undefined ? {} : { input }), args);
}

/**
 * The one way tests start a process and collect what it prints: exactly `env` (plus the network
 * guard), its own session and process group (no controlling terminal; the cleanup kills the whole
 * group), killed at `limitMs`.
 */
export function spawnCollect(command: string, args: readonly string[], env: Record<string, string>, options: SpawnOptions = {}): Promise<CliResult> {
  const { input, cwd, limitMs = RUN_LIMIT_MS } = options;
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = trackedGroup(spawn(command, args, { env: guardedEnv(env), detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) }));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, limitMs);
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
      resolvePromise({ code, signal, stdout: text(out), stderr: text(err), ms: performance.now() - started, timedOut });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
