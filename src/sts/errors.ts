import { AwsroleError, ExitCode, NetworkError, RefusedError } from '../errors.js';
import type { StsSettings } from './settings.js';

/** What we know about a failed call, for messages. */
export interface CallContext {
  operation: string;
  settings: StsSettings;
  /** Masked key id of the caller. */
  caller: string;
}

const REFUSED = new Set([
  'AccessDenied', 'AccessDeniedException', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId',
  'SignatureDoesNotMatch', 'ValidationError', 'MalformedPolicyDocument', 'MalformedPolicyDocumentException',
  'PackedPolicyTooLarge', 'PackedPolicyTooLargeException', 'RegionDisabledException', 'InvalidAuthorizationMessageException',
  'IDPRejectedClaim', 'InvalidIdentityToken', 'UnrecognizedClientException', 'IncompleteSignature', 'OptInRequired',
]);

/** STS said no; `code` is the wire error code (AccessDenied, ExpiredToken, ...). */
export class StsRefusedError extends RefusedError {
  constructor(
    readonly code: string,
    readonly operation: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

const CHAINING_HINT =
  'AWS limits role chaining (assuming a role with credentials that themselves came from AssumeRole) to 1 hour: pass --duration 3600 or less (or set duration_seconds = 3600), or assume this role directly from long-term or MFA-session credentials';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

const HINTS: Record<string, string> = {
  ExpiredToken: 'the source credentials have expired: refresh them (re-run `awsrole mfa` or `awsrole assume`, or update the profile) and try again',
  InvalidClientTokenId: 'the access key id is not known to STS: check the key (deleted or deactivated?) and the region/partition',
  SignatureDoesNotMatch: 'the secret access key does not belong to this key id, or the clock is off by more than 5 minutes',
  RegionDisabledException: 'STS is not active in this region: activate it in IAM account settings or pass --region with an active region',
  Throttling: 'STS is throttling: wait a moment and retry',
};

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

function wireCode(error: SdkError): string {
  return error.name ?? error.code ?? 'Error';
}

export function isNetworkFailure(error: SdkError): boolean {
  const code = error.code ?? error.name ?? '';
  return NETWORK_CODES.has(code) || code === 'TimeoutError' || code === 'RequestTimeout' || /timed? ?out|socket hang up/i.test(error.message ?? '');
}

/** Maps an SDK error to an exit code and a message that says what to do. */
export function mapStsError(raw: unknown, call: CallContext): AwsroleError {
  if (raw instanceof AwsroleError) return raw;
  const error = (raw ?? {}) as SdkError;
  const code = wireCode(error);
  const where = `${call.operation} at ${call.settings.endpoint} (${call.settings.endpointFrom})`;
  if (isNetworkFailure(error) && error.$metadata?.httpStatusCode === undefined) {
    return new NetworkError(
      `${where} failed: ${code === 'TimeoutError' ? `no answer within ${call.settings.timeoutMs / 1000} s` : (error.message ?? code)}`,
      'check the network and the endpoint; AWSROLE_STS_TIMEOUT sets the timeout in seconds',
    );
  }
  const status = error.$metadata?.httpStatusCode;
  if (REFUSED.has(code)) {
    const message = error.message ?? '';
    const hint = code === 'ValidationError' && /chaining/i.test(message) ? CHAINING_HINT : HINTS[code];
    return new StsRefusedError(code, call.operation, `STS refused ${call.operation} (${code}) for key ${call.caller}: ${message}`.trim(), hint);
  }
  if (code === 'Throttling' || code === 'ThrottlingException' || (status !== undefined && status >= 500)) {
    return new NetworkError(
      `${where} failed after ${call.settings.maxAttempts} attempts: ${code}${status ? ` (HTTP ${status})` : ''}`,
      HINTS['Throttling'] ?? 'retry later; AWSROLE_STS_MAX_ATTEMPTS sets the number of attempts',
    );
  }
  return new AwsroleError(`${where} failed: ${code}: ${error.message ?? 'unknown error'}`, status !== undefined && status < 500 ? ExitCode.refused : ExitCode.internal);
}
