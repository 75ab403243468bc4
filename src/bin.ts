import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { requireWithCodeCache } from './code-cache.js';
import type { start } from './start.js';
import type { completeProfiles } from './shell/complete-entry.js';
import { PROFILES_HELPER } from './shell/spec.js';
import { VERSION } from './version.js';

// Built as dist/awsrole.cjs (CommonJS, so `__dirname` is dist/): a small file that answers
// `--version` or runs the CLI bundle, dist/cli.cjs, with its V8 code cache.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Alone, `--version` needs neither the option parser nor the outside world: it is answered
  // before they load, with the line commander would print. writeSync spares building the
  // process.stdout stream (node:net or node:tty) for six bytes.
  const line = `${VERSION}\n`;
  try {
    writeSync(1, line);
  } catch {
    process.stdout.write(line);
  }
} else if (args.length === 1 && args[0] === PROFILES_HELPER) {
  // Completion asks at every Tab: answered by a small bundle of its own, without the CLI bundle
  // (src/shell/fast-path.ts); required only here, so `--version` compiles none of it.
  const complete = requireWithCodeCache(join(__dirname, 'complete.cjs')) as { completeProfiles: typeof completeProfiles };
  void complete.completeProfiles();
} else {
  const cli = requireWithCodeCache(join(__dirname, 'cli.cjs')) as { start: typeof start };
  void cli.start();
}
