// `npm run record-botocore`: runs the chain and INI differentials against the botocore python3
// imports and writes its answers into the repo (test/chain/botocore-results.json,
// test/config/botocore-results.json), which the tests use where botocore is not installed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { install } = JSON.parse(readFileSync(new URL('../test/support/python-deps.json', import.meta.url), 'utf8'));

const probe = spawnSync('python3', ['-c', 'import botocore; print(botocore.__version__)'], { encoding: 'utf8' });
if (probe.status !== 0) {
  process.stderr.write(`record-botocore: python3 cannot import botocore; install: ${install}\n`);
  process.exit(1);
}
process.stderr.write(`record-botocore: recording botocore ${probe.stdout.trim()}\n`);

const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const files = ['test/chain/differential.test.ts', 'test/config/ini.test.ts'];
const run = spawnSync('npx', ['vitest', 'run', ...files], { stdio: 'inherit', env: { ...process.env, AWSROLE_RECORD_BOTOCORE: '1' } });
process.exit(run.status ?? 1);
