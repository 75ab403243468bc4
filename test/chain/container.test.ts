import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  fixtureContainerCredentials,
  refusedPort,
  startContainerServer,
  type ContainerMode,
  type ContainerServer,
} from '../rigs/imds-server.js';
import { nodeFileSystem } from '../../src/deps.js';
import { HttpFailure, type HttpRequest, type HttpResponse } from '../../src/http.js';
import { ConfigError, CredentialError, NetworkError } from '../../src/errors.js';
import { containerEndpoint, containerLink, fetchContainerCredentials } from '../../src/chain/container.js';
import { expectElapsed, expectNotFound, linkContext, linkDeps, outcomeOf, textOf, type ElapsedBounds, type LinkDeps, type RecordingClient } from '../support/link.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const TOKEN_FILE = '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token';


/** Never touches the network: records the request and answers from a list (then the last answer again). */
function cannedClient(...answers: (HttpResponse | HttpFailure)[]): RecordingClient {
  const calls: HttpRequest[] = [];
  const client = async (request: HttpRequest) => {
    calls.push(request);
    const answer = answers[Math.min(calls.length, answers.length) - 1] ?? ok();
    if (answer instanceof HttpFailure) throw answer;
    return answer;
  };
  return Object.assign(client, { calls });
}

function ok(document: object = fixtureContainerCredentials()): HttpResponse {
  return { status: 200, body: JSON.stringify(document) };
}

interface Fixture {
  env?: Record<string, string>;
  files?: Map<string, string>;
  http?: RecordingClient;
}

function makeDeps(fixture: Fixture = {}): LinkDeps & { reads: string[] } {
  const reads: string[] = [];
  const files = fixture.files ?? new Map<string, string>();
  const deps = linkDeps(fixture.env ?? {}, {
    fs: {
      ...nodeFileSystem,
      readText: async (path) => {
        reads.push(path);
        return files.get(path);
      },
    },
    now: () => NOW,
    http: fixture.http,
  });
  return Object.assign(deps, { reads });
}


let server: ContainerServer;
let refused: number;

beforeAll(async () => {
  refused = await refusedPort();
});

beforeEach(async () => {
  await server?.close();
  server = await startContainerServer();
});

afterAll(async () => {
  await server?.close();
});

type Want =
  | { found: { url: string | RegExp; authorization?: string } }
  | { skip: RegExp }
  | { error: typeof ConfigError | typeof CredentialError | typeof NetworkError; message: RegExp };

interface Row {
  name: string;
  /** `{server}` is replaced by the rig's base URL (http://127.0.0.1:PORT). */
  env: Record<string, string>;
  files?: Record<string, string>;
  /** Canned answers instead of the real client (for hosts a test must never reach). */
  canned?: (HttpResponse | HttpFailure)[];
  script?: ContainerMode[];
  mode?: ContainerMode;
  requiredAuthorization?: string;
  credentials?: object;
  want: Want;
  requests?: number;
  sleeps?: number[];
  elapsed?: ElapsedBounds;
}

const rows: Row[] = [
  // trigger
  {
    name: 'neither variable set → NEXT, no request',
    env: { AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok' },
    want: { skip: /^AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \/ _FULL_URI not set$/ },
    requests: 0,
  },
  {
    name: 'FULL URI on loopback',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/v1/credentials' },
    want: { found: { url: /^http:\/\/127\.0\.0\.1:\d+\/v1\/credentials$/ } },
    requests: 1,
    sleeps: [],
  },
  {
    name: 'RELATIVE → http://169.254.170.2<value> (canned, never sent)',
    env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc-123' },
    canned: [ok()],
    want: { found: { url: 'http://169.254.170.2/v2/credentials/abc-123' } },
    requests: 1,
  },
  {
    name: 'RELATIVE wins over FULL',
    env: {
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/rel',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/full',
    },
    canned: [ok()],
    want: { found: { url: 'http://169.254.170.2/v2/credentials/rel' } },
  },
  {
    name: 'RELATIVE set but empty still triggers',
    env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '' },
    canned: [ok()],
    want: { found: { url: 'http://169.254.170.2' } },
  },
  {
    name: 'RELATIVE without a leading slash → ConfigError',
    env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: 'v2/credentials' },
    canned: [],
    want: { error: ConfigError, message: /AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="v2\/credentials" must start with \// },
    requests: 0,
  },

  // FULL URI host rules (canned: these hosts are never contacted)
  ...[
    'http://169.254.170.2/creds',
    'http://169.254.170.23/v1/credentials',
    'http://[fd00:ec2::23]/v1/credentials',
    'http://localhost:8080/creds',
    'http://LOCALHOST/creds',
    'http://127.0.0.1/creds',
    'http://127.200.3.4:9000/creds',
    'http://[::1]:9000/creds',
    'https://creds.example.com/creds',
  ].map(
    (url): Row => ({
      name: `FULL ${url} is allowed`,
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url },
      canned: [ok()],
      want: { found: { url } },
      requests: 1,
    }),
  ),
  ...[
    'http://creds.example.com/creds',
    'http://10.0.0.1/creds',
    'http://169.254.170.3/creds',
    'http://169.254.169.254/latest',
    'http://[fd00:ec2::254]/creds',
    'ftp://localhost/creds',
    'not a url',
  ].map(
    (url): Row => ({
      name: `FULL ${url} → ConfigError, no request`,
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url },
      canned: [],
      want: { error: ConfigError, message: /^AWS_CONTAINER_CREDENTIALS_FULL_URI=.* is not allowed: / },
      requests: 0,
    }),
  ),

  // Authorization
  {
    name: 'Authorization from AWS_CONTAINER_AUTHORIZATION_TOKEN',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'Basic env-token' },
    requiredAuthorization: 'Basic env-token',
    want: { found: { url: /\/creds$/, authorization: 'Basic env-token' } },
  },
  {
    name: 'the token file beats the variable',
    env: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'from-env',
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: TOKEN_FILE,
    },
    files: { [TOKEN_FILE]: 'eyJ-file-token' },
    requiredAuthorization: 'eyJ-file-token',
    want: { found: { url: /\/creds$/, authorization: 'eyJ-file-token' } },
  },
  {
    name: 'a missing token file → ConfigError, no request',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: TOKEN_FILE },
    want: { error: ConfigError, message: /token file .*eks-pod-identity-token \(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE\) does not exist/ },
    requests: 0,
  },
  ...['tok\nen', 'tok\ren', 'token\n', 'token\r\n'].map(
    (token): Row => ({
      name: `token ${JSON.stringify(token)} in the variable → ConfigError, no request`,
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN: token },
      want: { error: ConfigError, message: /from AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break/ },
      requests: 0,
    }),
  ),
  {
    name: 'a token file with a trailing newline → ConfigError (botocore does not strip it)',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: TOKEN_FILE },
    files: { [TOKEN_FILE]: 'eyJ-file-token\n' },
    want: { error: ConfigError, message: /from the file .* contains a line break/ },
    requests: 0,
  },
  {
    name: 'a wrong token: 403 on every attempt → CredentialError',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong' },
    requiredAuthorization: 'right',
    want: { error: CredentialError, message: /answered HTTP 403 \(AccessDenied: bad authorization\) \(3 attempts, 1 s apart\)/ },
    requests: 3,
    sleeps: [1000, 1000],
  },

  // retries: 3 attempts, 1 s apart, any failure fatal
  {
    name: '500 twice, then ok → found after 3 requests and two 1 s sleeps',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    script: [500, 500],
    want: { found: { url: /\/creds$/ } },
    requests: 3,
    sleeps: [1000, 1000],
  },
  {
    name: 'always 500 → CredentialError after 3 requests',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    mode: 500,
    want: { error: CredentialError, message: /^the container credentials endpoint http:\/\/127\.0\.0\.1:\d+\/creds \(AWS_CONTAINER_CREDENTIALS_FULL_URI\) answered HTTP 500 .*\(3 attempts, 1 s apart\)$/ },
    requests: 3,
    sleeps: [1000, 1000],
  },
  {
    name: 'always garbage → CredentialError after 3 requests',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    mode: 'garbage',
    want: { error: CredentialError, message: /answered with a body that is not JSON \(3 attempts/ },
    requests: 3,
  },
  {
    name: 'connection reset once, then ok',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    script: ['reset'],
    want: { found: { url: /\/creds$/ } },
    requests: 2,
    sleeps: [1000],
  },
  {
    name: 'refused port → NetworkError after 3 attempts, without waiting for a timeout',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:{refused}/creds' },
    want: { error: NetworkError, message: /could not be reached \(connect ECONNREFUSED .*\) \(3 attempts, 1 s apart\)/ },
    sleeps: [1000, 1000],
    elapsed: { max: 500 },
  },
  {
    name: 'timeouts on every attempt → NetworkError (canned)',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/creds' },
    canned: [new HttpFailure('timeout', 'no answer within 2000 ms')],
    want: { error: NetworkError, message: /gave no answer within 2000 ms \(3 attempts, 1 s apart\)/ },
    requests: 3,
    sleeps: [1000, 1000],
  },
  {
    name: 'a hanging answer times out at 2 s, then the retry succeeds',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    script: ['hang'],
    want: { found: { url: /\/creds$/ } },
    requests: 2,
    sleeps: [1000],
    elapsed: { min: 1950, max: 3000 },
  },

  // response document
  {
    name: 'a missing Token → CredentialError, not retried',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    credentials: { ...fixtureContainerCredentials(), Token: undefined },
    want: { error: CredentialError, message: /answered without Token/ },
    requests: 1,
  },
  {
    name: 'an error document with 200 → CredentialError',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    credentials: { code: 'InvalidToken', message: 'nope' },
    want: { error: CredentialError, message: /answered without AccessKeyId, SecretAccessKey, Token, Expiration/ },
  },
  {
    name: 'a bad Expiration → CredentialError',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    credentials: fixtureContainerCredentials({ Expiration: 'soon' }),
    want: { error: CredentialError, message: /the Expiration from the container credentials endpoint \S+ is not an ISO 8601 time/ },
  },
  {
    name: 'a number for Expiration → CredentialError (botocore: TypeError)',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    credentials: fixtureContainerCredentials({ Expiration: 4070919845 as unknown as string }),
    want: { error: CredentialError, message: /the Expiration from the container credentials endpoint \S+ is a number, not a time/ },
  },
  {
    name: "Python's str(datetime) for Expiration is a time",
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{server}/creds' },
    credentials: fixtureContainerCredentials({ Expiration: '2030-01-01 06:00:00+00:00' }),
    want: { found: { url: /\/creds$/ } },
  },
];

describe('container-role link, spec §10', () => {
  it.each(rows)('$name', async (row) => {
    const env = Object.fromEntries(
      Object.entries(row.env).map(([key, value]) => [
        key,
        value.replace('{server}', server.url).replace('{refused}', String(refused)),
      ]),
    );
    if (row.script !== undefined) server.script(...row.script);
    if (row.mode !== undefined) server.mode = row.mode;
    server.requiredAuthorization = row.requiredAuthorization;
    if (row.credentials !== undefined) server.credentials = row.credentials;
    const http = row.canned === undefined ? undefined : cannedClient(...row.canned);
    const deps = makeDeps({ env, files: new Map(Object.entries(row.files ?? {})), ...(http === undefined ? {} : { http }) });

    const started = performance.now();
    const outcome = await outcomeOf(() => containerLink.resolve(linkContext(deps)));
    const elapsed = performance.now() - started;

    expect(textOf(outcome)).not.toContain('SECRETCANARY');
    const want = row.want;
    if ('found' in want) {
      expect(outcome.kind, textOf(outcome)).toBe('found');
      if (outcome.kind !== 'found') return;
      expect(outcome.result.credentials).toEqual({
        accessKeyId: 'ASIACONTAINERFIX0001',
        secretAccessKey: 'container-secret-SECRETCANARY-0001',
        sessionToken: 'container-session-token-SECRETCANARY-0001',
        expiration: new Date('2030-01-01T06:00:00Z'),
        accountId: '123456789012',
      });
      const last = deps.http.calls.at(-1);
      expect(last?.method).toBe('GET');
      expect(last?.url).toMatch(want.found.url);
      expect(last?.headers['Accept']).toBe('application/json');
      expect(last?.timeoutMs).toBe(2000);
      expect(last?.headers['Authorization']).toBe(want.found.authorization);
      expect(outcome.result.detail).toMatch(/^container credentials from \S+ \(AWS_CONTAINER_CREDENTIALS_(RELATIVE|FULL)_URI\)$/);
    } else {
      expectNotFound(outcome, want);
    }
    if (row.requests !== undefined) expect(deps.http.calls.length, 'requests').toBe(row.requests);
    if (row.sleeps !== undefined) expect(deps.sleeps).toEqual(row.sleeps);
    expectElapsed(elapsed, row.elapsed);
  });

  it('re-reads the token file on every fetch', async () => {
    const files = new Map([[TOKEN_FILE, 'token-one']]);
    const deps = makeDeps({
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: TOKEN_FILE },
      files,
    });
    await fetchContainerCredentials(deps);
    files.set(TOKEN_FILE, 'token-two');
    await fetchContainerCredentials(deps);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual(['token-one', 'token-two']);
    expect(deps.reads).toEqual([TOKEN_FILE, TOKEN_FILE]);
  });

  it('the real rig sees Accept: application/json and the path', async () => {
    const deps = makeDeps({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/v1/credentials?id=1` } });
    await fetchContainerCredentials(deps);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe('/v1/credentials?id=1');
    expect(server.requests[0]?.headers.accept).toBe('application/json');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('containerEndpoint: not triggered without either variable', () => {
    expect(containerEndpoint({})).toBeUndefined();
    expect(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/x' })).toEqual({
      url: 'http://169.254.170.2/x',
      from: 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    });
  });
});
