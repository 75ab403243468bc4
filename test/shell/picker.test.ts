/**
 * The profile picker of `assume`, typed on a pseudo-terminal (python3's pty module): type to
 * filter, arrows, Enter, Esc; straight and through the bash and fish wrappers; never without a terminal.
 */
import { symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../rigs/sts-server.js';
import { tempDir } from '../support/cleanup.js';
import { AWSROLE_BIN, CLI_BUILT, NOT_BUILT, runCli } from '../support/cli.js';
import { useStsAndHome } from '../support/sts-home.js';
import { drivePty, SHELLS_HERE } from './support.js';

const { alice, roles } = FIXTURE;

const FILES = {
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  '.aws/config': `[profile alice]\nregion = eu-west-1\n\n[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\n\n[profile admin]\nrole_arn = ${roles.admin}\nsource_profile = deploy\n`,
};

const t = useStsAndHome(FILES);

function assumedRoles(): string[] {
  return t.rig.calls.filter((call) => call.action === 'AssumeRole').map((call) => call.params['RoleArn'] ?? '');
}

describe.skipIf(!CLI_BUILT)(`the assume picker (${CLI_BUILT ? 'built' : NOT_BUILT})`, () => {
  it('lists the role profiles; typing filters; Enter assumes the one shown', async () => {
    const run = await drivePty([process.execPath, AWSROLE_BIN, 'assume', '--format', 'json'], t.home.env, [
      { expect: '> admin\\n  deploy\\n  2 of 2' },
      { send: 'dep', expect: '> deploy\\n  1 of 2' },
      { send: '\r', expect: '"AccessKeyId"' },
    ]);
    expect(run.ok, run.transcript).toBe(true);
    expect(run.exitStatus).toBe(0);
    expect(run.transcript).toContain('awsrole: assuming profile deploy');
    expect(run.transcript).not.toContain('AWSROLE_PROFILE');
    expect(assumedRoles()).toEqual([roles.deploy]);
  });

  it('for a shell format, the lines name the picked profile in AWSROLE_PROFILE too', async () => {
    const run = await drivePty([process.execPath, AWSROLE_BIN, 'assume', '--format', 'sh'], t.home.env, [
      { expect: '2 of 2' },
      { send: 'admin\r', expect: "export AWSROLE_PROFILE='admin'" },
    ]);
    expect(run.ok, run.transcript).toBe(true);
    expect(run.exitStatus).toBe(0);
    expect(assumedRoles()).toEqual([roles.deploy, roles.admin]);
  });

  it('Esc cancels: a usage error, nothing assumed', async () => {
    const run = await drivePty([process.execPath, AWSROLE_BIN, 'assume', '--format', 'json'], t.home.env, [
      { expect: '2 of 2' },
      { send: '\x1b', expect: 'no profile chosen' },
    ]);
    expect(run.ok, run.transcript).toBe(true);
    expect(run.exitStatus).toBe(2);
    expect(run.transcript).not.toContain('AccessKeyId');
    expect(assumedRoles()).toEqual([]);
  });

  it.skipIf(!SHELLS_HERE.bash)('through the bash wrapper: arrows choose, the credentials land in the shell', async () => {
    const bin = tempDir('awsrole-path-');
    symlinkSync(AWSROLE_BIN, join(bin, 'awsrole'));
    const env = { ...t.home.env, PATH: `${bin}:${dirname(process.execPath)}:${t.home.env['PATH'] ?? ''}`, PS1: 'READY> ' };
    const run = await drivePty(['bash', '--norc', '--noprofile', '-i'], env, [
      { send: 'eval "$(awsrole init bash)"; PS1="READY> "\r', expect: 'READY> ' },
      { send: 'awsrole assume; echo "status=$?"\r', expect: '2 of 2' },
      // Down twice stops at the last row; Up goes back to the first.
      { send: '\x1b[B', expect: '> deploy' },
      { send: '\x1b[B\x1b[A', expect: '> admin' },
      { send: '\x1b[B\r', expect: 'status=0' },
      { send: 'echo "key=${AWS_ACCESS_KEY_ID:0:4} token=${AWS_SESSION_TOKEN:+set} profile=$AWSROLE_PROFILE"\r', expect: 'key=ASIA token=set profile=deploy' },
      { send: 'exit\r', expect: '' },
    ]);
    expect(run.ok, run.transcript).toBe(true);
    expect(assumedRoles()).toEqual([roles.deploy]);
  });

  it.skipIf(!SHELLS_HERE.fish)('through the fish wrapper (its output read through a pipe): the picker still has the terminal', async () => {
    const bin = tempDir('awsrole-path-');
    symlinkSync(AWSROLE_BIN, join(bin, 'awsrole'));
    const env = { ...t.home.env, PATH: `${bin}:${dirname(process.execPath)}:${t.home.env['PATH'] ?? ''}` };
    const run = await drivePty(['fish', '--no-config', '-i'], env, [
      { send: 'awsrole init fish | source; function fish_prompt; echo "READY> "; end\r', expect: 'READY> ' },
      { send: 'awsrole assume; echo "status=$status"\r', expect: '2 of 2' },
      { send: 'dep\r', expect: 'status=0' },
      { send: 'echo "key=" (string sub -l 4 -- $AWS_ACCESS_KEY_ID) "profile=$AWSROLE_PROFILE"\r', expect: 'key= ASIA profile=deploy' },
      { send: 'exit\r', expect: '' },
    ]);
    expect(run.ok, run.transcript).toBe(true);
    expect(assumedRoles()).toEqual([roles.deploy]);
  });

  it('never without a terminal: the error names --profile (exit 2), stdout empty', async () => {
    const run = await runCli(['assume', '--format', 'json'], t.home.env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no --profile');
    expect(assumedRoles()).toEqual([]);
  });
});
