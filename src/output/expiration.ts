import { AwsroleError, ExitCode } from '../errors.js';
import { isoSeconds } from '../domain/time.js';

/** The expiry as output prints it (`2030-01-01T00:00:00Z`); an invalid date is a bug, said plainly. */
export function formatExpiration(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new AwsroleError('the credentials carry an invalid expiration date', ExitCode.internal);
  }
  return isoSeconds(date);
}
