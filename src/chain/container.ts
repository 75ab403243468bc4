/**
 * Link `container-role`: credentials from the ECS / EKS Pod Identity container endpoint,
 * as botocore's ContainerProvider gets them (spec §10).
 *
 * Not triggered (neither variable set) → ChainSkip. Once triggered, every failure is fatal:
 * IMDS is not tried. Bad settings (host, token with a line break, missing token file) are
 * ConfigErrors; an endpoint that cannot be reached is a NetworkError; an endpoint that
 * answers with something unusable is a CredentialError.
 */
import { isIPv4 } from 'node:net';
import type { Deps } from '../deps.js';
import { HttpFailure, type HttpResponse } from '../http.js';
import { ChainSkip, ConfigError, CredentialError, NetworkError } from '../errors.js';
import { defineLink } from './types.js';
import type { Credentials } from '../domain/credentials.js';
import type { Env } from '../domain/env.js';
import { parseExpiration } from '../domain/time.js';
import { serviceText } from '../domain/text.js';
import { documentCredentials, errorBodyValues, missingDocumentFields, requestWithAttempts, type CredentialDocument, type Judged } from './credential-endpoint.js';

export const CONTAINER_HOST = '169.254.170.2';
const RELATIVE_VAR = 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI';
const FULL_VAR = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
const TOKEN_VAR = 'AWS_CONTAINER_AUTHORIZATION_TOKEN';
const TOKEN_FILE_VAR = 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE';
/** botocore ContainerMetadataFetcher: TIMEOUT_SECONDS, RETRY_ATTEMPTS, SLEEP_TIME. */
export const CONTAINER_TIMEOUT_MS = 2000;
export const CONTAINER_ATTEMPTS = 3;
export const CONTAINER_RETRY_DELAY_MS = 1000;
/** Hosts allowed over plain http besides loopback addresses (botocore 1.43 _ALLOWED_HOSTS). */
const ALLOWED_HOSTS = new Set([CONTAINER_HOST, '169.254.170.23', 'fd00:ec2::23', 'localhost']);

export interface ContainerEndpoint {
  url: string;
  /** Which variable chose it. */
  from: typeof RELATIVE_VAR | typeof FULL_VAR;
}

export interface ContainerCredentials {
  credentials: Credentials;
  url: string;
  detail: string;
}

/**
 * The endpoint the variables name, or undefined when the link is not triggered. A variable
 * that is set counts even when empty (botocore tests `in os.environ`); RELATIVE wins.
 */
export function containerEndpoint(env: Env): ContainerEndpoint | undefined {
  const relative = env[RELATIVE_VAR];
  if (relative !== undefined) {
    if (relative !== '' && !relative.startsWith('/')) {
      throw new ConfigError(
        `${RELATIVE_VAR}=${JSON.stringify(relative)} must start with /`,
        `it is a path on http://${CONTAINER_HOST}, e.g. /v2/credentials/<id>`,
      );
    }
    return { url: `http://${CONTAINER_HOST}${relative}`, from: RELATIVE_VAR };
  }
  const full = env[FULL_VAR];
  if (full === undefined) return undefined;
  const problem = fullUriProblem(full);
  if (problem !== undefined) {
    throw new ConfigError(
      `${FULL_VAR}=${JSON.stringify(full)} is not allowed: ${problem}`,
      `use https, a loopback address, localhost, ${CONTAINER_HOST}, 169.254.170.23 or [fd00:ec2::23]`,
    );
  }
  return { url: full, from: FULL_VAR };
}

/** botocore _validate_allowed_url: https, a loopback IP, or one of the allowed hosts. */
function fullUriProblem(full: string): string | undefined {
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `the scheme ${url.protocol.replace(/:$/, '')} is not http or https`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (isLoopback(host) || ALLOWED_HOSTS.has(host)) return undefined;
  return `plain http to host ${host === '' ? '(none)' : host}`;
}

function isLoopback(host: string): boolean {
  if (isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

/** The Authorization value: the token file (re-read on every fetch) beats the variable. */
async function authorization(deps: Deps): Promise<string | undefined> {
  const file = deps.env[TOKEN_FILE_VAR];
  let token: string | undefined;
  let from: string;
  if (file !== undefined) {
    from = `the file ${file} (${TOKEN_FILE_VAR})`;
    try {
      token = await deps.fs.readText(file);
    } catch (error) {
      throw new ConfigError(
        `cannot read the container authorization token from ${from}: ${(error as Error).message}`,
        `fix the file's permissions or unset ${TOKEN_FILE_VAR}`,
      );
    }
    if (token === undefined) {
      throw new ConfigError(
        `the container authorization token file ${file} (${TOKEN_FILE_VAR}) does not exist`,
        `point ${TOKEN_FILE_VAR} at the token file or unset it`,
      );
    }
  } else {
    token = deps.env[TOKEN_VAR];
    from = TOKEN_VAR;
  }
  if (token !== undefined && /[\r\n]/.test(token)) {
    throw new ConfigError(
      `the container authorization token from ${from} contains a line break (CR or LF), which is not a legal header value`,
      'remove the line break (a trailing newline counts)',
    );
  }
  return token;
}

/** Why an attempt gave no credentials; `network` when no answer arrived. */
interface Failure {
  network: boolean;
  text: string;
}

function judge(response: HttpResponse): Judged<unknown, Failure> {
  if (response.status !== 200) return { failure: { network: false, text: `answered HTTP ${response.status}${errorSummary(response.body)}` } };
  try {
    return { value: JSON.parse(response.body) as unknown };
  } catch {
    return { failure: { network: false, text: 'answered with a body that is not JSON' } };
  }
}

function failureOf(failure: Failure | HttpFailure | undefined): Failure {
  if (failure === undefined) return { network: false, text: 'no attempt made' };
  if (!(failure instanceof HttpFailure)) return failure;
  return {
    network: true,
    text: failure.kind === 'timeout' ? `gave no answer within ${CONTAINER_TIMEOUT_MS} ms` : `could not be reached (${failure.message})`,
  };
}

/** `{"code": "...", "message": "..."}` error bodies, short and on one line; never raw text. */
function errorSummary(body: string): string {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return '';
  }
  const parts = (errorBodyValues(document, ['Code', 'code', 'Message', 'message']) ?? [])
    .filter((value): value is string => typeof value === 'string')
    .map((value) => serviceText(value));
  return parts.length === 0 ? '' : ` (${parts.join(': ')})`;
}

/** botocore parses whatever Expiration the endpoint sent: a number is an error, not "no expiry". */
function toCredentials(document: unknown, url: string): Credentials {
  const sent = (document as Record<string, unknown> | null)?.['Expiration'];
  if (sent !== undefined && typeof sent !== 'string') parseExpiration(sent, `the Expiration from the container credentials endpoint ${url}`);
  const missing = missingDocumentFields(document);
  if (missing.length > 0) {
    throw new CredentialError(
      `the container credentials endpoint ${url} answered without ${missing.join(', ')}`,
      'check the task role / pod identity association of this container',
    );
  }
  const record = document as CredentialDocument;
  const expiration = parseExpiration(record.Expiration, `the Expiration from the container credentials endpoint ${url}`);
  const credentials = documentCredentials(record, expiration);
  const accountId = record['AccountId'];
  if (typeof accountId === 'string' && accountId !== '') credentials.accountId = accountId;
  return credentials;
}

/**
 * Fetches the container credentials: 3 attempts, 2 s each, 1 s apart. Throws ChainSkip only
 * when neither variable is set; callers that need credentials (credential_source =
 * EcsContainer) turn that into an error.
 */
export async function fetchContainerCredentials(deps: Deps): Promise<ContainerCredentials> {
  const endpoint = containerEndpoint(deps.env);
  if (endpoint === undefined) throw new ChainSkip(`${RELATIVE_VAR} / _FULL_URI not set`);
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = await authorization(deps);
  if (token !== undefined) headers['Authorization'] = token;

  const request = { method: 'GET', url: endpoint.url, headers, timeoutMs: CONTAINER_TIMEOUT_MS, debug: deps.debug } as const;
  const answer = await requestWithAttempts(deps, request, { attempts: CONTAINER_ATTEMPTS, pauseMs: CONTAINER_RETRY_DELAY_MS }, judge);
  if ('value' in answer) {
    const credentials = toCredentials(answer.value, endpoint.url);
    return { credentials, url: endpoint.url, detail: `container credentials from ${endpoint.url} (${endpoint.from})` };
  }
  const last = failureOf(answer.failure);
  const message =
    `the container credentials endpoint ${endpoint.url} (${endpoint.from}) ${last.text} ` +
    `(${CONTAINER_ATTEMPTS} attempts, ${CONTAINER_RETRY_DELAY_MS / 1000} s apart)`;
  const hint = `the container credential variables are set, so awsrole does not fall back to IMDS; unset ${endpoint.from} outside a container`;
  throw last.network ? new NetworkError(message, hint) : new CredentialError(message, hint);
}

export const containerLink = defineLink({
  name: 'container-role',
  async resolve(context) {
    const found = await fetchContainerCredentials(context.deps);
    return { credentials: found.credentials, detail: found.detail };
  },
  describe: ({ deps }) =>
    deps.env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] !== undefined || deps.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] !== undefined
      ? 'container credentials (AWS_CONTAINER_CREDENTIALS_*)'
      : undefined,
});
