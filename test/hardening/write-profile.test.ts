/**
 * Issue 10 item 1: --write-profile never destroys long-term keys, and says when the profile it
 * wrote is shadowed by an earlier source of botocore's chain.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseIni } from '../../src/config/ini.js';
import { FIXTURE } from '../rigs/sts-server.js';
import { runInProcess } from '../support/in-process.js';
import { useStsAndHome } from '../support/sts-home.js';

const { alice, roles } = FIXTURE;
const CREDENTIALS = `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`;
const CONFIG = `[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\n\n[profile tool]\ncredential_process = /bin/false\n\n` +
  '[profile portal]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n';
const t = useStsAndHome({ '.aws/credentials': CREDENTIALS, '.aws/config': CONFIG });
const at = new Date('2026-12-03T12:42:00Z');

function assume(...flags: string[]) {
  return runInProcess(['assume', '--profile', 'deploy', ...flags], { ...t.home.env, AWS_DEFAULT_REGION: 'eu-west-1' }, { deps: { now: () => at } });
}

describe('--write-profile over long-term keys', () => {
  it('refuses to replace [alice] (AKIA keys) without --force before any STS call: exit 2, file unchanged, stdout empty', async () => {
    const result = await assume('--write-profile', 'alice');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'awsrole: refusing to overwrite [alice] in ~/.aws/credentials: it holds long-term keys (key ****0001), which may be your only copy; nothing was written\n' +
        '  hint: write the session under another name (e.g. --write-profile alice-session), or pass --force to replace them (the old keys are kept as a [alice-backup-...] section)\n',
    );
    expect(await readFile(t.home.path('.aws/credentials'), 'utf8')).toBe(CREDENTIALS);
    expect(t.rig.count()).toBe(0); // refused before any call (and before any MFA prompt)
  });

  it('with --force, replaces them and keeps the old keys as [alice-backup-TIME], which still works', async () => {
    const result = await assume('--write-profile', 'alice', '--force');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^awsrole: wrote \[alice\] to ~\/\.aws\/credentials \(key \*\*\*\*\w{4}, expires [^)]+\); its long-term keys were kept as \[alice-backup-20261203T124200Z\]\n$/);
    const file = parseIni(await readFile(t.home.path('.aws/credentials'), 'utf8'));
    expect(file.get('alice-backup-20261203T124200Z')).toEqual({ aws_access_key_id: alice.accessKeyId, aws_secret_access_key: alice.secretAccessKey });
    expect(file.get('alice')?.['aws_access_key_id']).toMatch(/^ASIA/);
    const whoami = await runInProcess(['whoami', '--profile', 'alice-backup-20261203T124200Z', '--json'], t.home.env);
    expect(JSON.parse(whoami.stdout).Arn).toBe(alice.arn);
  });

  it('--force without --write-profile is a usage error before any call', async () => {
    const result = await assume('--force');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('awsrole: --force only applies to --write-profile\n  hint: leave out --force, or add --write-profile NAME\n');
    expect(t.rig.count()).toBe(0);
  });
});

describe('--write-profile into a shadowed profile', () => {
  it.each([
    ['deploy', `role_arn ${roles.deploy} of profile deploy`],
    ['portal', 'IAM Identity Center role of profile portal'],
  ])('warns when config profile %s wins over the credentials file in botocore order', async (name, offer) => {
    const result = await assume('--write-profile', name);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').slice(1).join('\n')).toBe(
      `awsrole: warning: --profile ${name} will not use what was just written: botocore's order tries ${offer} before the credentials file\n` +
        `  hint: write the session under a name no config profile uses, e.g. --write-profile ${name}-session\n`,
    );
  });

  it.each(['deploy-session', 'tool'])('says nothing more for %s: nothing earlier in the order (credential_process comes after the credentials file)', async (name) => {
    const result = await assume('--write-profile', name);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^awsrole: wrote \\[${name}\\][^\\n]*\\n$`));
  });
});
