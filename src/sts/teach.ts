import type { AssumeRoleRequest } from '../chain/types.js';
import type { Credentials } from '../domain/credentials.js';
import { AwsroleError } from '../errors.js';
import type { StsCaller } from './client.js';
import { StsRefusedError } from './errors.js';
import { getCallerIdentity } from './operations.js';

async function callerArn(caller: StsCaller, source: Credentials): Promise<string> {
  try {
    // GetCallerIdentity needs no permission, so it works even for a caller that was just denied.
    return (await getCallerIdentity(caller, source)).Arn;
  } catch {
    return 'the caller (unknown: GetCallerIdentity failed too)';
  }
}

function isBadMfaCode(error: StsRefusedError): boolean {
  return /MultiFactorAuthentication|one time pass ?code|MFA/i.test(error.message);
}

/** Turns an AssumeRole refusal into a message that says which conditions must hold. */
export async function explainAssumeRoleFailure(error: unknown, caller: StsCaller, source: Credentials, request: AssumeRoleRequest): Promise<unknown> {
  if (!(error instanceof StsRefusedError) || error.code !== 'AccessDenied') return error;
  if (request.serialNumber !== undefined && isBadMfaCode(error)) {
    return new AwsroleError(
      `STS refused the MFA code for ${request.serialNumber} while assuming ${request.roleArn}`,
      4,
      'the code was wrong, expired or already used: wait for the next code on your device and run the command again',
    );
  }
  const who = await callerArn(caller, source);
  const conditions = [
    `1. the caller's IAM policies allow sts:AssumeRole on ${request.roleArn}`,
    `2. the role's trust policy names the caller (${who}) or its account as a principal` +
      (request.externalId !== undefined || request.serialNumber !== undefined ? ', and its conditions (external id, MFA) are met' : ''),
  ];
  return new AwsroleError(
    `STS denied AssumeRole on ${request.roleArn} for ${who}.\n  Both must hold:\n    ${conditions.join('\n    ')}`,
    4,
    `check both with your administrator; \`awsrole decode-message\` decodes an encoded authorization message if STS gave one`,
  );
}

/** ExpiredToken names the source whose session ran out, since that is what needs refreshing. */
export function explainExpiredSource(error: unknown, sourceDetail: string): unknown {
  if (!(error instanceof StsRefusedError) || (error.code !== 'ExpiredToken' && error.code !== 'ExpiredTokenException')) return error;
  return new StsRefusedError(
    error.code,
    error.operation,
    `STS refused ${error.operation}: the source credentials from ${sourceDetail} have expired`,
    'refresh that source (run `awsrole mfa` or `awsrole assume` again, or update the profile), then retry; --refresh skips cached sessions',
  );
}
