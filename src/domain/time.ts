import { CredentialError } from '../errors.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * ISO 8601 in UTC with whole seconds: `2030-01-01T00:00:00Z` as STS, IMDS and the AWS CLI print
 * it, or with `UTC` for the zone as the AWS CLI writes its cache (`2030-01-01T00:00:00UTC`).
 */
export function isoSeconds(date: Date, zone: 'Z' | 'UTC' = 'Z'): string {
  return date.toISOString().replace(/\.\d{3}Z$/, zone);
}

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
