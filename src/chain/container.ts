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
import { HttpFailure, type Deps, type HttpResponse } from '../deps.js';
import { ChainSkip, ConfigError, CredentialError, NetworkError } from '../errors.js';
import { defineLink, type Credentials } from './types.js';
import { parseIsoTime } from './expiration.js';

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
const REQUIRED_FIELDS = ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'] as const;

type Env = Readonly<Record<string, string | undefined>>;

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

interface Failure {
  network: boolean;
  text: string;
}

function check(response: HttpResponse): { document: unknown } | Failure {
  if (response.status !== 200) return { network: false, text: `answered HTTP ${response.status}${errorSummary(response.body)}` };
  try {
    return { document: JSON.parse(response.body) as unknown };
  } catch {
    return { network: false, text: 'answered with a body that is not JSON' };
  }
}

/** `{"code": "...", "message": "..."}` error bodies, short and on one line; never raw text. */
function errorSummary(body: string): string {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return '';
  }
  if (typeof document !== 'object' || document === null) return '';
  const record = document as Record<string, unknown>;
  const parts = ['Code', 'code', 'Message', 'message']
    .map((key) => record[key])
    .filter((value): value is string => typeof value === 'string')
    .map((value) => value.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 200));
  return parts.length === 0 ? '' : ` (${parts.join(': ')})`;
}


function toCredentials(document: unknown, url: string): Credentials {
  const record =
    typeof document === 'object' && document !== null && !Array.isArray(document)
      ? (document as Record<string, unknown>)
      : {};
  const missing = REQUIRED_FIELDS.filter((field) => typeof record[field] !== 'string' || record[field] === '');
  if (missing.length > 0) {
    throw new CredentialError(
      `the container credentials endpoint ${url} answered without ${missing.join(', ')}`,
      'check the task role / pod identity association of this container',
    );
  }
  const expiration = parseIsoTime(record['Expiration'] as string);
  if (expiration === undefined) {
    throw new CredentialError(`the container credentials endpoint ${url} sent an Expiration that is not an ISO 8601 time`);
  }
  const credentials: Credentials = {
    accessKeyId: record['AccessKeyId'] as string,
    secretAccessKey: record['SecretAccessKey'] as string,
    sessionToken: record['Token'] as string,
    expiration,
  };
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

  let last: Failure = { network: false, text: 'no attempt made' };
  for (let attempt = 1; attempt <= CONTAINER_ATTEMPTS; attempt += 1) {
    if (attempt > 1) await deps.sleep(CONTAINER_RETRY_DELAY_MS);
    let response: HttpResponse;
    try {
      response = await deps.http({ method: 'GET', url: endpoint.url, headers, timeoutMs: CONTAINER_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      last = {
        network: true,
        text: error.kind === 'timeout' ? `gave no answer within ${CONTAINER_TIMEOUT_MS} ms` : `could not be reached (${error.message})`,
      };
      continue;
    }
    const outcome = check(response);
    if ('document' in outcome) {
      const credentials = toCredentials(outcome.document, endpoint.url);
      return { credentials, url: endpoint.url, detail: `container credentials from ${endpoint.url} (${endpoint.from})` };
    }
    last = outcome;
  }
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
