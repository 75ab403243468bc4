import { AwsroleError, ExitCode, NetworkError, RefusedError } from '../errors.js';
import type { StsSettings } from './settings.js';
import { oneLine, plural } from '../domain/text.js';

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

/** Names the SDK gives an error answer that carried no STS error code (an HTML page, a bare 404). */
const NO_WIRE_CODE = new Set(['Unknown', 'UnknownError', 'NotFound']);

const HINTS: Record<string, string> = {
  ExpiredToken: 'the source credentials have expired: refresh them (re-run `awsrole mfa` or `awsrole assume`, or update the profile) and try again',
  InvalidClientTokenId: 'the access key id is not known to STS: check the key (deleted or deactivated?) and the region/partition',
  SignatureDoesNotMatch: 'the secret access key does not belong to this key id, or the clock is off by more than 5 minutes',
  RegionDisabledException: 'STS is not active in this region: activate it in IAM account settings or pass --region with an active region',
  Throttling: 'STS is throttling: wait a moment and retry; AWSROLE_STS_MAX_ATTEMPTS sets the number of attempts',
  ServerError: 'STS (or something in front of it) is failing: retry later, or try another region with --region; AWSROLE_STS_MAX_ATTEMPTS sets the number of attempts',
  UntrustedCertificate: 'behind a TLS-inspecting proxy or with a private CA, point AWS_CA_BUNDLE (or the profile\'s ca_bundle) at its CA certificate (a PEM file) and retry (NODE_EXTRA_CA_CERTS works too, at a start-up cost on every command); else check --endpoint-url / AWS_ENDPOINT_URL_STS',
  NotSts: 'something other than STS answered: check --endpoint-url / AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL / the profile\'s endpoint_url, and any proxy or captive portal on the way',
};

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $fault?: string;
  $response?: unknown;
  /** Set by src/http.ts on a TimeoutError. */
  phase?: 'connect' | 'answer';
  timeoutMs?: number;
}

/** Node's codes for a TLS certificate it will not trust (OpenSSL's verify errors, and a name mismatch). */
function isCertificateFailure(error: SdkError): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(error.code ?? '');
}

function certificateHint(code: string): string | undefined {
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return "check this machine's clock and date; if they are right, the endpoint serves a certificate outside its validity";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'the certificate is for another host name: check --endpoint-url / AWS_ENDPOINT_URL_STS';
  return HINTS['UntrustedCertificate'];
}

function wireCode(error: SdkError): string {
  return error.name ?? error.code ?? 'Error';
}

export function isNetworkFailure(error: SdkError): boolean {
  const code = error.code ?? error.name ?? '';
  return NETWORK_CODES.has(code) || code === 'TimeoutError' || code === 'RequestTimeout' || /timed? ?out|socket hang up/i.test(error.message ?? '');
}

/**
 * The SDK could not read the answer as STS XML (its message then says "Deserialization error"
 * and it carries no `$fault`), or the answer was an error without an STS error code.
 */
function isNotStsAnswer(error: SdkError, code: string): boolean {
  if (error.$metadata?.httpStatusCode === undefined) return false;
  const unreadable = error.$fault === undefined && ('$response' in error || /Deserialization error|XML parse error/i.test(error.message ?? ''));
  return unreadable || (NO_WIRE_CODE.has(code) && !REFUSED.has(code));
}

function attemptsOf(error: SdkError, call: CallContext): number {
  const attempts = error.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : call.settings.maxAttempts;
}

/** An answer that arrived but is not what STS sends (used by the client for empty results too). */
export function notStsAnswerError(call: CallContext, what: string): NetworkError {
  return new NetworkError(
    `${call.operation} at ${call.settings.endpoint} (${call.settings.endpointFrom}) got an answer that is not from STS: ${what}`,
    HINTS['NotSts'],
  );
}

/** src/http.ts says which deadline passed: connecting, or the whole answer (AWSROLE_STS_TIMEOUT). */
function timeoutText(error: SdkError, call: CallContext): string {
  if (error.phase === 'connect' && error.timeoutMs !== undefined) return `could not connect within ${error.timeoutMs / 1000} s`;
  return `no answer within ${call.settings.timeoutMs / 1000} s`;
}

/** Maps an SDK error to an exit code and a message that says what to do. */
export function mapStsError(raw: unknown, call: CallContext): AwsroleError {
  if (raw instanceof AwsroleError) return raw;
  const error = (raw ?? {}) as SdkError;
  const code = wireCode(error);
  const where = `${call.operation} at ${call.settings.endpoint} (${call.settings.endpointFrom})`;
  const status = error.$metadata?.httpStatusCode;
  const tries = plural(attemptsOf(error, call), 'attempt');
  if (isCertificateFailure(error) && status === undefined) {
    return new NetworkError(`${where} failed: the endpoint's TLS certificate is not trusted (${error.code}: ${oneLine(error.message ?? '')})`, certificateHint(error.code ?? ''));
  }
  if (isNetworkFailure(error) && status === undefined) {
    const what = code === 'TimeoutError' ? timeoutText(error, call) : oneLine(error.message ?? code);
    return new NetworkError(`${where} failed after ${tries}: ${what}`, 'check the network and the endpoint; AWSROLE_STS_TIMEOUT sets the timeout per attempt in seconds');
  }
  if (REFUSED.has(code)) {
    // STS's own message, whole: an AccessDenied may carry an encoded message for decode-message.
    const message = error.message ?? '';
    const hint = code === 'ValidationError' && /chaining/i.test(message) ? CHAINING_HINT : HINTS[code];
    return new StsRefusedError(code, call.operation, `STS refused ${call.operation} (${code}) for key ${call.caller}: ${message}`.trim(), hint);
  }
  if (code === 'Throttling' || code === 'ThrottlingException') {
    return new NetworkError(`${where} failed after ${tries}: STS is throttling (${code}, HTTP ${status ?? '?'})`, HINTS['Throttling']);
  }
  if (status !== undefined && status >= 500) {
    const what = NO_WIRE_CODE.has(code) ? `HTTP ${status} without an STS error` : `${code} (HTTP ${status})`;
    return new NetworkError(`${where} failed after ${tries}: ${what}`, HINTS['ServerError']);
  }
  if (isNotStsAnswer(error, code)) {
    // Not retried by the SDK, and not a refusal: whatever answered is not STS (a proxy, a portal, a wrong URL).
    return notStsAnswerError(call, `HTTP ${status ?? '?'} ${NO_WIRE_CODE.has(code) ? 'without an STS error code' : `with a body that is not STS's XML (${oneLine(error.message ?? 'unreadable')})`}`);
  }
  return new AwsroleError(`${where} failed: ${code}: ${oneLine(error.message ?? 'unknown error')}`, status !== undefined && status < 500 ? ExitCode.refused : ExitCode.internal);
}
