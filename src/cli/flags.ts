import { shown } from '../domain/text.js';
import { UsageError } from '../errors.js';
import {
  ASSUME_ROLE_DURATION,
  durationProblem,
  externalIdProblem,
  parseDuration,
  roleArnProblem,
  serialNumberProblem,
  sessionNameProblem,
  tokenCodeProblem,
} from '../sts/validate.js';

/** Runs one STS constraint on a flag value; a problem is a usage error (exit 2) naming the flag. */
export function checkFlag(flag: string, value: string | undefined, problem: (value: string) => string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const message = problem(value);
  if (message) throw new UsageError(`${flag}: ${message}`);
  return value;
}

export function durationFlag(value: string | undefined, range: { min: number; max: number } = ASSUME_ROLE_DURATION): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseDuration(value.trim());
  if (seconds === undefined) throw new UsageError(`--duration: ${shown(value)} is not a duration`, 'write seconds (3600) or 1h, 90m, 1h30m');
  const problem = durationProblem(seconds, range);
  if (problem) throw new UsageError(`--duration: ${problem}`);
  return seconds;
}

const POLICY_ARN = /^arn:[\w-]+:iam::(\d{12}|aws):policy\/[\x21-\x7e]{1,2000}$/;

export function policyArnsFlag(values: string[] | undefined): string[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 10) throw new UsageError('--policy-arn: STS takes at most 10 managed session policies');
  for (const arn of values) {
    if (!POLICY_ARN.test(arn)) throw new UsageError(`--policy-arn: ${shown(arn)} is not a managed policy ARN`, 'write it like arn:aws:iam::aws:policy/ReadOnlyAccess');
  }
  return values;
}

export const roleArnFlag = (value: string | undefined): string | undefined => checkFlag('--role-arn', value, roleArnProblem);
export const sessionNameFlag = (value: string | undefined): string | undefined => checkFlag('--role-session-name', value, sessionNameProblem);
export const externalIdFlag = (value: string | undefined): string | undefined => checkFlag('--external-id', value, externalIdProblem);
export const serialFlag = (flag: string, value: string | undefined): string | undefined => checkFlag(flag, value, serialNumberProblem);
export const tokenCodeFlag = (flag: string, value: string | undefined): string | undefined => checkFlag(flag, value, tokenCodeProblem);
