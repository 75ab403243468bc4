import { CredentialError } from '../errors.js';

/**
 * The times botocore reads (dateutil's parser, as it reads every Expiration): a date (`-` or `/`
 * between its parts, or none), `T`, `t` or a space, a time with optional seconds and fraction
 * (`.` or `,`), then a zone: `Z`, `UTC`, `GMT` or an offset (`+01:00`, `+0100`, `+01`), spaces
 * allowed before it. Python's str(datetime) (`2099-01-02 03:04:05+00:00`) is one of them.
 */
const ZONE = String.raw`\s*(?<zone>Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$`;
const FRACTION = String.raw`(?:[.,](?<fraction>\d+))?`;
const AWS_TIMES = [
  new RegExp(String.raw`^(?<year>\d{4})([-/])(?<month>\d{1,2})\2(?<day>\d{1,2})(?:[Tt ](?<hour>\d{1,2})(?::(?<minute>\d{1,2})(?::(?<second>\d{1,2})${FRACTION})?)?)?${ZONE}`),
  new RegExp(String.raw`^(?<year>\d{4})(?<month>\d{2})(?<day>\d{2})[Tt](?<hour>\d{2})(?:(?<minute>\d{2})(?<second>\d{2})?${FRACTION})?${ZONE}`),
];
/**
 * Dates with a month name, which dateutil reads too: RFC 2822 and HTTP dates (`date -R`,
 * Python's email.utils: `Sat, 02 Jan 2099 03:04:05 +0000`, `... GMT`), `date -u`'s own
 * form (`Fri Jan  2 03:04:05 UTC 2099`) and `Jan 2 2099 03:04:05 UTC`. The weekday is ignored, as dateutil ignores it.
 */
const CLOCK = String.raw`(?<hour>\d{1,2}):(?<minute>\d{1,2})(?::(?<second>\d{1,2})${FRACTION})?`;
const NAMED_ZONE = String.raw`(?:\s*(?<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?`;
const NAMED_MONTH_TIMES = [
  new RegExp(String.raw`^(?:[A-Za-z]{3,9},?\s+)?(?<day>\d{1,2})\s+(?<monthName>[A-Za-z]{3,9})\s+(?<year>\d{4})\s+${CLOCK}${NAMED_ZONE}$`),
  new RegExp(String.raw`^(?:[A-Za-z]{3,9},?\s+)?(?<monthName>[A-Za-z]{3,9})\s+(?<day>\d{1,2})\s+${CLOCK}${NAMED_ZONE}\s+(?<year>\d{4})$`),
  new RegExp(String.raw`^(?:[A-Za-z]{3,9},?\s+)?(?<monthName>[A-Za-z]{3,9})\s+(?<day>\d{1,2}),?\s+(?<year>\d{4})\s+${CLOCK}${NAMED_ZONE}$`),
];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A month name as dateutil reads it (any case, `Jan`, `Sept` or `January`) as its number, or undefined. */
function monthNumber(name: string): string | undefined {
  const lower = name.toLowerCase();
  const index = MONTH_NAMES.findIndex((full) => lower === full || lower === full.slice(0, 3) || (full === 'september' && lower === 'sept'));
  return index < 0 ? undefined : String(index + 1);
}

/** The named groups of the first form the text has, the month as a number. */
function timeFields(text: string): Record<string, string | undefined> | undefined {
  const numeric = AWS_TIMES.map((pattern) => pattern.exec(text)?.groups).find((found) => found !== undefined);
  if (numeric !== undefined) return numeric;
  const named = NAMED_MONTH_TIMES.map((pattern) => pattern.exec(text)?.groups).find((found) => found !== undefined);
  const month = named?.['monthName'] === undefined ? undefined : monthNumber(named['monthName']);
  return named === undefined || month === undefined ? undefined : { ...named, month };
}

/** A time as botocore reads it: the instant, `'no zone'` (botocore then fails comparing it with an aware now), or undefined. */
export type ParsedTime = Date | 'no zone' | undefined;

function offsetMinutes(zone: string): number | undefined {
  if (/^(Z|z|UTC|GMT)$/.test(zone)) return 0;
  const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone) ?? [];
  const total = Number(hours) * 60 + Number(minutes ?? 0);
  if (Number(hours) > 23 || Number(minutes ?? 0) > 59) return undefined;
  return sign === '-' ? -total : total;
}

export function parseAwsTime(text: string): ParsedTime {
  const trimmed = text.trim();
  const groups = timeFields(trimmed);
  if (groups === undefined) return undefined;
  const { year, month, day, hour, minute = '0', second = '0', fraction = '0', zone } = groups;
  // A date alone is midnight without a zone; dateutil refuses a zone after a date alone.
  if (hour === undefined && zone !== undefined) return undefined;
  const fields = [Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute), Number(second)] as const;
  const ms = Number(`0.${fraction}`) * 1000;
  const local = Date.UTC(...fields, Math.floor(ms));
  const check = new Date(local);
  const valid = check.getUTCMonth() === fields[1] && check.getUTCDate() === fields[2] && fields[3] < 24 && fields[4] < 60 && fields[5] < 60;
  if (!valid) return undefined;
  if (zone === undefined) return 'no zone';
  const offset = offsetMinutes(zone);
  return offset === undefined ? undefined : new Date(local - offset * 60_000);
}


/**
 * ISO 8601 in UTC with whole seconds: `2030-01-01T00:00:00Z` as STS, IMDS and the AWS CLI print
 * it, or with `UTC` for the zone as the AWS CLI writes its cache (`2030-01-01T00:00:00UTC`).
 */
export function isoSeconds(date: Date, zone: 'Z' | 'UTC' = 'Z'): string {
  // toISOString always ends in `.sssZ`; cutting it costs no regex compile at each start (~0.2 ms).
  const iso = date.toISOString();
  return `${iso.slice(0, -5)}${zone}`;
}

/**
 * A time with a zone as botocore reads one (parseAwsTime), `2030-01-01T00:00:00UTC` of the AWS
 * CLI's cache included. Undefined for anything else (Date.parse alone would take "Tuesday").
 */
export function parseIsoTime(text: string): Date | undefined {
  const time = parseAwsTime(text);
  return time instanceof Date ? time : undefined;
}

/** Python's name for a JSON value's type, as botocore's TypeError would say it. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * An expiry that must be a time with a zone, as botocore requires of every Expiration: a value
 * that is not a string, has no zone, or is not a time is an error naming where it came from.
 */
export function parseExpiration(value: unknown, where: string): Date {
  if (typeof value !== 'string') {
    throw new CredentialError(`${where} is ${jsonType(value)}, not a time`, 'write it as a string, like "2030-01-02T03:04:05Z"');
  }
  const time = parseAwsTime(value);
  if (time === 'no zone') {
    throw new CredentialError(`${where} has no time zone`, 'add one, like 2030-01-02T03:04:05Z or 2030-01-02T03:04:05+00:00');
  }
  if (time === undefined) throw new CredentialError(`${where} is not an ISO 8601 time`, 'write it like 2030-01-02T03:04:05Z');
  return time;
}
