/**
 * Server-side SigV4 check for the STS rig: parse the Authorization header, then recompute the
 * signature with `@smithy/signature-v4` over exactly what was received.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ParsedAuthorization {
  accessKeyId: string;
  /** `YYYYMMDD` from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Result of parsing: the parts, or the reason (STS answers IncompleteSignature). */
export type AuthParse = { ok: true; auth: ParsedAuthorization } | { ok: false; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function parseAuthorization(header: string): AuthParse {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return { ok: false, message: `Unsupported AWS 'algorithm': '${algorithm}'` };
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const missing = [
    credential === undefined ? 'Credential' : undefined,
    signedHeaders === undefined ? 'SignedHeaders' : undefined,
    signature === undefined ? 'Signature' : undefined,
  ].filter((x): x is string => x !== undefined);
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    return {
      ok: false,
      message: `Authorization header requires ${missing.map((m) => `'${m}'`).join(', ')} parameter. Authorization=${trimmed}`,
    };
  }
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') {
    return {
      ok: false,
      message: `Credential should be scoped to a valid region, not '${scope[2] ?? ''}'. Credential=${credential}`,
    };
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = ''] = scope;
  return {
    ok: true,
    auth: {
      accessKeyId,
      scopeDate,
      region,
      service,
      signedHeaders: signedHeaders.split(';').filter((h) => h !== ''),
      signature,
    },
  };
}

/** `20300101T000000Z` → Date, or undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export interface ReceivedRequest {
  method: string;
  /** Decoded path, e.g. `/`. */
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string>;
  body: string;
}

export function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/**
 * True when `auth.signature` is what `secretAccessKey` produces over the received request.
 * The session token is not injected: it counts only when the client signed its header.
 */
export async function signatureMatches(
  request: ReceivedRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
  signingDate: Date,
): Promise<boolean> {
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return false;
    headers[name] = value;
  }
  // A signed payload hash header must describe the body we actually received.
  const declared = request.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== sha256Hex(request.body)) return false;

  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: request.headers['host'] ?? '127.0.0.1',
      path: request.path,
      query: request.query,
      headers,
      body: request.body === '' ? undefined : request.body,
    },
    { signingDate, signingRegion: auth.region, signingService: auth.service, signableHeaders: new Set(auth.signedHeaders) },
  );
  const authorization = signed.headers['authorization'] ?? '';
  const expected = /Signature=([0-9a-f]+)/.exec(authorization)?.[1] ?? '';
  const expectedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? '';
  if (expectedHeaders !== auth.signedHeaders.join(';')) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(auth.signature);
  return a.length === b.length && timingSafeEqual(a, b);
}
