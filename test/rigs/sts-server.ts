/**
 * Local STS server for tests and the demo: `node:http` on 127.0.0.1, STS's query protocol
 * (form-encoded POST or GET query, `Version=2011-06-15`), STS's XML answers and error shapes,
 * real SigV4 verification, a small IAM model (users, keys, MFA devices, roles with trust
 * policies), a clock you control, request recording and fault injection.
 *
 *   const rig = await startStsServer();                // default model: see FIXTURE
 *   new STSClient({ endpoint: rig.url, region: 'us-east-1', credentials: {...} });
 *
 * Clock: the rig checks the request date against `now()` (15 min, like AWS) and answers with a
 * `Date` header from `now()`. With a fake clock, give the SDK client a matching
 * `systemClockOffset` (or let it correct itself on retry), or pass `maxClockSkewMs: Infinity`.
 *
 * Plain TypeScript, no test-framework imports: `sts-main.ts` bundles it with esbuild.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import {
  StsModel,
  callerAccount,
  callerArn,
  callerUserId,
  defaultModel,
  grants,
  type AccessKeyInit,
  type Caller,
  type Grant,
  type MfaDevice,
  type Role,
  type RoleInit,
  type Session,
  type StsModelInit,
  type User,
  type UserInit,
} from './sts-model.js';
import {
  formatAmzDate,
  parseAmzDate,
  parseAuthorization,
  signatureMatches,
  type ReceivedRequest,
} from './sts-sigv4.js';
import { assumeRoleResultXml, callerIdentityResultXml, credentialsXml, el, errorXml, resultXml, webIdentityResultXml } from './sts-xml.js';

export * from './sts-model.js';

export const STS_VERSION = '2011-06-15';

/** One request as the rig saw it. */
export interface StsCall {
  action: string;
  /** From the Authorization header; `''` when unsigned. */
  accessKeyId: string;
  /** Every form/query field received (Action and Version included). */
  params: Record<string, string>;
  /** HTTP status sent; 0 while pending or for a hung request. */
  status: number;
  errorCode?: string;
}

export type StsFaultKind = 'throttle' | 'http500' | 'http503' | 'hang' | 'slow' | 'garbage';

export interface StsFaultInit {
  kind: StsFaultKind;
  /** How many requests it affects before normal service resumes. Default Infinity. */
  times?: number;
  /** For `slow`: delay before the (correct) answer. Default 1000. */
  delayMs?: number;
  /** Only requests with this Action are affected (and counted). Default: all. */
  action?: string;
  /** For `garbage`: the body to send (default: a non-XML HTML-ish page). */
  body?: string;
}

export interface StsServerOptions {
  /** The world; default `defaultModel()`. An `StsModel` instance is used as is (shared). */
  model?: StsModelInit | StsModel;
  /** The rig's clock for expiry and signature-date checks. Default real time. */
  now?: () => Date;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Allowed distance between the request date and `now()`. Default 15 min; Infinity turns it off. */
  maxClockSkewMs?: number;
  /**
   * Issued secrets end in `SECRETCANARY` and session tokens contain `TOKENCANARY`, so a test
   * can grep output for leaks. Default true.
   */
  canaries?: boolean;
  /** Serve https with this key and certificate (PEM) instead of plain http. */
  tls?: { key: string; cert: string };
}

export interface StsRig {
  /** `http://127.0.0.1:PORT`, or `https://…` with `tls` */
  readonly url: string;
  readonly port: number;
  readonly model: StsModel;
  /** Every request in arrival order (the same array across `reset()`). */
  readonly calls: readonly StsCall[];
  /** Number of recorded requests with this Action (all requests when omitted). */
  count(action?: string): number;
  /** Clears the recorded calls (the model and faults stay). */
  reset(): void;
  /** Installs a fault, replacing any previous one. */
  fault(fault: StsFaultInit): void;
  clearFaults(): void;
  /** Registers a message that DecodeAuthorizationMessage will decode to `json`. */
  encodeMessage(json: string | object): string;
  /** The rig clock's current value. */
  now(): Date;
  setClock(now: () => Date): void;
  addUser(init: UserInit): User;
  addRole(init: RoleInit): Role;
  updateRole(arn: string, patch: Partial<Omit<RoleInit, 'arn'>>): Role;
  updateUser(name: string, patch: { canAssume?: Grant; canDecode?: boolean }): User;
  addAccessKey(userName: string, key?: Partial<AccessKeyInit>): AccessKeyInit;
  addMfaDevice(userName: string, serial: string, codes: readonly string[]): MfaDevice;
  setMfaCodes(serial: string, codes: readonly string[]): void;
  /** Sessions issued so far, by access key id. */
  readonly sessions: ReadonlyMap<string, Session>;
  /** Stops listening and destroys every open connection (hung ones included). */
  close(): Promise<void>;
}

/** An STS error answer. */
export class StsError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'StsError';
    this.status = status;
    this.code = code;
  }
}

const accessDenied = (message: string): StsError => new StsError(403, 'AccessDenied', message);
const validationError = (message: string): StsError => new StsError(400, 'ValidationError', message);

export const MESSAGES = {
  invalidToken: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
  signatureMismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  missingAuth: 'Request is missing Authentication Token',
  chainingLimit: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
  sourceIdentityChanged: 'The source identity of a role session cannot be changed along a role chain.',
  transitiveTagOverride: 'Session tags cannot override the transitive tags of the calling role session.',
  maxSessionDuration: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
  mfaInvalidCode: 'MultiFactorAuthentication failed with invalid MFA one time pass code.',
  mfaUnknownDevice:
    'MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.',
  sessionCredentials: 'Cannot call GetSessionToken with session credentials',
  federationSessionCredentials: 'Cannot call GetFederationToken with session credentials',
  throttling: 'Rate exceeded',
  internalFailure: 'The request processing has failed because of an unknown error, exception or failure.',
  serviceUnavailable: 'The request has failed due to a temporary failure of the server.',
  invalidMessage: 'The encoded authorization message is invalid or has expired.',
  malformedPolicy: 'Syntax errors in policy.',
  invalidIdentityToken:
    'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
  webIdentityDenied: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
} as const;

// ---------------------------------------------------------------------------------------------
// Parameter validation (constraints from botocore's sts/2011-06-15/service-2.json)

interface Rule {
  param: string;
  /** camelCase member name STS prints in messages. */
  member: string;
  required?: boolean;
  int?: { min: number; max: number };
  length?: { min?: number; max?: number };
  pattern?: string;
}

const ARN_RULE = { length: { min: 20, max: 2048 } };
const RULES: Record<string, readonly Rule[]> = {
  AssumeRole: [
    { param: 'RoleArn', member: 'roleArn', required: true, ...ARN_RULE },
    { param: 'RoleSessionName', member: 'roleSessionName', required: true, length: { min: 2, max: 64 }, pattern: '[\\w+=,.@-]*' },
    { param: 'Policy', member: 'policy', length: { min: 1 }, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' },
    { param: 'DurationSeconds', member: 'durationSeconds', int: { min: 900, max: 43200 } },
    { param: 'ExternalId', member: 'externalId', length: { min: 2, max: 1224 }, pattern: '[\\w+=,.@:\\/-]*' },
    { param: 'SerialNumber', member: 'serialNumber', length: { min: 9, max: 256 }, pattern: '[\\w+=/:,.@-]*' },
    { param: 'TokenCode', member: 'tokenCode', length: { min: 6, max: 6 }, pattern: '[\\d]*' },
    { param: 'SourceIdentity', member: 'sourceIdentity', length: { min: 2, max: 64 }, pattern: '[\\w+=,.@-]*' },
  ],
  AssumeRoleWithWebIdentity: [
    { param: 'RoleArn', member: 'roleArn', required: true, ...ARN_RULE },
    { param: 'RoleSessionName', member: 'roleSessionName', required: true, length: { min: 2, max: 64 }, pattern: '[\\w+=,.@-]*' },
    { param: 'WebIdentityToken', member: 'webIdentityToken', required: true, length: { min: 4, max: 20000 } },
    { param: 'ProviderId', member: 'providerId', length: { min: 4, max: 2048 } },
    { param: 'Policy', member: 'policy', length: { min: 1 }, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' },
    { param: 'DurationSeconds', member: 'durationSeconds', int: { min: 900, max: 43200 } },
  ],
  GetSessionToken: [
    { param: 'DurationSeconds', member: 'durationSeconds', int: { min: 900, max: 129600 } },
    { param: 'SerialNumber', member: 'serialNumber', length: { min: 9, max: 256 }, pattern: '[\\w+=/:,.@-]*' },
    { param: 'TokenCode', member: 'tokenCode', length: { min: 6, max: 6 }, pattern: '[\\d]*' },
  ],
  GetFederationToken: [
    { param: 'Name', member: 'name', required: true, length: { min: 2, max: 32 }, pattern: '[\\w+=,.@-]*' },
    { param: 'Policy', member: 'policy', length: { min: 1 }, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' },
    { param: 'DurationSeconds', member: 'durationSeconds', int: { min: 900, max: 129600 } },
  ],
  DecodeAuthorizationMessage: [
    { param: 'EncodedMessage', member: 'encodedMessage', required: true, length: { min: 1, max: 10240 } },
  ],
  GetCallerIdentity: [],
};

function ruleViolations(rule: Rule, value: string | undefined): string[] {
  const at = (v: string | undefined): string => `Value ${v === undefined ? 'null' : `'${v}'`} at '${rule.member}' failed to satisfy constraint: Member must`;
  if (value === undefined) return rule.required ? [`${at(undefined)} not be null`] : [];
  const out: string[] = [];
  if (rule.int) {
    const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(n)) return [`${at(value)} be an integer`];
    if (n < rule.int.min) out.push(`${at(value)} have value greater than or equal to ${rule.int.min}`);
    if (n > rule.int.max) out.push(`${at(value)} have value less than or equal to ${rule.int.max}`);
  }
  if (rule.length?.min !== undefined && value.length < rule.length.min) {
    out.push(`${at(value)} have length greater than or equal to ${rule.length.min}`);
  }
  if (rule.length?.max !== undefined && value.length > rule.length.max) {
    out.push(`${at(value)} have length less than or equal to ${rule.length.max}`);
  }
  if (rule.pattern !== undefined && !new RegExp(`^(?:${rule.pattern})$`).test(value)) {
    out.push(`${at(value)} satisfy regular expression pattern: ${rule.pattern}`);
  }
  return out;
}

function collectMembers(params: Record<string, string>, prefix: string, suffix: string): string[] {
  const found: Array<[number, string]> = [];
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.member\\.(\\d+)${suffix.replace(/\./g, '\\.')}$`);
  for (const [k, v] of Object.entries(params)) {
    const m = re.exec(k);
    if (m) found.push([Number(m[1]), v]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

function validate(action: string, params: Record<string, string>): void {
  const problems: string[] = [];
  for (const rule of RULES[action] ?? []) problems.push(...ruleViolations(rule, params[rule.param]));
  if (action === 'AssumeRole') {
    const arns = collectMembers(params, 'PolicyArns', '.arn');
    if (arns.length > 10) problems.push(`Value '[${arns.join(', ')}]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10`);
    arns.forEach((arn, i) => {
      problems.push(...ruleViolations({ param: '', member: `policyArns.${i + 1}.member.arn`, ...ARN_RULE }, arn));
    });
    const tagKeys = collectMembers(params, 'Tags', '.Key');
    if (tagKeys.length > 50) problems.push(`Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50`);
    tagKeys.forEach((key, i) => {
      problems.push(...ruleViolations({ param: '', member: `tags.${i + 1}.member.key`, length: { min: 1, max: 128 } }, key));
    });
    collectMembers(params, 'Tags', '.Value').forEach((value, i) => {
      problems.push(...ruleViolations({ param: '', member: `tags.${i + 1}.member.value`, length: { max: 256 } }, value));
    });
  }
  if (problems.length > 0) {
    const n = problems.length;
    throw validationError(`${n} validation error${n > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Operations

interface Context {
  model: StsModel;
  caller: Caller;
  params: Record<string, string>;
  now: Date;
  canaries: boolean;
}

/** The IAM user at the root of the caller's chain. */
function originUser(caller: Caller): User {
  return caller.kind === 'user' ? caller.user : caller.session.user;
}

function assumeGrant(caller: Caller): Grant {
  if (caller.kind === 'user') return caller.user.canAssume;
  return caller.session.role?.canAssume ?? caller.session.user.canAssume;
}

function decodeGrant(caller: Caller): boolean {
  if (caller.kind === 'user') return caller.user.canDecode;
  return caller.session.role?.canDecode ?? caller.session.user.canDecode;
}

function callerMfa(caller: Caller): boolean {
  return caller.kind === 'session' && caller.session.mfa;
}

/** Principals in a trust policy that match this caller. */
function principalNames(caller: Caller): string[] {
  const role = caller.kind === 'session' ? caller.session.role : undefined;
  const account = callerAccount(caller);
  const own = role ? [role.arn, callerArn(caller)] : [originUser(caller).arn];
  return [...own, `arn:aws:iam::${account}:root`, '*'];
}

function checkMfa(user: User, serial: string | undefined, code: string | undefined): void {
  const device = serial === undefined ? undefined : user.mfaDevices.find((d) => d.serial === serial);
  if (!device || code === undefined) throw accessDenied(MESSAGES.mfaUnknownDevice);
  if (!device.codes.includes(code)) throw accessDenied(MESSAGES.mfaInvalidCode);
}

function expiresAt(now: Date, seconds: number): Date {
  return new Date(Math.floor(now.getTime() / 1000) * 1000 + seconds * 1000);
}

/** STS's PackedPolicySize: percent of the allowed packed size used by policies and tags. */
function packedPolicySize(policy: string | undefined, arns: readonly string[], tagBytes: number): number {
  const bytes = (policy === undefined ? 0 : JSON.stringify(JSON.parse(policy)).length) + arns.length * 64 + tagBytes;
  return Math.max(1, Math.ceil((bytes * 100) / 4096));
}

interface SessionTagging {
  sourceIdentity?: string;
  sessionTags?: { key: string; value: string }[];
  transitiveTagKeys?: string[];
}

/**
 * STS's chain rules for session parameters: a role session's source identity carries on and
 * cannot change; its transitive tags carry on and cannot be set again. (The rig's model: the
 * error codes and messages are the rig's own.)
 */
function sessionTagging(caller: Caller, params: Record<string, string>): SessionTagging {
  const from = caller.kind === 'session' && caller.session.kind === 'role' ? caller.session : undefined;
  const inheritedIdentity = from?.sourceIdentity;
  const sourceIdentity = params['SourceIdentity'] ?? inheritedIdentity;
  if (inheritedIdentity !== undefined && sourceIdentity !== inheritedIdentity) throw validationError(MESSAGES.sourceIdentityChanged);
  const keys = collectMembers(params, 'Tags', '.Key');
  const values = collectMembers(params, 'Tags', '.Value');
  const inheritedKeys = (from?.transitiveTagKeys ?? []).map((key) => key.toLowerCase());
  if (keys.some((key) => inheritedKeys.includes(key.toLowerCase()))) throw new StsError(400, 'InvalidParameterValue', MESSAGES.transitiveTagOverride);
  const inherited = (from?.sessionTags ?? []).filter((tag) => inheritedKeys.includes(tag.key.toLowerCase()));
  const sessionTags = [...inherited, ...keys.map((key, i) => ({ key, value: values[i] ?? '' }))];
  const transitiveTagKeys = [...(from?.transitiveTagKeys ?? []), ...collectMembers(params, 'TransitiveTagKeys', '')];
  return {
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
    ...(sessionTags.length > 0 ? { sessionTags } : {}),
    ...(transitiveTagKeys.length > 0 ? { transitiveTagKeys } : {}),
  };
}

function assumeRole(ctx: Context): string {
  const { params, caller, model } = ctx;
  const roleArn = params['RoleArn'] ?? '';
  const sessionName = params['RoleSessionName'] ?? '';
  const denied = (): StsError =>
    accessDenied(`User: ${callerArn(caller)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);

  const role = model.role(roleArn);
  if (!role || !grants(assumeGrant(caller), roleArn)) throw denied();
  let mfa = callerMfa(caller);
  if (params['SerialNumber'] !== undefined || params['TokenCode'] !== undefined) {
    checkMfa(originUser(caller), params['SerialNumber'], params['TokenCode']);
    mfa = true;
  }
  const names = principalNames(caller);
  if (!role.trust.some((p) => names.includes(p))) throw denied();
  if (role.requireMfa && !mfa) throw denied();
  if (role.externalId !== undefined && params['ExternalId'] !== role.externalId) throw denied();

  const duration = params['DurationSeconds'] === undefined ? 3600 : Number(params['DurationSeconds']);
  const chained = caller.kind === 'session' && caller.session.kind === 'role';
  if (chained && duration > 3600) throw validationError(MESSAGES.chainingLimit);
  if (duration > role.maxSessionDuration) throw validationError(MESSAGES.maxSessionDuration);

  const policy = params['Policy'];
  const policyArns = collectMembers(params, 'PolicyArns', '.arn');
  if (policy !== undefined) {
    try {
      const parsed: unknown = JSON.parse(policy);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    } catch {
      throw new StsError(400, 'MalformedPolicyDocument', MESSAGES.malformedPolicy);
    }
  }
  const tagBytes = Object.entries(params)
    .filter(([k]) => k.startsWith('Tags.member.'))
    .reduce((sum, [, v]) => sum + v.length, 0);
  const packs = policy !== undefined || policyArns.length > 0 || tagBytes > 0;
  const packed = packs ? packedPolicySize(policy, policyArns, tagBytes) : undefined;
  if (packed !== undefined && packed > 100) {
    throw new StsError(400, 'PackedPolicyTooLarge', `Packed policy consumes ${packed}% of allotted space, please use smaller policy for this session.`);
  }

  const tagging = sessionTagging(caller, params);
  const session = model.issue(
    {
      kind: 'role',
      issuedAt: ctx.now,
      expiration: expiresAt(ctx.now, duration),
      user: originUser(caller),
      role,
      sessionName,
      mfa,
      chained,
      ...tagging,
      policyArns,
      ...(policy !== undefined ? { policy } : {}),
    },
    ctx.canaries,
  );
  return assumeRoleResultXml(session, packed);
}

function getSessionToken(ctx: Context): string {
  const { params, caller, model } = ctx;
  if (caller.kind === 'session') throw accessDenied(MESSAGES.sessionCredentials);
  const user = caller.user;
  let duration = params['DurationSeconds'] === undefined ? 43200 : Number(params['DurationSeconds']);
  if (user.root && duration > 3600) duration = 3600;
  let mfa = false;
  if (params['SerialNumber'] !== undefined || params['TokenCode'] !== undefined) {
    checkMfa(user, params['SerialNumber'], params['TokenCode']);
    mfa = true;
  }
  const session = model.issue(
    {
      kind: 'session-token',
      issuedAt: ctx.now,
      expiration: expiresAt(ctx.now, duration),
      user,
      mfa,
      chained: false,
      policyArns: [],
    },
    ctx.canaries,
  );
  return credentialsXml(session);
}

/** Like GetSessionToken: long-term keys only, root capped at 1 h; the session is a federated user. */
function getFederationToken(ctx: Context): string {
  const { params, caller, model } = ctx;
  if (caller.kind === 'session') throw accessDenied(MESSAGES.federationSessionCredentials);
  const user = caller.user;
  const requested = params['DurationSeconds'] === undefined ? 43200 : Number(params['DurationSeconds']);
  const duration = user.root ? Math.min(requested, 3600) : requested;
  const name = params['Name'] ?? '';
  const policy = params['Policy'];
  const session = model.issue(
    { kind: 'federation', issuedAt: ctx.now, expiration: expiresAt(ctx.now, duration), user, mfa: false, chained: false, policyArns: [], federatedName: name, ...(policy !== undefined ? { policy } : {}) },
    ctx.canaries,
  );
  const arn = `arn:aws:sts::${user.account}:federated-user/${name}`;
  return `    <FederatedUser>\n      ${el('FederatedUserId', `${user.account}:${name}`)}\n      ${el('Arn', arn)}\n    </FederatedUser>\n` + credentialsXml(session);
}

function getCallerIdentity(ctx: Context): string {
  const { caller } = ctx;
  return callerIdentityResultXml({ arn: callerArn(caller), userId: callerUserId(caller), account: callerAccount(caller) });
}

function decodeAuthorizationMessage(ctx: Context): string {
  const { caller, params, model } = ctx;
  if (!decodeGrant(caller)) {
    throw accessDenied(`User: ${callerArn(caller)} is not authorized to perform: sts:DecodeAuthorizationMessage`);
  }
  const decoded = model.decodeMessage(params['EncodedMessage'] ?? '');
  if (decoded === undefined) throw new StsError(400, 'InvalidAuthorizationMessageException', MESSAGES.invalidMessage);
  return `    ${el('DecodedMessage', decoded)}\n`;
}

/**
 * Unsigned: the token is the only proof. A token the model does not know is InvalidIdentityToken;
 * a role whose trust policy does not name the token's OIDC provider (Federated) is AccessDenied.
 */
function assumeRoleWithWebIdentity(ctx: Omit<Context, 'caller'>): string {
  const { params, model } = ctx;
  const claims = model.webIdentityTokens.get(params['WebIdentityToken'] ?? '');
  if (claims === undefined) throw new StsError(400, 'InvalidIdentityToken', MESSAGES.invalidIdentityToken);
  const role = model.role(params['RoleArn'] ?? '');
  if (!role || !role.federated.includes(claims.provider)) throw accessDenied(MESSAGES.webIdentityDenied);
  const duration = params['DurationSeconds'] === undefined ? 3600 : Number(params['DurationSeconds']);
  if (duration > role.maxSessionDuration) throw validationError(MESSAGES.maxSessionDuration);
  const user: User = {
    name: claims.subject,
    account: role.account,
    arn: claims.provider,
    userId: claims.subject,
    root: false,
    canAssume: [],
    canDecode: false,
    mfaDevices: [],
  };
  const session = model.issue(
    {
      kind: 'role',
      issuedAt: ctx.now,
      expiration: expiresAt(ctx.now, duration),
      user,
      role,
      sessionName: params['RoleSessionName'] ?? '',
      mfa: false,
      chained: false,
      webIdentity: { ...claims },
      policyArns: [],
    },
    ctx.canaries,
  );
  return webIdentityResultXml(session);
}

const OPERATIONS: Record<string, (ctx: Context) => string> = {
  AssumeRole: assumeRole,
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  GetSessionToken: getSessionToken,
  GetFederationToken: getFederationToken,
  GetCallerIdentity: getCallerIdentity,
  DecodeAuthorizationMessage: decodeAuthorizationMessage,
};

// ---------------------------------------------------------------------------------------------
// Authentication

async function authenticate(
  model: StsModel,
  request: ReceivedRequest,
  now: Date,
  maxClockSkewMs: number,
): Promise<Caller> {
  const header = request.headers['authorization'];
  if (header === undefined) throw new StsError(403, 'MissingAuthenticationToken', MESSAGES.missingAuth);
  const parsed = parseAuthorization(header);
  if (!parsed.ok) throw new StsError(400, 'IncompleteSignature', parsed.message);
  const auth = parsed.auth;

  const amzDate = request.headers['x-amz-date'];
  if (amzDate === undefined) {
    throw new StsError(
      400,
      'IncompleteSignature',
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${header}`,
    );
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    throw new StsError(400, 'IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  }
  if (auth.scopeDate !== amzDate.slice(0, 8)) {
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (auth.service !== 'sts') {
    throw new StsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'. `);
  }
  const skew = signingDate.getTime() - now.getTime();
  if (skew < -maxClockSkewMs) {
    const limit = formatAmzDate(new Date(now.getTime() - maxClockSkewMs));
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Signature expired: ${amzDate} is now earlier than ${limit} (${formatAmzDate(now)} - ${Math.round(maxClockSkewMs / 60000)} min.)`,
    );
  }
  if (skew > maxClockSkewMs) {
    const limit = formatAmzDate(new Date(now.getTime() + maxClockSkewMs));
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Signature not yet current: ${amzDate} is still later than ${limit} (${formatAmzDate(now)} + ${Math.round(maxClockSkewMs / 60000)} min.)`,
    );
  }

  const token = request.headers['x-amz-security-token'];
  let caller: Caller;
  let secret: string;
  const key = model.keys.get(auth.accessKeyId);
  const session = model.sessions.get(auth.accessKeyId);
  if (key) {
    if (!key.active || token !== undefined) throw new StsError(403, 'InvalidClientTokenId', MESSAGES.invalidToken);
    caller = { kind: 'user', key, user: key.user };
    secret = key.secretAccessKey;
  } else if (session) {
    if (token !== session.sessionToken) throw new StsError(403, 'InvalidClientTokenId', MESSAGES.invalidToken);
    if (now.getTime() >= session.expiration.getTime()) throw new StsError(400, 'ExpiredToken', MESSAGES.expiredToken);
    caller = { kind: 'session', session };
    secret = session.secretAccessKey;
  } else {
    throw new StsError(403, 'InvalidClientTokenId', MESSAGES.invalidToken);
  }
  if (!(await signatureMatches(request, auth, secret, signingDate))) {
    throw new StsError(403, 'SignatureDoesNotMatch', MESSAGES.signatureMismatch);
  }
  return caller;
}

// ---------------------------------------------------------------------------------------------
// HTTP

const MAX_BODY = 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function headerRecord(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

function receivedRequest(req: http.IncomingMessage, body: string): { request: ReceivedRequest; params: Record<string, string> } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const query: Record<string, string | string[]> = {};
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    params[k] = v;
  }
  const headers = headerRecord(req);
  const contentType = headers['content-type'] ?? '';
  if (body !== '' && (contentType === '' || contentType.includes('application/x-www-form-urlencoded'))) {
    for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  }
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep the raw path; the signature will not match
  }
  return { request: { method: req.method ?? 'GET', path, query, headers, body }, params };
}

function accessKeyIdOf(headers: Record<string, string>): string {
  const m = /Credential=([^/,\s]+)\//.exec(headers['authorization'] ?? '');
  return m?.[1] ?? '';
}

interface ActiveFault {
  kind: StsFaultKind;
  remaining: number;
  delayMs: number;
  action: string | undefined;
  body: string | undefined;
}

const GARBAGE = '<html><body><h1>502 Bad Gateway</h1>\n<p>upstream sent an invalid response & went away';

export async function startStsServer(options: StsServerOptions = {}): Promise<StsRig> {
  const model = options.model instanceof StsModel ? options.model : new StsModel(options.model ?? defaultModel());
  let clock = options.now ?? ((): Date => new Date());
  const maxClockSkewMs = options.maxClockSkewMs ?? 15 * 60 * 1000;
  const canaries = options.canaries ?? true;
  const calls: StsCall[] = [];
  let fault: ActiveFault | undefined;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const send = (res: http.ServerResponse, call: StsCall, status: number, body: string, requestId: string, contentType = 'text/xml'): void => {
    call.status = status;
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(body),
      'x-amzn-RequestId': requestId,
      Date: clock().toUTCString(),
    });
    res.end(body);
  };

  const sendError = (res: http.ServerResponse, call: StsCall, error: StsError, requestId: string): void => {
    call.errorCode = error.code;
    send(res, call, error.status, errorXml(error.status >= 500 ? 'Receiver' : 'Sender', error.code, error.message, requestId), requestId);
  };

  const serve = async (res: http.ServerResponse, call: StsCall, request: ReceivedRequest, params: Record<string, string>): Promise<void> => {
    const requestId = randomUUID();
    try {
      const action = params['Action'];
      if (action === undefined || action === '') throw new StsError(400, 'MissingAction', 'Missing Action');
      const operation = OPERATIONS[action];
      if (operation === undefined || params['Version'] !== STS_VERSION) {
        throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${params['Version'] ?? 'NO_VERSION_SPECIFIED'}`);
      }
      const now = clock();
      let inner: string;
      if (action === 'AssumeRoleWithWebIdentity') {
        // An unauthenticated operation: STS ignores any signature and trusts the token alone.
        validate(action, params);
        inner = assumeRoleWithWebIdentity({ model, params, now, canaries });
      } else {
        const caller = await authenticate(model, request, now, maxClockSkewMs);
        validate(action, params);
        inner = operation({ model, caller, params, now, canaries });
      }
      send(res, call, 200, resultXml(action, inner, requestId), requestId);
    } catch (error) {
      if (error instanceof StsError) {
        sendError(res, call, error, requestId);
      } else {
        sendError(res, call, new StsError(500, 'InternalFailure', MESSAGES.internalFailure), requestId);
      }
    }
  };

  /** Returns true when the fault took over the request. */
  const applyFault = (res: http.ServerResponse, call: StsCall, go: () => void): boolean => {
    const f = fault;
    if (!f || (f.action !== undefined && f.action !== call.action)) return false;
    f.remaining -= 1;
    if (f.remaining <= 0) fault = undefined;
    const requestId = randomUUID();
    switch (f.kind) {
      case 'throttle':
        sendError(res, call, new StsError(400, 'Throttling', MESSAGES.throttling), requestId);
        return true;
      case 'http500':
        sendError(res, call, new StsError(500, 'InternalFailure', MESSAGES.internalFailure), requestId);
        return true;
      case 'http503':
        sendError(res, call, new StsError(503, 'ServiceUnavailable', MESSAGES.serviceUnavailable), requestId);
        return true;
      case 'garbage':
        send(res, call, 200, f.body ?? GARBAGE, requestId);
        return true;
      case 'hang':
        return true; // never answer; close() destroys the socket
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          go();
        }, f.delayMs);
        timers.add(timer);
        return true;
      }
    }
  };

  const handle: http.RequestListener = (req, res) => {
    readBody(req).then(
      (body) => {
        if (closed) return;
        const { request, params } = receivedRequest(req, body);
        const call: StsCall = { action: params['Action'] ?? '', accessKeyId: accessKeyIdOf(request.headers), params, status: 0 };
        calls.push(call);
        const go = (): void => {
          void serve(res, call, request, params);
        };
        if (!applyFault(res, call, go)) go();
      },
      () => res.destroy(),
    );
  };
  const server = options.tls === undefined ? http.createServer(handle) : https.createServer(options.tls, handle);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const rig: StsRig = {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    model,
    calls,
    count: (action) => (action === undefined ? calls.length : calls.filter((c) => c.action === action).length),
    reset: () => {
      calls.length = 0;
    },
    fault: (f) => {
      fault = {
        kind: f.kind,
        remaining: f.times ?? Number.POSITIVE_INFINITY,
        delayMs: f.delayMs ?? 1000,
        action: f.action,
        body: f.body,
      };
    },
    clearFaults: () => {
      fault = undefined;
    },
    encodeMessage: (json) => model.encodeMessage(typeof json === 'string' ? json : JSON.stringify(json)),
    now: () => clock(),
    setClock: (now) => {
      clock = now;
    },
    addUser: (init) => model.addUser(init),
    addRole: (init) => model.addRole(init),
    updateRole: (arn, patch) => model.updateRole(arn, patch),
    updateUser: (name, patch) => model.updateUser(name, patch),
    addAccessKey: (userName, key) => model.addAccessKey(userName, key),
    addMfaDevice: (userName, serial, codes) => model.addMfaDevice(userName, serial, codes),
    setMfaCodes: (serial, codes) => model.setMfaCodes(serial, codes),
    sessions: model.sessions,
    close: async () => {
      if (closed) return;
      closed = true;
      fault = undefined;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await done;
    },
  };
  return rig;
}
