/**
 * Issue 10, items 2 and 3: awsrole's caches are read only from regular files in folders only the
 * user can change, and written over whatever sits at a cache file's path, never through it.
 * In process (run() with test deps) against the local STS rig.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmod, chown, mkdir, readdir, readFile, rename, rm, symlink, lstat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mfaCacheKey } from '../../src/cache/mfa-cache.js';
import { FIXTURE } from '../rigs/sts-server.js';
import { tracked } from '../support/cleanup.js';
import { runInProcess, type InProcessResult } from '../support/in-process.js';
import { useStsAndHome } from '../support/sts-home.js';

const { alice, roles } = FIXTURE;

const CONFIG = `[profile alice]
region = eu-west-1

[profile deploy]
role_arn = ${roles.deploy}
source_profile = alice

[profile admin]
role_arn = ${roles.admin}
source_profile = deploy
`;

const CREDENTIALS = `[alice]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}
`;

const t = useStsAndHome({ '.aws/credentials': CREDENTIALS, '.aws/config': CONFIG });

/**
 * A FIFO opened for reading blocks the whole process (vitest's own timeout cannot fire): after
 * this long a helper writes into it, so a broken run ends (reading its session as a hit, which
 * the test rejects) instead of hanging the suite. A safety net only; never what is asserted.
 */
const FIFO_UNBLOCK_SECONDS = 20;
const FIFO_SESSION = JSON.stringify({
  Credentials: { AccessKeyId: 'ASIAFROMTHEFIFO00001', SecretAccessKey: 'fifo', SessionToken: 'fifo', Expiration: '2099-01-01T00:00:00UTC' },
});

type Outcome = InProcessResult;

function awsrole(...args: string[]): Promise<Outcome> {
  return runInProcess([...args, '--format', 'json'], t.home.env);
}

/** A run served by STS, as on a cache miss: exit 0, nothing on stderr but `warning`, fresh keys on stdout. */
function expectMiss(outcome: Outcome, warning = ''): void {
  expect(outcome.stderr).toBe(warning);
  expect(outcome.code).toBe(0);
  expect(JSON.parse(outcome.stdout)).toMatchObject({ AccessKeyId: expect.stringMatching(/^ASIA/) });
}

const cliCache = (): string => t.home.path('.aws/cli/cache');

/** Fills the role cache with live sessions (one for deploy, one for admin) and returns the folder's listing. */
async function cacheLiveSessions(): Promise<string[]> {
  expectMiss(await awsrole('assume', '--profile', 'admin'));
  const names = (await readdir(cliCache())).sort();
  expect(names).toHaveLength(2);
  t.rig.reset();
  return names;
}

async function snapshot(folder: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(folder)) files[name] = await readFile(join(folder, name), 'utf8');
  return files;
}

describe('a cache file is read only when it is a regular file, and written over whatever is there', () => {
  it('a symlink planted as a role cache file is not read, and the write replaces the link, never its target', async () => {
    const [name = ''] = await cacheLiveSessions();
    const planted = join(cliCache(), name);
    // The target holds a live session: following the link would be a cache hit.
    const victim = t.home.path('victim.json');
    await rename(planted, victim);
    const before = await readFile(victim, 'utf8');
    await symlink(victim, planted);

    expectMiss(await awsrole('assume', '--profile', 'admin'));

    // The other hop's file is still a hit.
    expect(t.rig.count('AssumeRole')).toBe(1);
    expect(await readFile(victim, 'utf8')).toBe(before);
    const replaced = await lstat(planted);
    expect(replaced.isFile()).toBe(true);
    expect(replaced.mode & 0o777).toBe(0o600);
  });

  it('a symlink planted as an MFA cache file: its target is untouched and the cache file becomes a regular file', async () => {
    const folder = t.home.path('.aws/awsrole/cache');
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const planted = join(folder, `${mfaCacheKey(alice.mfaSerial, alice.accessKeyId)}.json`);
    const victim = await t.home.write('victim', 'not yours to write\n');
    await symlink(victim, planted);

    expectMiss(await awsrole('mfa', '--profile', 'alice', '--serial', alice.mfaSerial, '--code', alice.mfaCode));

    expect(await readFile(victim, 'utf8')).toBe('not yours to write\n');
    expect((await lstat(planted)).isFile()).toBe(true);
    expect(JSON.parse(await readFile(planted, 'utf8'))).toMatchObject({ SerialNumber: alice.mfaSerial });
  });

  it(
    'a FIFO as a cache file is a miss: the command finishes and the FIFO is replaced',
    async () => {
      const [name = ''] = await cacheLiveSessions();
      const fifo = join(cliCache(), name);
      await rm(fifo);
      execFileSync('mkfifo', ['-m', '600', fifo]);
      const unblocker = tracked(spawn('sh', ['-c', `sleep ${FIFO_UNBLOCK_SECONDS}; printf %s "$0" > "$1"`, FIFO_SESSION, fifo], { stdio: 'ignore' }));
      let outcome: Outcome;
      try {
        outcome = await awsrole('assume', '--profile', 'admin');
      } finally {
        unblocker.kill();
      }

      expectMiss(outcome);
      expect(t.rig.count('AssumeRole')).toBe(1);
      expect((await lstat(fifo)).isFile()).toBe(true);
    },
  );

  it('a cache file over 1 MiB is a miss', async () => {
    const [name = ''] = await cacheLiveSessions();
    const path = join(cliCache(), name);
    const live = await readFile(path, 'utf8');
    // Still a live session to JSON.parse: only its size makes it a miss.
    await writeFile(path, `${live}${' '.repeat(1024 * 1024)}`, { mode: 0o600 });

    expectMiss(await awsrole('assume', '--profile', 'admin'));

    expect(t.rig.count('AssumeRole')).toBe(1);
  });
});

describe('a cache folder that others can change is neither read nor written, and said so once', () => {
  const warning = (reason: string): string => `awsrole: warning: not using the session cache in ~/.aws/cli/cache: ${reason}\n`;

  /** Both hops would be cache hits in a trusted folder; here both go to STS and nothing is written. */
  async function expectDistrusted(folder: string, reason: string): Promise<void> {
    const before = await snapshot(folder);
    expectMiss(await awsrole('assume', '--profile', 'admin'), warning(reason));
    expect(t.rig.count('AssumeRole')).toBe(2);
    expect(await snapshot(folder)).toEqual(before);
  }

  it('a symlinked folder', async () => {
    await cacheLiveSessions();
    const elsewhere = t.home.path('elsewhere');
    await rename(cliCache(), elsewhere);
    await symlink(elsewhere, cliCache());

    await expectDistrusted(elsewhere, 'it is a symlink; make it a real folder');
  });

  it('a group-writable folder', async () => {
    await cacheLiveSessions();
    await chmod(cliCache(), 0o770);

    await expectDistrusted(cliCache(), 'others can write to it (mode 0770); run chmod go-w on it');
  });

  it('a world-writable folder', async () => {
    await cacheLiveSessions();
    await chmod(cliCache(), 0o1777);

    await expectDistrusted(cliCache(), 'others can write to it (mode 1777); run chmod go-w on it');
  });

  const isRoot = process.geteuid?.() === 0;
  // Handing the folder to another user needs root (chown); the tests run as root here.
  it.skipIf(!isRoot)('a folder owned by another user', async () => {
    await cacheLiveSessions();
    await chown(cliCache(), 65534, 65534);

    await expectDistrusted(cliCache(), 'it is owned by uid 65534, not by you (uid 0)');
  });

  it('an MFA cache folder others can write to: the session is printed and not cached', async () => {
    const folder = t.home.path('.aws/awsrole/cache');
    await mkdir(folder, { recursive: true });
    await chmod(folder, 0o775);

    const outcome = await awsrole('mfa', '--profile', 'alice', '--serial', alice.mfaSerial, '--code', alice.mfaCode);

    expectMiss(outcome, 'awsrole: warning: not using the session cache in ~/.aws/awsrole/cache: others can write to it (mode 0775); run chmod go-w on it\n');
    expect(await readdir(folder)).toEqual([]);
  });

});
