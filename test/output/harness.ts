/**
 * Runs rendered output in real shells and reads back the environment each script leaves,
 * byte for byte: many scripts per shell process, each from the same starting environment.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvChange } from '../../src/output/env.js';
import { SYNC_CHILD_LIMIT, tempDir } from '../support/cleanup.js';

export type Shell = 'bash' | 'dash' | 'zsh' | 'fish' | 'pwsh';

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Stale credentials a user might have exported before running awsrole, plus a bystander. */
export const STALE_ENV: Readonly<Record<string, string>> = {
  AWS_PROFILE: 'keep-me',
  AWS_ACCESS_KEY_ID: 'AKIASTALESTALESTALE',
  AWS_SECRET_ACCESS_KEY: 'stale-secret',
  AWS_SESSION_TOKEN: 'stale-session-token',
  AWS_SECURITY_TOKEN: 'stale-security-token',
  AWS_CREDENTIAL_EXPIRATION: '2001-01-01T00:00:00Z',
  AWS_REGION: 'stale-region-1',
  AWS_DEFAULT_REGION: 'stale-region-2',
  UNRELATED: 'untouched',
};

/** Variables pwsh reports (it cannot list its environment as exactly as `env -0`). */
const PWSH_WATCHED = [...Object.keys(STALE_ENV), 'INJECTED', 'AWSROLE_SET'];

export interface BatchOptions {
  /** Exported before every script; values must be plain [A-Za-z0-9._:-]. */
  baseline?: Readonly<Record<string, string>>;
  /** LANG/LC_ALL for the shell; C.UTF-8 unless told. */
  locale?: string;
}

export interface BatchResult {
  /** The environment a script that does nothing leaves (what every script starts from). */
  baseline: Map<string, string>;
  /** The exported environment after each script, in order. */
  envs: Map<string, string>[];
  stderr: string;
  status: number | null;
}

const END = '--END--';

const DRIVERS: Record<Exclude<Shell, 'pwsh'>, { file: string; argv: (driver: string) => string[]; text: string }> = {
  bash: {
    file: 'driver.sh',
    argv: (driver) => ['bash', '--noprofile', '--norc', driver],
    text: driverSh('$(<"$d/case-$i")'),
  },
  dash: { file: 'driver.sh', argv: (driver) => ['dash', driver], text: driverSh('$(cat "$d/case-$i")') },
  zsh: { file: 'driver.sh', argv: (driver) => ['zsh', '-f', driver], text: driverSh('$(<"$d/case-$i")') },
  fish: {
    file: 'driver.fish',
    argv: (driver) => ['fish', '--no-config', driver],
    text: [
      'set d $argv[1]',
      'for i in (seq 0 (math $argv[2] - 1))',
      '  source $d/reset.fish',
      '  source $d/case-$i',
      '  env -0',
      `  printf '%s\\0' ${END}`,
      'end',
      '',
    ].join('\n'),
  },
};

/** Each script runs in a subshell, the way `eval "$(awsrole ...)"` would run it. */
function driverSh(read: string): string {
  return [
    'd=$1',
    'i=0',
    'while [ "$i" -lt "$2" ]; do',
    `  ( eval "${read}"; env -0; printf '%s\\0' ${END} )`,
    '  i=$((i + 1))',
    'done',
    '',
  ].join('\n');
}

function plain(value: string): string {
  if (!/^[A-Za-z0-9._:-]*$/.test(value)) throw new Error(`baseline value must be plain: ${value}`);
  return value;
}

/** Runs every script (one shell process for all) and returns the environment after each. */
export function runBatch(shell: Shell, scripts: readonly string[], options: BatchOptions = {}): BatchResult {
  const dir = tempDir(`awsrole-output-${shell}-`);
  const baseline = options.baseline ?? STALE_ENV;
  const locale = options.locale ?? 'C.UTF-8';
  const all = ['', ...scripts];
  const extension = shell === 'pwsh' ? '.ps1' : '';
  all.forEach((script, index) => writeFileSync(join(dir, `case-${index}${extension}`), script));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    LANG: locale,
    LC_ALL: locale,
    ...baseline,
  };
  let argv: string[];
  if (shell === 'pwsh') {
    writeFileSync(join(dir, 'driver.ps1'), driverPwsh(baseline));
    argv = ['pwsh', '-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(dir, 'driver.ps1'), dir, String(all.length)];
  } else {
    const driver = DRIVERS[shell];
    writeFileSync(join(dir, driver.file), driver.text);
    writeFileSync(
      join(dir, 'reset.fish'),
      Object.entries(baseline)
        .map(([name, value]) => `set -gx ${name} '${plain(value)}'\n`)
        .join(''),
    );
    argv = [...driver.argv(join(dir, driver.file)), dir, String(all.length)];
  }
  const [command, ...args] = argv as [string, ...string[]];
  const result = spawnSync(command, args, { env, cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30, ...SYNC_CHILD_LIMIT });
  rmSync(dir, { recursive: true, force: true });
  if (result.error) throw result.error;
  const envs = shell === 'pwsh' ? parsePwsh(result.stdout) : parseEnv0(result.stdout);
  if (envs.length !== all.length) {
    throw new Error(`${shell} printed ${envs.length} environments for ${all.length} scripts; stderr:\n${result.stderr}`);
  }
  const [first, ...rest] = envs as [Map<string, string>, ...Map<string, string>[]];
  return { baseline: first, envs: rest, stderr: result.stderr, status: result.status };
}

function parseEnv0(stdout: string): Map<string, string>[] {
  const envs: Map<string, string>[] = [];
  let current = new Map<string, string>();
  const entries = stdout.split('\0');
  if (entries.pop() !== '') throw new Error('shell output does not end with NUL');
  for (const entry of entries) {
    if (entry === END) {
      envs.push(current);
      current = new Map();
      continue;
    }
    const equals = entry.indexOf('=');
    if (equals < 0) throw new Error(`not an environment entry: ${JSON.stringify(entry)}`);
    current.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return envs;
}

/** pwsh prints NAME=base64(UTF-8 value) or NAME! per watched variable, then the END line. */
function driverPwsh(baseline: Readonly<Record<string, string>>): string {
  const reset = Object.entries(baseline)
    .map(([name, value]) => `  [Environment]::SetEnvironmentVariable('${name}', '${plain(value)}')`)
    .join('\n');
  const watched = PWSH_WATCHED.map((name) => `'${name}'`).join(', ');
  return [
    'param([string]$Dir, [int]$Count)',
    '$ErrorActionPreference = "Stop"',
    `$watched = @(${watched})`,
    'for ($i = 0; $i -lt $Count; $i++) {',
    "  foreach ($name in $watched) { [Environment]::SetEnvironmentVariable($name, $null) }",
    reset,
    '  . (Join-Path $Dir "case-$i.ps1")',
    '  foreach ($name in $watched) {',
    '    $value = [Environment]::GetEnvironmentVariable($name)',
    '    if ($null -eq $value) { [Console]::Out.Write("$name!`n") }',
    '    else { [Console]::Out.Write("$name=" + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($value)) + "`n") }',
    '  }',
    `  [Console]::Out.Write("${END}\`n")`,
    '}',
    '',
  ].join('\n');
}

function parsePwsh(stdout: string): Map<string, string>[] {
  const envs: Map<string, string>[] = [];
  let current = new Map<string, string>();
  for (const line of stdout.split(/\r?\n/)) {
    if (line === '') continue;
    if (line === END) {
      envs.push(current);
      current = new Map();
    } else if (!line.endsWith('!')) {
      const equals = line.indexOf('=');
      current.set(line.slice(0, equals), Buffer.from(line.slice(equals + 1), 'base64').toString('utf8'));
    }
  }
  return envs;
}

/** The environment `change` should leave, starting from `baseline`. */
export function applyChange(baseline: ReadonlyMap<string, string>, change: EnvChange): Map<string, string> {
  const env = new Map(baseline);
  for (const [name, value] of change.set) env.set(name, value);
  for (const name of change.unset) env.delete(name);
  return env;
}

/** Readable difference between two environments; empty when equal. */
export function diffEnv(want: ReadonlyMap<string, string>, got: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, value] of want) {
    if (!got.has(name)) problems.push(`${name} missing (want ${JSON.stringify(value)})`);
    else if (got.get(name) !== value) {
      problems.push(`${name}: want ${JSON.stringify(value)}, got ${JSON.stringify(got.get(name))}`);
    }
  }
  for (const [name, value] of got) {
    if (!want.has(name)) problems.push(`${name} unexpected: ${JSON.stringify(value)}`);
  }
  return problems;
}

/** Parses dotenv files with python-dotenv (interpolation off), one python process for all. */
export function parseWithPythonDotenv(texts: readonly string[]): Array<Record<string, string | null>> {
  const program = [
    'import json, os, sys, tempfile',
    'from dotenv import dotenv_values',
    'texts = json.load(sys.stdin)',
    'out = []',
    'with tempfile.TemporaryDirectory() as d:',
    '    path = os.path.join(d, ".env")',
    '    for t in texts:',
    '        with open(path, "w", encoding="utf-8", newline="") as f:',
    '            f.write(t)',
    '        out.append(dict(dotenv_values(path, interpolate=False, encoding="utf-8")))',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const result = spawnSync('python3', ['-c', program], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...SYNC_CHILD_LIMIT,
  });
  if (result.status !== 0) throw new Error(`python-dotenv failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Array<Record<string, string | null>>;
}

export function hasPythonDotenv(): boolean {
  return spawnSync('python3', ['-c', 'import dotenv'], { stdio: 'ignore' }).status === 0;
}
