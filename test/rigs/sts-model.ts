/**
 * The IAM/STS world the local STS rig knows: users with access keys and MFA devices, roles
 * with trust policies, and the sessions the rig has issued. No network here; see
 * `sts-server.ts` for the HTTP side.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Which role ARNs an identity may call sts:AssumeRole on: a list (with `*` globs) or everything. */
export type Grant = readonly string[] | '*';

export interface AccessKeyInit {
  accessKeyId: string;
  secretAccessKey: string;
  /** Inactive keys answer InvalidClientTokenId, like a deactivated IAM key. Default true. */
  active?: boolean;
}

export interface MfaDeviceInit {
  /** e.g. `arn:aws:iam::111122223333:mfa/alice` */
  serial: string;
  /** The codes accepted right now (a real device has one or two in its window). */
  codes: readonly string[];
}

export interface UserInit {
  name: string;
  /** Default `111122223333`. */
  account?: string;
  /** IAM path, default `/`. */
  path?: string;
  /** Unique id (`AIDA…`, 21 chars); derived from the ARN when absent. */
  userId?: string;
  /** The account's root user: ARN `arn:aws:iam::ACCT:root`, GetSessionToken capped at 1 h. */
  root?: boolean;
  accessKeys?: readonly AccessKeyInit[];
  /** Identity policy for sts:AssumeRole. Default none. */
  canAssume?: Grant;
  /** Identity policy for sts:DecodeAuthorizationMessage. Default false. */
  canDecode?: boolean;
  mfaDevices?: readonly MfaDeviceInit[];
}

export interface RoleInit {
  /** e.g. `arn:aws:iam::111122223333:role/deploy` (a path is allowed: `role/ops/deploy`). */
  arn: string;
  /** Unique id (`AROA…`, 21 chars); derived from the ARN when absent. */
  roleId?: string;
  /** Trust policy principals: user ARNs, role ARNs, `arn:aws:iam::ACCT:root` or `*`. */
  trust: readonly string[];
  /** Trust policy `Federated` principals (OIDC provider ARNs) for sts:AssumeRoleWithWebIdentity. */
  federated?: readonly string[];
  /** Trust condition `aws:MultiFactorAuthPresent: true`. */
  requireMfa?: boolean;
  /** Trust condition `sts:ExternalId`. */
  externalId?: string;
  /** Seconds, default 3600 (IAM allows 3600–43200). */
  maxSessionDuration?: number;
  /** The role's own identity policy for sts:AssumeRole, so role chains work. */
  canAssume?: Grant;
  canDecode?: boolean;
}

export interface StsModelInit {
  users?: readonly UserInit[];
  roles?: readonly RoleInit[];
  webIdentityTokens?: ReadonlyArray<WebIdentityToken & { token: string }>;
}

export interface MfaDevice {
  serial: string;
  codes: string[];
}

export interface User {
  name: string;
  account: string;
  arn: string;
  userId: string;
  root: boolean;
  canAssume: Grant;
  canDecode: boolean;
  mfaDevices: MfaDevice[];
}

export interface Role {
  arn: string;
  name: string;
  account: string;
  roleId: string;
  trust: string[];
  federated: string[];
  requireMfa: boolean;
  externalId: string | undefined;
  maxSessionDuration: number;
  canAssume: Grant;
  canDecode: boolean;
}

/** An OIDC token the rig accepts for AssumeRoleWithWebIdentity, and what it asserts. */
export interface WebIdentityToken {
  /** The OIDC provider's IAM ARN (`arn:aws:iam::ACCT:oidc-provider/HOST`). */
  provider: string;
  /** The token's `sub` claim (SubjectFromWebIdentityToken). */
  subject: string;
  /** The token's `aud` claim. */
  audience: string;
}

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  active: boolean;
  user: User;
}

/** Temporary credentials the rig issued (AssumeRole, GetSessionToken or GetFederationToken). */
export interface Session {
  kind: 'role' | 'session-token' | 'federation';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  issuedAt: Date;
  expiration: Date;
  /** The IAM user at the start of the chain. */
  user: User;
  /** Set for role sessions. */
  role?: Role;
  sessionName?: string;
  /** `aws:MultiFactorAuthPresent` for this session. */
  mfa: boolean;
  /** Role session obtained with role-session credentials. */
  chained: boolean;
  /** Passed on this hop, or inherited from the role session that called AssumeRole (STS keeps it along a chain). */
  sourceIdentity?: string;
  /** Session tags: those passed on this hop plus the transitive ones inherited along the chain. */
  sessionTags?: { key: string; value: string }[];
  /** Keys of sessionTags that pass on to the next hop of a chain. */
  transitiveTagKeys?: string[];
  /** Set for sessions from AssumeRoleWithWebIdentity. */
  webIdentity?: WebIdentityToken;
  policyArns: string[];
  policy?: string;
  /** GetFederationToken's Name. */
  federatedName?: string;
}

/** Who signed a request. */
export type Caller = { kind: 'user'; key: AccessKey; user: User } | { kind: 'session'; session: Session };

export const DEFAULT_ACCOUNT = '111122223333';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomChars(alphabet: string, n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Deterministic 17-char id suffix from a seed (ids must stay stable across runs). */
function derivedId(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; out.length < prefix.length + 17; i++) out += ALNUM[(digest[i] ?? 0) % ALNUM.length];
  return out;
}

export function randomAccessKeyId(prefix: 'ASIA' | 'AKIA' = 'ASIA'): string {
  return prefix + randomChars(ALNUM, 16);
}

/**
 * A 40-char secret. With a canary, the secret ends with `SECRETCANARY` (still 40 chars) so a
 * test can grep any output for leaked secrets, issued ones included.
 */
export function randomSecret(canary: boolean): string {
  return canary ? randomChars(SECRET_CHARS, 28) + 'SECRETCANARY' : randomChars(SECRET_CHARS, 40);
}

/** A session token shaped like STS's (base64, a few hundred chars). */
export function randomSessionToken(canary: boolean): string {
  const body = randomBytes(270).toString('base64');
  return canary ? `IQoJb3JpZ2luX2VjTOKENCANARY${body}` : `IQoJb3JpZ2luX2Vj${body}`;
}

/** Matches `value` against a pattern where `*` stands for any run of characters. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const re = new RegExp('^' + pattern.split('*').map(escapeRegExp).join('.*') + '$');
  return re.test(value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function grants(grant: Grant, arn: string): boolean {
  return grant === '*' || grant.some((p) => globMatch(p, arn));
}

/** `arn:aws:iam::ACCT:role/path/name` → {account, name}; undefined when it is not a role ARN. */
export function parseRoleArn(arn: string): { account: string; name: string } | undefined {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  if (!m) return undefined;
  return { account: m[1] ?? '', name: m[2] ?? '' };
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Mutable model. All lookups are by exact string. */
export class StsModel {
  readonly users = new Map<string, User>(); // by ARN
  readonly roles = new Map<string, Role>(); // by ARN
  readonly keys = new Map<string, AccessKey>(); // long-term keys by id
  readonly sessions = new Map<string, Session>(); // temporary keys by id
  readonly webIdentityTokens = new Map<string, WebIdentityToken>(); // by token text
  private readonly messages = new Map<string, string>();

  constructor(init: StsModelInit = {}) {
    for (const u of init.users ?? []) this.addUser(u);
    for (const r of init.roles ?? []) this.addRole(r);
    for (const { token, ...claims } of init.webIdentityTokens ?? []) this.addWebIdentityToken(token, claims);
  }

  addUser(init: UserInit): User {
    const account = init.account ?? DEFAULT_ACCOUNT;
    const root = init.root ?? false;
    const path = init.path ?? '/';
    const arn = root ? `arn:aws:iam::${account}:root` : `arn:aws:iam::${account}:user${path}${init.name}`;
    if (this.users.has(arn)) throw new Error(`sts rig: user ${arn} already exists`);
    const user: User = {
      name: init.name,
      account,
      arn,
      userId: init.userId ?? (root ? account : derivedId('AIDA', arn)),
      root,
      canAssume: init.canAssume ?? [],
      canDecode: init.canDecode ?? false,
      mfaDevices: [],
    };
    this.users.set(arn, user);
    for (const k of init.accessKeys ?? []) this.addAccessKey(init.name, k, account);
    for (const d of init.mfaDevices ?? []) this.addMfaDevice(init.name, d.serial, d.codes, account);
    return user;
  }

  addRole(init: RoleInit): Role {
    const parsed = parseRoleArn(init.arn);
    if (!parsed) throw new Error(`sts rig: not a role ARN: ${init.arn}`);
    if (this.roles.has(init.arn)) throw new Error(`sts rig: role ${init.arn} already exists`);
    const role: Role = {
      arn: init.arn,
      name: parsed.name,
      account: parsed.account,
      roleId: init.roleId ?? derivedId('AROA', init.arn),
      trust: [...init.trust],
      federated: [...(init.federated ?? [])],
      requireMfa: init.requireMfa ?? false,
      externalId: init.externalId,
      maxSessionDuration: init.maxSessionDuration ?? 3600,
      canAssume: init.canAssume ?? [],
      canDecode: init.canDecode ?? false,
    };
    this.roles.set(init.arn, role);
    return role;
  }

  /** Changes a role in place (trust, conditions, max duration, grants). */
  updateRole(arn: string, patch: Partial<Omit<RoleInit, 'arn'>>): Role {
    const role = this.roles.get(arn);
    if (!role) throw new Error(`sts rig: no role ${arn}`);
    if (patch.roleId !== undefined) role.roleId = patch.roleId;
    if (patch.trust !== undefined) role.trust = [...patch.trust];
    if (patch.federated !== undefined) role.federated = [...patch.federated];
    if (patch.requireMfa !== undefined) role.requireMfa = patch.requireMfa;
    if ('externalId' in patch) role.externalId = patch.externalId;
    if (patch.maxSessionDuration !== undefined) role.maxSessionDuration = patch.maxSessionDuration;
    if (patch.canAssume !== undefined) role.canAssume = patch.canAssume;
    if (patch.canDecode !== undefined) role.canDecode = patch.canDecode;
    return role;
  }

  /** Changes a user's grants in place. */
  updateUser(name: string, patch: { canAssume?: Grant; canDecode?: boolean }, account?: string): User {
    const user = this.user(name, account);
    if (patch.canAssume !== undefined) user.canAssume = patch.canAssume;
    if (patch.canDecode !== undefined) user.canDecode = patch.canDecode;
    return user;
  }

  /** Finds a user by name (first match unless an account is given); throws when absent. */
  user(name: string, account?: string): User {
    for (const u of this.users.values()) {
      if (u.name === name && (account === undefined || u.account === account)) return u;
    }
    throw new Error(`sts rig: no user ${name}`);
  }

  role(arn: string): Role | undefined {
    return this.roles.get(arn);
  }

  /** Adds a long-term key to a user; generates an `AKIA…` id and a canary secret when not given. */
  addAccessKey(userName: string, key?: Partial<AccessKeyInit>, account?: string): AccessKeyInit {
    const user = this.user(userName, account);
    const accessKeyId = key?.accessKeyId ?? randomAccessKeyId('AKIA');
    if (this.keys.has(accessKeyId)) throw new Error(`sts rig: access key ${accessKeyId} already exists`);
    const secretAccessKey = key?.secretAccessKey ?? randomSecret(true);
    const active = key?.active ?? true;
    this.keys.set(accessKeyId, { accessKeyId, secretAccessKey, active, user });
    return { accessKeyId, secretAccessKey, active };
  }

  setAccessKeyActive(accessKeyId: string, active: boolean): void {
    const key = this.keys.get(accessKeyId);
    if (!key) throw new Error(`sts rig: no access key ${accessKeyId}`);
    key.active = active;
  }

  addMfaDevice(userName: string, serial: string, codes: readonly string[], account?: string): MfaDevice {
    const user = this.user(userName, account);
    if (this.mfaDevice(serial)) throw new Error(`sts rig: MFA device ${serial} already exists`);
    const device: MfaDevice = { serial, codes: [...codes] };
    user.mfaDevices.push(device);
    return device;
  }

  /** Sets the codes an MFA device accepts from now on. */
  setMfaCodes(serial: string, codes: readonly string[]): void {
    const device = this.mfaDevice(serial);
    if (!device) throw new Error(`sts rig: no MFA device ${serial}`);
    device.codes = [...codes];
  }

  mfaDevice(serial: string): MfaDevice | undefined {
    for (const u of this.users.values()) {
      const d = u.mfaDevices.find((x) => x.serial === serial);
      if (d) return d;
    }
    return undefined;
  }

  /** Registers a token AssumeRoleWithWebIdentity will accept. */
  addWebIdentityToken(token: string, claims: WebIdentityToken): void {
    this.webIdentityTokens.set(token, { ...claims });
  }

  /** Registers a message DecodeAuthorizationMessage will decode; returns the opaque encoded form. */
  encodeMessage(json: string): string {
    const encoded = randomBytes(96).toString('base64url');
    this.messages.set(encoded, json);
    return encoded;
  }

  decodeMessage(encoded: string): string | undefined {
    return this.messages.get(encoded);
  }

  issue(session: Omit<Session, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>, canary: boolean): Session {
    let accessKeyId = randomAccessKeyId('ASIA');
    while (this.sessions.has(accessKeyId)) accessKeyId = randomAccessKeyId('ASIA');
    const full: Session = {
      ...session,
      accessKeyId,
      secretAccessKey: randomSecret(canary),
      sessionToken: randomSessionToken(canary),
    };
    this.sessions.set(accessKeyId, full);
    return full;
  }
}

/** Identity as STS prints it in AccessDenied messages and GetCallerIdentity. */
export function callerArn(caller: Caller): string {
  if (caller.kind === 'user') return caller.user.arn;
  const s = caller.session;
  if (s.kind === 'role' && s.role) return `arn:aws:sts::${s.role.account}:assumed-role/${s.role.name}/${s.sessionName ?? ''}`;
  if (s.kind === 'federation') return `arn:aws:sts::${s.user.account}:federated-user/${s.federatedName ?? ''}`;
  return s.user.arn;
}

export function callerUserId(caller: Caller): string {
  if (caller.kind === 'user') return caller.user.userId;
  const s = caller.session;
  if (s.kind === 'role' && s.role) return `${s.role.roleId}:${s.sessionName ?? ''}`;
  if (s.kind === 'federation') return `${s.user.account}:${s.federatedName ?? ''}`;
  return s.user.userId;
}

export function callerAccount(caller: Caller): string {
  if (caller.kind === 'user') return caller.user.account;
  return caller.session.role?.account ?? caller.session.user.account;
}

// ---------------------------------------------------------------------------------------------
// Fixture

/**
 * The ready-made world used by tests and `npm run demo`. Key ids are obviously fake and 20
 * chars long; every secret contains `SECRETCANARY` so tests can assert it never leaks.
 */
export const FIXTURE = {
  account: '111122223333',
  partnerAccount: '444455556666',
  alice: {
    name: 'alice',
    arn: 'arn:aws:iam::111122223333:user/alice',
    accessKeyId: 'AKIAALICEEXAMPLE0001',
    secretAccessKey: 'wJalrXUtnFEMIK7MDENGbPxaliceSECRETCANARY',
    mfaSerial: 'arn:aws:iam::111122223333:mfa/alice',
    mfaCode: '123456',
  },
  bob: {
    name: 'bob',
    arn: 'arn:aws:iam::111122223333:user/bob',
    accessKeyId: 'AKIABOBEXAMPLE000001',
    secretAccessKey: 'je7MtGbClwBF2Zp9UtkXh3yCWbobSECRETCANARY',
  },
  roles: {
    /** Trusts alice; may assume `admin`; max session 12 h. */
    deploy: 'arn:aws:iam::111122223333:role/deploy',
    /** Trusts role `deploy` and role `web` (second hop of a chain); max session 12 h. */
    admin: 'arn:aws:iam::111122223333:role/admin',
    /** Trusts alice with `aws:MultiFactorAuthPresent`; max session 1 h. */
    mfaAdmin: 'arn:aws:iam::111122223333:role/mfa-admin',
    /** Alice may call AssumeRole on it, but its trust policy names only bob. */
    locked: 'arn:aws:iam::111122223333:role/locked',
    /** Other account; trusts account 111122223333's root with an external id; max 1 h. */
    partner: 'arn:aws:iam::444455556666:role/partner',
    /** Trusts the OIDC provider `webIdentity.provider` (Federated); may assume `admin`. */
    web: 'arn:aws:iam::111122223333:role/web',
  },
  /** The one web identity token the rig accepts (not a real JWT), and its claims. */
  webIdentity: {
    token: 'fixture-oidc-token.eyJzdWIiOiJyZXBvOmV4YW1wbGUifQ.TOKENCANARY',
    provider: 'arn:aws:iam::111122223333:oidc-provider/token.actions.example.com',
    subject: 'repo:example/app:ref:refs/heads/main',
    audience: 'sts.amazonaws.com',
  },
  partnerExternalId: 'partner-ext-id-42',
} as const;

export function defaultModel(): StsModelInit {
  const f = FIXTURE;
  return {
    users: [
      {
        name: f.alice.name,
        account: f.account,
        userId: 'AIDAALICEEXAMPLE00001',
        accessKeys: [{ accessKeyId: f.alice.accessKeyId, secretAccessKey: f.alice.secretAccessKey }],
        canAssume: '*',
        canDecode: true,
        mfaDevices: [{ serial: f.alice.mfaSerial, codes: [f.alice.mfaCode] }],
      },
      {
        name: f.bob.name,
        account: f.account,
        userId: 'AIDABOBEXAMPLE0000001',
        accessKeys: [{ accessKeyId: f.bob.accessKeyId, secretAccessKey: f.bob.secretAccessKey }],
      },
    ],
    roles: [
      {
        arn: f.roles.deploy,
        roleId: 'AROADEPLOYEXAMPLE0001',
        trust: [f.alice.arn],
        maxSessionDuration: 43200,
        canAssume: [f.roles.admin],
      },
      {
        arn: f.roles.admin,
        roleId: 'AROAADMINEXAMPLE00001',
        trust: [f.roles.deploy, f.roles.web],
        maxSessionDuration: 43200,
      },
      {
        arn: f.roles.mfaAdmin,
        roleId: 'AROAMFAADMINEXAMPLE01',
        trust: [f.alice.arn],
        requireMfa: true,
      },
      {
        arn: f.roles.locked,
        roleId: 'AROALOCKEDEXAMPLE0001',
        trust: [f.bob.arn],
      },
      {
        arn: f.roles.partner,
        roleId: 'AROAPARTNEREXAMPLE001',
        trust: [`arn:aws:iam::${f.account}:root`],
        externalId: f.partnerExternalId,
      },
      {
        arn: f.roles.web,
        roleId: 'AROAWEBEXAMPLE0000001',
        trust: [],
        federated: [f.webIdentity.provider],
        canAssume: [f.roles.admin],
      },
    ],
    webIdentityTokens: [{ token: f.webIdentity.token, provider: f.webIdentity.provider, subject: f.webIdentity.subject, audience: f.webIdentity.audience }],
  };
}
