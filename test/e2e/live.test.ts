/**
 * Live checks against real AWS: run only when `.env` (see .env.example) names a profile.
 * Never in CI: `.env` is not committed, and the developer's shell variables are not read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

function readDotEnv(): Record<string, string> {
  const path = join(ROOT, '.env');
  if (!existsSync(path)) return {};
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined) values[match[1]] = match[2] ?? '';
  }
  return values;
}

const live = readDotEnv();
const profile = live['AWSROLE_LIVE_PROFILE'];
const roleArn = live['AWSROLE_LIVE_ROLE_ARN'];
const env = { HOME: homedir(), PATH: process.env['PATH'] ?? '/usr/bin:/bin', AWS_EC2_METADATA_DISABLED: 'true' };

describe.skipIf(profile === undefined || process.env['CI'] !== undefined)('live AWS (from .env)', () => {
  it('whoami answers for the live profile', async () => {
    const result = await runCli(['whoami', '--json', '--profile', profile ?? ''], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty('Arn');
  });

  it.skipIf(roleArn === undefined)('assume the live role', async () => {
    const result = await runCli(['assume', '--profile', profile ?? '', '--role-arn', roleArn ?? '', '--format', 'json', '--refresh'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty('SessionToken');
  });
});
