import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { requireWithCodeCache } from './code-cache.js';
import type { start } from './start.js';
import { realDeps } from './deps.js';
import { isProfilesHelper, writeProfileNames } from './shell/fast-path.js';
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
} else if (isProfilesHelper(args)) {
  // Completion asks at every Tab: answered without loading the CLI bundle (src/shell/fast-path.ts).
  void writeProfileNames(realDeps());
} else {
  const cli = requireWithCodeCache(join(__dirname, 'cli.cjs')) as { start: typeof start };
  void cli.start();
}
