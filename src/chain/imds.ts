/**
 * Link `iam-role`: credentials of the EC2 instance profile from the instance metadata
 * service, exactly as botocore's InstanceMetadataFetcher gets them (spec §9).
 *
 * Every outcome that botocore treats as "nothing here" throws ChainSkip with a reason that
 * says what happened; an invalid setting is a ConfigError, and a missing token with IMDSv1
 * disabled is a CredentialError. Requests go through deps.http with the environment's
 * HTTP_PROXY/NO_PROXY, as botocore's fetcher (get_environ_proxies) sends them: set NO_PROXY to
 * the endpoint's address when a proxy is set (docs/networks.md).
 */
import type { Deps } from '../deps.js';
import { HttpFailure, type HttpResponse } from '../http.js';
import { ChainSkip, CredentialError } from '../errors.js';
import { checkReachable, imdsSettingsFromContext, type ImdsSettings } from './imds-settings.js';
import { defineLink } from './types.js';
import type { Credentials } from '../domain/credentials.js';
import { isoSeconds, parseExpiration } from '../domain/time.js';
import { plural, serviceText } from '../domain/text.js';
import { documentCredentials, errorBodyValues, missingDocumentFields, requestWithAttempts, type CredentialDocument } from './credential-endpoint.js';

export { imdsSettingsFromContext, resolveImdsSettings, type ImdsSettings } from './imds-settings.js';

const TOKEN_PATH = 'latest/api/token';
const ROLES_PATH = 'latest/meta-data/iam/security-credentials/';
const TOKEN_TTL_SECONDS = '21600';
const USER_AGENT = 'awsrole';
const OFF_EC2_HINT = 'set AWS_EC2_METADATA_DISABLED=true off EC2';
/** botocore: ec2_credential_refresh_window (the 15 min advisory window) + 2–10 min jitter. */
const REFRESH_WINDOW_SECONDS = 15 * 60;
const JITTER_MIN_SECONDS = 120;
const JITTER_MAX_SECONDS = 600;
/**
 * After the token PUT got no answer, each IMDSv1 request waits at most this long. The timeout
 * exists for an IMDS that is not there; the v1 fallback exists for the one that is but whose PUT
 * answer is dropped (a container behind HttpPutResponseHopLimit 1), and that IMDS answers a GET
 * in milliseconds. So a silent endpoint costs the timeout + 0.1 s, not botocore's 2 × timeout.
 * Only with the default timeout: one the user set applies to every request, as in botocore.
 */
const V1_AFTER_SILENT_TOKEN_MS = 100;

export interface InstanceCredentials {
  credentials: Credentials;
  roleName: string;
  baseUrl: string;
  /** 2 when a session token was used, 1 for the IMDSv1 fallback. */
  imdsVersion: 1 | 2;
  /** Set when static stability pushed the expiry out (the original is in `reportedExpiration`). */
  extended: boolean;
  reportedExpiration: Date;
  /** For the trace: role, endpoint, version, extension. Never a secret. */
  detail: string;
}

/** The URL botocore's _construct_url builds: base + `/` (unless present) + path. */
export function imdsUrl(baseUrl: string, path: string): string {
  return baseUrl.endsWith('/') ? `${baseUrl}${path}` : `${baseUrl}/${path}`;
}

/** Why one request did not give a usable answer. */
type Failure =
  | { kind: 'timeout'; message: string }
  | { kind: 'connect'; message: string }
  | { kind: 'status'; status: number }
  | { kind: 'empty' }
  | { kind: 'not-json' };

function failureOf(error: unknown): Extract<Failure, { kind: 'timeout' | 'connect' }> {
  if (error instanceof HttpFailure) return { kind: error.kind, message: error.message };
  throw error;
}

/** The last attempt's failure as the give-up message reads it. */
function lastFailureOf(failure: Failure | HttpFailure | undefined): Failure | undefined {
  return failure instanceof HttpFailure ? failureOf(failure) : failure;
}

interface TokenResult {
  token: string | undefined;
  /** Why there is no token, for the trace. */
  why: string;
  /** The PUT got no answer within the timeout. */
  silent?: true;
}

/** Step 1: PUT the token request. Only 400 ends the link; everything else falls back to v1. */
async function fetchToken(deps: Deps, settings: ImdsSettings): Promise<TokenResult> {
  const url = imdsUrl(settings.baseUrl, TOKEN_PATH);
  let why = 'no attempt made';
  for (let attempt = 1; attempt <= settings.attempts; attempt += 1) {
    let response: HttpResponse;
    try {
      response = await deps.http({
        method: 'PUT',
        url,
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS, 'User-Agent': USER_AGENT },
        timeoutMs: settings.timeoutMs,
        proxyEnv: deps.env, debug: deps.debug,
      });
    } catch (error) {
      const failure = failureOf(error);
      if (failure.kind === 'timeout') {
        // botocore: a read timeout means "no token" at once, without retrying.
        return { token: undefined, why: `token PUT got no answer within ${settings.timeoutMs} ms`, silent: true };
      }
      why = failure.message.includes('ECONNREFUSED') ? 'token PUT was refused' : `token PUT could not connect (${failure.message})`;
      continue;
    }
    if (response.status === 200) {
      // An empty token is no token (botocore would send an empty header and then fail).
      if (response.body !== '') return { token: response.body, why: '' };
      return { token: undefined, why: 'token PUT answered 200 with an empty body' };
    }
    if (response.status === 403 || response.status === 404 || response.status === 405) {
      return { token: undefined, why: `token PUT answered HTTP ${response.status}` };
    }
    if (response.status === 400) {
      throw new ChainSkip(
        `IMDS at ${settings.baseUrl} refused the token request (PUT /${TOKEN_PATH} answered HTTP 400)`,
      );
    }
    // Other statuses (401, 500, ...) are retried like connection errors, then "no token".
    why = `token PUT answered HTTP ${response.status}`;
  }
  return { token: undefined, why: settings.attempts > 1 ? `${why} after ${settings.attempts} attempts` : why };
}

type Check = (response: HttpResponse) => Failure | undefined;

const nonEmpty200: Check = (response) => {
  if (response.status !== 200) return { kind: 'status', status: response.status };
  if (response.body === '') return { kind: 'empty' };
  return undefined;
};

const json200: Check = (response) => {
  const failure = nonEmpty200(response);
  if (failure !== undefined) return failure;
  try {
    JSON.parse(response.body);
    return undefined;
  } catch {
    return { kind: 'not-json' };
  }
};

/** Steps 2 and 3: a GET retried up to the attempt count; the last failure becomes the reason. */
async function getWithRetries(
  deps: Deps,
  settings: ImdsSettings,
  path: string,
  token: string | undefined,
  check: Check,
  context: string,
): Promise<string> {
  const url = imdsUrl(settings.baseUrl, path);
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
  if (token !== undefined) headers['x-aws-ec2-metadata-token'] = token;
  const answer = await requestWithAttempts(deps, { method: 'GET', url, headers, timeoutMs: settings.timeoutMs, proxyEnv: deps.env, debug: deps.debug }, { attempts: settings.attempts }, (response) => {
    const failure = check(response);
    return failure === undefined ? { value: response.body } : { failure };
  });
  if ('value' in answer) return answer.value;
  throw new ChainSkip(describeGiveUp(settings, path, lastFailureOf(answer.failure), context));
}

function describeGiveUp(settings: ImdsSettings, path: string, last: Failure | undefined, context: string): string {
  const tries = plural(settings.attempts, 'attempt');
  const base = settings.baseUrl;
  const note = context === '' ? '' : `; ${context}`;
  if (last === undefined) {
    return `no request made to IMDS at ${base}: the attempt count is ${settings.attempts} (${settings.attemptsFrom})`;
  }
  switch (last.kind) {
    case 'timeout':
      return `no answer from ${base} within ${settings.timeoutMs} ms (${tries}${note}); ${OFF_EC2_HINT}`;
    case 'connect':
      return `could not connect to ${base}: ${last.message} (${tries}${note}); ${OFF_EC2_HINT}`;
    case 'status':
      if (path === ROLES_PATH && last.status === 404) {
        return `no IAM role attached: IMDS at ${base} answered HTTP 404 to GET /${path} (${tries}${note})`;
      }
      return `IMDS at ${base} answered HTTP ${last.status} to GET /${path} (${tries}${note})`;
    case 'empty':
      if (path === ROLES_PATH) {
        return `no IAM role attached: IMDS at ${base} answered GET /${path} with an empty role list (${tries}${note})`;
      }
      return `IMDS at ${base} answered GET /${path} with an empty body (${tries}${note})`;
    case 'not-json':
      return `IMDS at ${base} answered GET /${path} with a body that is not JSON (${tries}${note})`;
  }
}

/** The first line of the role list, trimmed. */
function firstRole(body: string): string {
  return (body.trim().split(/\r?\n/)[0] ?? '').trim();
}

const roleListCheck: Check = (response) => {
  const failure = nonEmpty200(response);
  if (failure !== undefined) return failure;
  return firstRole(response.body) === '' ? { kind: 'empty' } : undefined;
};

/** Error bodies (`{"Code": "...", "Message": "..."}`) are shown, short and on one line. */
function printable(value: unknown): string {
  return serviceText(typeof value === 'string' ? value : JSON.stringify(value) ?? '');
}

function describeErrorBody(document: unknown): string {
  const values = errorBodyValues(document, ['Code', 'Message']);
  return values === undefined ? 'the answer is not an object' : values.map(printable).join(': ');
}

/**
 * Static stability (botocore _evaluate_expiration): when the credentials expire within the
 * refresh window plus 2–10 min of jitter, pretend they expire at now + that interval, so a
 * caller keeps working while IMDS serves stale credentials.
 */
export function staticStabilityExpiry(expiration: Date, now: Date, random: () => number): Date | undefined {
  const span = JITTER_MAX_SECONDS - JITTER_MIN_SECONDS + 1;
  const jitter = JITTER_MIN_SECONDS + Math.min(span - 1, Math.floor(random() * span));
  const offsetMs = (REFRESH_WINDOW_SECONDS + jitter) * 1000;
  if (now.getTime() < expiration.getTime() - offsetMs) return undefined;
  // botocore formats the new time with whole seconds.
  return new Date(Math.floor((now.getTime() + offsetMs) / 1000) * 1000);
}

/** The form botocore's static stability parses (strptime "%Y-%m-%dT%H:%M:%SZ" takes 1-digit fields too). */
const STATIC_STABILITY_FORMAT = /^\d{4}-\d{1,2}-\d{1,2}T\d{1,2}:\d{1,2}:\d{1,2}Z$/;

/**
 * Fetches the instance profile's credentials once (a new token every time). Throws ChainSkip
 * for every "not found" outcome of spec §9; callers that need credentials (credential_source
 * = Ec2InstanceMetadata) turn that into a CredentialError with the skip's reason.
 */
export async function fetchInstanceCredentials(deps: Deps, settings: ImdsSettings): Promise<InstanceCredentials> {
  if (settings.disabledBy !== undefined) {
    throw new ChainSkip(`IMDS disabled by AWS_EC2_METADATA_DISABLED=${settings.disabledBy}`);
  }
  checkReachable(settings);
  const { token, why, silent } = await fetchToken(deps, settings);
  if (token === undefined && settings.v1Disabled) {
    throw new CredentialError(
      `no IMDSv2 token from ${settings.baseUrl} (${why}) and IMDSv1 is disabled by ${settings.v1DisabledFrom}`,
      'check the instance metadata options (HttpTokens, HttpPutResponseHopLimit) or unset AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled',
    );
  }
  const context = token === undefined ? `IMDSv1, no token: ${why}` : '';
  // A timeout the user set is theirs to keep (an IMDS they know to be slow).
  const shortLeash = silent === true && settings.timeoutFrom === 'default';
  const getSettings = shortLeash ? { ...settings, timeoutMs: Math.min(settings.timeoutMs, V1_AFTER_SILENT_TOKEN_MS) } : settings;
  const roleName = firstRole(await getWithRetries(deps, getSettings, ROLES_PATH, token, roleListCheck, context));
  const body = await getWithRetries(deps, getSettings, ROLES_PATH + roleName, token, json200, context);
  const document: unknown = JSON.parse(body);

  // botocore checks that the fields are there, then parses Expiration whatever it is: a number is an error, not a miss.
  const sent = (document as Record<string, unknown> | null)?.['Expiration'];
  if (sent !== undefined && typeof sent !== 'string') parseExpiration(sent, `the Expiration IMDS at ${settings.baseUrl} sent for role ${roleName}`);
  const missing = missingDocumentFields(document);
  if (missing.length > 0) {
    const error = describeErrorBody(document);
    throw new ChainSkip(
      `IMDS at ${settings.baseUrl} gave no credentials for role ${roleName}` +
        (error === '' ? '' : ` (${error})`) +
        `: missing ${missing.join(', ')}`,
    );
  }
  const record = document as CredentialDocument;
  const expirationText = record.Expiration;
  const reportedExpiration = parseExpiration(expirationText, `the Expiration IMDS at ${settings.baseUrl} sent for role ${roleName} (${printable(expirationText)})`);
  // botocore extends only an expiry in IMDS's own format (strptime "%Y-%m-%dT%H:%M:%SZ"); any
  // other form is used as sent (and the chain refuses it when it has passed).
  const extendedTo = STATIC_STABILITY_FORMAT.test(expirationText) ? staticStabilityExpiry(reportedExpiration, deps.now(), deps.random) : undefined;
  // botocore 1.43 drops the document's AccountId; so do we, so that both print the same credentials.
  const credentials = documentCredentials(record, extendedTo ?? reportedExpiration);

  const imdsVersion = token === undefined ? 1 : 2;
  let detail = `IAM role ${roleName} from IMDSv${imdsVersion} at ${settings.baseUrl}`;
  if (token === undefined) detail += ` (no token: ${why})`;
  if (extendedTo !== undefined) {
    detail +=
      `; IMDS reported expiry ${isoSeconds(reportedExpiration)}, extended to ${isoSeconds(extendedTo)} ` +
      `(static stability)`;
  }
  return {
    credentials,
    roleName,
    baseUrl: settings.baseUrl,
    imdsVersion,
    extended: extendedTo !== undefined,
    reportedExpiration,
    detail,
  };
}

export const imdsLink = defineLink({
  name: 'iam-role',
  async resolve(context) {
    const settings = imdsSettingsFromContext(context);
    const found = await fetchInstanceCredentials(context.deps, settings);
    return { credentials: found.credentials, detail: found.detail };
  },
  describe: ({ deps }) => (deps.env['AWS_EC2_METADATA_DISABLED']?.toLowerCase() === 'true' ? undefined : 'the EC2 instance role, if this machine has one'),
});
