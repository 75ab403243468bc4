/**
 * What IMDS (imds.ts) and the container endpoint (container.ts) share: a request made up to
 * N times, the JSON credential document both answer with, and the `{"Code", "Message"}` error
 * bodies they may send instead. Each link keeps its own messages and botocore's rules.
 */
import type { Deps } from '../deps.js';
import type { Credentials } from '../domain/credentials.js';
import { HttpFailure, type HttpRequest, type HttpResponse } from '../http.js';

/** The fields botocore requires of a credential document (AccountId is optional). */
export const DOCUMENT_FIELDS = ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'] as const;

/** A credential document whose required fields are all non-empty strings. */
export type CredentialDocument = Record<(typeof DOCUMENT_FIELDS)[number], string> & Record<string, unknown>;

function asRecord(document: unknown): Record<string, unknown> | undefined {
  return typeof document === 'object' && document !== null && !Array.isArray(document) ? (document as Record<string, unknown>) : undefined;
}

/** The required fields the document lacks or leaves empty (all of them when it is not an object). */
export function missingDocumentFields(document: unknown): string[] {
  const record = asRecord(document) ?? {};
  return DOCUMENT_FIELDS.filter((field) => typeof record[field] !== 'string' || record[field] === '');
}

/** The credentials of a document whose fields were checked, expiring at `expiration`. */
export function documentCredentials(document: CredentialDocument, expiration: Date): Credentials {
  return { accessKeyId: document.AccessKeyId, secretAccessKey: document.SecretAccessKey, sessionToken: document.Token, expiration };
}

/**
 * The values an error body holds under these keys, in that order (absent keys left out);
 * undefined when the body is not a JSON object.
 */
export function errorBodyValues(document: unknown, keys: readonly string[]): unknown[] | undefined {
  const record = asRecord(document);
  return record === undefined ? undefined : keys.map((key) => record[key]).filter((value) => value !== undefined);
}

/** One answer judged: the value wanted, or why it is not usable. */
export type Judged<T, F> = { value: T } | { failure: F };

export interface AttemptOptions {
  attempts: number;
  /** Waited (deps.sleep) before every attempt but the first. */
  pauseMs?: number | undefined;
}

/**
 * Sends the request up to `attempts` times until `judge` accepts an answer. A request that got
 * no answer (HttpFailure) counts as a failed attempt too; any other error is a bug and is
 * thrown. Without success, the last failure comes back (undefined when no attempt was made).
 */
export async function requestWithAttempts<T, F>(
  deps: Deps,
  request: HttpRequest,
  options: AttemptOptions,
  judge: (response: HttpResponse) => Judged<T, F>,
): Promise<Judged<T, F | HttpFailure | undefined>> {
  let last: F | HttpFailure | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    if (attempt > 1 && options.pauseMs !== undefined) await deps.sleep(options.pauseMs);
    let response: HttpResponse;
    try {
      response = await deps.http(request);
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      last = error;
      continue;
    }
    const judged = judge(response);
    if ('value' in judged) return judged;
    last = judged.failure;
  }
  return { failure: last };
}
