/**
 * AssumeRole's session parameters (issue 13) against the local STS rig: what each hop sends,
 * which source wins, the cache key, and STS's chain rules refused before any call.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AwsroleError, resolveCredentials } from '../../src/api.js';
import { cliCacheKey } from '../../src/cache/cli-cache.js';
import { FIXTURE, type StsCall } from '../rigs/sts-server.js';
import { useStsAndHome } from '../support/sts-home.js';
import { runInProcess } from '../support/in-process.js';

const { alice, bob, roles } = FIXTURE;

/** A section with the keys of each user, named after the user. */
const CREDENTIALS = [alice, bob].map((user) => `[${user.name}]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`).join('\n');

/** deploy: a plain role profile; tagged: every profile key; admin: a second hop on top of tagged. */
const CONFIG = `[profile deploy]
role_arn = ${roles.deploy}
source_profile = alice

[profile tagged]
role_arn = ${roles.deploy}
source_profile = alice
source_identity = alice-id
session_tags = Team = blue , Cost=42
transitive_session_tags = Team

[profile admin]
role_arn = ${roles.admin}
source_profile = tagged
session_tags = Project=apollo
`;

const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';

const t = useStsAndHome({ '.aws/credentials': CREDENTIALS, '.aws/config': CONFIG });

/** The session-parameter fields of a call (everything but the fields every AssumeRole has). */
function sessionFields(call: StsCall | undefined): Record<string, string> {
  const fields = { ...call?.params };
  for (const name of ['Action', 'Version', 'RoleArn', 'RoleSessionName']) delete fields[name];
  return fields;
}

const assumeCalls = (): StsCall[] => t.rig.calls.filter((call) => call.action === 'AssumeRole');

/** The environment an `exec` child got, when one ran. */
let childEnv: Record<string, string | undefined> | undefined;

async function awsrole(args: string[], env: Record<string, string> = {}) {
  childEnv = undefined;
  const execChild = async (_argv: readonly string[], given: Record<string, string | undefined>): Promise<number> => {
    childEnv = given;
    return 0;
  };
  return runInProcess(args, { ...t.home.env, ...env }, { deps: { execChild } });
}

describe('flags on the last hop', () => {
  it('assume --profile sends SourceIdentity, Tags, TransitiveTagKeys and Policy', async () => {
    const result = await awsrole(['assume', '--profile', 'deploy', '--format', 'json', '--source-identity', 'alice@example.com', '--tag', 'Team=red', '--tag', 'Env=prod:eu/1', '--transitive-tag', 'Team', '--policy', POLICY]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(assumeCalls().map(sessionFields)).toEqual([
      {
        SourceIdentity: 'alice@example.com',
        'Tags.member.1.Key': 'Team',
        'Tags.member.1.Value': 'red',
        'Tags.member.2.Key': 'Env',
        'Tags.member.2.Value': 'prod:eu/1',
        'TransitiveTagKeys.member.1': 'Team',
        Policy: POLICY,
      },
    ]);
    expect(t.rig.sessions.get(JSON.parse(result.stdout).AccessKeyId)?.sourceIdentity).toBe('alice@example.com');
  });

  it('--policy @FILE sends the file (trimmed)', async () => {
    const path = await t.home.write('policy.json', `${POLICY}\n`);
    const result = await awsrole(['assume', '--profile', 'deploy', '--policy', `@${path}`]);
    expect(result.code).toBe(0);
    expect(sessionFields(assumeCalls()[0])).toEqual({ Policy: POLICY });
  });

  it('--role-arn: the flags go on the --role-arn hop, the profile hop sends its own keys', async () => {
    const result = await awsrole(['assume', '--profile', 'tagged', '--role-arn', roles.admin, '--tag', 'Project=x']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(assumeCalls().map(sessionFields)).toEqual([
      { SourceIdentity: 'alice-id', 'Tags.member.1.Key': 'Team', 'Tags.member.1.Value': 'blue', 'Tags.member.2.Key': 'Cost', 'Tags.member.2.Value': '42', 'TransitiveTagKeys.member.1': 'Team' },
      { 'Tags.member.1.Key': 'Project', 'Tags.member.1.Value': 'x' },
    ]);
  });

  it('exec, export and whoami take the flags too', async () => {
    for (const args of [['exec', '--profile', 'deploy', '--tag', 'K=v', '--', 'true'], ['export', '--profile', 'deploy', '--tag', 'K=v', '--refresh'], ['whoami', '--profile', 'deploy', '--tag', 'K=v', '--refresh']]) {
      t.rig.reset();
      const result = await awsrole(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(assumeCalls().map(sessionFields), args.join(' ')).toEqual([{ 'Tags.member.1.Key': 'K', 'Tags.member.1.Value': 'v' }]);
      if (args[0] === 'exec') expect(childEnv?.['AWS_ACCESS_KEY_ID']).toMatch(/^ASIA/);
    }
  });
});

describe('flags that no hop took', () => {
  it('are named in a warning when the chain assumed no role for the profile', async () => {
    const path = await t.home.write('policy.json', POLICY);
    const result = await awsrole(['export', '--profile', 'alice', '--format', 'json', '--tag', 'K=v', '--policy', `@${path}`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`awsrole: warning: --tag, --policy @${path} not sent: no role was assumed for profile alice\n`);
    expect(JSON.parse(result.stdout)).toMatchObject({ AccessKeyId: alice.accessKeyId });
    expect(t.rig.count()).toBe(0);
  });
});

describe('profile keys on every hop', () => {
  it('a chain sends each hop its own profile keys; no flags, no environment', async () => {
    const result = await awsrole(['assume', '--profile', 'admin']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(assumeCalls().map((call) => [call.params['RoleArn'], sessionFields(call)])).toEqual([
      [roles.deploy, { SourceIdentity: 'alice-id', 'Tags.member.1.Key': 'Team', 'Tags.member.1.Value': 'blue', 'Tags.member.2.Key': 'Cost', 'Tags.member.2.Value': '42', 'TransitiveTagKeys.member.1': 'Team' }],
      [roles.admin, { 'Tags.member.1.Key': 'Project', 'Tags.member.1.Value': 'apollo' }],
    ]);
    // What STS makes of it (the rig's model): the source identity and the transitive tag carry on.
    const last = t.rig.sessions.get(JSON.parse((await awsrole(['export', '--profile', 'admin', '--format', 'json'])).stdout).AccessKeyId);
    expect(last?.sourceIdentity).toBe('alice-id');
    expect(last?.sessionTags).toEqual([
      { key: 'Team', value: 'blue' },
      { key: 'Project', value: 'apollo' },
    ]);
  });
});

describe('policy is not a profile key', () => {
  it('a `policy =` line in a role profile is not sent (only --policy sends one)', async () => {
    await t.home.write('.aws/config', `${CONFIG}\n[profile with-policy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\npolicy = ${POLICY}\n`);
    const result = await awsrole(['assume', '--profile', 'with-policy']);
    expect(result.code).toBe(0);
    expect(assumeCalls().map(sessionFields)).toEqual([{}]);
  });
});

describe('--explain and --debug name what each hop sent (tag keys, never their values)', () => {
  it('whoami --explain lists the parameters per hop', async () => {
    const result = await awsrole(['whoami', '--profile', 'admin', '--explain', '--policy', POLICY]);
    expect(result.code).toBe(0);
    const hops = result.stdout.slice(result.stdout.indexOf('role hops:')).split('\n').slice(1, 3);
    expect(hops).toEqual([
      expect.stringMatching(/^ 1\. arn:aws:iam::111122223333:role\/deploy \(session awsrole-tester-\d+, source identity alice-id; tags Team, Cost; transitive Team\) from STS$/),
      expect.stringMatching(/^ 2\. arn:aws:iam::111122223333:role\/admin \(session awsrole-tester-\d+, tags Project; inline policy\) from STS$/),
    ]);
    expect(result.stdout).not.toContain('apollo');
  });
});

describe('precedence: flags, then the environment, then the profile (each parameter whole)', () => {
  it('the environment replaces the profile keys of the top hop only', async () => {
    const env = { AWS_SOURCE_IDENTITY: 'env-id', AWS_SESSION_TAGS: 'Team=green,Stage=dev', AWS_TRANSITIVE_TAGS: 'Stage' };
    const result = await awsrole(['assume', '--profile', 'tagged'], env);
    expect(result.code).toBe(0);
    expect(sessionFields(assumeCalls()[0])).toEqual({
      SourceIdentity: 'env-id',
      'Tags.member.1.Key': 'Team',
      'Tags.member.1.Value': 'green',
      'Tags.member.2.Key': 'Stage',
      'Tags.member.2.Value': 'dev',
      'TransitiveTagKeys.member.1': 'Stage',
    });
  });

  it('flags replace the environment; what no flag sets comes from the environment, then the profile', async () => {
    const env = { AWS_SESSION_TAGS: 'Team=green', AWS_TRANSITIVE_TAGS: 'Team' };
    const result = await awsrole(['assume', '--profile', 'tagged', '--tag', 'Team=red'], env);
    expect(result.code).toBe(0);
    expect(sessionFields(assumeCalls()[0])).toEqual({ SourceIdentity: 'alice-id', 'Tags.member.1.Key': 'Team', 'Tags.member.1.Value': 'red', 'TransitiveTagKeys.member.1': 'Team' });
  });

  it('empty environment variables count as unset (aws-vault)', async () => {
    const result = await awsrole(['assume', '--profile', 'deploy'], { AWS_SOURCE_IDENTITY: '', AWS_SESSION_TAGS: '', AWS_TRANSITIVE_TAGS: ' , ' });
    expect(result.code).toBe(0);
    expect(sessionFields(assumeCalls()[0])).toEqual({});
  });
});

describe('the role cache key', () => {
  const cacheFiles = async (): Promise<string[]> => (await readdir(t.home.path('.aws/cli/cache')).catch(() => [])).sort();

  it('without session parameters it is the AWS CLI key (shared with the CLI)', async () => {
    expect((await awsrole(['assume', '--profile', 'deploy'])).code).toBe(0);
    expect(await cacheFiles()).toEqual([`${cliCacheKey({ RoleArn: roles.deploy })}.json`]);
  });

  it('a session made with other parameters is never handed out; the same ones hit the cache', async () => {
    const runs = [
      ['--tag', 'Team=red'],
      ['--tag', 'Team=blue'],
      ['--tag', 'Team=blue', '--transitive-tag', 'Team'],
      ['--source-identity', 'alice-id'],
      ['--policy', POLICY],
      [],
    ];
    for (const extra of runs) expect((await awsrole(['assume', '--profile', 'deploy', ...extra])).code).toBe(0);
    expect(t.rig.count('AssumeRole')).toBe(runs.length);
    for (const extra of runs) expect((await awsrole(['assume', '--profile', 'deploy', ...extra])).code).toBe(0);
    expect(t.rig.count('AssumeRole')).toBe(runs.length);
    expect((await cacheFiles()).length).toBe(runs.length);
  });

  it("is botocore's key for the same AssumeRole arguments (policy parsed, keys sorted)", () => {
    // python3: AssumeRoleCredentialFetcher(..., extra_args={...})._create_cache_key() with botocore 1.43
    const args = {
      RoleArn: 'arn:aws:iam::123456789012:role/demo',
      SourceIdentity: 'alice-id',
      Tags: [
        { Key: 'Team', Value: 'blue' },
        { Key: 'Project', Value: 'x' },
      ],
      TransitiveTagKeys: ['Team'],
      Policy: JSON.parse('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'),
    };
    expect(cliCacheKey(args)).toBe('d15212f618e54a763a88c668f38e992a89a1f79e');
  });
});

describe("STS's chain rules, refused before any call", () => {
  const chainConfig = (extra: string): string => `${CONFIG}\n[profile top]\nrole_arn = ${roles.admin}\nsource_profile = tagged\n${extra}\n`;

  it.each([
    { name: 'a second source identity in a profile (exit 5)', config: 'source_identity = someone-else', args: [], code: 5, mentions: ['source_identity in profile top', 'the hop of profile top', 'the hop of profile tagged', '"alice-id"'] },
    { name: 'a second source identity from --source-identity (exit 2)', config: '', args: ['--source-identity', 'other'], code: 2, mentions: ['--source-identity', 'the hop of profile top', '"alice-id"'] },
    { name: 'a key made transitive earlier, sent again by a profile (exit 5)', config: 'session_tags = team=gold', args: [], code: 5, mentions: ['session_tags in profile top', '"team"', 'the hop of profile tagged'] },
    { name: 'a key made transitive earlier, sent again by --tag on --role-arn (exit 2)', config: '', args: ['--role-arn', roles.admin, '--tag', 'Team=x'], code: 2, mentions: ['--tag', 'the --role-arn hop', 'the hop of profile tagged'] },
  ])('$name', async ({ config, args, code, mentions }) => {
    await t.home.write('.aws/config', chainConfig(config));
    const profile = args.includes('--role-arn') ? 'tagged' : 'top';
    const result = await awsrole(['assume', '--profile', profile, ...args]);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    for (const mention of mentions) expect(result.stderr).toContain(mention);
    expect(t.rig.count()).toBe(0);
  });

  it('the same source identity again is fine', async () => {
    await t.home.write('.aws/config', chainConfig('source_identity = alice-id'));
    const result = await awsrole(['assume', '--profile', 'top']);
    expect(result.code).toBe(0);
    expect(assumeCalls().map((call) => call.params['SourceIdentity'])).toEqual(['alice-id', 'alice-id']);
  });
});

describe('an AccessDenied names what the call sent', () => {
  it('the source identity and the tag keys, as trust-policy conditions', async () => {
    const result = await awsrole(['assume', '--profile', 'bob', '--role-arn', roles.deploy, '--source-identity', 'bob-id', '--tag', 'Team=x', '--tag', 'Cost=1']);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('       - source identity (sts:SourceIdentity; the trust policy must allow sts:SetSourceIdentity): sent (bob-id)\n');
    expect(result.stderr).toContain('       - session tags (aws:RequestTag; the trust policy must allow sts:TagSession): sent (keys Team, Cost)\n');
  });
});

describe('the programmatic API', () => {
  it('resolveCredentials sends its sourceIdentity, tags, transitiveTagKeys and policy on the profile hop, over the profile keys', async () => {
    const result = await resolveCredentials({
      env: t.home.env,
      profile: 'tagged',
      sourceIdentity: 'api-id',
      tags: { Team: 'green', 'Key=With=Equals': 'a=b c' },
      transitiveTagKeys: ['Team'],
      policy: POLICY,
    });
    expect(result.source).toBe('assume-role');
    expect(assumeCalls().map(sessionFields)).toEqual([
      {
        SourceIdentity: 'api-id',
        'Tags.member.1.Key': 'Team',
        'Tags.member.1.Value': 'green',
        'Tags.member.2.Key': 'Key=With=Equals',
        'Tags.member.2.Value': 'a=b c',
        'TransitiveTagKeys.member.1': 'Team',
        Policy: POLICY,
      },
    ]);
  });

  it.each([
    [{ sourceIdentity: 'a b' }, 'the sourceIdentity option'],
    [{ tags: { 'bad!': 'x' } }, 'the tags option'],
    [{ tags: { Team: 'x' }, transitiveTagKeys: ['Other'] }, 'the transitiveTagKeys option'],
    [{ policy: 'x'.repeat(2049) }, 'the policy option'],
  ])('refuses %j before any call: a usage error (exit code 2) naming %s', async (options, name) => {
    const error = await resolveCredentials({ env: t.home.env, profile: 'deploy', ...options }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsroleError);
    expect((error as AwsroleError).exitCode).toBe(2);
    expect((error as AwsroleError).message).toContain(name);
    expect(t.rig.count()).toBe(0);
  });

  // A JavaScript caller is not held to the types: what the flags cannot be (not text) is refused
  // as a usage error too, not sent as something else, dropped (a Map) or thrown as a TypeError.
  it.each([
    [{ sourceIdentity: 12345 }, 'the sourceIdentity option: must be a string'],
    [{ tags: [['Team', 'red']] }, 'the tags option: must be an object of strings'],
    [{ tags: new Map([['Team', 'red']]) }, 'the tags option: must be an object of strings'],
    [{ tags: { Team: 7 } }, 'the tags option: must be an object of strings'],
    [{ tags: { Team: 'red' }, transitiveTagKeys: 'Team' }, 'the transitiveTagKeys option: must be an array of strings'],
    [{ policy: { Version: '2012-10-17', Statement: [] } }, 'the policy option: must be JSON text'],
    [{ policy: null }, 'the policy option: must be JSON text'],
  ])('refuses %j, not of the declared type, before any call: exit code 2 (%s)', async (options, message) => {
    const error = await resolveCredentials({ env: t.home.env, profile: 'deploy', ...(options as object) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsroleError);
    expect((error as AwsroleError).exitCode).toBe(2);
    expect((error as AwsroleError).message).toContain(message);
    expect(t.rig.count()).toBe(0);
  });

  it('takes tags from an object without a prototype', async () => {
    const tags = Object.assign(Object.create(null) as Record<string, string>, { Team: 'blue' });
    await resolveCredentials({ env: t.home.env, profile: 'tagged', tags, sourceIdentity: 'api-id' });
    expect(assumeCalls().map(sessionFields)[0]).toMatchObject({ 'Tags.member.1.Key': 'Team', 'Tags.member.1.Value': 'blue' });
  });
});
