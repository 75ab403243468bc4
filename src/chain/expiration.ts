import { CredentialError } from '../errors.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO-8601 time as AWS tools write it: `Z`, an offset, or the AWS CLI cache's `UTC`.
 * Undefined for anything else (Date.parse alone would take "Tuesday").
 */
export function parseIsoTime(text: string): Date | undefined {
  const normalized = text.trim().replace(/UTC$/, 'Z');
  const time = ISO_TIME.test(normalized) ? Date.parse(normalized) : NaN;
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** An expiry that must be a time: anything else is an error naming where it came from. */
export function parseExpiration(text: string, where: string): Date {
  const time = parseIsoTime(text);
  if (time === undefined) throw new CredentialError(`${where} is not an ISO 8601 time`, 'write it like 2030-01-02T03:04:05Z');
  return time;
}

export function assertNotExpired(expiration: Date | undefined, now: Date, where: string): void {
  if (expiration !== undefined && expiration.getTime() <= now.getTime()) {
    throw new CredentialError(
      `the credentials from ${where} expired at ${expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
      'get fresh credentials (re-run the command that produced them) or remove the stale ones',
    );
  }
}
