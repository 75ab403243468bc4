/**
 * Issue 10, fidelity: the times botocore accepts for an Expiration (dateutil's parser), each
 * with what dateutil 2.x made of it (recorded with python3: the instant, 'no zone' for a naive
 * time that botocore then fails to compare, undefined where it raises ParserError).
 */
import { describe, expect, it } from 'vitest';
import { parseAwsTime, parseExpiration } from '../../src/domain/time.js';
import { CredentialError } from '../../src/errors.js';

const DATEUTIL: readonly (readonly [string, string | undefined])[] = [
  ["2099-01-02 03:04:05+00:00", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02T03:04:05Z", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02T03:04:05", "no zone"],
  ["2099-01-02T03:04:05.123456+00:00", "2099-01-02T03:04:05.123Z"],
  ["2099-01-02T03:04:05 UTC", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02T03:04:05UTC", "2099-01-02T03:04:05.000Z"],
  ["20990102T030405Z", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02T03:04Z", "2099-01-02T03:04:00.000Z"],
  ["2099-01-02T03:04:05+0100", "2099-01-02T02:04:05.000Z"],
  ["2099-01-02T03:04:05+01", "2099-01-02T02:04:05.000Z"],
  ["2099-01-02T03:04:05 GMT", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02t03:04:05z", "2099-01-02T03:04:05.000Z"],
  ["Sat, 02 Jan 2099 03:04:05 GMT", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02", "no zone"],
  ["2099-01-02T03:04:05-05:00", "2099-01-02T08:04:05.000Z"],
  [" 2099-01-02T03:04:05Z ", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02T03:04:05 +00:00", "2099-01-02T03:04:05.000Z"],
  ["2099-1-2T3:4:5Z", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02T03:04:05.5Z", "2099-01-02T03:04:05.500Z"],
  ["2099-01-02T24:00:00Z", undefined],
  ["2099-02-30T03:04:05Z", undefined],
  ["2099-01-02T03Z", "2099-01-02T03:00:00.000Z"],
  ["2099/01/02 03:04:05Z", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02T03:04:05+25:00", undefined],
  ["2099-01-02T03:04:05utc", undefined],
  ["tomorrow-ish", undefined],
  ["2030-01-01T00:00:00UTC", "2030-01-01T00:00:00.000Z"],
  ["2099-01-02T03:04:05 Z", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02 03:04:05 +0000", "2099-01-02T03:04:05.000Z"],
  ["2099-01-02T03:04:05,5Z", "2099-01-02T03:04:05.500Z"],
  // month names: RFC 2822 (date -R, email.utils), date -u
  ["Sat, 02 Jan 2099 03:04:05 +0000", "2099-01-02T03:04:05.000Z"],
  ["Sat, 02 Jan 2099 03:04:05 UTC", "2099-01-02T03:04:05.000Z"],
  ["02 Jan 2099 03:04:05 GMT", "2099-01-02T03:04:05.000Z"],
  ["Fri Jan  2 03:04:05 UTC 2099", "2099-01-02T03:04:05.000Z"],
  ["Sat, 02 Jan 2099 03:04:05 -0500", "2099-01-02T08:04:05.000Z"],
  ["Jan 2 2099 03:04:05 UTC", "2099-01-02T03:04:05.000Z"],
  ["Sat, 2 Jan 2099 03:04:05 GMT", "2099-01-02T03:04:05.000Z"],
  ["Saturday, 02 January 2099 03:04:05 +01:00", "2099-01-02T02:04:05.000Z"],
  ["Sat, 02 jan 2099 03:04:05 GMT", "2099-01-02T03:04:05.000Z"],
  ["Sat 02 Sept 2099 03:04:05 GMT", "2099-09-02T03:04:05.000Z"],
  ["Sat, 02 Jan 2099 03:04 GMT", "2099-01-02T03:04:00.000Z"],
  ["Sat, 02 Jan 2099 03:04:05", "no zone"],
  ["Fri Jan  2 03:04:05 2099", "no zone"],
  ["Sat, 31 Feb 2099 03:04:05 GMT", undefined],
  ["Sat, 02 Foo 2099 03:04:05 GMT", undefined],
  ["Fri Jan 2 03:04:05 +0100 2099", "2099-01-02T02:04:05.000Z"],
  ["Sat, 02 Jan 2099 03:04:05.25 GMT", "2099-01-02T03:04:05.250Z"],
];

describe('parseAwsTime reads what botocore reads', () => {
  it.each(DATEUTIL)('%j → %s', (text, want) => {
    const got = parseAwsTime(text);
    expect(got instanceof Date ? got.toISOString() : got).toBe(want);
  });

  it.each([
    [4070919845, 'Expiration from x is a number, not a time'],
    [null, 'Expiration from x is null, not a time'],
    [true, 'Expiration from x is a boolean, not a time'],
    ['2099-01-02T03:04:05', 'Expiration from x has no time zone'],
  ])('parseExpiration(%j) is an error, as in botocore', (value, message) => {
    let error: unknown;
    try {
      parseExpiration(value, 'Expiration from x');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as CredentialError).message).toBe(message);
  });
});
