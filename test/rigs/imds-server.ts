/**
 * Loopback stand-ins for the EC2 instance metadata service (IMDS) and the container
 * credentials endpoint, plus two "nothing useful here" ports: one that accepts and never
 * answers (blackhole) and one with nothing listening (connection refused).
 *
 * Everything listens on 127.0.0.1 with port 0. Modes can be changed while the server runs,
 * and `close()` destroys open sockets, so a hanging request never blocks teardown.
 * Fixture secrets contain `SECRETCANARY` so tests can prove they never leak.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export const TOKEN_PATH = '/latest/api/token';
export const ROLES_PATH = '/latest/meta-data/iam/security-credentials/';
export const TOKEN_TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
export const TOKEN_HEADER = 'x-aws-ec2-metadata-token';

/** What IMDS returns for a role, by its JSON names. */
export interface ImdsCredentialDocument {
  Code: string;
  LastUpdated: string;
  Type: string;
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: string;
  AccountId?: string;
}

export const FIXTURE_ROLE = 'awsrole-test-instance-role';

export function fixtureCredentials(overrides: Partial<ImdsCredentialDocument> = {}): ImdsCredentialDocument {
  return {
    Code: 'Success',
    LastUpdated: '2030-01-01T00:00:00Z',
    Type: 'AWS-HMAC',
    AccessKeyId: 'ASIAIMDSFIXTURE0001',
    SecretAccessKey: 'imds-secret-SECRETCANARY-0001',
    Token: 'imds-session-token-SECRETCANARY-0001',
    Expiration: '2030-01-01T06:00:00Z',
    AccountId: '123456789012',
    ...overrides,
  };
}

/** An error body IMDS sends with 200 when EC2 may not assume the role. */
export const ERROR_BODY = JSON.stringify({
  Code: 'AssumeRoleUnauthorizedAccess',
  Message: 'EC2 cannot assume the role awsrole-test-instance-role.',
  LastUpdated: '2030-01-01T00:00:00Z',
});

/** How one path answers. A number answers with that status and a short text body. */
export type PathMode =
  | 'ok'
  | 'hang'
  | 'garbage'
  | 'error-body'
  | 'empty'
  | 'slow'
  | 'reset'
  | 400
  | 401
  | 403
  | 404
  | 405
  | 500
  | 503;

export type ImdsPath = 'token' | 'roles' | 'credentials';

export interface ImdsOptions {
  /** true: GETs without a token are answered (IMDSv1). false: 401 without a valid token (v2 only). */
  v1Allowed: boolean;
  /** The standing mode of each path; `script` overrides it request by request. */
  modes: Record<ImdsPath, PathMode>;
  /** Delay before any answer, for every path (ms). `slow` mode uses `slowMs` on top. */
  delayMs: number;
  slowMs: number;
  /** The role list body; '' answers an empty role list. */
  roleList: string;
  /** The role name the credentials path answers for (defaults to FIXTURE_ROLE). */
  role: string;
  credentials: object;
}

export type ImdsChanges = Partial<Omit<ImdsOptions, 'modes'>> & {
  modes?: Partial<Record<ImdsPath, PathMode>>;
  /** Sugar for `v1Allowed: false`: GETs without a valid token get 401. */
  v2Only?: boolean;
};

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface ImdsServer {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  readonly port: number;
  /** Live options: assign to fields to change the mode while running. */
  readonly options: ImdsOptions;
  /** Every request in arrival order. */
  readonly requests: RecordedRequest[];
  /** Tokens issued so far. */
  readonly tokens: string[];
  /** Changes options (shallow; `modes` is merged). `v2Only: true` is `v1Allowed: false`. */
  set(options: ImdsChanges): void;
  /** The next requests to `path` answer with these modes, one each, then the standing mode again. */
  script(path: ImdsPath, ...modes: PathMode[]): void;
  /** Requests seen for an exact URL path (`/latest/api/token`) or a logical path (`token`). */
  count(path: string): number;
  close(): Promise<void>;
}

function defaultOptions(): ImdsOptions {
  return {
    v1Allowed: true,
    modes: { token: 'ok', roles: 'ok', credentials: 'ok' },
    delayMs: 0,
    slowMs: 300,
    roleList: FIXTURE_ROLE,
    role: FIXTURE_ROLE,
    credentials: fixtureCredentials(),
  };
}

function applyChanges(options: ImdsOptions, changes: ImdsChanges): void {
  const { modes, v2Only, ...rest } = changes;
  Object.assign(options, rest);
  if (modes !== undefined) options.modes = { ...options.modes, ...modes };
  if (v2Only !== undefined) options.v1Allowed = !v2Only;
}

/** Keeps every socket so close() can destroy hanging ones. */
function trackSockets(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no port'));
      else resolve(address.port);
    });
  });
}

function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  return new Promise((resolve) => server.close(() => resolve()));
}

function send(res: http.ServerResponse, status: number, body: string, type = 'text/plain'): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function logicalPath(path: string, role: string): ImdsPath | undefined {
  if (path === TOKEN_PATH) return 'token';
  if (path === ROLES_PATH) return 'roles';
  if (path === ROLES_PATH + role) return 'credentials';
  return undefined;
}

export async function startImdsServer(initial: ImdsChanges = {}): Promise<ImdsServer> {
  const options = defaultOptions();
  applyChanges(options, initial);
  const requests: RecordedRequest[] = [];
  const tokens: string[] = [];
  const scripts: Record<ImdsPath, PathMode[]> = { token: [], roles: [], credentials: [] };
  const counts = new Map<string, number>();

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({ method: req.method ?? '', path, headers: req.headers });
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const logical = logicalPath(path, options.role);
    if (logical !== undefined) counts.set(logical, (counts.get(logical) ?? 0) + 1);
    req.resume();
    req.on('end', () => {
      const mode = logical === undefined ? undefined : (scripts[logical].shift() ?? options.modes[logical]);
      const answer = (): void => {
        answerRequest(req, res, logical, mode);
      };
      if (options.delayMs > 0) setTimeout(answer, options.delayMs);
      else answer();
    });
  });

  function answerRequest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    logical: ImdsPath | undefined,
    mode: PathMode | undefined,
  ): void {
    if (logical === undefined || mode === undefined) {
      send(res, 404, 'Not Found');
      return;
    }
    if (mode === 'hang') return;
    if (mode === 'reset') {
      req.socket.destroy();
      return;
    }
    if (typeof mode === 'number') {
      send(res, mode, `status ${mode}`);
      return;
    }
    const run = (): void => {
      if (logical === 'token') answerToken(req, res, mode);
      else answerGet(req, res, logical, mode);
    };
    if (mode === 'slow') setTimeout(run, options.slowMs);
    else run();
  }

  function answerToken(req: http.IncomingMessage, res: http.ServerResponse, mode: PathMode): void {
    if (req.method !== 'PUT') {
      send(res, 405, 'Method Not Allowed');
      return;
    }
    if (req.headers['x-forwarded-for'] !== undefined) {
      send(res, 403, 'Forbidden');
      return;
    }
    const ttlText = req.headers[TOKEN_TTL_HEADER];
    const ttl = typeof ttlText === 'string' && /^\d+$/.test(ttlText) ? Number(ttlText) : NaN;
    if (!(ttl >= 1 && ttl <= 21600)) {
      send(res, 400, 'Bad Request');
      return;
    }
    if (mode === 'empty') {
      send(res, 200, '');
      return;
    }
    const token = `imds-api-token-SECRETCANARY-${tokens.length + 1}`;
    tokens.push(token);
    send(res, 200, token);
  }

  function answerGet(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    logical: 'roles' | 'credentials',
    mode: PathMode,
  ): void {
    if (req.method !== 'GET') {
      send(res, 405, 'Method Not Allowed');
      return;
    }
    const token = req.headers[TOKEN_HEADER];
    if (token !== undefined ? !tokens.includes(String(token)) : !options.v1Allowed) {
      send(res, 401, 'Unauthorized');
      return;
    }
    if (mode === 'empty') {
      send(res, 200, '');
      return;
    }
    if (mode === 'garbage') {
      send(res, 200, logical === 'roles' ? '' : '<html>this is not json {', 'text/html');
      return;
    }
    if (mode === 'error-body') {
      send(res, 200, logical === 'roles' ? options.roleList : ERROR_BODY, 'text/plain');
      return;
    }
    if (logical === 'roles') {
      send(res, 200, options.roleList);
      return;
    }
    send(res, 200, JSON.stringify(options.credentials), 'text/plain');
  }

  const sockets = trackSockets(server);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    options,
    requests,
    tokens,
    set: (changes) => applyChanges(options, changes),
    script(path, ...modes) {
      scripts[path].push(...modes);
    },
    count(path) {
      return counts.get(path) ?? 0;
    },
    close: () => closeServer(server, sockets),
  };
}

// ---------------------------------------------------------------------------------------
// Container credentials endpoint (ECS / EKS Pod Identity)

export interface ContainerCredentialDocument {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: string;
  AccountId?: string;
  RoleArn?: string;
}

export function fixtureContainerCredentials(
  overrides: Partial<ContainerCredentialDocument> = {},
): ContainerCredentialDocument {
  return {
    AccessKeyId: 'ASIACONTAINERFIX0001',
    SecretAccessKey: 'container-secret-SECRETCANARY-0001',
    Token: 'container-session-token-SECRETCANARY-0001',
    Expiration: '2030-01-01T06:00:00Z',
    AccountId: '123456789012',
    RoleArn: 'arn:aws:iam::123456789012:role/awsrole-test-task-role',
    ...overrides,
  };
}

export type ContainerMode = 'ok' | 'hang' | 'garbage' | 'reset' | 400 | 403 | 404 | 500 | 503;

export interface ContainerServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** The standing mode; `script` overrides it request by request. */
  mode: ContainerMode;
  /** When set, requests whose Authorization differs get 403. */
  requiredAuthorization: string | undefined;
  credentials: object;
  script(...modes: ContainerMode[]): void;
  close(): Promise<void>;
}

export async function startContainerServer(): Promise<ContainerServer> {
  const scripted: ContainerMode[] = [];
  const requests: RecordedRequest[] = [];
  const state: ContainerServer = {
    url: '',
    port: 0,
    requests,
    mode: 'ok',
    requiredAuthorization: undefined,
    credentials: fixtureContainerCredentials(),
    script: (...modes) => void scripted.push(...modes),
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '/', headers: req.headers });
    req.resume();
    req.on('end', () => {
      const mode = scripted.shift() ?? state.mode;
      if (mode === 'hang') return;
      if (mode === 'reset') {
        req.socket.destroy();
        return;
      }
      if (typeof mode === 'number') {
        send(res, mode, JSON.stringify({ code: 'Failure', message: `status ${mode}` }), 'application/json');
        return;
      }
      if (state.requiredAuthorization !== undefined && req.headers.authorization !== state.requiredAuthorization) {
        send(res, 403, JSON.stringify({ code: 'AccessDenied', message: 'bad authorization' }), 'application/json');
        return;
      }
      if (mode === 'garbage') {
        send(res, 200, '<html>not json', 'text/html');
        return;
      }
      send(res, 200, JSON.stringify(state.credentials), 'application/json');
    });
  });
  const sockets = trackSockets(server);
  const port = await listen(server);
  Object.assign(state, { url: `http://127.0.0.1:${port}`, port, close: () => closeServer(server, sockets) });
  return state;
}

// ---------------------------------------------------------------------------------------
// Ports that give no answer

export interface BlackholeServer {
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A loopback port that accepts connections and never answers (like a firewalled IMDS read). */
export async function startBlackholeServer(): Promise<BlackholeServer> {
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    socket.on('error', () => {});
    socket.resume();
  });
  const sockets = trackSockets(server);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    connections: () => accepted,
    close: () => closeServer(server, sockets),
  };
}

/** A loopback port with nothing listening: connecting is refused at once. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
