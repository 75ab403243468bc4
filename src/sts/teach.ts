import type { AssumeRoleRequest } from '../chain/types.js';
import type { Credentials } from '../domain/credentials.js';
import { RefusedError } from '../errors.js';
import type { StsCaller } from './client.js';
import { StsRefusedError } from './errors.js';
import { getCallerIdentity } from './operations.js';
import { serviceText } from '../domain/text.js';

/** The caller's ARN, or undefined when GetCallerIdentity fails too. */
async function callerArn(caller: StsCaller, source: Credentials): Promise<string | undefined> {
  try {
    // GetCallerIdentity needs no permission, so it works even for a caller that was just denied.
    return serviceText((await getCallerIdentity(caller, source)).Arn, 200);
  } catch {
    return undefined;
  }
}

function isBadMfaCode(error: StsRefusedError): boolean {
  return /MultiFactorAuthentication|one time pass ?code|MFA/i.test(error.message);
}

/**
 * What a trust policy's conditions can ask of an AssumeRole call, and whether this call
 * carried it: the unmet ones are the usual reason a trusted caller is still refused.
 */
function trustConditions(request: AssumeRoleRequest): string[] {
  const sent = (what: string | undefined, missing: string): string => (what === undefined ? `not sent: ${missing}` : `sent (${what})`);
  return [
    `MFA (aws:MultiFactorAuthPresent): ${sent(request.serialNumber === undefined ? undefined : `device ${request.serialNumber}`, 'add mfa_serial to the profile or pass --serial-number')}`,
    `external id (sts:ExternalId): ${sent(request.externalId === undefined ? undefined : 'an external id', 'add external_id to the profile or pass --external-id')}`,
    `source identity (sts:SourceIdentity; the trust policy must allow sts:SetSourceIdentity): ${sent(request.sourceIdentity, 'add source_identity to the profile or pass --source-identity')}`,
    `session tags (aws:RequestTag; the trust policy must allow sts:TagSession): ${sent(request.tags?.length ? `keys ${request.tags.map((tag) => tag.key).join(', ')}` : undefined, 'add session_tags to the profile or pass --tag')}`,
  ];
}

/** "DurationSeconds exceeds the MaxSessionDuration": the role's own limit, and the two ways past it. */
function explainDurationRefusal(error: StsRefusedError, request: AssumeRoleRequest): StsRefusedError {
  const roleName = request.roleArn.split('/').at(-1) ?? request.roleArn;
  const asked = request.durationSeconds === undefined ? '' : ` (${request.durationSeconds} s were asked)`;
  return new StsRefusedError(
    error.code,
    error.operation,
    `${error.message}${asked}`,
    `the role's MaxSessionDuration (1 h unless raised, at most 12 h) caps every session of it: ask for less with --duration (e.g. --duration 1h) or duration_seconds, ` +
      `or have the role's maximum raised: aws iam update-role --role-name ${roleName} --max-session-duration 43200`,
  );
}

/** Turns an AssumeRole refusal into a message that says which conditions must hold, and which this call did not meet. */
export async function explainAssumeRoleFailure(error: unknown, caller: StsCaller, source: Credentials, request: AssumeRoleRequest): Promise<unknown> {
  if (error instanceof StsRefusedError && error.code === 'ValidationError' && /MaxSessionDuration/.test(error.message)) return explainDurationRefusal(error, request);
  if (!(error instanceof StsRefusedError) || error.code !== 'AccessDenied') return error;
  if (request.serialNumber !== undefined && isBadMfaCode(error)) {
    return new RefusedError(
      `STS refused the MFA code for ${request.serialNumber} while assuming ${request.roleArn}`,
      'the code was wrong, expired or already used: wait for the next code on your device and run the command again',
    );
  }
  const arn = await callerArn(caller, source);
  const who = arn ?? 'the caller (unknown: GetCallerIdentity failed too)';
  const conditions = [
    `1. the caller's IAM policies allow sts:AssumeRole on ${request.roleArn}`,
    `2. the role's trust policy names the caller${arn === undefined ? '' : ` (${arn})`} or its account as a principal`,
    `3. the trust policy's conditions hold; of what they can require, this call:`,
    ...trustConditions(request).map((line) => `   - ${line}`),
  ];
  return new RefusedError(
    `STS denied AssumeRole on ${request.roleArn} for ${who}.\n  All must hold:\n    ${conditions.join('\n    ')}`,
    'check them with your administrator (the trust policy and the caller\'s policies); `awsrole decode-message` decodes an encoded authorization message if STS gave one',
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
