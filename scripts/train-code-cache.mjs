// Writes the V8 code caches for dist/cli.cjs and dist/chunks/sts-sdk.cjs (src/code-cache.ts):
// runs the built CLI as a user would, with AWSROLE_WRITE_CODE_CACHE=1, against a fixed-answer STS
// on loopback (scripts/training-sts.mjs) and a throwaway HOME. Each run loads the caches the
// previous one wrote and adds what it compiled, so the last cache holds the functions of every
// run: an AssumeRole, a GetCallerIdentity, an assume on a cache hit, an export from files and unset.
// A run that fails fails the build: the bundle it just wrote does not work.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureHomeFiles, ssoOrganisationFiles, writeHomeFiles } from './local-sts.mjs';
import { startTrainingSts } from './training-sts.mjs';

/** The runs, in order, and the STS action each one must call (none: it must not call STS). */
const RUNS = [
  { args: ['assume', '--profile', 'deploy', '--format', 'sh'], calls: 'AssumeRole' },
  { args: ['whoami', '--profile', 'alice'], calls: 'GetCallerIdentity' },
  { args: ['assume', '--profile', 'deploy', '--format', 'json'] },
  { args: ['export', '--profile', 'alice', '--format', 'sh'] },
  { args: ['unset', '--format', 'sh'] },
];

/** Profiles of a config over the index's 64 KB (~100 bytes each), as `sso populate` writes them. */
const SSO_PROFILES = 1000;
/** src/config/ini-index.ts indexes a file only once it has been unchanged for 2 s (SETTLED_MS). */
const SETTLED_MS = 2000;

/** Runs node with `args` (stdin /dev/null, as in `eval "$(…)"`); resolves to its exit code and stderr. */
function runNode(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * @param {string} root the project root, with dist/ freshly built
 * @param {string[]} bundles the files under dist/ that must end up with a cache
 */
export async function trainCodeCache(root, bundles) {
  const sts = await startTrainingSts();
  const home = mkdtempSync(join(tmpdir(), 'awsrole-code-cache-'));
  const ssoHome = mkdtempSync(join(tmpdir(), 'awsrole-code-cache-sso-'));
  try {
    const sso = ssoOrganisationFiles(sts, SSO_PROFILES);
    writeHomeFiles(ssoHome, sso.files);
    const ssoWritten = Date.now();
    writeHomeFiles(home, fixtureHomeFiles(sts));
    // Built from scratch: no AWS_* variable of the caller's, no way out of loopback (STS is
    // pinned to the training STS, IMDS is off, the profiles hold their own keys).
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      NO_COLOR: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_STS: sts.url,
      AWSROLE_WRITE_CODE_CACHE: '1',
    };
    for (const { args, calls } of RUNS) await trainOnce(root, sts, env, args, calls);
    // The first run checks the settled config and writes its index; the second reads through it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ssoWritten + SETTLED_MS + 100 - Date.now())));
    const ssoExport = ['export', '--profile', sso.pick.name, '--format', 'sh'];
    for (let run = 0; run < 2; run += 1) await trainOnce(root, sts, { ...env, HOME: ssoHome }, ssoExport, undefined);
    if (!existsSync(join(ssoHome, '.cache', 'awsrole', 'ini-index'))) throw new Error('build: the SSO training run wrote no config index');
    const missing = bundles.filter((bundle) => !existsSync(join(root, 'dist', `${bundle}.v8cache`)));
    if (missing.length > 0) throw new Error(`build: no code cache was written for ${missing.join(', ')}`);
  } finally {
    await sts.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(ssoHome, { recursive: true, force: true });
  }
}

/** One run of the built CLI (asynchronous: the training STS answers from this process). */
async function trainOnce(root, sts, env, args, action) {
  const before = sts.actions.length;
  const { code, stderr } = await runNode([join(root, 'bin', 'awsrole'), ...args], env);
  if (code !== 0) throw new Error(`build: \`awsrole ${args.join(' ')}\` failed while writing the code caches (exit ${code}):\n${stderr}`);
  const made = sts.actions.slice(before).join(', ');
  if (made !== (action ?? '')) throw new Error(`build: \`awsrole ${args.join(' ')}\` called [${made}] on the training STS, expected [${action ?? ''}]`);
}
