import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FIXTURE_ROLE,
  fixtureCredentials,
  refusedPort,
  startBlackholeServer,
  startImdsServer,
  type BlackholeServer,
  type ImdsChanges,
  type ImdsPath,
  type ImdsServer,
  type PathMode,
} from '../rigs/imds-server.js';
import type { Section } from '../../src/config/shared-config.js';
import { nodeFileSystem } from '../../src/deps.js';
import { ConfigError, CredentialError } from '../../src/errors.js';
import { fetchInstanceCredentials, imdsLink, imdsUrl, staticStabilityExpiry } from '../../src/chain/imds.js';
import { IMDS_IPV4_ENDPOINT, IMDS_IPV6_ENDPOINT, imdsSettingsFromContext, resolveImdsSettings } from '../../src/chain/imds-settings.js';
import { expectElapsed, expectNotFound, linkContext, linkDeps, outcomeOf, textOf, type ElapsedBounds, type LinkDeps } from '../support/link.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

interface DepsOptions {
  env?: Record<string, string | undefined>;
  random?: number;
}

function makeDeps(options: DepsOptions = {}): LinkDeps {
  return linkDeps(options.env ?? {}, {
    fs: { ...nodeFileSystem, readText: async () => undefined },
    now: () => NOW,
    random: () => options.random ?? 0,
  });
}


interface Rigs {
  imds: ImdsServer;
  blackhole: BlackholeServer;
  refused: number;
}

type Want =
  | { found: { version: 1 | 2; detail?: RegExp; expiration?: string } }
  | { skip: RegExp }
  | { error: typeof ConfigError | typeof CredentialError; message: RegExp };

interface Row {
  name: string;
  server?: ImdsChanges;
  script?: [ImdsPath, ...PathMode[]][];
  /** Extra env; the endpoint defaults to the IMDS rig. */
  env?: Record<string, string>;
  endpoint?: (rigs: Rigs) => string | undefined;
  /** Keys of [default] in the config file. */
  profile?: Section;
  random?: number;
  want: Want;
  counts?: Partial<Record<ImdsPath, number>>;
  /** Bounds on the wall time, in ms. */
  elapsed?: ElapsedBounds;
}

const rigs = {} as Rigs;

beforeAll(async () => {
  rigs.imds = await startImdsServer();
  rigs.blackhole = await startBlackholeServer();
  rigs.refused = await refusedPort();
});

afterAll(async () => {
  await rigs.imds?.close();
  await rigs.blackhole?.close();
});

async function freshImds(options: ImdsChanges = {}): Promise<void> {
  await rigs.imds.close();
  rigs.imds = await startImdsServer(options);
}

const soon = (minutes: number): string => new Date(NOW.getTime() + minutes * 60_000).toISOString().replace('.000', '');

const rows: Row[] = [
  // IMDSv2 and the v1 fallback
  {
    name: 'v2: token, role list, credentials',
    want: { found: { version: 2, detail: /^IAM role awsrole-test-instance-role from IMDSv2 at http:\/\/127\.0\.0\.1:\d+\/$/ } },
    counts: { token: 1, roles: 1, credentials: 1 },
  },
  {
    name: 'v2 only server with a token',
    server: { v2Only: true },
    want: { found: { version: 2 } },
  },
  ...([403, 404, 405] as const).map(
    (status): Row => ({
      name: `token ${status} → v1 fallback`,
      server: { modes: { token: status, roles: 'ok', credentials: 'ok' } },
      want: { found: { version: 1, detail: new RegExp(`IMDSv1 .*no token: token PUT answered HTTP ${status}`) } },
      counts: { token: 1, roles: 1, credentials: 1 },
    }),
  ),
  {
    name: 'token 403 on a v2-only server → GET answered 401 → NEXT',
    server: { v1Allowed: false, modes: { token: 403, roles: 'ok', credentials: 'ok' } },
    want: { skip: /answered HTTP 401 to GET \/latest\/meta-data\/iam\/security-credentials\/ \(1 attempt; IMDSv1, no token: token PUT answered HTTP 403\)/ },
  },
  {
    name: 'token 400 → NEXT, no GET',
    server: { modes: { token: 400, roles: 'ok', credentials: 'ok' } },
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3' },
    want: { skip: /refused the token request \(PUT \/latest\/api\/token answered HTTP 400\)/ },
    counts: { token: 1, roles: 0, credentials: 0 },
  },
  {
    name: 'token 500 → retried up to the attempts, then v1',
    server: { modes: { token: 500, roles: 'ok', credentials: 'ok' } },
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '2' },
    want: { found: { version: 1, detail: /no token: token PUT answered HTTP 500 after 2 attempts/ } },
    counts: { token: 2, roles: 1, credentials: 1 },
  },
  {
    name: 'token 401 → v1',
    server: { modes: { token: 401, roles: 'ok', credentials: 'ok' } },
    want: { found: { version: 1 } },
  },
  {
    name: 'token 200 with an empty body → v1',
    server: { modes: { token: 'empty', roles: 'ok', credentials: 'ok' } },
    want: { found: { version: 1, detail: /empty body/ } },
  },
  {
    name: 'token read timeout → v1 at once, not retried',
    server: { modes: { token: 'hang', roles: 'ok', credentials: 'ok' } },
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3' },
    want: { found: { version: 1, detail: /no token: token PUT got no answer within 1000 ms/ } },
    counts: { token: 1, roles: 1, credentials: 1 },
    elapsed: { min: 950, max: 1900 },
  },
  {
    name: 'token connection reset → retried, then v1',
    script: [['token', 'reset', 'reset']],
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '2' },
    want: { found: { version: 1, detail: /token PUT could not connect/ } },
    counts: { token: 2 },
  },

  // IMDSv1 disabled
  {
    name: 'v1 disabled (env) and no token → error, no GET',
    server: { modes: { token: 403, roles: 'ok', credentials: 'ok' } },
    env: { AWS_EC2_METADATA_V1_DISABLED: 'true' },
    want: { error: CredentialError, message: /no IMDSv2 token .*token PUT answered HTTP 403.*IMDSv1 is disabled by AWS_EC2_METADATA_V1_DISABLED=true/ },
    counts: { roles: 0 },
  },
  {
    name: 'v1 disabled (profile, any case) and no token → error',
    server: { modes: { token: 404, roles: 'ok', credentials: 'ok' } },
    profile: { ec2_metadata_v1_disabled: 'TRUE' },
    want: { error: CredentialError, message: /IMDSv1 is disabled by ec2_metadata_v1_disabled in profile default/ },
  },
  {
    name: 'v1 disabled with a token → v2 works',
    env: { AWS_EC2_METADATA_V1_DISABLED: 'true' },
    want: { found: { version: 2 } },
  },

  // AWS_EC2_METADATA_DISABLED: only `true`, any case
  ...['true', 'TRUE', 'True'].map(
    (value): Row => ({
      name: `AWS_EC2_METADATA_DISABLED=${value} → NEXT with no request`,
      env: { AWS_EC2_METADATA_DISABLED: value },
      want: { skip: new RegExp(`^IMDS disabled by AWS_EC2_METADATA_DISABLED=${value}$`) },
      counts: { token: 0, roles: 0, credentials: 0 },
    }),
  ),
  ...['false', '1', 'yes', ''].map(
    (value): Row => ({
      name: `AWS_EC2_METADATA_DISABLED=${JSON.stringify(value)} does not disable`,
      env: { AWS_EC2_METADATA_DISABLED: value },
      want: { found: { version: 2 } },
    }),
  ),
  {
    name: 'disabled in the profile is not a botocore setting → still used',
    profile: { ec2_metadata_disabled: 'true' },
    want: { found: { version: 2 } },
  },

  // attempts
  {
    name: 'attempts from env: role list 500 once, then ok',
    script: [['roles', 500]],
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '2' },
    want: { found: { version: 2 } },
    counts: { roles: 2, credentials: 1 },
  },
  {
    name: 'attempts from the profile: role list always 500',
    server: { modes: { token: 'ok', roles: 500, credentials: 'ok' } },
    profile: { metadata_service_num_attempts: '3' },
    want: { skip: /IMDS at http:\/\/127\.0\.0\.1:\d+\/ answered HTTP 500 to GET \/latest\/meta-data\/iam\/security-credentials\/ \(3 attempts\)/ },
    counts: { token: 1, roles: 3, credentials: 0 },
  },
  {
    name: 'env attempts beat the profile',
    server: { modes: { token: 'ok', roles: 500, credentials: 'ok' } },
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '1' },
    profile: { metadata_service_num_attempts: '3' },
    want: { skip: /\(1 attempt\)/ },
    counts: { roles: 1 },
  },
  {
    name: 'the default is 1 attempt',
    script: [['roles', 500]],
    want: { skip: /HTTP 500 .*\(1 attempt\)/ },
    counts: { roles: 1 },
  },
  {
    name: 'attempts 0 → no request at all',
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '0' },
    want: { skip: /no request made .*attempt count is 0 \(AWS_METADATA_SERVICE_NUM_ATTEMPTS\)/ },
    counts: { token: 0, roles: 0, credentials: 0 },
  },
  {
    name: 'credentials connection reset once, retried',
    script: [['credentials', 'reset']],
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '2' },
    want: { found: { version: 2 } },
    counts: { credentials: 2 },
  },

  // timeouts
  {
    name: 'slow credentials beyond the default 1 s timeout → NEXT',
    server: { slowMs: 1500, modes: { token: 'ok', roles: 'ok', credentials: 'slow' } },
    want: { skip: /^no answer from http:\/\/127\.0\.0\.1:\d+\/ within 1000 ms \(1 attempt\); set AWS_EC2_METADATA_DISABLED=true off EC2$/ },
    elapsed: { min: 950, max: 1450 },
  },
  {
    name: 'timeout from env (2 s) covers the slow answer',
    server: { slowMs: 1200, modes: { token: 'ok', roles: 'ok', credentials: 'slow' } },
    env: { AWS_METADATA_SERVICE_TIMEOUT: '2' },
    want: { found: { version: 2 } },
  },
  {
    name: 'timeout from the profile (2 s) covers the slow answer',
    server: { slowMs: 1200, modes: { token: 'ok', roles: 'ok', credentials: 'slow' } },
    profile: { metadata_service_timeout: '2' },
    want: { found: { version: 2 } },
  },
  {
    name: 'a small delay on every path is fine',
    server: { delayMs: 50 },
    want: { found: { version: 2 } },
  },

  // ports with no IMDS
  {
    name: 'refused port ends at once (no timeout), even with 3 attempts',
    endpoint: (r) => `http://127.0.0.1:${r.refused}/`,
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3' },
    want: { skip: /^could not connect to http:\/\/127\.0\.0\.1:\d+\/: connect ECONNREFUSED .*\(3 attempts; IMDSv1, no token: token PUT was refused after 3 attempts\); set AWS_EC2_METADATA_DISABLED=true off EC2$/ },
    elapsed: { max: 500 },
  },
  {
    name: 'hanging port: token times out (1 s), the v1 role list gets 0.1 s → NEXT after ~1.1 s (botocore: 2 s)',
    endpoint: (r) => r.blackhole.url,
    want: { skip: /^no answer from http:\/\/127\.0\.0\.1:\d+\/ within 100 ms \(1 attempt; IMDSv1, no token: token PUT got no answer within 1000 ms\); set AWS_EC2_METADATA_DISABLED=true off EC2$/ },
    elapsed: { min: 1050, max: 1900 },
  },
  {
    name: 'token silent, v1 role list slower than 0.1 s → NEXT',
    server: { slowMs: 400, modes: { token: 'hang', roles: 'slow', credentials: 'ok' } },
    want: { skip: /^no answer from http:\/\/127\.0\.0\.1:\d+\/ within 100 ms \(1 attempt; IMDSv1, no token: token PUT got no answer within 1000 ms\)/ },
    counts: { token: 1, roles: 1, credentials: 0 },
    elapsed: { min: 1050, max: 1900 },
  },
  {
    name: 'token silent with a timeout the user set (2 s): the v1 GETs get all of it, as in botocore',
    server: { slowMs: 400, modes: { token: 'hang', roles: 'slow', credentials: 'ok' } },
    env: { AWS_METADATA_SERVICE_TIMEOUT: '2' },
    want: { found: { version: 1, detail: /no token: token PUT got no answer within 2000 ms/ } },
    counts: { token: 1, roles: 1, credentials: 1 },
    elapsed: { min: 2350, max: 3900 },
  },
  {
    name: 'a slow token within the timeout is not silent: v2, full timeout for the GETs',
    server: { slowMs: 300, modes: { token: 'slow', roles: 'slow', credentials: 'ok' } },
    want: { found: { version: 2 } },
  },

  // role list
  {
    name: 'empty role list → NEXT',
    server: { roleList: '' },
    want: { skip: /no IAM role attached: .*empty role list \(1 attempt\)/ },
    counts: { credentials: 0 },
  },
  {
    name: 'role list 404 → NEXT',
    server: { modes: { token: 'ok', roles: 404, credentials: 'ok' } },
    want: { skip: /no IAM role attached: IMDS at .* answered HTTP 404/ },
  },
  {
    name: 'role list: first line, trimmed',
    server: { roleList: '  role-a  \nrole-b\n', role: 'role-a' },
    want: { found: { version: 2, detail: /^IAM role role-a from IMDSv2/ } },
    counts: { credentials: 1 },
  },

  // credentials document
  {
    name: 'garbage (non-JSON) credentials → retried, then NEXT',
    server: { modes: { token: 'ok', roles: 'ok', credentials: 'garbage' } },
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '2' },
    want: { skip: /answered GET \/latest\/meta-data\/iam\/security-credentials\/awsrole-test-instance-role with a body that is not JSON \(2 attempts\)/ },
    counts: { credentials: 2 },
  },
  {
    name: 'garbage once, then good',
    script: [['credentials', 'garbage']],
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '2' },
    want: { found: { version: 2 } },
  },
  {
    name: 'error body (Code/Message) → NEXT, not retried',
    server: { modes: { token: 'ok', roles: 'ok', credentials: 'error-body' } },
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3' },
    want: { skip: /gave no credentials for role awsrole-test-instance-role \(AssumeRoleUnauthorizedAccess: EC2 cannot assume the role awsrole-test-instance-role\.\): missing AccessKeyId, SecretAccessKey, Token, Expiration/ },
    counts: { credentials: 1 },
  },
  {
    name: 'a missing Token → NEXT',
    server: { credentials: { ...fixtureCredentials(), Token: undefined } },
    want: { skip: /missing Token$/ },
  },
  {
    name: 'credentials 500 → NEXT',
    server: { modes: { token: 'ok', roles: 'ok', credentials: 500 } },
    want: { skip: /answered HTTP 500 to GET \/latest\/meta-data\/iam\/security-credentials\/awsrole-test-instance-role/ },
  },
  {
    name: 'an Expiration that is not a time → error',
    server: { credentials: fixtureCredentials({ Expiration: 'tomorrow' }) },
    want: { error: CredentialError, message: /Expiration .* not an ISO 8601 time: tomorrow/ },
  },

  // static stability
  {
    name: 'far expiry is kept',
    server: { credentials: fixtureCredentials({ Expiration: soon(360) }) },
    want: { found: { version: 2, expiration: soon(360) } },
  },
  {
    name: 'expiry in 5 min, jitter 120 s → extended to now + 17 min',
    server: { credentials: fixtureCredentials({ Expiration: soon(5) }) },
    random: 0,
    want: { found: { version: 2, expiration: soon(17), detail: /IMDS reported expiry .*, extended to 2030-01-01T00:17:00Z \(static stability\)/ } },
  },
  {
    name: 'already expired, jitter 600 s → extended to now + 25 min',
    server: { credentials: fixtureCredentials({ Expiration: soon(-30) }) },
    random: 0.999999,
    want: { found: { version: 2, expiration: soon(25) } },
  },
  {
    name: 'expiry in 18 min, jitter 120 s → kept',
    server: { credentials: fixtureCredentials({ Expiration: soon(18) }) },
    random: 0,
    want: { found: { version: 2, expiration: soon(18) } },
  },
  {
    name: 'expiry in 18 min, jitter 360 s → extended to now + 21 min',
    server: { credentials: fixtureCredentials({ Expiration: soon(18) }) },
    random: 0.5,
    want: { found: { version: 2, expiration: soon(21) } },
  },

  // settings errors: fatal before any request
  ...['http://bad_host/', 'not a url', 'localhost:1234', 'http://', 'ftp://127.0.0.1/', 'http://127.0.0.1:99999/'].map(
    (endpoint): Row => ({
      name: `invalid endpoint ${JSON.stringify(endpoint)} → ConfigError`,
      endpoint: () => endpoint,
      want: { error: ConfigError, message: /AWS_EC2_METADATA_SERVICE_ENDPOINT = .* is not a valid IMDS endpoint/ },
      counts: { token: 0 },
    }),
  ),
  {
    name: 'invalid endpoint in the profile → ConfigError even when IMDS is disabled',
    endpoint: () => undefined,
    env: { AWS_EC2_METADATA_DISABLED: 'true' },
    profile: { ec2_metadata_service_endpoint: 'http://under_score/' },
    want: { error: ConfigError, message: /ec2_metadata_service_endpoint in profile default \(~\/\.aws\/config\) = "http:\/\/under_score\/"/ },
  },
  ...['ipv5', '', 'IPv4 '].map(
    (mode): Row => ({
      name: `invalid endpoint mode ${JSON.stringify(mode)} → ConfigError`,
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: mode },
      want: { error: ConfigError, message: /AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE = .* is not an IMDS endpoint mode/ },
      counts: { token: 0 },
    }),
  ),
  {
    name: 'invalid endpoint mode in the profile → ConfigError',
    profile: { ec2_metadata_service_endpoint_mode: 'dualstack' },
    want: { error: ConfigError, message: /ec2_metadata_service_endpoint_mode in profile default/ },
  },
  {
    name: 'a valid mode (any case) loses to the endpoint override',
    env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' },
    want: { found: { version: 2 } },
  },
  ...['0.5', '0', '-1', 'abc', ''].map(
    (timeout): Row => ({
      name: `invalid timeout ${JSON.stringify(timeout)} → ConfigError`,
      env: { AWS_METADATA_SERVICE_TIMEOUT: timeout },
      want: { error: ConfigError, message: /AWS_METADATA_SERVICE_TIMEOUT = .* (is not a whole number of seconds|is out of range)/ },
      counts: { token: 0 },
    }),
  ),
  {
    name: 'invalid attempts in the profile → ConfigError',
    profile: { metadata_service_num_attempts: 'three' },
    want: { error: ConfigError, message: /metadata_service_num_attempts in profile default .* is not a whole number of attempts/ },
  },
  {
    name: 'python int() spelling " +2 " is accepted',
    script: [['roles', 500]],
    env: { AWS_METADATA_SERVICE_NUM_ATTEMPTS: ' +2 ' },
    want: { found: { version: 2 } },
    counts: { roles: 2 },
  },

  // proxies as botocore's get_environ_proxies: HTTP_PROXY applies unless NO_PROXY matches (test/net/ has the proxy rig)
  {
    name: 'HTTP_PROXY with NO_PROXY naming the endpoint: IMDS is reached directly',
    env: { HTTP_PROXY: 'http://127.0.0.1:9/', http_proxy: 'http://127.0.0.1:9/', NO_PROXY: '127.0.0.1' },
    want: { found: { version: 2 } },
  },
];

describe('iam-role link (IMDS), spec §9', () => {
  beforeEach(async () => {
    await freshImds();
  });

  it.each(rows)('$name', async (row) => {
    await freshImds(row.server ?? {});
    for (const [path, ...modes] of row.script ?? []) rigs.imds.script(path, ...modes);
    const endpoint = row.endpoint === undefined ? rigs.imds.url : row.endpoint(rigs);
    const env: Record<string, string> = { ...(endpoint === undefined ? {} : { AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint }), ...row.env };
    const deps = makeDeps({ env, ...(row.random === undefined ? {} : { random: row.random }) });
    const context = linkContext(deps, row.profile ?? {});

    const started = performance.now();
    const outcome = await outcomeOf(() => imdsLink.resolve(context));
    const elapsed = performance.now() - started;

    expect(textOf(outcome)).not.toContain('SECRETCANARY');
    const want = row.want;
    if ('found' in want) {
      expect(outcome.kind, textOf(outcome)).toBe('found');
      if (outcome.kind !== 'found') return;
      const { credentials, detail } = outcome.result;
      expect(credentials.accessKeyId).toBe('ASIAIMDSFIXTURE0001');
      expect(credentials.secretAccessKey).toBe('imds-secret-SECRETCANARY-0001');
      expect(credentials.sessionToken).toBe('imds-session-token-SECRETCANARY-0001');
      expect(credentials.accountId).toBeUndefined(); // botocore drops it
      expect(credentials.expiration?.toISOString().replace('.000', '')).toBe(want.found.expiration ?? '2030-01-01T06:00:00Z');
      if (want.found.detail !== undefined) expect(detail).toMatch(want.found.detail);
      const gets = rigs.imds.requests.filter((request) => request.method === 'GET');
      for (const get of gets) {
        if (want.found.version === 2) expect(get.headers['x-aws-ec2-metadata-token']).toMatch(/^imds-api-token-/);
        else expect(get.headers['x-aws-ec2-metadata-token']).toBeUndefined();
      }
      expect(detail).toContain(`IMDSv${want.found.version}`);
    } else {
      expectNotFound(outcome, want);
    }
    for (const [path, count] of Object.entries(row.counts ?? {})) {
      expect(rigs.imds.count(path), `requests to ${path}`).toBe(count);
    }
    expectElapsed(elapsed, row.elapsed);
    // Whatever happened, nothing left loopback.
    for (const call of deps.http.calls) expect(LOOPBACK_HOSTS.has(new URL(call.url).hostname)).toBe(true);
  });

  it('sends the token PUT with TTL 21600 and a User-Agent, then the token on both GETs', async () => {
    const deps = makeDeps({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: rigs.imds.url } });
    await imdsLink.resolve(linkContext(deps));
    const [put, roles, credentials] = rigs.imds.requests;
    expect(put?.method).toBe('PUT');
    expect(put?.path).toBe('/latest/api/token');
    expect(put?.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
    expect(put?.headers['user-agent']).toMatch(/awsrole/);
    expect(roles?.path).toBe('/latest/meta-data/iam/security-credentials/');
    expect(credentials?.path).toBe(`/latest/meta-data/iam/security-credentials/${FIXTURE_ROLE}`);
    expect(roles?.headers['x-aws-ec2-metadata-token']).toBe(rigs.imds.tokens[0]);
    expect(credentials?.headers['x-aws-ec2-metadata-token']).toBe(rigs.imds.tokens[0]);
  });

  it('fetches a new token on every retrieval', async () => {
    const deps = makeDeps({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: rigs.imds.url } });
    const settings = resolveImdsSettings(deps.env);
    await fetchInstanceCredentials(deps, settings);
    await fetchInstanceCredentials(deps, settings);
    expect(rigs.imds.count('token')).toBe(2);
    expect(new Set(rigs.imds.tokens).size).toBe(2);
  });

  it('fetchInstanceCredentials reports the role, endpoint, version and the original expiry', async () => {
    rigs.imds.set({ credentials: fixtureCredentials({ Expiration: soon(1) }) });
    const deps = makeDeps({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: rigs.imds.url } });
    const found = await fetchInstanceCredentials(deps, resolveImdsSettings(deps.env));
    expect(found).toMatchObject({ roleName: FIXTURE_ROLE, baseUrl: rigs.imds.url, imdsVersion: 2, extended: true });
    expect(found.reportedExpiration.toISOString()).toBe('2030-01-01T00:01:00.000Z');
  });

  it('the credentials file wins over the config file for profile settings (botocore merged view)', async () => {
    rigs.imds.set({ modes: { roles: 500 } });
    const deps = makeDeps({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: rigs.imds.url } });
    const context = linkContext(deps, { metadata_service_num_attempts: '3' }, { metadata_service_num_attempts: '2' });
    const settings = imdsSettingsFromContext(context);
    expect(settings.attempts).toBe(2);
    expect(settings.attemptsFrom).toBe('metadata_service_num_attempts in profile default (~/.aws/credentials)');
    await expect(imdsLink.resolve(context)).rejects.toThrow(/\(2 attempts\)/);
    expect(rigs.imds.count('roles')).toBe(2);
  });
});

describe('IMDS settings', () => {
  it.each([
    { env: {}, url: IMDS_IPV4_ENDPOINT },
    { env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'ipv4' }, url: IMDS_IPV4_ENDPOINT },
    { env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }, url: IMDS_IPV6_ENDPOINT },
    { env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPV6' }, url: IMDS_IPV6_ENDPOINT },
    { env: { AWS_IMDS_USE_IPV6: 'true' }, url: IMDS_IPV6_ENDPOINT },
    { env: { AWS_IMDS_USE_IPV6: 'true', AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'ipv4' }, url: IMDS_IPV4_ENDPOINT },
    { env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: '' }, url: IMDS_IPV4_ENDPOINT },
    { env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://[::1]:1234' }, url: 'http://[::1]:1234' },
    { env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://imds.local:80/base', AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'ipv6' }, url: 'http://imds.local:80/base' },
  ])('endpoint from $env → $url', ({ env, url }) => {
    expect(resolveImdsSettings(env).baseUrl).toBe(url);
  });

  it('reads the mode from the profile when the env is silent', () => {
    const profile = (key: string) =>
      key === 'ec2_metadata_service_endpoint_mode' ? { value: 'ipv6', from: 'ec2_metadata_service_endpoint_mode in profile p' } : undefined;
    expect(resolveImdsSettings({}, profile).baseUrl).toBe(IMDS_IPV6_ENDPOINT);
  });

  it('defaults: 1 s, 1 attempt, v1 allowed, enabled', () => {
    expect(resolveImdsSettings({})).toMatchObject({ timeoutMs: 1000, attempts: 1, v1Disabled: false, disabledBy: undefined });
  });

  it('builds URLs like botocore _construct_url', () => {
    expect(imdsUrl('http://127.0.0.1:1/', 'latest/api/token')).toBe('http://127.0.0.1:1/latest/api/token');
    expect(imdsUrl('http://127.0.0.1:1/base', 'latest/api/token')).toBe('http://127.0.0.1:1/base/latest/api/token');
  });

  it('static stability: jitter spans 120–600 s on top of 15 min', () => {
    const expiry = new Date(NOW.getTime() + 60_000);
    expect(staticStabilityExpiry(expiry, NOW, () => 0)?.toISOString()).toBe('2030-01-01T00:17:00.000Z');
    expect(staticStabilityExpiry(expiry, NOW, () => 0.9999999)?.toISOString()).toBe('2030-01-01T00:25:00.000Z');
    expect(staticStabilityExpiry(new Date(NOW.getTime() + 3_600_000), NOW, () => 0.9999999)).toBeUndefined();
    // botocore extends when now >= expiry - interval: the boundary itself is extended.
    expect(staticStabilityExpiry(new Date(NOW.getTime() + 17 * 60_000), NOW, () => 0)).toBeDefined();
    expect(staticStabilityExpiry(new Date(NOW.getTime() + 17 * 60_000 + 1000), NOW, () => 0)).toBeUndefined();
  });
});
