// Writes the V8 code caches for dist/cli.cjs and dist/chunks/sts-sdk.cjs (src/code-cache.ts):
// runs the built CLI as a user would, with AWSROLE_WRITE_CODE_CACHE=1, against the local STS
// and a throwaway HOME. Each run loads the caches the previous one wrote and adds what it
// compiled, so the last cache holds the functions of every run: an AssumeRole, a
// GetCallerIdentity, an export from files, an assume on a cache hit and unset.
// A run that fails fails the build: the bundle it just wrote does not work.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixtureHomeFiles, startLocalSts, writeHomeFiles } from './local-sts.mjs';

const RUNS = [
  ['assume', '--profile', 'deploy', '--format', 'sh'],
  ['whoami', '--profile', 'alice'],
  ['assume', '--profile', 'deploy', '--format', 'json'],
  ['export', '--profile', 'alice', '--format', 'sh'],
  ['unset', '--format', 'sh'],
];

/**
 * @param {string} root the project root, with dist/ freshly built
 * @param {string[]} bundles the files under dist/ that must end up with a cache
 */
export async function trainCodeCache(root, bundles) {
  const sts = await startLocalSts(root);
  const home = mkdtempSync(join(tmpdir(), 'awsrole-code-cache-'));
  try {
    writeHomeFiles(home, fixtureHomeFiles(sts));
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      NO_COLOR: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_STS: sts.url,
      AWSROLE_WRITE_CODE_CACHE: '1',
    };
    // The tests' network guard: a connection anywhere but loopback fails at once.
    const guard = pathToFileURL(join(root, 'test', 'support', 'network-guard.mjs')).href;
    for (const args of RUNS) {
      const run = spawnSync(process.execPath, ['--import', guard, join(root, 'bin', 'awsrole'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (run.status !== 0) throw new Error(`build: \`awsrole ${args.join(' ')}\` failed while writing the code caches (exit ${run.status}):\n${run.stderr}`);
    }
    const missing = bundles.filter((bundle) => !existsSync(join(root, 'dist', `${bundle}.v8cache`)));
    if (missing.length > 0) throw new Error(`build: no code cache was written for ${missing.join(', ')}`);
  } finally {
    sts.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
