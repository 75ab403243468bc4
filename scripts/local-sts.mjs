// The local STS (the tests' rig, test/rigs/sts-main.ts, built by scripts/build-tools.mjs) as a
// child process for the bench, and a HOME for its fixture, for the bench and the code-cache
// training (whose fixed-answer STS, scripts/training-sts.mjs, describes itself the same way):
// nothing leaves 127.0.0.1.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TOOLS_DIR } from './build-tools.mjs';

/** The built local STS (scripts/build-tools.mjs). */
export const STS_TOOL = join(TOOLS_DIR, 'sts-server.mjs');

/** Starts the rig and resolves to what it prints (url, users, roles…) plus `stop()`. */
export function startLocalSts() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STS_TOOL], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stop = () => child.kill('SIGTERM');
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve({ ...JSON.parse(buffered.slice(0, newline)), stop });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the local STS exited (${code}) before it printed its url`)));
  });
}

/**
 * The files of a throwaway HOME for an STS's fixture: alice's keys, and a `deploy` role
 * profile sourced from her (the bench and the code-cache training use both).
 */
export function fixtureHomeFiles(sts) {
  const alice = sts.users.find((user) => user.name === 'alice');
  return {
    '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
    '.aws/config': `[profile alice]\nregion = eu-west-1\n\n[profile deploy]\nrole_arn = ${sts.roles.deploy}\nsource_profile = alice\n`,
  };
}

/** Writes `files` (path under `dir` → content) as 0600 files in 0700 folders; `dir` exists after. */
export function writeHomeFiles(dir, files) {
  for (const [relative, content] of Object.entries(files)) {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, content, { mode: 0o600 });
  }
  mkdirSync(dir, { recursive: true });
}
