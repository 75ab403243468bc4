/**
 * The Python reference side (botocore, moto): live when python3 can import it; otherwise a CI
 * run fails with the install command, and a laptop run says on one line what it skipped and
 * why, and goes on with what is recorded in the repo.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SYNC_CHILD_LIMIT } from './cleanup.js';

/** The command that installs the Python side on Debian (PEP 668: no bare `pip install`). */
export const PYTHON_INSTALL = (JSON.parse(readFileSync(new URL('./python-deps.json', import.meta.url), 'utf8')) as { install: string }).install;

/** PATH (and PYTHONPATH when set) for a python3 child: nothing else of this process's environment. */
export function pythonEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin' };
  const pythonPath = process.env['PYTHONPATH'];
  if (pythonPath !== undefined) env['PYTHONPATH'] = pythonPath;
  return env;
}

/** Why python3 cannot import `module`, or undefined when it can. */
export function pythonImportProblem(module: string): string | undefined {
  const result = spawnSync('python3', ['-c', `import ${module}`], { env: pythonEnv(), encoding: 'utf8', ...SYNC_CHILD_LIMIT });
  if (result.error !== undefined) return `python3 did not run (${result.error.message})`;
  if (result.status === 0) return undefined;
  const lines = result.stderr.trim().split('\n');
  return lines[lines.length - 1] || `python3 exited with ${String(result.status)}`;
}

export function inCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * True when python3 can import `module`. Otherwise: under CI, throws (the test file fails with
 * the install command); elsewhere, prints one line saying that `what` was skipped (and what is
 * checked `instead`), and why, and returns false.
 */
export function usePython(module: string, what: string, instead?: string): boolean {
  const problem = pythonImportProblem(module);
  if (problem === undefined) return true;
  const install = `install: ${PYTHON_INSTALL}`;
  if (inCi()) throw new Error(`CI needs python3 with ${module} for ${what}, and it cannot import it (${problem}); ${install}`);
  console.warn(`skipped ${what}${instead === undefined ? '' : ` (${instead})`}: python3 cannot import ${module} (${problem}); ${install}`);
  return false;
}
