/**
 * `npm run demo`: a local STS and a local IAM Identity Center on loopback, a throwaway HOME,
 * and awsrole walking a user through assuming a role, `whoami`, then an SSO sign-in (the demo
 * plays the user who clicks Allow in the browser), `sso populate` and an SSO profile.
 * Unattended; never touches real AWS or your ~/.aws.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SSO_FIXTURE, startSsoServer, type SsoRig } from '../test/rigs/sso-server.js';
import { FIXTURE, startStsServer, type StsRig } from '../test/rigs/sts-server.js';

/** The project root, set by scripts/build-tools.mjs (the demo runs from a build folder). */
declare const __AWSROLE_ROOT__: string;
const bin = resolve(__AWSROLE_ROOT__, 'bin', 'awsrole');
const colour = process.stdout.isTTY && process.env['NO_COLOR'] === undefined;
const bold = (text: string): string => (colour ? `\u001b[1m${text}\u001b[0m` : text);
const dim = (text: string): string => (colour ? `\u001b[2m${text}\u001b[0m` : text);

function say(text: string): void {
  process.stdout.write(`\n${bold(`▸ ${text}`)}\n`);
}

/** Runs the CLI asynchronously: the local rigs live in this same process and must keep answering. */
function awsrole(args: string[], env: Record<string, string>, onStderr?: (soFar: string) => void): Promise<string> {
  process.stdout.write(dim(`$ awsrole ${args.join(' ')}\n`));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      process.stdout.write(stdout.replace(/^(?=.)/gm, '  '));
      if (stderr) process.stdout.write(dim(stderr.replace(/^(?=.)/gm, '  ')));
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`awsrole ${args[0] ?? ''} exited with ${code ?? 'a signal'}`));
    });
  });
}

/** What `eval "$(awsrole assume ...)"` would do to a shell, applied to our env object. */
function applyExports(env: Record<string, string>, script: string): Record<string, string> {
  const next = { ...env };
  for (const line of script.split('\n')) {
    const set = /^export (\w+)='(.*)'$/.exec(line);
    if (set?.[1] !== undefined) next[set[1]] = (set[2] ?? '').replaceAll(`'\\''`, "'");
    const unset = /^unset (\w+)$/.exec(line);
    if (unset?.[1] !== undefined) delete next[unset[1]];
  }
  return next;
}

/** IAM Identity Center: sign in through the browser (the demo clicks Allow), populate the profiles, use one. */
async function ssoPart(rig: StsRig, sso: SsoRig, home: string, baseEnv: Record<string, string>): Promise<void> {
  const { startUrl, region } = SSO_FIXTURE;
  const config = join(home, '.aws', 'config');
  writeFileSync(config, `${readFileSync(config, 'utf8')}\n[sso-session corp]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_registration_scopes = sso:account:access\n`);
  const env = { ...baseEnv, AWS_ENDPOINT_URL_SSO: sso.url, AWS_ENDPOINT_URL_SSO_OIDC: sso.url };

  say('Sign in to IAM Identity Center (a local portal): PKCE in the browser, the code lands on a loopback callback');
  process.stdout.write(dim('  (--no-browser: the demo itself plays the browser and clicks Allow on the URL awsrole prints)\n'));
  let browsing: Promise<unknown> | undefined;
  await awsrole(['sso', 'login', '--sso-session', 'corp', '--no-browser'], env, (soFar) => {
    const url = /\n {2}(http\S+\/authorize\?\S+)\n/.exec(soFar)?.[1];
    if (url !== undefined) browsing ??= sso.browse(url);
  });
  await browsing;

  say('`sso populate` writes a profile per account and role assigned to you (run it again: nothing changes)');
  await awsrole(['sso', 'populate', '--sso-session', 'corp', '--region', 'eu-west-1'], env);
  await awsrole(['sso', 'populate', '--sso-session', 'corp', '--region', 'eu-west-1'], env);

  say('whoami through a populated SSO profile: the portal gave role credentials, now in the AWS CLI cache');
  await awsrole(['whoami', '--profile', 'Production.Admin', '--explain'], env);
  process.stdout.write(`  portal calls: ${sso.calls.map((call) => call.operation).join(', ')}; STS calls so far: ${rig.count()}\n`);

  say('`sso logout` ends the sign-in at the portal and deletes the token and the SSO role sessions');
  await awsrole(['sso', 'logout', '--sso-session', 'corp'], env);
}

async function main(): Promise<void> {
  const rig = await startStsServer();
  // The local portal hands out sessions the local STS knows (of role deploy), so whoami works with them.
  const sso = await startSsoServer({
    credentialsFor: (_account, _role, expiration) =>
      rig.model.issue({ kind: 'role', role: rig.model.role(FIXTURE.roles.deploy)!, sessionName: 'sso-demo', issuedAt: new Date(), expiration, user: rig.model.user(FIXTURE.alice.name), mfa: false, chained: false, policyArns: [] }, false),
  });
  const home = mkdtempSync(join(tmpdir(), 'awsrole-demo-'));
  try {
    mkdirSync(join(home, '.aws'), { mode: 0o700 });
    writeFileSync(
      join(home, '.aws', 'credentials'),
      `[alice]\naws_access_key_id = ${FIXTURE.alice.accessKeyId}\naws_secret_access_key = ${FIXTURE.alice.secretAccessKey}\n`,
      { mode: 0o600 },
    );
    writeFileSync(
      join(home, '.aws', 'config'),
      `[profile alice]\nregion = eu-west-1\n\n[profile deploy]\nrole_arn = ${FIXTURE.roles.deploy}\nsource_profile = alice\nregion = eu-west-1\n`,
    );
    let env: Record<string, string> = {
      HOME: home,
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      USER: 'demo',
      SHELL: '/bin/bash',
      AWS_ENDPOINT_URL_STS: rig.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: 'alice',
    };
    process.stdout.write(`${bold('awsrole demo')}: a local STS at ${rig.url}, a local IAM Identity Center at ${sso.url}, HOME=${home}\n`);
    process.stdout.write(dim('alice has long-term keys in ~/.aws/credentials; profile deploy assumes role deploy from them.\n'));

    say('Who am I with AWS_PROFILE=alice?');
    await awsrole(['whoami'], env);

    say('Assume role deploy from the profile, as `eval "$(awsrole assume --profile deploy)"` would');
    const exports = await awsrole(['assume', '--profile', 'deploy', '--format', 'sh'], env);
    env = applyExports(env, exports);

    say('whoami with the exported credentials: the assumed-role session, and which link supplied it');
    await awsrole(['whoami', '--explain'], env);

    say('A second assume is served from the AWS CLI cache: no STS call');
    const before = rig.count('AssumeRole');
    await awsrole(['assume', '--profile', 'deploy', '--format', 'json'], { ...env, AWS_ACCESS_KEY_ID: '' });
    process.stdout.write(`  AssumeRole calls: before ${before}, after ${rig.count('AssumeRole')}\n`);

    say('`eval "$(awsrole unset)"` takes it all back');
    env = applyExports(env, await awsrole(['unset', '--format', 'sh'], env));
    await awsrole(['whoami'], env);

    await ssoPart(rig, sso, home, env);
    process.stdout.write(`\n${bold('done')}: ${rig.count()} STS calls, all to ${rig.url}; ${sso.calls.length} IAM Identity Center calls, all to ${sso.url}\n`);
  } finally {
    await sso.close();
    await rig.close();
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
