// `npm run bench`: start-up and wait times of the built CLI, run as a user runs it.
//
// Every scenario spawns `node bin/awsrole ARGS` (what the shebang runs) with a throwaway HOME
// and an environment built from scratch (never the caller's AWS_* variables). Runs are
// interleaved round by round with `node -e 0`, so the ratio compares like with like even when
// the machine's speed drifts. Peak memory comes from separate runs under `/usr/bin/time -f %M`
// (or, without it, a preload that reports process.resourceUsage().maxRSS), so the wrapper never
// weighs on the times. STS is the local rig (the tests' STS, built by scripts/build-tools.mjs, its own process);
// IMDS is a loopback port that accepts and never answers. Nothing leaves 127.0.0.1.
//
//   node scripts/bench.mjs [--runs N] [--no-write]
//
// Writes the table to docs/bench.md unless --no-write.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STS_TOOL, fixtureHomeFiles, ssoOrganisationFiles, startLocalSts, writeHomeFiles } from './local-sts.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'awsrole');
const NODE = process.execPath;

const argv = process.argv.slice(2);
const RUNS = Math.max(20, Number(argv[argv.indexOf('--runs') + 1]) || 20);
const WRITE = !argv.includes('--no-write');
const WARMUP = 2;
const MEMORY_RUNS = 3;
const IMDS_TIMEOUT_S = 1; // awsrole's (and botocore's) default; the scenario leaves it unset
const PROFILES = 10_000;

for (const path of [BIN, join(ROOT, 'dist', 'awsrole.cjs'), join(ROOT, 'dist', 'cli.cjs'), STS_TOOL]) {
  if (!existsSync(path)) throw new Error(`bench: ${path} is missing; run \`npm run build && npm run build:tools\` first (\`npm run bench\` does)`);
}

// ---------------------------------------------------------------------------------------
// Processes

/** Spawns and waits; wall time from spawn to exit, in ms. Never blocks this event loop (IMDS lives here). */
function timed(command, args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout, stderr }));
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const TIME = '/usr/bin/time';
const hasGnuTime = existsSync(TIME) && spawnSync(TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).stderr?.trim().match(/^\d+$/) !== null;

/** Peak RSS in KiB of one run, or undefined when it cannot be measured. */
async function peakRss(scenario, scratch) {
  const out = join(scratch, 'rss.txt');
  if (hasGnuTime) {
    await timed(TIME, ['-f', '%M', '-o', out, scenario.command, ...scenario.args], scenario.env);
    const kib = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
    return Number.isFinite(kib) ? kib : undefined;
  }
  if (scenario.command !== NODE) return undefined;
  // Without GNU time: a preload in the measured process itself reports its own peak.
  const preload = join(scratch, 'rss-preload.mjs');
  writeFileSync(preload, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));\n`);
  await timed(NODE, ['--import', preload, ...scenario.args], scenario.env);
  return Number(readFileSync(out, 'utf8'));
}

// ---------------------------------------------------------------------------------------
// The world: homes, the local STS, a silent IMDS

const scratch = mkdtempSync(join(tmpdir(), 'awsrole-bench-'));
const cleanups = [() => rmSync(scratch, { recursive: true, force: true })];
process.on('exit', () => {
  for (const cleanup of cleanups.reverse()) cleanup();
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

/** A loopback port that accepts connections and never answers (a firewalled IMDS). */
function startBlackhole() {
  return new Promise((resolve) => {
    const sockets = new Set();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      socket.resume();
    });
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function makeHome(name, files) {
  const home = join(scratch, name);
  writeHomeFiles(home, files);
  return home;
}

/** A loopback port with nothing listening: connecting is refused at once. */
function refusedPort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sts = await startLocalSts();
cleanups.push(sts.stop);
const imdsPort = await startBlackhole();
const closedPort = await refusedPort();

const fixture = fixtureHomeFiles(sts);
const bigConfig = [fixture['.aws/config']];
for (let i = 0; i < PROFILES; i += 1) {
  const id = String(i).padStart(5, '0');
  bigConfig.push(`\n[profile team-${id}]\nrole_arn = arn:aws:iam::111122223333:role/team-${id}\nsource_profile = alice\nregion = eu-west-1\nduration_seconds = 3600\n`);
}
// What `sso populate` writes for a large organisation, and one of its profiles on a role cache hit.
const { files: ssoFiles, pick: SSO_PICK } = ssoOrganisationFiles(sts, PROFILES);

/** A cache folder that is not private (0755): awsrole keeps no config index in it. */
const sharedCache = join(scratch, 'shared-cache');
mkdirSync(join(sharedCache, 'awsrole', 'ini-index'), { recursive: true, mode: 0o755 });
chmodSync(join(sharedCache, 'awsrole'), 0o755);
chmodSync(join(sharedCache, 'awsrole', 'ini-index'), 0o755);

const homes = {
  files: makeHome('files', fixture),
  big: makeHome('big', { ...fixture, '.aws/config': bigConfig.join('') }),
  ssoBig: makeHome('sso-big', ssoFiles),
  empty: makeHome('empty', {}),
};

function envFor(home, extra = {}) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    USER: 'bench',
    NO_COLOR: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_STS: sts.url,
    ...extra,
  };
}

const awsrole = (args) => ['node bin/awsrole ' + args.join(' '), NODE, [BIN, ...args]];

function scenario(id, [label, command, args], { home = homes.files, env = {}, exitCode = 0, target, note, compare } = {}) {
  const fullEnv = envFor(home, env);
  for (const [key, value] of Object.entries(fullEnv)) if (value === undefined) delete fullEnv[key];
  return { id, label, command, args, env: fullEnv, exitCode, target, note, compare, times: [], rss: [] };
}

const imdsEnv = (port) => ({ AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}/` });

const fast = [
  scenario('node', ['node -e 0', NODE, ['-e', '0']], { home: homes.empty }),
  scenario('version', awsrole(['--version']), { target: { ratio: 1.3 } }),
  scenario('unset', awsrole(['unset', '--format', 'sh']), { target: { ratio: 1.3 } }),
  scenario('export', awsrole(['export', '--profile', 'alice', '--format', 'sh']), { target: { ratio: 1.3 }, note: 'credentials file' }),
  scenario('export-big', awsrole(['export', '--profile', 'alice', '--format', 'sh']), {
    home: homes.big,
    target: { addsOver: 'export', ms: 50 },
    note: `config file with ${PROFILES.toLocaleString('en')} profiles`,
  }),
  scenario('complete-big', awsrole(['__complete-profiles']), {
    home: homes.big,
    target: { ratio: 1.5 },
    note: `profile names for completion, config file with ${PROFILES.toLocaleString('en')} profiles`,
  }),
  scenario('assume-hit', awsrole(['assume', '--profile', 'deploy', '--format', 'sh']), { target: { ratio: 1.3 }, note: 'cache hit' }),
  scenario('export-sso-big', awsrole(['export', '--profile', SSO_PICK.name, '--format', 'sh']), {
    home: homes.ssoBig,
    target: { ratio: 1.5 },
    note: `one of ${PROFILES.toLocaleString('en')} SSO profiles, role cache hit`,
  }),
  scenario('export-sso-big-unindexed', awsrole(['export', '--profile', SSO_PICK.name, '--format', 'sh']), {
    home: homes.ssoBig,
    // A cache folder others can enter: the config index is neither read nor written (src/config/ini-index.ts).
    env: { XDG_CACHE_HOME: sharedCache },
    note: `the same, without the config index: every line checked, as on the first run after an edit`,
  }),
  scenario('assume-hit-sso-big', awsrole(['assume', '--profile', 'deploy', '--format', 'sh']), {
    home: homes.ssoBig,
    target: { ratio: 1.6 },
    note: `cache hit; config with ${PROFILES.toLocaleString('en')} SSO profiles`,
  }),
  scenario('assume-miss', awsrole(['assume', '--profile', 'deploy', '--refresh', '--format', 'sh']), {
    target: { ratio: 2.5 },
    note: 'AssumeRole, local STS',
  }),
  scenario('whoami', awsrole(['whoami', '--profile', 'alice']), { target: { ratio: 2.5 }, note: 'GetCallerIdentity, local STS' }),
  scenario('imds-refused', awsrole(['export', '--format', 'sh']), {
    home: homes.empty,
    env: imdsEnv(closedPort),
    exitCode: 3,
    target: { withinMs: 200, label: 'ends at once (< 0.2 s)' },
    note: 'nothing configured; IMDS port refuses',
  }),
];
const slow = [
  scenario('imds-hang', awsrole(['export', '--format', 'sh']), {
    home: homes.empty,
    env: imdsEnv(imdsPort),
    exitCode: 3,
    target: { withinMs: IMDS_TIMEOUT_S * 1000 + 200, label: `≤ ${IMDS_TIMEOUT_S + 0.2} s (timeout ${IMDS_TIMEOUT_S} s + 0.2 s)` },
    note: 'nothing configured; IMDS accepts, never answers',
  }),
];

// The AWS CLI, where there is one, on the same files: Debian's awscli (v2, /usr/bin/aws) if it
// is installed, since only v2 has `aws configure export-credentials`; else any `aws` on PATH.
function awsCliVersion(command) {
  const run = spawnSync(command, ['--version'], { encoding: 'utf8', env: envFor(homes.files) });
  return run.status === 0 ? `${run.stdout}${run.stderr}`.trim().split(/\s+/)[0] : undefined;
}
const AWS_EXPORT_ARGS = ['configure', 'export-credentials', '--profile', 'alice', '--format', 'env'];
const hasExportCredentials = (command) => spawnSync(command, AWS_EXPORT_ARGS, { encoding: 'utf8', env: envFor(homes.files) }).status === 0;
const awsCandidates = ['/usr/bin/aws', 'aws'].map((command) => ({ command, version: awsCliVersion(command) })).filter((cli) => cli.version !== undefined);
const aws = awsCandidates.find((cli) => hasExportCredentials(cli.command)) ?? awsCandidates[0];
const awsCli = aws === undefined ? undefined : `${aws.version} (\`${aws.command}\`)`;
let awsExportNote;
if (aws !== undefined) {
  if (hasExportCredentials(aws.command)) {
    slow.push(scenario('aws-export', ['aws ' + AWS_EXPORT_ARGS.join(' '), aws.command, AWS_EXPORT_ARGS], { note: 'AWS CLI, same files', compare: 'export' }));
  } else {
    awsExportNote = `${aws.version} has no \`aws configure export-credentials\` (it came with AWS CLI v2; Debian's \`awscli\` package has it), so there is no like-for-like AWS CLI row for \`export\`.`;
  }
  slow.push(
    scenario('aws-whoami', ['aws sts get-caller-identity --profile alice', aws.command, ['sts', 'get-caller-identity', '--profile', 'alice', '--endpoint-url', sts.url, '--region', 'eu-west-1']], {
      note: 'AWS CLI against the same local STS, for comparison with whoami',
      compare: 'whoami',
    }),
  );
}

// ---------------------------------------------------------------------------------------
// Runs

async function once(s) {
  const result = await timed(s.command, s.args, s.env);
  if (result.code !== s.exitCode) {
    throw new Error(`bench: ${s.label} exited with ${result.code}, expected ${s.exitCode}\n${result.stderr}`);
  }
  return result.ms;
}

// The cache-hit scenarios read the session that one `assume` (a miss) writes.
await once(scenario('prime', awsrole(['assume', '--profile', 'deploy', '--format', 'sh'])));
await once(scenario('prime-sso-big', awsrole(['assume', '--profile', 'deploy', '--format', 'sh']), { home: homes.ssoBig }));

const all = [...fast, ...slow];
const loadBefore = loadavg()[0];
process.stderr.write(`bench: ${RUNS} runs per scenario (+${WARMUP} warm-up), interleaved with node -e 0\n`);
for (const s of all) for (let i = 0; i < WARMUP; i += 1) await once(s);
for (let round = 0; round < RUNS; round += 1) {
  for (const s of fast) s.times.push(await once(s));
  process.stderr.write(`\rbench: round ${round + 1}/${RUNS}`);
}
process.stderr.write('\n');
for (const s of slow) {
  for (let i = 0; i < RUNS; i += 1) {
    s.times.push(await once(s));
    // Keep a baseline sample next to each slow run too.
    fast[0].times.push(await once(fast[0]));
  }
  process.stderr.write(`bench: ${s.label} done\n`);
}
for (const s of all) for (let i = 0; i < MEMORY_RUNS; i += 1) s.rss.push(await peakRss(s, scratch));

// ---------------------------------------------------------------------------------------
// The credential endpoint (`awsrole serve`, issue 12): a GET against spawning a credential_process

const ENDPOINT_GETS = 10_000;
const endpointScenario = scenario('export-process', awsrole(['export', '--profile', 'deploy', '--format', 'process']), { note: 'what a credential_process costs per SDK start' });

/** One GET on a fresh connection (as an SDK's container provider makes it); wall time in ms. */
function endpointGet(url, token) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = httpRequest(url, { headers: { authorization: token }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`bench: endpoint answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A preload for the served process: on SIGUSR2 it runs a full GC and writes its RSS and live heap
 * (KiB) to `out`, so the bench tells a leak (live heap grows) from the heap settling at its size.
 */
function memoryProbe(out) {
  const preload = join(scratch, 'memory-probe.mjs');
  writeFileSync(
    preload,
    `import { renameSync, writeFileSync } from 'node:fs';\nprocess.on('SIGUSR2', () => { globalThis.gc(); const m = process.memoryUsage(); writeFileSync(${JSON.stringify(`${out}.tmp`)}, JSON.stringify({ rss: m.rss / 1024, heap: m.heapUsed / 1024 })); renameSync(${JSON.stringify(`${out}.tmp`)}, ${JSON.stringify(out)}); });\n`,
  );
  return preload;
}

async function probe(child, out) {
  rmSync(out, { force: true });
  child.kill('SIGUSR2');
  while (!existsSync(out)) await new Promise((resolve) => setTimeout(resolve, 10)); // renamed into place whole
  return JSON.parse(readFileSync(out, 'utf8'));
}

async function benchEndpoint() {
  const out = join(scratch, 'memory.json');
  const args = ['--expose-gc', '--import', memoryProbe(out), BIN, 'serve', '--profile', 'deploy', '--format', 'json'];
  const child = spawn(NODE, args, { env: envFor(homes.files), stdio: ['ignore', 'pipe', 'ignore'] });
  cleanups.push(() => child.kill('SIGTERM'));
  let printed = '';
  for await (const chunk of child.stdout) printed += chunk; // serve closes stdout once the variables are out
  const vars = JSON.parse(printed);
  const [url, token] = [vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, vars.AWS_CONTAINER_AUTHORIZATION_TOKEN];
  for (let i = 0; i < 1000; i += 1) await endpointGet(url, token); // warm-up: JIT, the first fetch
  const memory = [await probe(child, out)];
  const times = [];
  for (let i = 0; i < ENDPOINT_GETS; i += 1) times.push(await endpointGet(url, token));
  memory.push(await probe(child, out));
  // A second batch: RSS settles at the heap's working size, a leak keeps growing.
  for (let i = 0; i < ENDPOINT_GETS; i += 1) await endpointGet(url, token);
  memory.push(await probe(child, out));
  child.kill('SIGTERM');
  for (let i = 0; i < RUNS; i += 1) endpointScenario.times.push(await once(endpointScenario));
  return { median: median(times), p99: [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.99)], memory, spawn: median(endpointScenario.times) };
}

const endpoint = await benchEndpoint();
process.stderr.write('bench: credential endpoint done\n');
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
const memoryRow = (key) => endpoint.memory.map((sample) => mib(sample[key])).join(' / ');
const endpointReport = [
  '',
  '### Credential endpoint (`awsrole serve`)',
  '',
  '| measure | value | target | met |',
  '| --- | --- | --- | --- |',
  `| credential GET, fresh loopback connection, median of ${ENDPOINT_GETS.toLocaleString('en')} | ${endpoint.median.toFixed(2)} ms (p99 ${endpoint.p99.toFixed(2)} ms) | < 2 ms | ${endpoint.median < 2 ? 'met' : '**not met**'} |`,
  `| \`${endpointScenario.label}\` (cache hit), median of ${RUNS} spawns | ${endpoint.spawn.toFixed(1)} ms (${(endpoint.spawn / endpoint.median).toFixed(0)}× the GET) | | |`,
  `| RSS of \`serve\` after 1,000 warm-up GETs / ${ENDPOINT_GETS.toLocaleString('en')} more / ${ENDPOINT_GETS.toLocaleString('en')} more again | ${memoryRow('rss')} | no growth beyond noise | |`,
  `| live heap after a full GC, at the same points | ${memoryRow('heap')} | no growth beyond noise | ${endpoint.memory[2].heap - endpoint.memory[0].heap < 512 ? 'met' : '**not met**'} |`,
  '',
  '200 concurrent GETs sharing one STS call: test/server/serve.test.ts.',
  '',
].join('\n');

// ---------------------------------------------------------------------------------------
// Report

const byId = Object.fromEntries(all.map((s) => [s.id, s]));
const baseline = median(byId.node.times);
const ms = (value) => value.toFixed(1);

function verdict(s) {
  const t = s.target;
  const value = median(s.times);
  if (t === undefined) return { target: '', met: '' };
  if (t.ratio !== undefined) return { target: `≤ ${t.ratio}×`, met: value / baseline <= t.ratio };
  if (t.addsOver !== undefined) {
    const added = value - median(byId[t.addsOver].times);
    return { target: `adds < ${t.ms} ms (adds ${ms(added)} ms)`, met: added < t.ms };
  }
  return { target: t.label, met: value <= t.withinMs };
}

const cpu = cpus();
const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; Linux ${release()}`;
const header = ['scenario', 'median', '× node -e 0', 'peak RSS', 'target', 'met'];
const rows = all.map((s) => {
  const value = median(s.times);
  const rss = s.rss.filter((kib) => kib !== undefined);
  const { target, met } = verdict(s);
  return [
    `\`${s.label}\`${s.note ? ` (${s.note})` : ''}`,
    value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${ms(value)} ms`,
    `${(value / baseline).toFixed(2)}×`,
    rss.length ? `${(Math.max(...rss) / 1024).toFixed(0)} MiB` : 'n/a',
    target,
    met === '' ? '' : met ? 'met' : '**not met**',
  ];
});
const table = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
const notes = [
  `- ${RUNS} runs per scenario after ${WARMUP} warm-up runs; fast scenarios interleaved round by round with \`node -e 0\` (${byId.node.times.length} baseline runs, median ${ms(baseline)} ms).`,
  `- Each run spawns \`node bin/awsrole …\` with a fresh environment and a throwaway HOME; stdin is /dev/null, stdout and stderr are pipes (as inside \`eval "$(…)"\`).`,
  `- Load average (1 min) ${loadBefore.toFixed(2)} before the runs and ${loadavg()[0].toFixed(2)} after, on ${cpus().length} cores: other work on the machine inflates every row, the heavier ones more.`,
  `- Peak RSS: the largest of ${MEMORY_RUNS} separate runs under ${hasGnuTime ? '`/usr/bin/time -f %M`' : 'a preload reporting `process.resourceUsage().maxRSS`'}.`,
  `- STS: the local rig (test/rigs/sts-main.ts, built by \`scripts/build-tools.mjs\`) on ${sts.url}; IMDS: a loopback port that accepts and never answers.`,
  awsCli === undefined ? '- No `aws` CLI on this machine: no AWS CLI rows.' : `- AWS CLI: ${awsCli}${awsExportNote ? `; ${awsExportNote}` : '.'}`,
  ...all
    .filter((s) => s.compare !== undefined)
    .map((s) => {
      const ours = byId[s.compare];
      return `- \`${s.label}\` takes ${ms(median(s.times))} ms, \`${ours.label}\` ${ms(median(ours.times))} ms: awsrole is ${(median(s.times) / median(ours.times)).toFixed(1)}× faster.`;
    }),
];
const when = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const report = `Machine: ${machine}\nDate: ${when}\n\n${table}\n\n${notes.join('\n')}\n${endpointReport}`;

process.stdout.write(`\n${report}`);
if (WRITE) {
  const doc = join(ROOT, 'docs', 'bench.md');
  mkdirSync(dirname(doc), { recursive: true });
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  const intro = `# Benchmark\n\nWritten by \`npm run bench\` (scripts/bench.mjs)${commit ? ` on top of ${commit} (with the work tree as it was)` : ''}. Targets from [design.md](design.md#performance-targets); what the cheap commands may load: [startup.md](startup.md).\n\n`;
  const previous = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const analysis = previous.includes('\n## ') ? previous.slice(previous.indexOf('\n## ')) : '';
  writeFileSync(doc, `${intro}${report}${analysis}`);
  process.stderr.write(`bench: wrote ${doc}\n`);
}
process.exit(0);
