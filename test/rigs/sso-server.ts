/**
 * Local IAM Identity Center for tests and the demo: the portal (GetRoleCredentials,
 * ListAccounts, ListAccountRoles, Logout) and SSO-OIDC (RegisterClient, StartDeviceAuthorization,
 * CreateToken with the device_code, refresh_token and authorization_code grants, the browser's
 * /authorize page) on one `node:http` server on 127.0.0.1, REST-JSON as the services speak it,
 * with request recording, a clock you control and injected error answers.
 *
 *   const rig = await startSsoServer({ accounts: [...] });
 *   env: AWS_ENDPOINT_URL_SSO = AWS_ENDPOINT_URL_SSO_OIDC = rig.url
 *   const token = rig.signIn({ startUrl, region, session: true });   // what `aws sso login` caches
 *
 * Tokens carry TOKENCANARY and client secrets SECRETCANARY (test/support/cli.ts CANARIES), so a
 * leak to stderr fails the test that made it. Plain TypeScript, no test-framework imports.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SsoAccount {
  accountId: string;
  accountName: string;
  emailAddress: string;
  roles: string[];
}

export type SsoService = 'portal' | 'oidc';

/** One request as the rig saw it. */
export interface SsoCall {
  service: SsoService;
  operation: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The JSON body (secrets included: tests check what was sent). */
  body: Record<string, unknown>;
  /** x-amz-sso_bearer_token, when sent. */
  bearerToken?: string | undefined;
  status: number;
  errorType?: string | undefined;
}

export interface SsoFault {
  operation: string;
  status: number;
  /** The x-amzn-ErrorType and body `error`; e.g. UnauthorizedException, InvalidGrantException. */
  type: string;
  message?: string;
  /** How many matching requests it answers (default Infinity). */
  times?: number;
}

export interface SsoServerOptions {
  accounts?: SsoAccount[];
  /** The rig's clock; default real time. */
  now?: () => Date;
  /** Lifetime of the access tokens it issues, seconds (default 8 h). */
  accessTokenSeconds?: number;
  /** Lifetime of role credentials, seconds (default 1 h). */
  roleSeconds?: number;
  /** Items per page of ListAccounts/ListAccountRoles when the caller asks for more (default 2). */
  pageSize?: number;
  /** CreateToken with refresh_token hands out a new refresh token (default true, as the service does). */
  rotateRefreshTokens?: boolean;
  /** The keys GetRoleCredentials hands out (e.g. a session of the STS rig, so STS accepts them); default random. */
  credentialsFor?: ((accountId: string, roleName: string, expiration: Date) => RoleKeys) | undefined;
}

export interface RoleKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

function randomKeys(): RoleKeys {
  return {
    accessKeyId: `ASIA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`,
    secretAccessKey: `SECRETCANARY${randomUUID().replace(/-/g, '')}`,
    sessionToken: `TOKENCANARY${randomUUID().replace(/-/g, '')}`,
  };
}

/** What `aws sso login` leaves in ~/.aws/sso/cache, field for field. */
export interface SignedIn {
  startUrl: string;
  region: string;
  accessToken: string;
  expiresAt: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
}

export interface SignInOptions {
  startUrl: string;
  region: string;
  /** An sso-session sign-in (with a client registration and a refresh token); default false (legacy). */
  session?: boolean;
  /** Seconds from now until the access token expires (negative: already expired). Default 8 h. */
  expiresInSeconds?: number;
  /** Seconds from now until the client registration expires. Default 90 days. */
  registrationSeconds?: number;
}

export interface IssuedRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
  accountId: string;
  roleName: string;
}

export interface SsoRig {
  readonly url: string;
  readonly calls: SsoCall[];
  readonly accounts: SsoAccount[];
  /** Role credentials handed out, in order. */
  readonly issued: IssuedRoleCredentials[];
  signIn(options: SignInOptions): SignedIn;
  /** Makes a token unusable (the portal answers 401), as a sign-out elsewhere would. */
  revoke(accessToken: string): void;
  /** Approves a pending device authorization (what the user does in the browser). */
  approveDevice(userCode: string): void;
  /**
   * What a user's browser does with an authorization URL, over HTTP: loads the authorize page,
   * clicks Allow, and follows the redirect to the app's callback (`tamper` may change it first).
   */
  browse(authorizeUrl: string, options?: { tamper?: (callback: URL) => void }): Promise<BrowserVisit>;
  fault(fault: SsoFault): void;
  setClock(now: () => Date): void;
  /** Forgets calls and faults. */
  reset(): void;
  close(): Promise<void>;
}

/** Where a browse() ended: the callback it followed and the app's answer. */
export interface BrowserVisit {
  callbackUrl: string;
  status: number;
  body: string;
}

const unescapeHtml = (text: string): string => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

async function browse(authorizeUrl: string, options: { tamper?: (callback: URL) => void } = {}): Promise<BrowserVisit> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`the authorize page answered HTTP ${page.status}: ${html}`);
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((match): [string, string] => [unescapeHtml(match[1] ?? ''), unescapeHtml(match[2] ?? '')]);
  const approved = await fetch(new URL('/authorize', authorizeUrl), { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  const callback = new URL(approved.headers.get('location') ?? '');
  options.tamper?.(callback);
  const landed = await fetch(callback);
  return { callbackUrl: callback.href, status: landed.status, body: await landed.text() };
}

export const SSO_FIXTURE = {
  startUrl: 'https://corp.awsapps.com/start',
  region: 'eu-west-1',
  accounts: [
    { accountId: '111122223333', accountName: 'Production', emailAddress: 'prod@example.com', roles: ['Admin', 'ReadOnly'] },
    { accountId: '444455556666', accountName: 'Staging', emailAddress: 'staging@example.com', roles: ['Admin'] },
    { accountId: '777788889999', accountName: 'Sandbox', emailAddress: 'sandbox@example.com', roles: ['Developer', 'ReadOnly', 'Admin'] },
  ] satisfies SsoAccount[],
};

interface Token {
  clientId: string;
  expiresAt: Date;
  revoked: boolean;
}

interface Client {
  clientSecret: string;
  expiresAt: Date;
  redirectUris: string[];
}

interface DeviceGrant {
  clientId: string;
  userCode: string;
  expiresAt: Date;
  intervalSeconds: number;
  approved: boolean;
  lastPoll?: Date;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
}

class SsoAnswer extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly oauthError?: string,
  ) {
    super(message);
  }
}

const OPERATIONS: Record<string, { service: SsoService; operation: string }> = {
  'GET /federation/credentials': { service: 'portal', operation: 'GetRoleCredentials' },
  'GET /assignment/accounts': { service: 'portal', operation: 'ListAccounts' },
  'GET /assignment/roles': { service: 'portal', operation: 'ListAccountRoles' },
  'POST /logout': { service: 'portal', operation: 'Logout' },
  'POST /client/register': { service: 'oidc', operation: 'RegisterClient' },
  'POST /device_authorization': { service: 'oidc', operation: 'StartDeviceAuthorization' },
  'POST /token': { service: 'oidc', operation: 'CreateToken' },
  'GET /authorize': { service: 'oidc', operation: 'Authorize' },
  'POST /authorize': { service: 'oidc', operation: 'Approve' },
  'GET /device': { service: 'oidc', operation: 'DevicePage' },
  'POST /device': { service: 'oidc', operation: 'ApproveDevice' },
};

const isoSeconds = (time: Date): string => time.toISOString().replace(/\.\d{3}Z$/, 'Z');
const stringOf = (value: unknown): string => (typeof value === 'string' ? value : '');
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const base64url = (bytes: Buffer): string => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The rig's world: clients, tokens, grants; every method takes the time from the rig's clock. */
class SsoWorld {
  readonly tokens = new Map<string, Token>();
  readonly refreshTokens = new Map<string, string>();
  readonly clients = new Map<string, Client>();
  readonly devices = new Map<string, DeviceGrant>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly issued: IssuedRoleCredentials[] = [];

  constructor(
    readonly accounts: SsoAccount[],
    readonly options: Required<Omit<SsoServerOptions, 'accounts' | 'now' | 'credentialsFor'>> & Pick<SsoServerOptions, 'credentialsFor'>,
    public now: () => Date,
  ) {}

  register(redirectUris: string[] = []): { clientId: string; client: Client } {
    const clientId = `client-${randomUUID()}`;
    const client = { clientSecret: `SECRETCANARY-${randomUUID()}`, expiresAt: new Date(this.now().getTime() + 90 * 86_400_000), redirectUris };
    this.clients.set(clientId, client);
    return { clientId, client };
  }

  issueToken(clientId: string, seconds = this.options.accessTokenSeconds): { accessToken: string; refreshToken: string; expiresAt: Date } {
    const accessToken = `aoa-TOKENCANARY-${randomUUID()}`;
    const refreshToken = `aor-TOKENCANARY-${randomUUID()}`;
    const expiresAt = new Date(this.now().getTime() + seconds * 1000);
    this.tokens.set(accessToken, { clientId, expiresAt, revoked: false });
    this.refreshTokens.set(refreshToken, clientId);
    return { accessToken, refreshToken, expiresAt };
  }

  /** The bearer token's owner, or the portal's 401. */
  checkBearer(token: string | undefined): Token {
    const found = token === undefined ? undefined : this.tokens.get(token);
    if (found === undefined || found.revoked || found.expiresAt.getTime() <= this.now().getTime()) {
      throw new SsoAnswer(401, 'UnauthorizedException', 'Session token not found or invalid');
    }
    return found;
  }

  client(body: Record<string, unknown>): Client & { clientId: string } {
    const clientId = stringOf(body['clientId']);
    const client = this.clients.get(clientId);
    if (client === undefined || client.clientSecret !== body['clientSecret']) throw new SsoAnswer(401, 'InvalidClientException', 'Invalid client', 'invalid_client');
    if (client.expiresAt.getTime() <= this.now().getTime()) throw new SsoAnswer(401, 'InvalidClientException', 'Client registration expired', 'invalid_client');
    return { ...client, clientId };
  }

  account(accountId: string, roleName?: string): SsoAccount {
    const account = this.accounts.find((candidate) => candidate.accountId === accountId);
    if (account === undefined || (roleName !== undefined && !account.roles.includes(roleName))) throw new SsoAnswer(403, 'ForbiddenException', 'No access');
    return account;
  }
}

/** One page of `items` for max_result/next_token (next_token is the index of the next item). */
function page<T>(items: readonly T[], query: Record<string, string>, pageSize: number): { items: T[]; nextToken?: string } {
  const start = Number(query['next_token'] ?? '0');
  const size = Math.min(Number(query['max_result'] ?? pageSize) || pageSize, pageSize);
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
}

function tokenAnswer(world: SsoWorld, clientId: string, refreshToken?: string): Record<string, unknown> {
  const issued = world.issueToken(clientId);
  return {
    accessToken: issued.accessToken,
    tokenType: 'Bearer',
    expiresIn: world.options.accessTokenSeconds,
    ...(refreshToken === undefined ? { refreshToken: issued.refreshToken } : { refreshToken }),
  };
}

function createToken(world: SsoWorld, body: Record<string, unknown>): Record<string, unknown> {
  const client = world.client(body);
  const grant = stringOf(body['grantType']);
  const now = world.now();
  if (grant === 'refresh_token') {
    const owner = world.refreshTokens.get(stringOf(body['refreshToken']));
    if (owner !== client.clientId) throw new SsoAnswer(400, 'InvalidGrantException', 'Invalid refresh token provided', 'invalid_grant');
    if (!world.options.rotateRefreshTokens) return tokenAnswer(world, client.clientId, stringOf(body['refreshToken']));
    world.refreshTokens.delete(stringOf(body['refreshToken']));
    return tokenAnswer(world, client.clientId);
  }
  if (grant === 'urn:ietf:params:oauth:grant-type:device_code') {
    const device = world.devices.get(stringOf(body['deviceCode']));
    if (device === undefined || device.clientId !== client.clientId) throw new SsoAnswer(400, 'InvalidGrantException', 'Invalid device code provided', 'invalid_grant');
    if (device.expiresAt.getTime() <= now.getTime()) throw new SsoAnswer(400, 'ExpiredTokenException', 'Device code has expired', 'expired_token');
    const tooSoon = device.lastPoll !== undefined && now.getTime() - device.lastPoll.getTime() < device.intervalSeconds * 1000;
    device.lastPoll = now;
    if (tooSoon) throw new SsoAnswer(400, 'SlowDownException', 'Client is polling too fast', 'slow_down');
    if (!device.approved) throw new SsoAnswer(400, 'AuthorizationPendingException', 'Authorization is still pending', 'authorization_pending');
    world.devices.delete(stringOf(body['deviceCode']));
    return tokenAnswer(world, client.clientId);
  }
  if (grant === 'authorization_code') {
    const code = world.codes.get(stringOf(body['code']));
    const challenge = base64url(createHash('sha256').update(stringOf(body['codeVerifier'])).digest());
    if (code === undefined || code.clientId !== client.clientId || code.redirectUri !== body['redirectUri'] || code.codeChallenge !== challenge) {
      throw new SsoAnswer(400, 'InvalidGrantException', 'Invalid authorization code', 'invalid_grant');
    }
    world.codes.delete(stringOf(body['code']));
    return tokenAnswer(world, client.clientId);
  }
  throw new SsoAnswer(400, 'UnsupportedGrantTypeException', `Unsupported grant type ${grant}`, 'unsupported_grant_type');
}

type Handler = (world: SsoWorld, request: { query: Record<string, string>; body: Record<string, unknown>; bearer: string | undefined; url: string }) => Record<string, unknown> | { redirect: string } | { html: string };

function authorizePage(query: Record<string, string>): { html: string } {
  const hidden = Object.entries(query)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return { html: `<!doctype html><title>Allow access</title><form method="post" action="/authorize">${hidden}<button id="approve" type="submit">Allow</button></form>` };
}

const HANDLERS: Record<string, Handler> = {
  GetRoleCredentials(world, { query, bearer }) {
    world.checkBearer(bearer);
    const roleName = query['role_name'] ?? '';
    const accountId = query['account_id'] ?? '';
    world.account(accountId, roleName);
    const expiration = world.now().getTime() + world.options.roleSeconds * 1000;
    const keys = world.options.credentialsFor?.(accountId, roleName, new Date(expiration)) ?? randomKeys();
    const issued: IssuedRoleCredentials = { ...keys, expiration, accountId, roleName };
    world.issued.push(issued);
    return { roleCredentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken, expiration } };
  },
  ListAccounts(world, { query, bearer }) {
    world.checkBearer(bearer);
    const found = page(world.accounts, query, world.options.pageSize);
    return { accountList: found.items.map(({ accountId, accountName, emailAddress }) => ({ accountId, accountName, emailAddress })), ...(found.nextToken ? { nextToken: found.nextToken } : {}) };
  },
  ListAccountRoles(world, { query, bearer }) {
    world.checkBearer(bearer);
    const account = world.account(query['account_id'] ?? '');
    const found = page(account.roles, query, world.options.pageSize);
    return { roleList: found.items.map((roleName) => ({ roleName, accountId: account.accountId })), ...(found.nextToken ? { nextToken: found.nextToken } : {}) };
  },
  Logout(world, { bearer }) {
    world.checkBearer(bearer).revoked = true;
    return {};
  },
  RegisterClient(world, { body }) {
    const redirectUris = Array.isArray(body['redirectUris']) ? body['redirectUris'].map(stringOf) : [];
    const { clientId, client } = world.register(redirectUris);
    const now = world.now();
    return { clientId, clientSecret: client.clientSecret, clientIdIssuedAt: Math.floor(now.getTime() / 1000), clientSecretExpiresAt: Math.floor(client.expiresAt.getTime() / 1000) };
  },
  StartDeviceAuthorization(world, { body, url }) {
    const client = world.client(body);
    const deviceCode = `device-${randomUUID()}`;
    const userCode = randomUUID().slice(0, 8).toUpperCase();
    world.devices.set(deviceCode, { clientId: client.clientId, userCode, expiresAt: new Date(world.now().getTime() + 600_000), intervalSeconds: 1, approved: false });
    return { deviceCode, userCode, verificationUri: `${url}/device`, verificationUriComplete: `${url}/device?user_code=${userCode}`, expiresIn: 600, interval: 1 };
  },
  CreateToken: (world, { body }) => createToken(world, body),
  Authorize(world, { query }) {
    const client = world.clients.get(query['client_id'] ?? '');
    if (client === undefined || query['response_type'] !== 'code' || query['code_challenge_method'] !== 'S256' || !query['code_challenge'] || !query['redirect_uri']) {
      throw new SsoAnswer(400, 'InvalidRequestException', 'Invalid authorization request');
    }
    return authorizePage(query);
  },
  Approve(world, { body }) {
    const code = `code-${randomUUID()}`;
    const redirectUri = stringOf(body['redirect_uri']);
    world.codes.set(code, { clientId: stringOf(body['client_id']), redirectUri, codeChallenge: stringOf(body['code_challenge']) });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', stringOf(body['state']));
    return { redirect: target.href };
  },
  DevicePage(_world, { query }) {
    const userCode = escapeHtml(query['user_code'] ?? '');
    return { html: `<!doctype html><title>Authorize device</title><form method="post" action="/device"><input name="user_code" value="${userCode}"><button id="approve" type="submit">Allow</button></form>` };
  },
  ApproveDevice(world, { body }) {
    for (const device of world.devices.values()) if (device.userCode === body['user_code']) device.approved = true;
    return { html: '<!doctype html><title>Done</title><p id="done">Request approved</p>' };
  },
};

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID(), ...(errorType ? { 'x-amzn-ErrorType': `${errorType}:http://internal.amazon.com/coral/com.amazonaws.sso/` } : {}) });
  res.end(text);
}

function sendError(res: http.ServerResponse, call: SsoCall, error: SsoAnswer): void {
  call.status = error.status;
  call.errorType = error.type;
  const body = call.service === 'oidc' ? { error: error.oauthError ?? error.type, error_description: error.message } : { message: error.message };
  sendJson(res, error.status, body, error.type);
}

export async function startSsoServer(options: SsoServerOptions = {}): Promise<SsoRig> {
  const accounts = options.accounts ?? structuredClone(SSO_FIXTURE.accounts);
  const world = new SsoWorld(
    accounts,
    { accessTokenSeconds: options.accessTokenSeconds ?? 8 * 3600, roleSeconds: options.roleSeconds ?? 3600, pageSize: options.pageSize ?? 2, rotateRefreshTokens: options.rotateRefreshTokens ?? true, credentialsFor: options.credentialsFor },
    options.now ?? ((): Date => new Date()),
  );
  const calls: SsoCall[] = [];
  let faults: SsoFault[] = [];
  const sockets = new Set<Socket>();
  let url = '';

  const takeFault = (operation: string): SsoFault | undefined => {
    const fault = faults.find((candidate) => candidate.operation === operation && (candidate.times ?? Infinity) > 0);
    if (fault !== undefined) fault.times = (fault.times ?? Infinity) - 1;
    return fault;
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const parsed = new URL(req.url ?? '/', url);
      const known = OPERATIONS[`${req.method ?? ''} ${parsed.pathname}`];
      const body = await readBody(req);
      const bearer = req.headers['x-amz-sso_bearer_token'];
      const call: SsoCall = {
        service: known?.service ?? 'portal',
        operation: known?.operation ?? `${req.method ?? ''} ${parsed.pathname}`,
        method: req.method ?? '',
        path: parsed.pathname,
        query: Object.fromEntries(parsed.searchParams),
        body,
        bearerToken: typeof bearer === 'string' ? bearer : undefined,
        status: 0,
      };
      calls.push(call);
      try {
        if (known === undefined) throw new SsoAnswer(404, 'NotFoundException', `no route for ${call.operation}`);
        const fault = takeFault(known.operation);
        if (fault !== undefined) throw new SsoAnswer(fault.status, fault.type, fault.message ?? fault.type);
        const handler = HANDLERS[known.operation];
        if (handler === undefined) throw new SsoAnswer(404, 'NotFoundException', `no handler for ${known.operation}`);
        const answer = handler(world, { query: call.query, body, bearer: call.bearerToken, url });
        call.status = 'redirect' in answer ? 302 : 200;
        if ('redirect' in answer && typeof answer.redirect === 'string') {
          res.writeHead(302, { Location: answer.redirect });
          res.end();
        } else if ('html' in answer && typeof answer.html === 'string') {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end(answer.html);
        } else sendJson(res, 200, answer);
      } catch (error) {
        sendError(res, call, error instanceof SsoAnswer ? error : new SsoAnswer(500, 'InternalServerException', String(error)));
      }
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    calls,
    accounts,
    issued: world.issued,
    signIn(signIn) {
      const { clientId, client } = world.register();
      const now = world.now();
      if (signIn.registrationSeconds !== undefined) client.expiresAt = new Date(now.getTime() + signIn.registrationSeconds * 1000);
      const issued = world.issueToken(clientId, signIn.expiresInSeconds ?? world.options.accessTokenSeconds);
      const token: SignedIn = { startUrl: signIn.startUrl, region: signIn.region, accessToken: issued.accessToken, expiresAt: isoSeconds(issued.expiresAt) };
      if (signIn.session !== true) return token;
      return { ...token, clientId, clientSecret: client.clientSecret, registrationExpiresAt: isoSeconds(client.expiresAt), refreshToken: issued.refreshToken };
    },
    revoke(accessToken) {
      const token = world.tokens.get(accessToken);
      if (token !== undefined) token.revoked = true;
    },
    approveDevice(userCode) {
      for (const device of world.devices.values()) if (device.userCode === userCode) device.approved = true;
    },
    browse,
    fault(fault) {
      faults.push({ ...fault });
    },
    setClock(now) {
      world.now = now;
    },
    reset() {
      calls.length = 0;
      faults = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
