import { CredentialError } from '../errors.js';
import { isoSeconds } from '../domain/time.js';

export function assertNotExpired(expiration: Date | undefined, now: Date, where: string): void {
  if (expiration !== undefined && expiration.getTime() <= now.getTime()) {
    throw new CredentialError(
      `the credentials from ${where} expired at ${isoSeconds(expiration)}`,
      'get fresh credentials (re-run the command that produced them) or remove the stale ones',
    );
  }
}
