import type { Credentials } from '../domain/credentials.js';
import { jsonSafe } from '../domain/text.js';
import { formatExpiration } from './expiration.js';

/** Every JSON awsrole prints: pretty, a trailing newline, and no raw control character (C1 included) in it. */
export function renderJson(value: unknown): string {
  return `${jsonSafe(JSON.stringify(value, null, 2))}\n`;
}

/** `--format json`: STS's names, absent fields left out, pretty, with a trailing newline. */
export function renderCredentialsJson(credentials: Credentials, region?: string): string {
  const out: Record<string, string> = {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
  };
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== '') {
    out['SessionToken'] = credentials.sessionToken;
  }
  if (credentials.expiration !== undefined) out['Expiration'] = formatExpiration(credentials.expiration);
  if (region !== undefined && region !== '') out['Region'] = region;
  return renderJson(out);
}

/**
 * `--format process`: what a `credential_process` must print (version 1). Expiration absent
 * means the SDKs treat the credentials as never expiring. AccountId is included when known.
 */
export function renderProcess(credentials: Credentials): string {
  const out: Record<string, string | number> = {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
  };
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== '') {
    out['SessionToken'] = credentials.sessionToken;
  }
  if (credentials.expiration !== undefined) out['Expiration'] = formatExpiration(credentials.expiration);
  if (credentials.accountId !== undefined && credentials.accountId !== '') out['AccountId'] = credentials.accountId;
  return renderJson(out);
}
