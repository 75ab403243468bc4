// The local STS (the tests' rig, test/rigs/sts-main.ts, built by scripts/build-tools.mjs) as a
// child process for the bench, and a HOME for its fixture, for the bench and the code-cache
// training (whose fixed-answer STS, scripts/training-sts.mjs, describes itself the same way):
// nothing leaves 127.0.0.1.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TOOLS_DIR } from './build-tools.mjs';

/** The built local STS (scripts/build-tools.mjs). */
export const STS_TOOL = join(TOOLS_DIR, 'sts-server.mjs');

/** Starts the rig and resolves to what it prints (url, users, roles…) plus `stop()`. */
export function startLocalSts() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STS_TOOL], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stop = () => child.kill('SIGTERM');
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve({ ...JSON.parse(buffered.slice(0, newline)), stop });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the local STS exited (${code}) before it printed its url`)));
  });
}

/**
 * The files of a throwaway HOME for an STS's fixture: alice's keys, and a `deploy` role
 * profile sourced from her (the bench and the code-cache training use both).
 */
export function fixtureHomeFiles(sts) {
  const alice = sts.users.find((user) => user.name === 'alice');
  return {
    '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
    '.aws/config': `[profile alice]\nregion = eu-west-1\n\n[profile deploy]\nrole_arn = ${sts.roles.deploy}\nsource_profile = alice\n`,
  };
}

/**
 * A HOME as `sso populate` writes it for a large organisation: the fixture's files plus an
 * [sso-session corp] and `profiles` SSO profiles (four roles an account), and the role
 * credentials of the middle one in the AWS CLI's cache (a cache hit). `pick` is that profile.
 */
export function ssoOrganisationFiles(sts, profiles) {
  const fixture = fixtureHomeFiles(sts);
  const role = (i) => ({ name: `Org-${String(i >> 2).padStart(4, '0')}.Role${i % 4}`, accountId: String(100_000_000_000 + (i >> 2)), roleName: `Role${i % 4}` });
  const config = [fixture['.aws/config'], '\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n'];
  for (let i = 0; i < profiles; i += 1) {
    const { name, accountId, roleName } = role(i);
    config.push(`\n[profile ${name}]\nsso_session = corp\nsso_account_id = ${accountId}\nsso_role_name = ${roleName}\n`);
  }
  const pick = role(profiles >> 1);
  // botocore's SSOCredentialFetcher cache key: sha1 of the compact, key-sorted JSON of the role.
  const key = createHash('sha1').update(JSON.stringify({ accountId: pick.accountId, roleName: pick.roleName, sessionName: 'corp' })).digest('hex');
  const cached = { ProviderType: 'sso', Credentials: { AccessKeyId: 'ASIAFIXTURESSO000001', SecretAccessKey: 'fixture-secret', SessionToken: 'fixture-token', Expiration: '2099-01-01T00:00:00Z', AccountId: pick.accountId } };
  return { files: { ...fixture, '.aws/config': config.join(''), [`.aws/cli/cache/${key}.json`]: JSON.stringify(cached) }, pick };
}

/** Writes `files` (path under `dir` → content) as 0600 files in 0700 folders; `dir` exists after. */
export function writeHomeFiles(dir, files) {
  for (const [relative, content] of Object.entries(files)) {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, content, { mode: 0o600 });
  }
  mkdirSync(dir, { recursive: true });
}
