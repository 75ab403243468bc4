/**
 * Shared by the bad-input and faults tests: runs the built CLI with a hard time limit (a hung
 * awsrole must fail the test, not the suite), measures how long it took, and checks the
 * promises every failing run must keep.
 */
import { expect } from 'vitest';
import { AWSROLE_BIN, expectNoCanary, spawnCollect, type CliResult } from '../support/cli.js';

export type BoundedResult = CliResult;

/** Runs `node bin/awsrole ARGS` with exactly `env`; killed (SIGKILL) after `limitMs`. */
export function runBounded(args: readonly string[], env: Record<string, string>, options: { input?: string; limitMs?: number } = {}): Promise<BoundedResult> {
  return spawnCollect(process.execPath, [AWSROLE_BIN, ...args], env, options);
}

/** Every failure: stdout empty (so `eval "$(awsrole ...)"` does nothing), no secret on stderr. */
export function expectCleanFailure(result: BoundedResult, code: number): void {
  expect(result.timedOut, `awsrole was still running after the limit; stderr so far:\n${result.stderr}`).toBe(false);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: expect.any(String) });
  expect(result.stdout).toBe('');
  expectNoCanary(result.stderr);
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
