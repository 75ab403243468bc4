/** Issue 12: `awsrole exec --server` in process: the child's environment, its exit code, the endpoint's lifetime. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE } from '../rigs/sts-server.js';
import { runInProcess } from '../support/in-process.js';
import { useStsAndHome } from '../support/sts-home.js';
import { credentialsOf, send, type Reply } from './harness.js';

const { alice, roles } = FIXTURE;

const t = useStsAndHome({
  '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  '.aws/config': `[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\nregion = eu-west-1\n`,
});

interface ChildSeen {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  reply: Reply;
}

let seen: ChildSeen[];
beforeEach(() => {
  seen = [];
});
afterEach(() => {
  seen = [];
});

/** A child that reads its credentials from the endpoint, as an SDK would, then exits with `code`. */
function childThatFetches(code: number) {
  return async (argv: readonly string[], env: Record<string, string | undefined>): Promise<number> => {
    const reply = await send(env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ?? '', { authorization: env['AWS_CONTAINER_AUTHORIZATION_TOKEN'] ?? '' });
    seen.push({ argv, env, reply });
    return code;
  };
}

const SHADOWING = {
  AWS_PROFILE: 'deploy',
  AWS_DEFAULT_PROFILE: 'deploy',
  AWS_ACCESS_KEY_ID: 'AKIASTALEKEY00000000',
  AWS_SECRET_ACCESS_KEY: 'stale-SECRETCANARY',
  AWS_SESSION_TOKEN: 'stale-TOKENCANARY',
  AWS_SECURITY_TOKEN: 'stale-TOKENCANARY',
  AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials',
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/nonexistent',
};

describe('exec --server', () => {
  it("hands the child the endpoint and no keys, passes its exit code on, and stops listening when it exits", async () => {
    const env = { ...t.home.env, ...SHADOWING, KEEP_ME: 'yes' };
    const result = await runInProcess(['exec', '--server', '--profile', 'deploy', '--', 'terraform', 'apply'], env, { deps: { execChild: childThatFetches(7) } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
    expect(result.code).toBe(7);
    const [child] = seen;
    if (child === undefined) throw new Error('the child did not run');
    expect(child.argv).toEqual(['terraform', 'apply']);
    expect(Object.keys(child.env).filter((name) => name.startsWith('AWS_')).sort()).toEqual([
      'AWS_CONTAINER_AUTHORIZATION_TOKEN',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_DEFAULT_REGION',
      'AWS_EC2_METADATA_DISABLED',
      'AWS_ENDPOINT_URL_STS',
      'AWS_REGION',
    ]);
    expect(child.env['AWS_REGION']).toBe('eu-west-1');
    expect(child.env['KEEP_ME']).toBe('yes');
    expect(child.env['AWS_CONTAINER_CREDENTIALS_FULL_URI']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/awsrole\/credentials$/);
    expect(child.env['AWS_CONTAINER_AUTHORIZATION_TOKEN']).toMatch(/^[0-9a-f]{64}$/);
    expect(credentialsOf(child.reply).AccessKeyId).toMatch(/^ASIA/);
    expect(t.rig.count('AssumeRole')).toBe(1);
    await expect(send(child.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ?? '')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('warns when the default profile would win over the endpoint in the SDKs (botocore tries it first)', async () => {
    const credentials = `[default]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n\n[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`;
    const path = await t.home.write('.aws/credentials', credentials);
    const result = await runInProcess(['exec', '--server', '--profile', 'deploy', '--', 'true'], t.home.env, { deps: { execChild: childThatFetches(0) } });
    expect(result.code).toBe(0);
    expect(path.endsWith('/.aws/credentials')).toBe(true);
    expect(result.stderr).toBe("awsrole: warning: programs would use keys of profile default in ~/.aws/credentials instead of the endpoint (the SDKs try it first)\n");
  });

  it('each run has its own token', async () => {
    for (let i = 0; i < 2; i++) await runInProcess(['exec', '--server', '--profile', 'deploy', '--', 'true'], t.home.env, { deps: { execChild: childThatFetches(0) } });
    expect(new Set(seen.map((child) => child.env['AWS_CONTAINER_AUTHORIZATION_TOKEN'])).size).toBe(2);
  });

  it('credentials that cannot be fetched at start: the child never runs, the exit code says why', async () => {
    const result = await runInProcess(['exec', '--server', '--profile', 'nosuch', '--', 'true'], t.home.env, { deps: { execChild: childThatFetches(0) } });
    expect(result.code).toBe(5);
    expect(seen).toHaveLength(0);
  });

  it('long-term keys: refused with exit 3 (both SDKs need a session token and an expiry from an endpoint)', async () => {
    const result = await runInProcess(['exec', '--server', '--profile', 'alice', '--', 'true'], t.home.env, { deps: { execChild: childThatFetches(0) } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('awsrole exec` without --server');
    expect(seen).toHaveLength(0);
  });
});
