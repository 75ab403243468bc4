/**
 * Issue 12 end to end: the built CLI serves a child, and the SDKs' own container providers read
 * (and re-read, across a refresh) credentials from it and use them against the STS rig.
 * `--duration 900` makes every served session fall inside both awsrole's and botocore's
 * 15-minute windows, so each read is a refresh: no clock is moved, nothing waits.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../rigs/sts-server.js';
import { AWSROLE_BIN, CLI_BUILT, NOT_BUILT, runCli, runCommand } from '../support/cli.js';
import { pythonEnv, usePython } from '../support/python.js';
import { useStsAndHome } from '../support/sts-home.js';
import { send } from './harness.js';

const { alice, roles } = FIXTURE;
const HERE = import.meta.dirname;
const ASSUMED_DEPLOY = /^arn:aws:sts::111122223333:assumed-role\/deploy\/awsrole-tester-\d+$/;

const t = useStsAndHome({
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  '.aws/config': `[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\nregion = eu-west-1\n`,
});

const hasBotocore = usePython('botocore', "botocore's container provider against exec --server");

function lines(stdout: string): Record<string, string>[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, string>);
}

function env(): Record<string, string> {
  return { ...t.home.env, ...pythonEnv(), ...t.home.env, AWS_PROFILE: 'deploy', AWS_ACCESS_KEY_ID: 'AKIASTALEKEY00000000', AWS_SECRET_ACCESS_KEY: 'stale-SECRETCANARY' };
}

describe.skipIf(!CLI_BUILT)(`exec --server with the SDKs (${NOT_BUILT} otherwise)`, () => {
  it.skipIf(!hasBotocore)("botocore's container provider: refreshed credentials, each accepted by STS", async () => {
    const result = await runCli(['exec', '--server', '--profile', 'deploy', '--duration', '900', '--', 'python3', join(HERE, 'botocore_client.py'), '3'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rounds = lines(result.stdout);
    expect(rounds).toHaveLength(3);
    for (const round of rounds) {
      expect(round['method']).toBe('container-role');
      expect(round['arn']).toMatch(ASSUMED_DEPLOY);
    }
    expect(new Set(rounds.map((round) => round['key'])).size).toBe(3);
    expect(t.rig.count('GetCallerIdentity')).toBe(3);
    // One at start, then one per botocore refresh (its first read and each round's).
    expect(t.rig.count('AssumeRole')).toBeGreaterThanOrEqual(4);
  });

  it("the JS SDK's fromContainerMetadata and fromHttp: refreshed credentials, each accepted by STS", async () => {
    const result = await runCli(['exec', '--server', '--profile', 'deploy', '--duration', '900', '--', process.execPath, '--no-warnings', join(HERE, 'js-sdk-client.mjs')], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const calls = lines(result.stdout);
    expect(calls.map((call) => call['provider'])).toEqual(['fromContainerMetadata', 'fromContainerMetadata', 'fromHttp', 'fromHttp']);
    for (const call of calls) expect(call['arn']).toMatch(ASSUMED_DEPLOY);
    expect(new Set(calls.map((call) => call['key'])).size).toBe(4);
    expect(t.rig.count('AssumeRole')).toBe(5);
  });

  it("exits with the command's code, and 128+signal when a signal ended it", async () => {
    const exit7 = await runCli(['exec', '--server', '--profile', 'deploy', '--', 'sh', '-c', 'exit 7'], t.home.env);
    expect(exit7.code).toBe(7);
    const killed = await runCli(['exec', '--server', '--profile', 'deploy', '--', 'sh', '-c', 'kill -TERM $$'], t.home.env);
    expect(killed.code).toBe(143);
    expect(killed.stderr).toBe('');
  });
});

describe.skipIf(!CLI_BUILT)('serve in a real shell', () => {
  it.skipIf(!hasBotocore)('eval "$(awsrole serve &)" returns (stdout closed) with the server running; botocore reads through it; SIGTERM stops it', async () => {
    const script = `
      set -e
      eval "$("$AWSROLE" serve --profile deploy --duration 900 --format sh 2> "$HOME/serve.log" &)"
      pid=$(sed -n 's/.*stop with kill -TERM \\([0-9]*\\)$/\\1/p' "$HOME/serve.log")
      echo "url=$AWS_CONTAINER_CREDENTIALS_FULL_URI"
      echo "profile=\${AWS_PROFILE-unset} key=\${AWS_ACCESS_KEY_ID-unset}"
      python3 "$BOTOCORE_CLIENT" 2
      kill -TERM "$pid"
      # not this shell's child: wait for it to be gone
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
      echo stopped
    `;
    const result = await runCommand('bash', ['-c', script], { ...env(), AWSROLE: AWSROLE_BIN, BOTOCORE_CLIENT: join(HERE, 'botocore_client.py') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [urlLine, shadowLine, ...rest] = result.stdout.trim().split('\n');
    expect(shadowLine).toBe('profile=unset key=unset');
    expect(rest.at(-1)).toBe('stopped');
    const rounds = lines(rest.slice(0, -1).join('\n'));
    expect(rounds.map((round) => round['method'])).toEqual(['container-role', 'container-role']);
    for (const round of rounds) expect(round['arn']).toMatch(ASSUMED_DEPLOY);
    const url = (urlLine ?? '').replace(/^url=/, '');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/awsrole\/credentials$/);
    await expect(send(url)).rejects.toThrow(/ECONNREFUSED/);
  });
});
