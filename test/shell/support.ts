/**
 * Real shells running `awsrole init`: a fake HOME, a PATH whose `awsrole` is the built CLI,
 * and a profile name full of shell metacharacters (each would create a marker file if any
 * shell ever ran it).
 */
import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasCommand } from '../output/harness.js';
import { tempDir } from '../support/cleanup.js';
import { AWSROLE_BIN, guardedEnv, makeHome, runCommand, type CliResult, type FakeHome } from '../support/cli.js';

export const SHELLS_HERE = { bash: hasCommand('bash'), zsh: hasCommand('zsh'), fish: hasCommand('fish') };

export interface ShellWorld {
  home: FakeHome;
  env: Record<string, string>;
  /** Where the metacharacter name would drop its markers. */
  markers: string;
  /** A profile name with every kind of shell code in it; it has static keys. */
  nastyName: string;
  /** Marker files that exist (none, unless something ran the name). */
  markersMade(): string[];
}

/** Sections of the credentials file: static keys the wrapper exports without any STS. */
function staticProfile(name: string, keyId: string): string {
  return `[${name}]\naws_access_key_id = ${keyId}\naws_secret_access_key = secret-of-${keyId}\n`;
}

export async function shellWorld(config = ''): Promise<ShellWorld> {
  const markers = tempDir('awsrole-markers-');
  const touch = (n: number): string => `touch ${join(markers, `m${n}`)}`;
  const nastyName = `x$(${touch(1)});${touch(2)} \`${touch(3)}\` '"|&<>(${touch(4)}) $HOME *`;
  const home = await makeHome({
    '.aws/credentials': [staticProfile('dev', 'AKIADEVDEVDEVDEV0001'), staticProfile('devops', 'AKIADEVOPS0000000002'), staticProfile(nastyName, 'AKIANASTYNASTY000003')].join(''),
    '.aws/config': config,
  });
  const bin = tempDir('awsrole-path-');
  symlinkSync(AWSROLE_BIN, join(bin, 'awsrole'));
  const env = { ...home.env, PATH: `${bin}:${dirname(process.execPath)}:${home.env['PATH'] ?? '/usr/bin:/bin'}`, SHELL: '/bin/sh' };
  return { home, env, markers, nastyName, markersMade: () => (existsSync(markers) ? readdirSync(markers) : []) };
}

export type RealShell = 'bash' | 'zsh' | 'fish';

/** Runs a script in a shell that reads no rc file of the user's. */
export function runShell(shell: RealShell, script: string, env: Record<string, string>): Promise<CliResult> {
  const args = { bash: ['--norc', '--noprofile', '-c', script], zsh: ['-f', '-c', script], fish: ['--no-config', '-c', script] }[shell];
  return runCommand(shell, args, env);
}

export interface PtyStep {
  /** Keys typed (\t is Tab, \r is Enter). */
  send?: string;
  /** A regex that must appear on the terminal after this step's keys. */
  expect: string;
}

export interface PtyRun {
  ok: boolean;
  failedStep: number | null;
  transcript: string;
  exitStatus: number | null;
}

const PTY_DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'pty_drive.py');

/** Runs argv on a pseudo-terminal (python3's pty module) and types the steps. */
export async function drivePty(argv: readonly string[], env: Record<string, string>, steps: readonly PtyStep[]): Promise<PtyRun> {
  const run = await runCommand('python3', [PTY_DRIVER, JSON.stringify({ argv, env: guardedEnv(env), steps, timeoutSeconds: 60 })], env);
  if (run.code !== 0) throw new Error(`pty driver failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as PtyRun;
}

/** The text of a regex that matches `text` literally. */
export function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
