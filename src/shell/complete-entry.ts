/**
 * Built as dist/complete.cjs: what src/bin.ts runs for `awsrole __complete-profiles`. A bundle of
 * its own so that dist/awsrole.cjs, which every run (and `--version` alone) compiles, stays small:
 * the outside world (deps.ts) and the config code come in only when a Tab asks for names.
 */
import { realDeps } from '../deps.js';
import { writeProfileNames } from './fast-path.js';

export function completeProfiles(): Promise<void> {
  return writeProfileNames(realDeps());
}
