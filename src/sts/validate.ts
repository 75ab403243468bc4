import { shown } from '../domain/text.js';

/**
 * STS's input constraints (spec §11), checked before any call. Each check returns a
 * problem description, or undefined when the value is fine; callers decide whether the
 * value came from a flag (exit 2) or a file (exit 5).
 */

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];
const NAME_CHARS = /^[\w+=,.@-]*$/;

function lengthProblem(what: string, value: string, min: number, max: number): string | undefined {
  if (value.length < min || value.length > max) return `${what} must be ${min}–${max} characters (got ${value.length})`;
  return undefined;
}


const ROLE_ARN_SHAPE = 'a role ARN looks like arn:aws:iam::123456789012:role/NAME';

export function roleArnProblem(arn: string): string | undefined {
  // The upper bound first, so a huge value costs nothing more; the lower one after the shape,
  // which says more about "deploy" than "must be 20–2048 characters" would.
  if (arn.length > 2048) return lengthProblem('a role ARN', arn, 20, 2048);
  const [prefix, partition = '', service = '', region = '', account = '', ...rest] = arn.split(':');
  if (prefix !== 'arn' || rest.length === 0) return `${ROLE_ARN_SHAPE} (got ${shown(arn)})`;
  const resource = rest.join(':');
  if (!PARTITIONS.includes(partition)) return `${shown(partition)} is not an AWS partition (${PARTITIONS.join(', ')})`;
  if (service !== 'iam') return `a role ARN's service is iam, not ${shown(service)}`;
  if (region !== '') return 'a role ARN has no region (arn:aws:iam::ACCOUNT:role/NAME)';
  if (!/^\d{12}$/.test(account)) return `a role ARN's account is 12 digits (got ${shown(account)})`;
  if (!resource.startsWith('role/')) return `a role ARN's resource is role/NAME (got ${shown(resource.split('/')[0] ?? '')})`;
  const name = resource.slice(resource.lastIndexOf('/') + 1);
  const path = resource.slice('role'.length, resource.lastIndexOf('/') + 1);
  if (!/^[\w+=,.@-]{1,64}$/.test(name)) return 'a role name is 1–64 characters of letters, digits and +=,.@_-';
  if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) return 'a role path is / or /segments/ of printable ASCII';
  return lengthProblem('a role ARN', arn, 20, 2048);
}

export function sessionNameProblem(name: string): string | undefined {
  return lengthProblem('a role session name', name, 2, 64) ?? (NAME_CHARS.test(name) ? undefined : 'a role session name may use only letters, digits and +=,.@_-');
}

export function externalIdProblem(id: string): string | undefined {
  return lengthProblem('an external id', id, 2, 1224) ?? (/^[\w+=,.@:/-]*$/.test(id) ? undefined : 'an external id may use only letters, digits and +=,.@:/_-');
}

export function serialNumberProblem(serial: string): string | undefined {
  const tooLong = lengthProblem('an MFA serial', serial, 9, 256);
  if (tooLong) return tooLong;
  if (!/^[\w+=/:,.@-]*$/.test(serial)) return 'an MFA serial may use only letters, digits and +=/:,.@_-';
  if (serial.startsWith('arn:')) {
    return /^arn:[\w-]+:iam::\d{12}:(mfa|u2f)\/[\w+=/,.@-]+$/.test(serial) ? undefined : 'an MFA device ARN looks like arn:aws:iam::123456789012:mfa/NAME';
  }
  // Hardware tokens are identified by their serial (e.g. GAHT12345678).
  return /^[A-Z0-9]{9,}$/.test(serial) ? undefined : 'an MFA serial is a device ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or a hardware token serial';
}

export function tokenCodeProblem(code: string): string | undefined {
  return /^\d{6}$/.test(code) ? undefined : 'an MFA code is exactly 6 digits';
}

export const ASSUME_ROLE_DURATION = { min: 900, max: 43200, chainedMax: 3600 } as const;
export const SESSION_TOKEN_DURATION = { min: 900, max: 129600, default: 43200 } as const;

export function durationProblem(seconds: number, range: { min: number; max: number }): string | undefined {
  if (!Number.isInteger(seconds)) return 'a duration is a whole number of seconds';
  if (seconds < range.min || seconds > range.max) return `a duration must be ${range.min}–${range.max} seconds (got ${seconds})`;
  return undefined;
}

/** `3600`, `3600s`, `90m`, `1h`, `1h30m` → seconds; undefined when it is none of these. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (match === null || text === '') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}
