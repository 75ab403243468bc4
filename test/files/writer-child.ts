/**
 * A writer process for the crash and concurrency tests, bundled with esbuild and run with
 * plain `node`. HOME (and AWS_SHARED_CREDENTIALS_FILE) come from the parent.
 *
 *   node writer-child.mjs once NAME SIZE   writes [NAME] with sampleCredentials(NAME, SIZE)
 *   node writer-child.mjs loop NAME SIZE   writes [NAME] with sampleCredentials(`v${i}`, SIZE)
 *                                          for i = 0, 1, 2, ... and prints i after each write
 *
 * It exits as soon as its stdin closes (the test process ended, however it ended), and waits
 * for the lock as long as it takes: on a loaded machine twenty writers queue for a while.
 */
import { realDeps } from '../../src/deps.js';
import { writeCredentialsProfile } from '../../src/config/profile-writer.js';
import { sampleCredentials } from './helpers.js';

const PATIENT = { lock: { timeoutMs: 3_600_000 } };

function exitWithParent(): void {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

async function main(): Promise<void> {
  const [mode, name = 'child', sizeText = '40'] = process.argv.slice(2);
  const size = Number(sizeText);
  const deps = realDeps();
  exitWithParent();
  if (mode === 'once') {
    await writeCredentialsProfile(deps, name, sampleCredentials(name, size), PATIENT);
    return;
  }
  if (mode === 'loop') {
    for (let i = 0; ; i++) {
      await writeCredentialsProfile(deps, name, sampleCredentials(`v${i}`, size), PATIENT);
      process.stdout.write(`${i}\n`);
      // awsrole's file system is synchronous underneath: without a turn of the event loop the
      // loop would never see its stdin close.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  throw new Error(`unknown mode ${String(mode)}`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`writer-child: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  // Done: stop listening for the parent so the process can end.
  .finally(() => process.stdin.destroy());
