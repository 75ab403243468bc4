import type { AssumeRoleRequest, Credentials } from '../chain/types.js';
import { defaultSessionName } from '../chain/session-name.js';
import { explainExpiredSource } from '../sts/teach.js';
import { checkChainedDuration, type HopOverrides } from './hops.js';
import type { Session } from './index.js';

export interface RoleArnHop extends HopOverrides {
  roleArn: string;
}

/** `--role-arn`: one more AssumeRole hop on top of whatever the session's chain supplies. */
export async function assumeRoleOnTop(session: Session, hop: RoleArnHop): Promise<Credentials> {
  const source = await session.resolveCredentials();
  checkChainedDuration({ chained: source.fromRole, roleArn: hop.roleArn }, hop.durationSeconds);
  const request: AssumeRoleRequest = {
    roleArn: hop.roleArn,
    roleSessionName: hop.roleSessionName ?? defaultSessionName(session.deps),
    sessionNameGenerated: hop.roleSessionName === undefined,
    externalId: hop.externalId,
    serialNumber: hop.serialNumber,
    durationSeconds: hop.durationSeconds,
    policyArns: hop.policyArns,
    chained: source.fromRole,
  };
  const sourceDetail = source.trace.find((entry) => entry.outcome === 'found')?.detail ?? source.source;
  try {
    return await session.services.assumeRole(source.credentials, request);
  } catch (error) {
    throw explainExpiredSource(error, `${source.source}: ${sourceDetail}`);
  }
}
