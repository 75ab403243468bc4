import { AwsroleError, ExitCode } from '../errors.js';

/** ISO 8601 in UTC with a `Z` and whole seconds: `2030-01-01T00:00:00Z`, as STS and the AWS CLI print it. */
export function formatExpiration(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new AwsroleError('the credentials carry an invalid expiration date', ExitCode.internal);
  }
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
