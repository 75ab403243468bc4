/**
 * The STS rig's model of STS's chain rules for session parameters, through a real SDK client:
 * what awsrole's own checks refuse before any call is what this model refuses on the wire.
 */
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE, MESSAGES, startStsServer, type StsRig } from '../rigs/sts-server.js';

let rig: StsRig;
beforeAll(async () => {
  rig = await startStsServer();
});
afterAll(async () => {
  await rig.close();
});
beforeEach(() => rig.reset());

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const alice: Keys = { accessKeyId: FIXTURE.alice.accessKeyId, secretAccessKey: FIXTURE.alice.secretAccessKey };

async function assume(credentials: Keys, input: Omit<AssumeRoleCommandInput, 'RoleSessionName'>): Promise<Keys> {
  const client = new STSClient({ endpoint: rig.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const out = await client.send(new AssumeRoleCommand({ RoleSessionName: 'chain', ...input }));
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

const firstHop = (): Promise<Keys> =>
  assume(alice, {
    RoleArn: FIXTURE.roles.deploy,
    SourceIdentity: 'alice-id',
    Tags: [
      { Key: 'Team', Value: 'blue' },
      { Key: 'Cost', Value: '42' },
    ],
    TransitiveTagKeys: ['Team'],
  });

describe("the rig's chain rules for session parameters", () => {
  it('a second hop inherits the source identity and the transitive tags (not the others)', async () => {
    const second = await assume(await firstHop(), { RoleArn: FIXTURE.roles.admin, Tags: [{ Key: 'Project', Value: 'x' }] });
    const session = rig.sessions.get(second.accessKeyId);
    expect(session?.sourceIdentity).toBe('alice-id');
    expect(session?.sessionTags).toEqual([
      { key: 'Team', value: 'blue' },
      { key: 'Project', value: 'x' },
    ]);
    expect(session?.transitiveTagKeys).toEqual(['Team']);
  });

  it('the same source identity again is accepted; another is refused', async () => {
    const first = await firstHop();
    await expect(assume(first, { RoleArn: FIXTURE.roles.admin, SourceIdentity: 'alice-id' })).resolves.toBeDefined();
    await expect(assume(first, { RoleArn: FIXTURE.roles.admin, SourceIdentity: 'someone' })).rejects.toThrow(MESSAGES.sourceIdentityChanged);
  });

  it('a tag whose key an earlier hop made transitive is refused (case-insensitively)', async () => {
    const first = await firstHop();
    await expect(assume(first, { RoleArn: FIXTURE.roles.admin, Tags: [{ Key: 'team', Value: 'red' }] })).rejects.toThrow(MESSAGES.transitiveTagOverride);
    await expect(assume(first, { RoleArn: FIXTURE.roles.admin, Tags: [{ Key: 'Cost', Value: '7' }] })).resolves.toBeDefined();
  });
});
