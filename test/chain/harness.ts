/**
 * Runs one chain case through botocore (botocore_resolve.py) or awsrole (bin/awsrole), each in
 * a fresh temporary HOME, an environment built from scratch (PATH only from this process), its
 * own loopback rigs, no controlling terminal and stdin at EOF.
 *
 * Nothing here may reach real AWS or the real instance metadata service: every run gets
 * `AWS_ENDPOINT_URL_STS` on loopback, and IMDS is either disabled or pointed at the loopback
 * rig; `assertLoopbackOnly` refuses to spawn anything else.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fixtureContainerCredentials, fixtureCredentials, refusedPort, startContainerServer, startImdsServer } from '../rigs/imds-server.js';
import type { ContainerServer, ImdsServer } from '../rigs/imds-server.js';
import { FIXTURE, isoSeconds, startStsServer } from '../rigs/sts-server.js';
import type { Session, StsCall, StsRig } from '../rigs/sts-server.js';
import type { ChainCase, RoleCall, Want, WantFound } from './cases.js';
import { AWSROLE_BIN, ROOT, spawnCollect, type CliResult } from '../support/cli.js';
import { trackedGroup } from '../support/cleanup.js';
import { pythonEnv } from '../support/python.js';
import { runInProcess, type InProcessResult } from '../support/in-process.js';

export { AWSROLE_BIN, ROOT };
const BOTOCORE_SCRIPT = join(ROOT, 'test', 'chain', 'botocore_resolve.py');
/** A run still going after this is hung (a safety net far beyond a loaded machine's slowness). */
const SPAWN_TIMEOUT_MS = 120_000;

/** What a spawned run printed and how it ended. */
export type Spawned = CliResult;

/** What botocore_resolve.py prints. */
export type BotocoreResult =
  | {
      ok: true;
      key: string;
      secret: string;
      token: boolean;
      session_token: string | null;
      expiry: string | null;
      account_id: string | null;
      method: string;
    }
  | { ok: false; error: string; message: string };

export interface RunResult<T> {
  result: T;
  /** AssumeRole (and other) requests the STS rig recorded, in order. */
  stsCalls: StsCall[];
  /** Sessions the STS rig issued, by access key id. */
  stsSessions: Map<string, Session>;
  /** The access key id of the session served as a credential source (IMDS/container), if any. */
  sourceSessionKey: string | undefined;
  imdsRequests: number;
}

/** Runs `command` with no terminal (own session), stdin at EOF, and a hard timeout. */
export function spawnCapture(command: string, args: readonly string[], env: Record<string, string>, cwd: string): Promise<Spawned> {
  return spawnCollect(command, args, env, { cwd, limitMs: SPAWN_TIMEOUT_MS });
}

/** Runs `task` over `items` with at most `limit` at once, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface Rigs {
  sts: StsRig | undefined;
  imds: ImdsServer | undefined;
  container: ContainerServer | undefined;
  refusedUrl: string;
  sourceSessionKey: string | undefined;
}

/** Is this a role case that needs the STS rig (the profile assumes a role over the network)? */
function needsSts(c: ChainCase): boolean {
  return c.role !== undefined && c.role.unreachable !== true;
}

async function startRigs(c: ChainCase): Promise<Rigs> {
  const refusedUrl = `http://127.0.0.1:${await refusedPort()}`;
  const sts = needsSts(c) ? await startStsServer() : undefined;
  let imdsCredentials = fixtureCredentials();
  let containerCredentials = fixtureContainerCredentials();
  let sourceSessionKey: string | undefined;
  if (sts !== undefined && c.role?.sourceSession !== undefined) {
    const now = new Date();
    const session = sts.model.issue(
      {
        kind: 'session-token',
        issuedAt: now,
        expiration: new Date(now.getTime() + 6 * 3600_000),
        user: sts.model.user(FIXTURE.alice.name),
        mfa: false,
        chained: false,
        policyArns: [],
      },
      true,
    );
    sourceSessionKey = session.accessKeyId;
    const served = {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      Token: session.sessionToken,
      Expiration: isoSeconds(session.expiration),
    };
    if (c.role.sourceSession === 'imds') imdsCredentials = fixtureCredentials(served);
    else containerCredentials = fixtureContainerCredentials(served);
  }
  const imds =
    c.imds !== undefined
      ? await startImdsServer({
          ...(c.imds.v1Allowed !== undefined ? { v1Allowed: c.imds.v1Allowed } : {}),
          ...(c.imds.modes !== undefined ? { modes: c.imds.modes } : {}),
          credentials: c.imds.credentials ?? imdsCredentials,
        })
      : undefined;
  const container = c.container === true ? await startContainerServer() : undefined;
  if (container !== undefined) container.credentials = c.containerCredentials === undefined ? containerCredentials : { ...containerCredentials, ...c.containerCredentials };
  return { sts, imds, container, refusedUrl, sourceSessionKey };
}

async function stopRigs(rigs: Rigs): Promise<void> {
  await Promise.all([rigs.sts?.close(), rigs.imds?.close(), rigs.container?.close()]);
}

function substitute(text: string, home: string, rigs: Rigs): string {
  return text
    .replace(/(?<!\$)\{HOME\}/g, home)
    .replaceAll('{IMDS}', rigs.imds?.url ?? 'http://127.0.0.1:1/no-imds-rig/')
    .replaceAll('{CONTAINER}', rigs.container?.url ?? 'http://127.0.0.1:1')
    .replaceAll('{REFUSED}', rigs.refusedUrl);
}

async function writeHome(c: ChainCase, home: string, rigs: Rigs): Promise<void> {
  const files: Record<string, string> = {};
  const f = c.files ?? {};
  if (f.config !== undefined) files['.aws/config'] = f.config;
  if (f.credentials !== undefined) files['.aws/credentials'] = f.credentials;
  if (f.boto !== undefined) files['.boto'] = f.boto;
  if (f.botoConfig !== undefined) files['boto-config.cfg'] = f.botoConfig;
  if (f.credentialFile !== undefined) files['aws-credential-file'] = f.credentialFile;
  Object.assign(files, f.other ?? {});
  for (const [relative, content] of Object.entries(files)) {
    const path = join(home, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, substitute(content, home, rigs), { mode: 0o600 });
    if (content.startsWith('#!')) await chmod(path, 0o700);
  }
}

function isLoopback(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

/** Refuses any environment that could let a run reach real STS or the real IMDS. */
function assertLoopbackOnly(c: ChainCase, env: Record<string, string>, home: string, rigs: Rigs): void {
  if (!isLoopback(env['AWS_ENDPOINT_URL_STS'])) throw new Error(`${c.name}: AWS_ENDPOINT_URL_STS is not on loopback`);
  if (env['AWS_ENDPOINT_URL'] !== undefined && !isLoopback(env['AWS_ENDPOINT_URL'])) throw new Error(`${c.name}: AWS_ENDPOINT_URL is not on loopback`);
  const imdsDisabled = (env['AWS_EC2_METADATA_DISABLED'] ?? '').toLowerCase() === 'true';
  if (imdsDisabled) return;
  const endpoint = env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
  const inFile = c.imds?.endpointEnv === false && (c.files?.config ?? '').includes('{IMDS}');
  if (rigs.imds === undefined || !(endpoint === rigs.imds.url || inFile)) {
    throw new Error(`${c.name}: IMDS is enabled but not pointed at the loopback rig (home ${home})`);
  }
}

function buildEnv(c: ChainCase, home: string, rigs: Rigs): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin', HOME: home };
  if (c.imds === undefined) env['AWS_EC2_METADATA_DISABLED'] = 'true';
  else if (c.imds.endpointEnv !== false && rigs.imds !== undefined) env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = rigs.imds.url;
  env['AWS_ENDPOINT_URL_STS'] = rigs.sts?.url ?? rigs.refusedUrl;
  // botocore cannot sign for a configured STS endpoint without a region (NoRegionError).
  const region = c.role === undefined ? undefined : c.role.region === undefined ? 'us-east-1' : c.role.region;
  if (region !== undefined && region !== null) env['AWS_DEFAULT_REGION'] = region;
  if (c.files?.botoConfig !== undefined) env['BOTO_CONFIG'] = join(home, 'boto-config.cfg');
  if (c.files?.credentialFile !== undefined) env['AWS_CREDENTIAL_FILE'] = join(home, 'aws-credential-file');
  for (const [name, value] of Object.entries(c.env ?? {})) env[name] = substitute(value, home, rigs);
  assertLoopbackOnly(c, env, home, rigs);
  return env;
}

async function inCase<T>(c: ChainCase, run: (env: Record<string, string>, home: string) => Promise<T>): Promise<RunResult<T>> {
  const home = await mkdtemp(join(tmpdir(), 'awsrole-chain-'));
  const rigs = await startRigs(c);
  try {
    await writeHome(c, home, rigs);
    const result = await run(buildEnv(c, home, rigs), home);
    return {
      result,
      stsCalls: [...(rigs.sts?.calls ?? [])],
      stsSessions: new Map(rigs.sts?.sessions ?? []),
      sourceSessionKey: rigs.sourceSessionKey,
      imdsRequests: rigs.imds?.requests.length ?? 0,
    };
  } finally {
    await stopRigs(rigs);
    await rm(home, { recursive: true, force: true });
  }
}

function botocoreRequestArgs(c: ChainCase): string[] {
  const args: string[] = [];
  if (c.profile !== undefined) args.push('--profile', c.profile);
  if (c.role?.mfaCode !== undefined) args.push('--mfa-code', c.role.mfaCode);
  return args;
}

function parseBotocoreLine(spawned: Spawned): BotocoreResult {
  const line = spawned.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as BotocoreResult;
  } catch {
    return { ok: false, error: 'HarnessError', message: `no JSON from botocore_resolve.py (exit ${spawned.code}): ${spawned.stderr.slice(-500)}` };
  }
}

/**
 * `botocore_resolve.py --serve`: botocore imported once, one forked child per case (each with
 * exactly the case's environment and cwd). Much cheaper than a python3 process per case.
 */
export class BotocoreServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (result: BotocoreResult) => void>();
  private nextId = 1;
  private buffer = '';
  private stderr = '';

  constructor() {
    // The server's own environment is empty but for PATH (and PYTHONPATH): nothing can leak in at import time.
    this.child = trackedGroup(
      spawn('python3', [BOTOCORE_SCRIPT, '--serve'], {
        env: pythonEnv(),
        cwd: tmpdir(),
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2000);
    });
    this.child.on('close', () => {
      for (const [, answer] of this.waiting) answer({ ok: false, error: 'HarnessError', message: `botocore server exited: ${this.stderr}` });
      this.waiting.clear();
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      const message = JSON.parse(line) as { id: number; result: BotocoreResult };
      this.waiting.get(message.id)?.(message.result);
      this.waiting.delete(message.id);
      newline = this.buffer.indexOf('\n');
    }
  }

  resolve(env: Record<string, string>, cwd: string, profile: string | undefined, mfaCode: string | undefined): Promise<BotocoreResult> {
    const id = this.nextId++;
    return new Promise((resolvePromise) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolvePromise({ ok: false, error: 'HarnessError', message: `botocore timed out after ${SPAWN_TIMEOUT_MS} ms` });
      }, SPAWN_TIMEOUT_MS);
      this.waiting.set(id, (result) => {
        clearTimeout(timer);
        resolvePromise(result);
      });
      const request: Record<string, unknown> = { id, env, cwd };
      if (profile !== undefined) request['profile'] = profile;
      if (mfaCode !== undefined) request['mfa_code'] = mfaCode;
      this.child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  /** Ends the server and any child still running (a hung case). */
  close(): void {
    this.child.stdin.end();
    if (this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** botocore's answer for a case: through `server` when given, else one python3 process. */
export function runBotocore(c: ChainCase, server?: BotocoreServer): Promise<RunResult<BotocoreResult>> {
  return inCase(c, async (env, home) => {
    if (server !== undefined) return server.resolve(env, home, c.profile, c.role?.mfaCode);
    return parseBotocoreLine(await spawnCapture('python3', [BOTOCORE_SCRIPT, ...botocoreRequestArgs(c)], { ...pythonEnv(), ...env }, home));
  });
}

export function awsroleArgs(c: ChainCase): string[] {
  const args = [AWSROLE_BIN, 'export', '--format', 'process'];
  if (c.profile !== undefined) args.push('--profile', c.profile);
  // botocore gets the same code from its (patched) prompt.
  if (c.role?.mfaCode !== undefined) args.push('--token-code', c.role.mfaCode);
  return args;
}

export function runAwsrole(c: ChainCase): Promise<RunResult<Spawned>> {
  return inCase(c, (env, home) => spawnCapture(process.execPath, awsroleArgs(c), env, home));
}

/** The same run through run() in this process (cwd = the case's HOME, as for a spawned run). */
export function runAwsroleInProcess(c: ChainCase): Promise<RunResult<InProcessResult>> {
  return inCase(c, (env) => runInProcess(awsroleArgs(c).slice(1), env));
}

// ---------------------------------------------------------------------------------------
// botocore's answers, live or recorded in the repo

/** botocore's answer for a case, as the tests compare it: its result in the shape of a `want` row, and its role calls. */
export interface BotocoreAnswer {
  answer: Record<string, unknown>;
  roleCalls: RoleCall[];
  /** botocore's error message (live runs only: it names temp paths), for assertion messages. */
  message?: string;
}

export function botocoreAnswer(run: RunResult<BotocoreResult>): BotocoreAnswer {
  const { result } = run;
  return { answer: botocoreAsWant(result), roleCalls: recordedRoleCalls(run), ...(result.ok ? {} : { message: result.message }) };
}

/** botocore's answers for every row of cases.ts, refreshed by `npm run record-botocore`. */
export const RECORDING_PATH = join(ROOT, 'test', 'chain', 'botocore-results.json');

export interface Recording {
  botocore: string;
  cases: Record<string, Omit<BotocoreAnswer, 'message'>>;
}

export function readRecording(): Recording {
  return JSON.parse(readFileSync(RECORDING_PATH, 'utf8')) as Recording;
}

export function recordingOf(version: string, answers: ReadonlyMap<string, BotocoreAnswer>): Recording {
  const cases: Recording['cases'] = {};
  for (const [name, { answer, roleCalls }] of answers) cases[name] = { answer, roleCalls };
  return { botocore: version, cases };
}

/** The version of the botocore python3 imports (for the recording's header). */
export function botocoreVersion(): string {
  return execFileSync('python3', ['-c', 'import botocore; print(botocore.__version__)'], { env: pythonEnv(), encoding: 'utf8' }).trim();
}

// ---------------------------------------------------------------------------------------
// Comparisons shared by both test files

/** The credential_process JSON awsrole must print for a found row. */
export function expectedProcessOutput(want: WantFound): Record<string, unknown> {
  return {
    Version: 1,
    AccessKeyId: want.key,
    SecretAccessKey: want.secret,
    ...(want.token !== undefined ? { SessionToken: want.token } : {}),
    ...(want.expiration !== undefined ? { Expiration: want.expiration } : {}),
    ...(want.accountId !== undefined ? { AccountId: want.accountId } : {}),
  };
}

/** Parsed stdout with Expiration normalised to an instant, for comparison with expectedProcessOutput. */
export function normaliseProcessOutput(value: Record<string, unknown>): Record<string, unknown> {
  const out = { ...value };
  if (typeof out['Expiration'] === 'string') out['Expiration'] = new Date(out['Expiration']).toISOString();
  return out;
}

/** What botocore's answer says, in the shape of a `want` row (for assertion messages). */
export function botocoreAsWant(result: BotocoreResult): Record<string, unknown> {
  if (!result.ok) return { error: result.error };
  if (result.method === 'assume-role' || result.method === 'assume-role-with-web-identity') return { assumed: true };
  return {
    key: result.key,
    secret: result.secret,
    ...(result.session_token ? { token: result.session_token } : {}),
    ...(result.expiry !== null ? { expiration: new Date(result.expiry).toISOString() } : {}),
    ...(result.account_id ? { accountId: result.account_id } : {}),
    via: result.method,
  };
}

/** The row's `want` in the same shape as botocoreAsWant. */
export function wantAsBotocore(want: Want): Record<string, unknown> {
  if ('error' in want) return { error: want.error };
  if ('assumed' in want) return { assumed: true };
  return {
    key: want.key,
    secret: want.secret,
    ...(want.token !== undefined ? { token: want.token } : {}),
    ...(want.expiration !== undefined ? { expiration: new Date(want.expiration).toISOString() } : {}),
    ...(want.accountId !== undefined ? { accountId: want.accountId } : {}),
    via: want.via,
  };
}

const ROLE_ACTIONS = new Set(['AssumeRole', 'AssumeRoleWithWebIdentity']);

/** The AssumeRole (and AssumeRoleWithWebIdentity) calls a run made, in the comparable shape of RoleCall. */
export function recordedRoleCalls(run: RunResult<unknown>): RoleCall[] {
  const calls = run.stsCalls.filter((call) => ROLE_ACTIONS.has(call.action));
  return calls.map((call, index) => {
    const p = call.params;
    const previous = index > 0 ? calls[index - 1] : undefined;
    const issuedBefore = run.stsSessions.get(call.accessKeyId);
    let signer = call.accessKeyId;
    if (call.accessKeyId === '') signer = 'unsigned';
    else if (call.accessKeyId === run.sourceSessionKey) signer = 'source-session';
    else if (previous !== undefined && issuedBefore?.kind === 'role' && issuedBefore.role?.arn === previous.params['RoleArn']) signer = 'previous';
    const recorded: RoleCall = { roleArn: p['RoleArn'] ?? '', signer };
    if (call.action === 'AssumeRoleWithWebIdentity') {
      recorded.webIdentity = true;
      // Which token went out: the fixture's, or something else (never the text itself, in a report).
      recorded.fixtureToken = p['WebIdentityToken'] === FIXTURE.webIdentity.token;
    }
    if (p['ExternalId'] !== undefined) recorded.externalId = p['ExternalId'];
    if (p['DurationSeconds'] !== undefined) recorded.durationSeconds = Number(p['DurationSeconds']);
    if (p['SerialNumber'] !== undefined) recorded.mfa = true;
    // Generated names differ by design (botocore-session-<s>, awsrole-[<user>-]<s>): compare configured ones only.
    if (p['RoleSessionName'] !== undefined && !/^botocore-session-\d+$|^awsrole-(?:[\w+=,.@-]+-)?\d+$/.test(p['RoleSessionName'])) {
      recorded.roleSessionName = p['RoleSessionName'];
    }
    return recorded;
  });
}

/** For a role run that succeeded: is the printed key the one the rig issued for the last call? */
export function issuedForLastCall(run: RunResult<unknown>, accessKeyId: string): boolean {
  const calls = run.stsCalls.filter((call) => ROLE_ACTIONS.has(call.action));
  const last = calls[calls.length - 1];
  const session = run.stsSessions.get(accessKeyId);
  return last !== undefined && session?.kind === 'role' && session.role?.arn === last.params['RoleArn'];
}
