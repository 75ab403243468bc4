/**
 * Issue 10 item 10: whoami says when session keys written by --write-profile expire, and
 * --explain names a cached hop's session as STS named it.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseIni } from '../../src/config/ini.js';
import { FIXTURE } from '../rigs/sts-server.js';
import { runInProcess } from '../support/in-process.js';
import { useStsAndHome } from '../support/sts-home.js';

const { alice, roles } = FIXTURE;
const t = useStsAndHome({
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  '.aws/config': `[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\n`,
});

function rowOf(stdout: string, name: string): string | undefined {
  return stdout.split('\n').find((line) => line.startsWith(`${name.padEnd(8)} `));
}

describe('whoami over a profile written by --write-profile', () => {
  it('shows the aws_credential_expiration of the section, in the table and in --json', async () => {
    const written = await runInProcess(['assume', '--profile', 'deploy', '--write-profile', 'deploy-session'], t.home.env);
    expect(written.code).toBe(0);
    const expiry = parseIni(await readFile(t.home.path('.aws/credentials'), 'utf8')).get('deploy-session')?.['aws_credential_expiration'];
    expect(expiry).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const table = await runInProcess(['whoami', '--profile', 'deploy-session'], t.home.env);
    expect(table.code).toBe(0);
    expect(rowOf(table.stdout, 'Expires')).toBe(`Expires  ${String(expiry)}`);
    const json = await runInProcess(['whoami', '--profile', 'deploy-session', '--json'], t.home.env);
    expect(JSON.parse(json.stdout).Expiration).toBe(expiry);
  });

  it('long-term keys (no token, no expiry) still say never', async () => {
    await t.home.write('.aws/credentials', `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
    const long = await runInProcess(['whoami', '--profile', 'alice'], t.home.env);
    expect(rowOf(long.stdout, 'Expires')).toBe('Expires  never (long-term keys)');
  });
});

describe('whoami --explain over a cached hop', () => {
  it("names the cached session as STS did (AssumedRoleUser.Arn), not the name a new call would use", async () => {
    const first = await runInProcess(['assume', '--profile', 'deploy', '--format', 'json'], t.home.env);
    expect(first.code).toBe(0);
    const issued = [...t.rig.sessions.values()].at(-1);
    const realName = String(issued?.sessionName);
    expect(realName).toMatch(/^awsrole-/);
    const later = await runInProcess(['whoami', '--explain', '--profile', 'deploy'], t.home.env, { deps: { now: () => new Date(Date.now() + 300_000) } });
    expect(later.code).toBe(0);
    expect(t.rig.count('AssumeRole')).toBe(1);
    expect(later.stdout).toContain(`role hops:\n 1. ${roles.deploy} (session ${realName}) from the session cache (no STS call)\n`);
  });

  it('a session name in the cache file that STS could not have issued is not shown', async () => {
    expect((await runInProcess(['assume', '--profile', 'deploy', '--format', 'json'], t.home.env)).code).toBe(0);
    const folder = t.home.path('.aws/cli/cache');
    const [file] = await readdir(folder);
    const path = `${folder}/${String(file)}`;
    const cached = JSON.parse(await readFile(path, 'utf8')) as { AssumedRoleUser: { Arn: string } };
    cached.AssumedRoleUser.Arn = 'arn:aws:sts::111122223333:assumed-role/deploy/x\nexport AWS_ACCESS_KEY_ID=AKIAFORGED\u009b2J';
    await writeFile(path, JSON.stringify(cached));
    const result = await runInProcess(['whoami', '--explain', '--profile', 'deploy'], t.home.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\(session awsrole-tester-\d+\) from the session cache \(no STS call\)\n/);
    expect(result.stdout).not.toContain('AKIAFORGED');
    expect(result.stdout.split('\n').some((line) => line.startsWith('export'))).toBe(false);
  });
});
