import { writeSync } from 'node:fs';
import { VERSION } from './version.js';

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
} else {
  // The bundle is CommonJS (quicker to start): no top-level await.
  void Promise.all([import('./deps.js'), import('./main.js')]).then(async ([{ realDeps }, { run }]) => {
    process.exitCode = await run(realDeps(), process.argv);
  });
}
