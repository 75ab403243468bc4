// The local STS rig (dist/tools/sts-server.mjs, built by scripts/build.mjs) as a child process,
// for the bench and the code-cache training: nothing it serves leaves 127.0.0.1.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Starts the rig and resolves to what it prints (url, users, roles…) plus `stop()`.
 * @param {string} root the project root
 */
export function startLocalSts(root) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist', 'tools', 'sts-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
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
