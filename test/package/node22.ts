/**
 * A Node 22 binary for the package test, from the `node` package on the npm registry (the one
 * network use the tests allow); npx keeps it in its cache after the first download.
 */
import { execFileSync } from 'node:child_process';
import { SYNC_CHILD_LIMIT } from '../support/cleanup.js';

export function node22(): string {
  const env = { ...process.env };
  // The tests' network guard rides on NODE_OPTIONS; npx must reach the registry.
  delete env['NODE_OPTIONS'];
  const path = execFileSync('npx', ['--yes', '--package', 'node@22', 'node', '-p', 'process.execPath'], { env, encoding: 'utf8', ...SYNC_CHILD_LIMIT }).trim();
  if (!path.startsWith('/')) throw new Error(`npx -p node@22 printed no Node path: ${path}`);
  return path;
}
