import { CredentialError } from '../errors.js';

/** Parses an ISO-8601 expiry the way AWS tools write it (`Z`, `+00:00` or the CLI cache's `UTC`). */
export function parseExpiration(text: string, where: string): Date {
  const normalized = text.trim().replace(/UTC$/, 'Z');
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(normalized) ? Date.parse(normalized) : NaN;
  if (Number.isNaN(time)) {
    throw new CredentialError(`${where} is not an ISO 8601 time`, 'write it like 2030-01-02T03:04:05Z');
  }
  return new Date(time);
}

export function assertNotExpired(expiration: Date | undefined, now: Date, where: string): void {
  if (expiration !== undefined && expiration.getTime() <= now.getTime()) {
    throw new CredentialError(
      `the credentials from ${where} expired at ${expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
      'get fresh credentials (re-run the command that produced them) or remove the stale ones',
    );
  }
}
