import type { AssumeRoleRequest, WebIdentityRequest } from '../chain/types.js';
import type { Credentials } from '../domain/credentials.js';
import { AwsroleError, ExitCode } from '../errors.js';
import type { StsCaller } from './client.js';

interface WireCredentials {
  AccessKeyId?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
  Expiration?: Date;
}

export interface AssumedRole {
  credentials: Credentials;
  assumedRoleArn: string | undefined;
  assumedRoleId: string | undefined;
}

function credentialsFromWire(wire: WireCredentials | undefined, accountId: string | undefined): Credentials {
  if (!wire?.AccessKeyId || !wire.SecretAccessKey) {
    throw new AwsroleError('STS answered without credentials', ExitCode.internal, 'this is unexpected: retry, and report it if it persists');
  }
  return {
    accessKeyId: wire.AccessKeyId,
    secretAccessKey: wire.SecretAccessKey,
    sessionToken: wire.SessionToken,
    expiration: wire.Expiration,
    accountId,
  };
}

export function accountOfArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

export async function assumeRole(caller: StsCaller, source: Credentials, request: AssumeRoleRequest, tokenCode?: string): Promise<AssumedRole> {
  const output = await caller.send<{ Credentials?: WireCredentials; AssumedRoleUser?: { Arn?: string; AssumedRoleId?: string } }>(
    'AssumeRole',
    source,
    (sdk) =>
      new sdk.AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.roleSessionName,
        ...(request.externalId !== undefined ? { ExternalId: request.externalId } : {}),
        ...(request.durationSeconds !== undefined ? { DurationSeconds: request.durationSeconds } : {}),
        ...(request.serialNumber !== undefined ? { SerialNumber: request.serialNumber } : {}),
        ...(tokenCode !== undefined ? { TokenCode: tokenCode } : {}),
        ...(request.policyArns?.length ? { PolicyArns: request.policyArns.map((arn) => ({ arn })) } : {}),
        ...(request.sourceIdentity !== undefined ? { SourceIdentity: request.sourceIdentity } : {}),
        ...(request.tags?.length ? { Tags: request.tags.map(({ key, value }) => ({ Key: key, Value: value })) } : {}),
        ...(request.transitiveTagKeys?.length ? { TransitiveTagKeys: request.transitiveTagKeys } : {}),
        ...(request.policy !== undefined ? { Policy: request.policy } : {}),
      }),
  );
  const arn = output.AssumedRoleUser?.Arn;
  return {
    credentials: credentialsFromWire(output.Credentials, accountOfArn(arn)),
    assumedRoleArn: arn,
    assumedRoleId: output.AssumedRoleUser?.AssumedRoleId,
  };
}

/** AssumeRoleWithWebIdentity: unsigned, the token is the only proof (as botocore: UNSIGNED). */
export async function assumeRoleWithWebIdentity(caller: StsCaller, request: WebIdentityRequest): Promise<AssumedRole & { subject: string | undefined }> {
  const output = await caller.send<{ Credentials?: WireCredentials; AssumedRoleUser?: { Arn?: string; AssumedRoleId?: string }; SubjectFromWebIdentityToken?: string }>(
    'AssumeRoleWithWebIdentity',
    undefined,
    (sdk) =>
      new sdk.AssumeRoleWithWebIdentityCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.roleSessionName,
        WebIdentityToken: request.webIdentityToken,
        ...(request.durationSeconds !== undefined ? { DurationSeconds: request.durationSeconds } : {}),
      }),
  );
  const arn = output.AssumedRoleUser?.Arn;
  return {
    credentials: credentialsFromWire(output.Credentials, accountOfArn(arn)),
    assumedRoleArn: arn,
    assumedRoleId: output.AssumedRoleUser?.AssumedRoleId,
    subject: output.SubjectFromWebIdentityToken,
  };
}

export interface SessionTokenRequest {
  durationSeconds?: number | undefined;
  serialNumber?: string | undefined;
  tokenCode?: string | undefined;
}

export async function getSessionToken(caller: StsCaller, source: Credentials, request: SessionTokenRequest): Promise<Credentials> {
  const output = await caller.send<{ Credentials?: WireCredentials }>('GetSessionToken', source, (sdk) =>
    new sdk.GetSessionTokenCommand({
      ...(request.durationSeconds !== undefined ? { DurationSeconds: request.durationSeconds } : {}),
      ...(request.serialNumber !== undefined ? { SerialNumber: request.serialNumber } : {}),
      ...(request.tokenCode !== undefined ? { TokenCode: request.tokenCode } : {}),
    }),
  );
  return credentialsFromWire(output.Credentials, source.accountId);
}

export interface FederationTokenRequest {
  name: string;
  /** An inline session policy (JSON): without one, the federated user has no permissions at all. */
  policy: string;
  durationSeconds: number;
}

/** GetFederationToken: a federated-user session of the calling IAM user (long-term keys only). */
export async function getFederationToken(caller: StsCaller, source: Credentials, request: FederationTokenRequest): Promise<Credentials> {
  const output = await caller.send<{ Credentials?: WireCredentials; FederatedUser?: { Arn?: string } }>('GetFederationToken', source, (sdk) =>
    new sdk.GetFederationTokenCommand({ Name: request.name, Policy: request.policy, DurationSeconds: request.durationSeconds }),
  );
  return credentialsFromWire(output.Credentials, accountOfArn(output.FederatedUser?.Arn));
}

export interface CallerIdentity {
  Account: string;
  Arn: string;
  UserId: string;
}

export async function getCallerIdentity(caller: StsCaller, credentials: Credentials): Promise<CallerIdentity> {
  const output = await caller.send<Partial<CallerIdentity>>('GetCallerIdentity', credentials, (sdk) => new sdk.GetCallerIdentityCommand({}));
  return { Account: output.Account ?? '', Arn: output.Arn ?? '', UserId: output.UserId ?? '' };
}

export async function decodeAuthorizationMessage(caller: StsCaller, credentials: Credentials, message: string): Promise<string> {
  const output = await caller.send<{ DecodedMessage?: string }>('DecodeAuthorizationMessage', credentials, (sdk) =>
    new sdk.DecodeAuthorizationMessageCommand({ EncodedMessage: message }),
  );
  return output.DecodedMessage ?? '';
}
