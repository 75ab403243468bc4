// Runs before `npm test` and `npm run demo`: a fresh clone needs nothing typed by hand first.
// Installs the npm packages when they are missing, and (tests only) Debian's fish, which the
// shell round-trip tests evaluate output in, when apt-get can install it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const forTests = process.argv.includes('--tests');

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  return result.status === 0;
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  process.stderr.write('awsrole: installing npm packages (npm ci)\n');
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) process.exit(1);
}

if (forTests && !has('fish')) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && has('apt-get')) {
    process.stderr.write('awsrole: installing fish for the shell round-trip tests (apt-get)\n');
    run('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fish >/dev/null']);
  }
  if (!has('fish')) {
    process.stderr.write('awsrole: the tests need fish (Debian: apt-get install fish); the fish round-trip tests will fail without it\n');
  }
}
