/**
 * Real processes against one credentials file: a writer killed with SIGKILL at random points,
 * and twenty writers at once. The writer (writer-child.ts) is bundled with esbuild once and
 * run with plain `node`. No budget: writers wait for the lock as long as it takes, so a
 * loaded machine is slower, never red.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseIni } from '../../src/config/ini.js';
import { credentialEntries, upsertSection } from '../../src/config/profile-writer.js';
import { tempDir, tracked } from '../support/cleanup.js';
import { sampleCredentials } from './helpers.js';
import { makeHome } from '../support/cli.js';

const BASE = '# shared file\n[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n\n; keep me\n[other]  \nregion = eu-west-1\n';

let childScript = '';

beforeAll(async () => {
  childScript = join(tempDir('awsrole-writer-'), 'writer-child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./writer-child.ts', import.meta.url))],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __awsroleCreateRequire } from 'node:module'; const require = __awsroleCreateRequire(import.meta.url);" },
  });
});

function credentialsPath(home: string): string {
  return join(home, '.aws', 'credentials');
}

function writeBase(home: string): void {
  mkdirSync(join(home, '.aws'), { mode: 0o700 });
  writeFileSync(credentialsPath(home), BASE, { mode: 0o600 });
}

interface Writer {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWriter(home: string, args: string[]): Writer {
  // stdin is a pipe the writer watches: it stops when this process goes, however it goes.
  const child = tracked(
    spawn(process.execPath, [childScript, ...args], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, AWS_SHARED_CREDENTIALS_FILE: credentialsPath(home) },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves once the writer has reported `count` finished writes. */
function writesDone(writer: Writer, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (writer.stdout().split('\n').length > count) resolve();
    };
    writer.child.stdout?.on('data', check);
    void writer.exit.then(() => reject(new Error(`writer exited early: ${writer.stderr()}`)));
    check();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('credentials file writers in separate processes', () => {
  it('a writer killed with SIGKILL mid-write leaves the old file or the new one, never a mix', async () => {
    const home = (await makeHome()).dir;
    writeBase(home);
    const size = 2_000_000;
    const versions = new Set<number>();
    for (let round = 0; round < 6; round++) {
      const writer = startWriter(home, ['loop', 'big', String(size)]);
      await writesDone(writer, 1 + (round % 2));
      await sleep(Math.floor(Math.random() * 40));
      writer.child.kill('SIGKILL');
      expect(await writer.exit).toEqual({ code: null, signal: 'SIGKILL' });

      const text = readFileSync(credentialsPath(home), 'utf8');
      const token = parseIni(text).get('big')?.['aws_session_token'];
      const version = /^TOKENCANARY-v(\d+)-/.exec(typeof token === 'string' ? token : '')?.[1];
      expect(version).toBeDefined();
      versions.add(Number(version));
      // Byte for byte one whole version: the other sections, the comments and all 2 MB of token.
      expect(text === upsertSection(BASE, 'big', credentialEntries(sampleCredentials(`v${version}`, size)))).toBe(true);
    }
    // The next writer breaks the lock the last one left and still lands.
    const last = startWriter(home, ['once', 'after', '40']);
    expect(await last.exit).toEqual({ code: 0, signal: null });
    expect(parseIni(readFileSync(credentialsPath(home), 'utf8')).get('after')?.['aws_session_token']).toBe(sampleCredentials('after', 40).sessionToken);
    expect(readdirSync(join(home, '.aws'))).not.toContain('credentials.lock');
  });

  it('20 processes writing different profiles at once lose none of them', async () => {
    const home = (await makeHome()).dir;
    writeBase(home);
    const names = Array.from({ length: 20 }, (_, index) => `p${index}`);
    const writers = names.map((name) => startWriter(home, ['once', name, '5000']));
    const exits = await Promise.all(writers.map((writer) => writer.exit));
    expect(exits.map((exit, index) => ({ ...exit, stderr: writers[index]?.stderr() }))).toEqual(names.map(() => ({ code: 0, signal: null, stderr: '' })));

    const text = readFileSync(credentialsPath(home), 'utf8');
    expect(text.startsWith(BASE)).toBe(true);
    const parsed = parseIni(text);
    for (const name of names) {
      expect(parsed.get(name)).toEqual(Object.fromEntries(credentialEntries(sampleCredentials(name, 5000))));
    }
    expect([...parsed.keys()].sort()).toEqual(['default', 'other', ...names].sort());
    expect(readdirSync(join(home, '.aws'))).toEqual(['credentials']);
  });
});
