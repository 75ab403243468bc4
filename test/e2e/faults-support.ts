/**
 * Shared by the bad-input and faults tests: runs the built CLI with a hard time limit (a hung
 * awsrole must fail the test, not the suite), measures how long it took, and checks the
 * promises every failing run must keep.
 */
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { tracked } from '../support/cleanup.js';
import { AWSROLE_BIN } from '../support/cli.js';

export interface BoundedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** True when the run was killed at the limit. */
  killed: boolean;
}

/** How long a run may take before it counts as hung: far beyond a loaded machine's slowness. */
export const RUN_LIMIT_MS = 60_000;

/** Runs `node bin/awsrole ARGS` with exactly `env`; killed (SIGKILL) after `limitMs`. */
export function runBounded(args: readonly string[], env: Record<string, string>, options: { input?: string; limitMs?: number } = {}): Promise<BoundedResult> {
  const limitMs = options.limitMs ?? RUN_LIMIT_MS;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = tracked(spawn(process.execPath, [AWSROLE_BIN, ...args], { env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, killed });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Secrets of every fixture (STS rig, IMDS rig, the tests' own) carry one of these. */
export function expectNoSecrets(text: string): void {
  expect(text).not.toContain('SECRETCANARY');
  expect(text).not.toContain('TOKENCANARY');
}

/** Every failure: stdout empty (so `eval "$(awsrole ...)"` does nothing), no secret on stderr. */
export function expectCleanFailure(result: BoundedResult, code: number): void {
  expect(result.killed, `awsrole was still running after the limit; stderr so far:\n${result.stderr}`).toBe(false);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: expect.any(String) });
  expect(result.stdout).toBe('');
  expectNoSecrets(result.stderr);
}

/** The environment every run starts from: nothing of the developer's, HOME given, IMDS off, STS on loopback. */
export function baseEnv(home: string, stsUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: home,
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    USER: 'tester',
    NO_COLOR: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_STS: stsUrl,
    ...extra,
  };
}
