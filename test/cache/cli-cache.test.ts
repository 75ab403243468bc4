import { describe, expect, it } from 'vitest';
import { cliCacheKey, credentialsFromCacheText } from '../../src/cache/cli-cache.js';
import { mfaCacheKey } from '../../src/cache/mfa-cache.js';
import { pyJsonDumps } from '../../src/cache/py-json.js';

const ROLE = 'arn:aws:iam::123456789012:role/demo';

describe("the AWS CLI's role-session cache key (spec §7 test vectors)", () => {
  it.each([
    [{ RoleArn: ROLE }, '5f52c9c583acfd120a607977e4f21fe86b7fa42d'],
    [{ RoleArn: ROLE, RoleSessionName: 'alice' }, '285e1c799d70dfec357767cc78c19246e5f667e0'],
    [{ RoleArn: ROLE, DurationSeconds: 3600, ExternalId: 'ext-1', SerialNumber: 'arn:aws:iam::123456789012:mfa/alice' }, '1894b18c49f911b1b784316871f39f54ff6fc9dd'],
  ])('%j → %s', (args, key) => {
    expect(cliCacheKey(args)).toBe(key);
  });

  it("serialises like Python's json.dumps(sort_keys=True)", () => {
    expect(pyJsonDumps({ b: 'é\u007f😀', a: [1, 2.5], c: undefined })).toBe('{"a": [1, 2.5], "b": "\\u00e9\\u007f\\ud83d\\ude00"}');
  });
});

describe('reading a cached session', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const entry = (expiration: string): string => JSON.stringify({ Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 's', SessionToken: 't', Expiration: expiration } });

  it.each(['2030-01-01T00:16:00UTC', '2030-01-01T00:16:00Z', '2030-01-01T00:16:00+00:00'])('accepts the expiry written as %s', (expiration) => {
    expect(credentialsFromCacheText(entry(expiration), now)?.expiration).toEqual(new Date('2030-01-01T00:16:00Z'));
  });

  it('reuses a session only while 15 minutes or more are left', () => {
    expect(credentialsFromCacheText(entry('2030-01-01T00:14:59Z'), now)).toBeUndefined();
    expect(credentialsFromCacheText(entry('2030-01-01T00:15:00Z'), now)).toBeDefined();
  });

  it('ignores junk', () => {
    expect(credentialsFromCacheText('not json', now)).toBeUndefined();
    expect(credentialsFromCacheText('{"Credentials": {"AccessKeyId": 1}}', now)).toBeUndefined();
  });
});

describe('the MFA session cache key', () => {
  it('differs by source key and by device, so a session serves only the pair that made it', () => {
    const serial = 'arn:aws:iam::123456789012:mfa/alice';
    const keys = [mfaCacheKey(serial, 'AKIDALICE'), mfaCacheKey(serial, 'AKIDBOB'), mfaCacheKey(`${serial}2`, 'AKIDALICE')];
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toMatch(/^mfa-[0-9a-f]{40}$/);
  });
});
