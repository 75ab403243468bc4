import type { Deps } from '../deps.js';
import type { SharedConfig } from '../config/shared-config.js';
import type { SsoRole } from '../sso/profile.js';

export type { Credentials } from '../domain/credentials.js';
import type { Credentials } from '../domain/credentials.js';

/** Link names follow botocore's METHOD names so traces and docs line up with the AWS CLI; derived from the table in links.ts. */
export type { LinkName } from './links.js';
import type { LinkName } from './links.js';

export type TraceOutcome = 'found' | 'skipped' | 'failed' | 'not-tried';

export interface TraceEntry {
  link: LinkName;
  outcome: TraceOutcome;
  /** Why: where it found credentials, why it skipped, or what broke. Never a secret. */
  detail: string;
  /** For the winning link: what later sources it hides (e.g. "profile dev in ~/.aws/credentials"). */
  shadows?: string[];
}

/**
 * What named the profile explicitly (a flag, the API's option, or awsrole itself following a
 * source_profile); like botocore's explicit profile, it turns the env link off.
 */
export type ProfileFlag = '--profile' | '--source-profile' | 'the profile option' | `source_profile of ${string}`;

export function isProfileFlag(from: ProfileSelection['from']): from is ProfileFlag {
  return from !== 'AWS_DEFAULT_PROFILE' && from !== 'AWS_PROFILE' && from !== 'default';
}

export interface ProfileSelection {
  name: string;
  /** Where the name came from: --profile, AWS_DEFAULT_PROFILE, AWS_PROFILE or the default. */
  from: ProfileFlag | 'AWS_DEFAULT_PROFILE' | 'AWS_PROFILE' | 'default';
}

export interface ExplicitParams {
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  sessionToken?: string | undefined;
}

/** One session tag of AssumeRole (STS's Tags.member.N.Key / .Value). */
export interface SessionTag {
  key: string;
  value: string;
}

/** One AssumeRole hop, as botocore would send it. */
export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  /** True when awsrole generated the name (it is then left out of the cache key). */
  sessionNameGenerated: boolean;
  externalId?: string | undefined;
  serialNumber?: string | undefined;
  durationSeconds?: number | undefined;
  policyArns?: string[] | undefined;
  /** Session parameters (README "Session tags, source identity and policies"): set by the session per hop. */
  sourceIdentity?: string | undefined;
  tags?: SessionTag[] | undefined;
  transitiveTagKeys?: string[] | undefined;
  /** An inline session policy: JSON text, sent as is. */
  policy?: string | undefined;
  /** The profile that asked for this hop, for messages and MFA prompts. */
  profile?: string | undefined;
  /** True when the source credentials themselves came from AssumeRole (1 h limit). */
  chained: boolean;
  /**
   * True when the source is a source_profile: the AWS CLI's cache key (the arguments alone) is
   * then safe to share. Otherwise (env, IMDS, --role-arn) the source key id joins the key, so a
   * session is never handed to a different caller.
   */
  sharedCache?: boolean | undefined;
}

/** Performs AssumeRole with the given source credentials; the chain never imports the SDK itself. */
export type RoleAssumer = (source: Credentials, request: AssumeRoleRequest) => Promise<Credentials>;

/** One AssumeRoleWithWebIdentity call, as botocore would send it. */
export interface WebIdentityRequest {
  roleArn: string;
  roleSessionName: string;
  /** The token file's content: a secret, never shown. */
  webIdentityToken: string;
  durationSeconds?: number | undefined;
  /** The profile whose settings (or the environment's) asked for it, for messages. */
  profile?: string | undefined;
}

/** Performs an unsigned AssumeRoleWithWebIdentity; like RoleAssumer, keeps the SDK out of the chain. */
export type WebIdentityAssumer = (request: WebIdentityRequest) => Promise<Credentials>;

/** What the sso link learns besides the credentials, for --explain (never a secret). */
export interface SsoRoleCredentials {
  credentials: Credentials;
  /** From the AWS CLI's role cache: the token was not read. */
  fromCache: boolean;
  token?: { owner: string; expiresAt: Date; refresh: string } | undefined;
}

/** GetRoleCredentials for an SSO profile's role, with the token and role caches (src/sso/). */
export type SsoRoleFetcher = (role: SsoRole) => Promise<SsoRoleCredentials>;

/**
 * The remote calls links make, wired once by the session: links never build an STS client (or
 * any other service client) themselves, and a test can hand them fakes.
 */
export interface ChainServices {
  assumeRole: RoleAssumer;
  /** Absent where no STS is wired in (link tests): the web-identity link then fails, it never skips. */
  assumeRoleWithWebIdentity?: WebIdentityAssumer | undefined;
  /** Absent where no SSO is wired in (link tests): the sso link then fails for an SSO profile, it never skips. */
  ssoRoleCredentials?: SsoRoleFetcher | undefined;
}

export interface ChainContext {
  deps: Deps;
  profile: ProfileSelection;
  config: SharedConfig;
  explicit?: ExplicitParams | undefined;
  services: ChainServices;
  /** The provider table the chain runs (links.ts); a role profile's source_profile uses its sub-chain. */
  links: readonly Link<LinkName>[];
}

export interface LinkResult {
  credentials: Credentials;
  /** Where exactly: "profile dev in /home/a/.aws/credentials". */
  detail: string;
}

/**
 * One row of the provider table. `resolve` throws ChainSkip for "not configured here"; any other
 * error stops the chain.
 */
export interface Link<Name extends string = string> {
  readonly name: Name;
  /** The main chain: the selected profile, with the environment unless a flag named the profile. */
  resolve(context: ChainContext): Promise<LinkResult>;
  /**
   * botocore's ProfileProviderBuilder: this source for a role profile's source_profile (never
   * from the environment). Absent: the link is not part of that sub-chain.
   */
  resolveProfile?: ((context: ChainContext, profile: string) => Promise<LinkResult>) | undefined;
  /** Its credentials come from a role, so a role hop on top of them is chained (1 h limit). */
  readonly givesRoleSession?: boolean | undefined;
  /** What the link would have offered, judged from settings alone (no I/O): shown when an earlier link wins. */
  describe?: ((context: ChainContext) => string | undefined) | undefined;
}

/** Keeps the link's name as a literal type, so the table can derive LinkName from its rows. */
export function defineLink<const Name extends string>(link: Link<Name>): Link<Name> {
  return link;
}

export interface Resolution {
  credentials: Credentials;
  source: LinkName;
  /** The winning link's credentials are a role session: a role hop on top is chained (1 h limit). */
  fromRole: boolean;
  profile: ProfileSelection;
  trace: TraceEntry[];
}
