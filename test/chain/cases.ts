/**
 * The credential-chain case table: one or more rows per rule and per error of
 * docs/credential-chain.md (botocore's rules), each checked against botocore 1.43.11
 * (differential.test.ts asserts every row's `want` against botocore before comparing awsrole).
 *
 * Placeholders, replaced by the harness in env values and in file contents:
 *   {HOME}      the case's fresh temporary home directory
 *   {IMDS}      the loopback IMDS rig's base URL (only in rows with `imds`)
 *   {CONTAINER} the loopback container-credentials rig's URL (only in rows with `container`)
 *   {REFUSED}   a loopback URL where nothing listens
 * Every row runs with `AWS_EC2_METADATA_DISABLED=true` unless it has `imds`, and with
 * `AWS_ENDPOINT_URL_STS` pointing at a loopback STS rig (or a refused loopback port).
 */
import { FIXTURE } from '../rigs/sts-model.js';
import { fixtureContainerCredentials, fixtureCredentials } from '../rigs/imds-server.js';
import type { ImdsCredentialDocument, ImdsOptions, ImdsPath, PathMode } from '../rigs/imds-server.js';
import type { LinkName } from '../../src/chain/types.js';

/** botocore's `Credentials.method` of the provider that answered. */
export type Method = Exclude<LinkName, 'explicit'>;

/** The class name of what botocore raises (or NoCredentials when get_credentials() is None). */
export type BotocoreError =
  | 'NoCredentials'
  | 'ProfileNotFound'
  | 'PartialCredentialsError'
  | 'InvalidConfigError'
  | 'ConfigParseError'
  | 'ConfigNotFound'
  | 'InfiniteLoopConfigError'
  | 'CredentialRetrievalError'
  | 'InvalidIMDSEndpointError'
  | 'InvalidIMDSEndpointModeError'
  | 'ClientError'
  | 'InvalidIdentityTokenException'
  | 'EndpointConnectionError'
  | 'NoRegionError'
  | 'MetadataRetrievalError'
  | 'HTTPClientError'
  | 'ParamValidationError'
  // Uncaught Python errors botocore lets escape (still FATAL: the chain stops).
  | 'KeyError'
  | 'JSONDecodeError'
  | 'ParserError'
  | 'RuntimeError'
  | 'TypeError'
  | 'ValueError'
  | 'IndexError'
  | 'AttributeError'
  | 'FileNotFoundError';

/** awsrole's exit codes (DESIGN.md): 3 no/partial/broken credentials, 4 STS refused, 5 config, 6 network. */
export type FailExit = 3 | 4 | 5 | 6;

export interface WantFound {
  key: string;
  secret: string;
  /** The session token, when the source has one. */
  token?: string;
  /** ISO 8601; compared as an instant. */
  expiration?: string;
  /** AWS_ACCOUNT_ID / aws_account_id / AccountId of the source (printed as AccountId). */
  accountId?: string;
  via: Method;
}

export interface WantError {
  error: BotocoreError;
  exit: FailExit;
}

/** Credentials from the STS rig: compare the recorded AssumeRole calls, not the random keys. */
export interface WantAssumed {
  assumed: true;
}

export type Want = WantFound | WantError | WantAssumed;

/** One AssumeRole request as the STS rig records it. */
export interface RoleCall {
  roleArn: string;
  /**
   * Access key id that signed the request; 'previous' for a chained hop (the key the rig issued
   * for the call before), 'source-session' for the session the rig issued for IMDS/container,
   * 'unsigned' for a request without an Authorization header.
   */
  signer: string;
  /** AssumeRoleWithWebIdentity instead of AssumeRole. */
  webIdentity?: true;
  /** For AssumeRoleWithWebIdentity: was the WebIdentityToken sent exactly FIXTURE.webIdentity.token? */
  fixtureToken?: boolean;
  externalId?: string;
  durationSeconds?: number;
  /** SerialNumber sent (with a TokenCode). */
  mfa?: boolean;
  roleSessionName?: string;
}

export interface RoleSpec {
  /** The AssumeRole calls, in order, both botocore and awsrole must make. Empty: none. */
  calls: RoleCall[];
  /** Code botocore's (patched) MFA prompt answers with. */
  mfaCode?: string;
  /**
   * Serve, from the IMDS or container rig, temporary credentials the STS rig issued to alice
   * (the rig refuses a session token with a long-term key, so fixture keys would not do).
   */
  sourceSession?: 'imds' | 'container';
  /**
   * AWS_DEFAULT_REGION for the run: default 'us-east-1'; null sets none (botocore then cannot
   * sign for the configured STS endpoint).
   */
  region?: string | null;
  /** Point STS at a refused loopback port instead of the rig. */
  unreachable?: boolean;
}

export interface ImdsSpec {
  v1Allowed?: boolean;
  modes?: Partial<Record<ImdsPath, PathMode>>;
  credentials?: ImdsOptions['credentials'];
  /** When false, AWS_EC2_METADATA_SERVICE_ENDPOINT is not set by the harness (the row sets it in a file). */
  endpointEnv?: boolean;
}

export interface ChainCase {
  name: string;
  spec: string;
  files?: {
    /** ~/.aws/config */
    config?: string;
    /** ~/.aws/credentials */
    credentials?: string;
    /** ~/.boto */
    boto?: string;
    /** Written to {HOME}/boto-config.cfg; BOTO_CONFIG points there. */
    botoConfig?: string;
    /** Written to {HOME}/aws-credential-file; AWS_CREDENTIAL_FILE points there. */
    credentialFile?: string;
    /** Any other file, by path relative to HOME (scripts are made executable). */
    other?: Record<string, string>;
  };
  env?: Record<string, string>;
  /** --profile */
  profile?: string;
  want: Want;
  role?: RoleSpec;
  imds?: ImdsSpec;
  /** Start the container-credentials rig ({CONTAINER}). */
  container?: boolean;
  /** Fields of the container rig's credential document that differ from the fixture's (any JSON value). */
  containerCredentials?: Record<string, unknown>;
  /**
   * awsrole deliberately differs from botocore here: why, what awsrole does instead and, when
   * that is an assumed role, the AssumeRole calls it makes.
   */
  deviation?: { reason: string; awsrole: Want; calls?: RoleCall[] };
}

// ---------------------------------------------------------------------------------------
// Fixtures

/** A fake 20-char key id, unique per source so a result shows which source won. */
export function key(n: number): string {
  return `AKIDCASE${String(n).padStart(12, '0')}`;
}

export function secret(n: number): string {
  return `case-${n}-secret-SECRETCANARY`;
}

export function token(n: number): string {
  return `case-${n}-token-SECRETCANARY`;
}

/** Source numbers: which key a case sees tells which link answered. */
const ENV = 1;
const CRED = 2;
const CONF = 3;
const PROC = 4;
const EC2F = 5;
const BOTO = 6;
const BOTOCFG = 7;
const OTHER = 8;
const OTHER2 = 9;

/** `aws_access_key_id`/`aws_secret_access_key` lines for source n. */
function keys(n: number): string {
  return `aws_access_key_id = ${key(n)}\naws_secret_access_key = ${secret(n)}\n`;
}

function envKeys(n: number = ENV): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: key(n), AWS_SECRET_ACCESS_KEY: secret(n) };
}

function found(n: number, via: Method, extra: { token?: string; expiration?: string; accountId?: string } = {}): WantFound {
  return { key: key(n), secret: secret(n), via, ...extra };
}

function fail(error: BotocoreError, exit: FailExit): WantError {
  return { error, exit };
}

const NONE = fail('NoCredentials', 3);
const PARTIAL = fail('PartialCredentialsError', 3);
const NO_PROFILE = fail('ProfileNotFound', 5);
const PARSE = fail('ConfigParseError', 5);
const INVALID = fail('InvalidConfigError', 5);
const LOOP = fail('InfiniteLoopConfigError', 5);
const RETRIEVAL = fail('CredentialRetrievalError', 3);
const ASSUMED: WantAssumed = { assumed: true };

const FUTURE = '2099-01-02T03:04:05Z';
const PAST = '2001-01-02T03:04:05Z';

/** A credential_process helper: prints `stdout` verbatim (and `stderr`), exits with `code`. */
function processScript(stdout: string, code = 0, stderr = ''): string {
  return `#!/bin/sh\ncat <<'AWSROLE_EOF'\n${stdout}\nAWSROLE_EOF\n${stderr ? `echo '${stderr}' >&2\n` : ''}exit ${code}\n`;
}

function processJson(n: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ Version: 1, AccessKeyId: key(n), SecretAccessKey: secret(n), ...extra });
}

/** config with `[default] credential_process = sh {HOME}/proc.sh`, plus the script. */
function withProcess(stdout: string, code = 0, configExtra = ''): NonNullable<ChainCase['files']> {
  return {
    config: `[default]\ncredential_process = sh {HOME}/proc.sh\n${configExtra}`,
    other: { 'proc.sh': processScript(stdout, code, code === 0 ? '' : 'helper failed on purpose') },
  };
}

const ALICE = FIXTURE.alice;
const ROLES = FIXTURE.roles;
const aliceKeys = `aws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`;
const aliceEnv = { AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey };

const IMDS_DOC = fixtureCredentials();
const IMDS_FOUND: WantFound = {
  key: IMDS_DOC.AccessKeyId,
  secret: IMDS_DOC.SecretAccessKey,
  token: IMDS_DOC.Token,
  expiration: IMDS_DOC.Expiration,
  // botocore's IMDS fetcher drops the document's AccountId.
  via: 'iam-role',
};
const CONTAINER_DOC = fixtureContainerCredentials();
const CONTAINER_FOUND: WantFound = {
  key: CONTAINER_DOC.AccessKeyId,
  secret: CONTAINER_DOC.SecretAccessKey,
  token: CONTAINER_DOC.Token,
  expiration: CONTAINER_DOC.Expiration,
  ...(CONTAINER_DOC.AccountId !== undefined ? { accountId: CONTAINER_DOC.AccountId } : {}),
  via: 'container-role',
};

const WEB = FIXTURE.webIdentity;
/** A profile body that uses web identity with the fixture token and role. */
const webProfileBody = `role_arn = ${ROLES.web}\nweb_identity_token_file = {HOME}/token\n`;
/** The unsigned AssumeRoleWithWebIdentity both must send (no configured session name). */
const WEB_CALL: RoleCall = { roleArn: ROLES.web, signer: 'unsigned', webIdentity: true, fixtureToken: true };

const roleProfile = (name: string, body: string): string =>
  `[profile ${name}]\nrole_arn = ${ROLES.deploy}\n${body}`;

// ---------------------------------------------------------------------------------------
// The table

export const cases: ChainCase[] = [
  // ----- §0 order of the links -----------------------------------------------------------
  {
    name: 'env keys beat every file-based source',
    spec: '§0',
    files: {
      credentials: `[default]\n${keys(CRED)}`,
      config: `[default]\n${keys(CONF)}`,
      boto: `[Credentials]\n${keys(BOTO)}`,
    },
    env: envKeys(),
    want: found(ENV, 'env'),
  },
  {
    name: 'credentials file beats config file, AWS_CREDENTIAL_FILE and boto',
    spec: '§0',
    files: {
      credentials: `[default]\n${keys(CRED)}`,
      config: `[default]\n${keys(CONF)}`,
      credentialFile: `AWSAccessKeyId=${key(EC2F)}\nAWSSecretKey=${secret(EC2F)}\n`,
      boto: `[Credentials]\n${keys(BOTO)}`,
    },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'config file beats AWS_CREDENTIAL_FILE and boto',
    spec: '§0',
    files: {
      config: `[default]\n${keys(CONF)}`,
      credentialFile: `AWSAccessKeyId=${key(EC2F)}\nAWSSecretKey=${secret(EC2F)}\n`,
      boto: `[Credentials]\n${keys(BOTO)}`,
    },
    want: found(CONF, 'config-file'),
  },
  {
    name: 'AWS_CREDENTIAL_FILE beats boto',
    spec: '§0',
    files: {
      credentialFile: `AWSAccessKeyId=${key(EC2F)}\nAWSSecretKey=${secret(EC2F)}\n`,
      boto: `[Credentials]\n${keys(BOTO)}`,
    },
    want: found(EC2F, 'ec2-credentials-file'),
  },
  {
    name: 'a role_arn profile with no source is FATAL even with keys in [default] of the credentials file',
    spec: '§0',
    files: {
      credentials: `[default]\n${keys(CRED)}`,
      config: `[profile r]\nrole_arn = ${ROLES.deploy}\n`,
    },
    env: { AWS_PROFILE: 'r' },
    want: PARTIAL,
  },
  {
    name: 'a role_arn profile with no source is FATAL even with its own static keys',
    spec: '§0',
    files: { credentials: `[r]\n${keys(CRED)}role_arn = ${ROLES.deploy}\n` },
    profile: 'r',
    want: PARTIAL,
  },
  {
    name: 'a role profile holding static keys still assumes its role (keys from source_profile)',
    spec: '§0',
    files: {
      credentials: `[r]\n${keys(CRED)}\n[src]\n${aliceKeys}`,
      config: roleProfile('r', 'source_profile = src\n'),
    },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'boto config beats IMDS',
    spec: '§0',
    files: { boto: `[Credentials]\n${keys(BOTO)}` },
    imds: {},
    want: found(BOTO, 'boto-config'),
  },

  // ----- §1 profile selection --------------------------------------------------------------
  {
    name: '--profile selects the profile',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}\n[dev]\n${keys(OTHER)}` },
    profile: 'dev',
    want: found(OTHER, 'shared-credentials-file'),
  },
  {
    name: 'AWS_PROFILE selects the profile',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}\n[dev]\n${keys(OTHER)}` },
    env: { AWS_PROFILE: 'dev' },
    want: found(OTHER, 'shared-credentials-file'),
  },
  {
    name: 'AWS_DEFAULT_PROFILE beats AWS_PROFILE',
    spec: '§1',
    files: { credentials: `[a]\n${keys(OTHER)}\n[b]\n${keys(OTHER2)}` },
    env: { AWS_DEFAULT_PROFILE: 'a', AWS_PROFILE: 'b' },
    want: found(OTHER, 'shared-credentials-file'),
  },
  {
    name: 'AWS_DEFAULT_PROFILE naming a missing profile is FATAL although AWS_PROFILE exists',
    spec: '§1',
    files: { credentials: `[b]\n${keys(OTHER2)}` },
    env: { AWS_DEFAULT_PROFILE: 'nope', AWS_PROFILE: 'b' },
    want: NO_PROFILE,
  },
  {
    name: '--profile beats AWS_DEFAULT_PROFILE and AWS_PROFILE',
    spec: '§1',
    files: { credentials: `[a]\n${keys(OTHER)}\n[b]\n${keys(OTHER2)}\n[c]\n${keys(CRED)}` },
    env: { AWS_DEFAULT_PROFILE: 'a', AWS_PROFILE: 'b' },
    profile: 'c',
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'missing --profile is FATAL even with env keys',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: envKeys(),
    profile: 'nope',
    want: NO_PROFILE,
  },
  {
    name: 'missing AWS_PROFILE is FATAL even with env keys',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { ...envKeys(), AWS_PROFILE: 'nope' },
    want: NO_PROFILE,
  },
  {
    name: 'AWS_PROFILE="" names the profile "" which does not exist',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { ...envKeys(), AWS_PROFILE: '' },
    want: NO_PROFILE,
  },
  {
    name: 'AWS_DEFAULT_PROFILE="" beats AWS_PROFILE and is FATAL',
    spec: '§1',
    files: { credentials: `[dev]\n${keys(OTHER)}` },
    env: { AWS_DEFAULT_PROFILE: '', AWS_PROFILE: 'dev' },
    want: NO_PROFILE,
  },
  {
    name: 'AWS_PROFILE=default with no default profile is FATAL',
    spec: '§1',
    files: { credentials: `[dev]\n${keys(OTHER)}` },
    env: { AWS_PROFILE: 'default', ...envKeys() },
    want: NO_PROFILE,
  },
  {
    name: 'no name given and no default profile: every link NEXTs (no error)',
    spec: '§1',
    files: { credentials: `[dev]\n${keys(OTHER)}`, config: `[profile ops]\n${keys(OTHER2)}` },
    want: NONE,
  },
  {
    name: 'no default profile: the chain reaches boto',
    spec: '§1',
    files: { credentials: `[dev]\n${keys(OTHER)}`, boto: `[Credentials]\n${keys(BOTO)}` },
    want: found(BOTO, 'boto-config'),
  },
  {
    name: 'a profile present only in the config file exists',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}`, config: `[profile dev]\n${keys(CONF)}` },
    profile: 'dev',
    want: found(CONF, 'config-file'),
  },
  {
    name: 'a profile present only in the credentials file exists',
    spec: '§1',
    files: { config: `[default]\n${keys(CONF)}`, credentials: `[dev]\n${keys(CRED)}` },
    env: { AWS_PROFILE: 'dev' },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: '[profile default] in the config file makes AWS_PROFILE=default exist',
    spec: '§1',
    files: { config: `[profile default]\n${keys(CONF)}` },
    env: { AWS_PROFILE: 'default' },
    want: found(CONF, 'config-file'),
  },
  {
    name: 'an existing profile without keys: nothing found, no error',
    spec: '§1',
    files: { config: `[profile dev]\nregion = eu-west-1\n` },
    profile: 'dev',
    want: NONE,
  },
  {
    name: '--profile disables the env link',
    spec: '§1',
    files: { credentials: `[dev]\n${keys(CRED)}` },
    env: envKeys(),
    profile: 'dev',
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: '--profile default also disables the env link',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: envKeys(),
    profile: 'default',
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: '--profile with env keys only: env is not read',
    spec: '§1',
    files: { config: `[profile dev]\nregion = eu-west-1\n` },
    env: envKeys(),
    profile: 'dev',
    want: NONE,
  },
  {
    name: 'AWS_PROFILE does not disable env: env keys shadow the profile',
    spec: '§1',
    files: { credentials: `[dev]\n${keys(CRED)}` },
    env: { ...envKeys(), AWS_PROFILE: 'dev' },
    want: found(ENV, 'env'),
  },

  // ----- §1 file locations -----------------------------------------------------------------
  {
    name: 'AWS_SHARED_CREDENTIALS_FILE replaces ~/.aws/credentials',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}`, other: { 'elsewhere/creds': `[default]\n${keys(OTHER)}` } },
    env: { AWS_SHARED_CREDENTIALS_FILE: '{HOME}/elsewhere/creds' },
    want: found(OTHER, 'shared-credentials-file'),
  },
  {
    name: 'AWS_SHARED_CREDENTIALS_FILE expands ~',
    spec: '§1',
    files: { other: { 'elsewhere/creds': `[default]\n${keys(OTHER)}` } },
    env: { AWS_SHARED_CREDENTIALS_FILE: '~/elsewhere/creds' },
    want: found(OTHER, 'shared-credentials-file'),
  },
  {
    name: 'AWS_SHARED_CREDENTIALS_FILE expands $HOME',
    spec: '§1',
    files: { other: { 'elsewhere/creds': `[default]\n${keys(OTHER)}` } },
    env: { AWS_SHARED_CREDENTIALS_FILE: '$HOME/elsewhere/creds' },
    want: found(OTHER, 'shared-credentials-file'),
  },
  {
    name: 'AWS_CONFIG_FILE expands ~ and replaces ~/.aws/config',
    spec: '§1',
    files: { config: `[profile dev]\n${keys(CONF)}`, other: { 'elsewhere/conf': `[profile dev]\n${keys(OTHER)}` } },
    env: { AWS_CONFIG_FILE: '~/elsewhere/conf', AWS_PROFILE: 'dev' },
    want: found(OTHER, 'config-file'),
  },
  {
    name: 'AWS_CONFIG_FILE expands ${HOME}',
    spec: '§1',
    files: { other: { 'elsewhere/conf': `[profile dev]\n${keys(OTHER)}` } },
    env: { AWS_CONFIG_FILE: '${HOME}/elsewhere/conf', AWS_PROFILE: 'dev' },
    want: found(OTHER, 'config-file'),
  },
  {
    name: 'a missing AWS_SHARED_CREDENTIALS_FILE reads as empty',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}`, config: `[default]\n${keys(CONF)}` },
    env: { AWS_SHARED_CREDENTIALS_FILE: '{HOME}/does-not-exist' },
    want: found(CONF, 'config-file'),
  },
  {
    name: 'AWS_SHARED_CREDENTIALS_FILE="" means no credentials file (no fallback to the default path)',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { AWS_SHARED_CREDENTIALS_FILE: '' },
    want: NONE,
  },
  {
    name: 'a missing AWS_CONFIG_FILE reads as empty, so its profiles do not exist',
    spec: '§1',
    files: { config: `[profile dev]\n${keys(CONF)}` },
    env: { AWS_CONFIG_FILE: '{HOME}/does-not-exist', AWS_PROFILE: 'dev' },
    want: NO_PROFILE,
  },
  {
    name: 'key id in the credentials file and secret only in the config file is partial',
    spec: '§1',
    files: {
      credentials: `[default]\naws_access_key_id = ${key(CRED)}\n`,
      config: `[default]\naws_secret_access_key = ${secret(CONF)}\n`,
    },
    want: PARTIAL,
  },

  // ----- §2 INI parsing ----------------------------------------------------------------------
  {
    name: '[profile  x] (two spaces) is profile x',
    spec: '§2',
    files: { config: `[profile  x]\n${keys(CONF)}` },
    profile: 'x',
    want: found(CONF, 'config-file'),
  },
  {
    name: '[profile\\tx] (tab) is profile x',
    spec: '§2',
    files: { config: `[profile\tx]\n${keys(CONF)}` },
    profile: 'x',
    want: found(CONF, 'config-file'),
  },
  {
    name: '[profile "a b"] is profile "a b"',
    spec: '§2',
    files: { config: `[profile "a b"]\n${keys(CONF)}` },
    profile: 'a b',
    want: found(CONF, 'config-file'),
  },
  {
    name: "[profile 'y z'] is profile \"y z\"",
    spec: '§2',
    files: { config: `[profile 'y z']\n${keys(CONF)}` },
    env: { AWS_PROFILE: 'y z' },
    want: found(CONF, 'config-file'),
  },
  {
    name: '[profile a b] (unquoted, three words) is no profile',
    spec: '§2',
    files: { config: `[profile a b]\n${keys(CONF)}` },
    profile: 'a b',
    want: NO_PROFILE,
  },
  {
    name: '[profiles x] is profile x (botocore only checks the "profile" prefix)',
    spec: '§2',
    files: { config: `[profiles x]\n${keys(CONF)}` },
    profile: 'x',
    want: found(CONF, 'config-file'),
  },
  {
    name: '[foo] in the config file is not a profile',
    spec: '§2',
    files: { config: `[foo]\n${keys(CONF)}` },
    profile: 'foo',
    want: NO_PROFILE,
  },
  {
    name: '[sso-session x] in the config file is not a profile',
    spec: '§2',
    files: { config: `[sso-session x]\nsso_region = us-east-1\n${keys(CONF)}` },
    profile: 'x',
    want: NO_PROFILE,
  },
  {
    name: '[profile foo] in the credentials file is a profile named "profile foo"',
    spec: '§2',
    files: { credentials: `[profile foo]\n${keys(CRED)}` },
    profile: 'profile foo',
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: '[profile foo] in the credentials file does not make profile foo exist',
    spec: '§2',
    files: { credentials: `[profile foo]\n${keys(CRED)}` },
    profile: 'foo',
    want: NO_PROFILE,
  },
  {
    name: '[default] in the credentials file is not prefixed',
    spec: '§2',
    files: { credentials: `[profile default]\n${keys(CRED)}` },
    want: NONE,
  },
  {
    name: 'k = v # x keeps "# x" in the value',
    spec: '§2',
    files: { credentials: `[default]\naws_access_key_id = ${key(CRED)} # work\naws_secret_access_key = ${secret(CRED)} ; old\n` },
    want: { key: `${key(CRED)} # work`, secret: `${secret(CRED)} ; old`, via: 'shared-credentials-file' },
  },
  {
    name: 'full-line # and ; comments are ignored',
    spec: '§2',
    files: { credentials: `# top\n[default]\n; aws_access_key_id = ${key(OTHER)}\n# note\n${keys(CRED)}` },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'keys are case-insensitive (lower-cased)',
    spec: '§2',
    files: { credentials: `[default]\nAWS_ACCESS_KEY_ID = ${key(CRED)}\nAws_Secret_Access_Key = ${secret(CRED)}\n` },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'section names are case-sensitive: [Default] is not default',
    spec: '§2',
    files: { credentials: `[Default]\n${keys(CRED)}` },
    want: NONE,
  },
  {
    name: '[ default ] (spaces inside the brackets) is not default',
    spec: '§2',
    files: { credentials: `[ default ]\n${keys(CRED)}` },
    want: NONE,
  },
  {
    name: ': works as a delimiter',
    spec: '§2',
    files: { credentials: `[default]\naws_access_key_id: ${key(CRED)}\naws_secret_access_key:${secret(CRED)}\n` },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'CRLF line endings',
    spec: '§2',
    files: { credentials: `[default]\r\naws_access_key_id = ${key(CRED)}\r\naws_secret_access_key = ${secret(CRED)}\r\n` },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'quotes are part of the value',
    spec: '§2',
    files: { credentials: `[default]\naws_access_key_id = "${key(CRED)}"\naws_secret_access_key = ${secret(CRED)}\n` },
    want: { key: `"${key(CRED)}"`, secret: secret(CRED), via: 'shared-credentials-file' },
  },
  {
    name: 'an indented line continues the previous value',
    spec: '§2',
    files: { credentials: `[default]\naws_access_key_id = ${key(CRED)}\n  more\naws_secret_access_key = ${secret(CRED)}\n` },
    want: { key: `${key(CRED)}\nmore`, secret: secret(CRED), via: 'shared-credentials-file' },
  },
  {
    name: 'an empty aws_access_key_id is still "present": FOUND with an empty key id',
    spec: '§2',
    files: { credentials: `[default]\naws_access_key_id =\naws_secret_access_key = ${secret(CRED)}\n` },
    want: { key: '', secret: secret(CRED), via: 'shared-credentials-file' },
  },
  {
    name: 'duplicate section in the credentials file is FATAL',
    spec: '§2',
    files: { credentials: `[default]\naws_access_key_id = ${key(CRED)}\n[default]\naws_secret_access_key = ${secret(CRED)}\n` },
    want: PARSE,
  },
  {
    name: 'duplicate key in the credentials file is FATAL',
    spec: '§2',
    files: { credentials: `[default]\n${keys(CRED)}aws_access_key_id = ${key(OTHER)}\n` },
    want: PARSE,
  },
  {
    name: 'duplicate key differing only in case is FATAL',
    spec: '§2',
    files: { credentials: `[default]\n${keys(CRED)}AWS_ACCESS_KEY_ID = ${key(OTHER)}\n` },
    want: PARSE,
  },
  {
    name: 'duplicate section in the config file is FATAL',
    spec: '§2',
    files: { config: `[profile a]\nregion = us-east-1\n[profile a]\nregion = eu-west-1\n`, credentials: `[default]\n${keys(CRED)}` },
    want: PARSE,
  },
  {
    name: 'a duplicate in an unselected profile is still FATAL',
    spec: '§2',
    files: { credentials: `[default]\n${keys(CRED)}\n[other]\nregion = a\nregion = b\n` },
    want: PARSE,
  },
  {
    name: 'a parse error in the config file is FATAL even when the credentials file has the keys',
    spec: '§2',
    files: { credentials: `[default]\n${keys(CRED)}`, config: `[default]\nthis line has no delimiter\n` },
    want: PARSE,
  },
  {
    name: 'a line before the first section is FATAL',
    spec: '§2',
    files: { credentials: `stray = value\n[default]\n${keys(CRED)}` },
    want: PARSE,
  },
  {
    name: 'a key without a value is FATAL',
    spec: '§2',
    files: { credentials: `[default]\naws_access_key_id\naws_secret_access_key = ${secret(CRED)}\n` },
    want: PARSE,
  },
  {
    name: 'a UTF-8 byte order mark is FATAL',
    spec: '§2',
    files: { credentials: `\ufeff[default]\n${keys(CRED)}` },
    want: PARSE,
  },
  {
    name: 'later [profile default] replaces earlier [default] as a whole section',
    spec: '§2',
    files: { config: `[default]\n${keys(CONF)}\n[profile default]\naws_access_key_id = ${key(OTHER)}\n` },
    want: PARTIAL,
  },
  {
    name: 'later [default] replaces earlier [profile default]',
    spec: '§2',
    files: { config: `[profile default]\n${keys(OTHER)}\n[default]\n${keys(CONF)}` },
    want: found(CONF, 'config-file'),
  },
  {
    name: 'later [profile  x] replaces earlier [profile x]',
    spec: '§2',
    files: { config: `[profile x]\n${keys(OTHER)}\n[profile  x]\n${keys(CONF)}` },
    profile: 'x',
    want: found(CONF, 'config-file'),
  },
  {
    name: 'indented sub-blocks are nested and harmless',
    spec: '§2',
    files: { config: `[default]\ns3 =\n  addressing_style = path\n  signature_version = s3v4\n${keys(CONF)}` },
    want: found(CONF, 'config-file'),
  },
  {
    name: 'a sub-block line without = is FATAL',
    spec: '§2',
    files: { config: `[default]\n${keys(CONF)}s3 =\n  addressing_style path\n` },
    want: PARSE,
  },
  {
    name: '[DEFAULT] keys are inherited by every section of the file (RawConfigParser defaults)',
    spec: '§2',
    files: { credentials: `[DEFAULT]\n${keys(CRED)}\n[dev]\nregion = eu-west-1\n` },
    profile: 'dev',
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: '[DEFAULT] alone is not the default profile',
    spec: '§2',
    files: { credentials: `[DEFAULT]\n${keys(CRED)}` },
    want: NONE,
  },

  // ----- §4 environment ----------------------------------------------------------------------
  {
    name: 'env key id and secret',
    spec: '§4',
    env: envKeys(),
    want: found(ENV, 'env'),
  },
  {
    name: 'env key id without secret is FATAL',
    spec: '§4',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { AWS_ACCESS_KEY_ID: key(ENV) },
    want: PARTIAL,
  },
  {
    name: 'env key id with an empty secret is FATAL',
    spec: '§4',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { AWS_ACCESS_KEY_ID: key(ENV), AWS_SECRET_ACCESS_KEY: '' },
    want: PARTIAL,
  },
  {
    name: 'env: only the secret set → NEXT',
    spec: '§4',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { AWS_SECRET_ACCESS_KEY: secret(ENV) },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'env: empty key id → NEXT',
    spec: '§4',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: secret(ENV) },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'env: AWS_SESSION_TOKEN is the token',
    spec: '§4',
    env: { ...envKeys(), AWS_SESSION_TOKEN: token(ENV) },
    want: found(ENV, 'env', { token: token(ENV) }),
  },
  {
    name: 'env: AWS_SECURITY_TOKEN beats AWS_SESSION_TOKEN',
    spec: '§4',
    env: { ...envKeys(), AWS_SECURITY_TOKEN: token(OTHER), AWS_SESSION_TOKEN: token(ENV) },
    want: found(ENV, 'env', { token: token(OTHER) }),
  },
  {
    name: 'env: empty AWS_SECURITY_TOKEN falls through to AWS_SESSION_TOKEN',
    spec: '§4',
    env: { ...envKeys(), AWS_SECURITY_TOKEN: '', AWS_SESSION_TOKEN: token(ENV) },
    want: found(ENV, 'env', { token: token(ENV) }),
  },
  {
    name: 'env: future AWS_CREDENTIAL_EXPIRATION is kept',
    spec: '§4',
    env: { ...envKeys(), AWS_SESSION_TOKEN: token(ENV), AWS_CREDENTIAL_EXPIRATION: FUTURE },
    want: found(ENV, 'env', { token: token(ENV), expiration: FUTURE }),
  },
  {
    name: 'env: AWS_CREDENTIAL_EXPIRATION with +00:00',
    spec: '§4',
    env: { ...envKeys(), AWS_CREDENTIAL_EXPIRATION: '2099-01-02T03:04:05+00:00' },
    want: found(ENV, 'env', { expiration: FUTURE }),
  },
  {
    name: 'env: unparseable AWS_CREDENTIAL_EXPIRATION is FATAL',
    spec: '§4',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { ...envKeys(), AWS_CREDENTIAL_EXPIRATION: 'tomorrow-ish' },
    want: fail('ParserError', 3),
  },
  {
    name: 'env: past AWS_CREDENTIAL_EXPIRATION is FATAL ("still expired")',
    spec: '§4',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { ...envKeys(), AWS_CREDENTIAL_EXPIRATION: PAST },
    want: fail('RuntimeError', 3),
  },
  {
    name: 'env: AWS_CREDENTIAL_EXPIRATION without a time zone is FATAL (botocore compares naive and aware times)',
    spec: '§4',
    env: { ...envKeys(), AWS_CREDENTIAL_EXPIRATION: '2099-01-02T03:04:05' },
    want: fail('TypeError', 3),
  },
  {
    name: 'env: partial env keys are ignored under --profile',
    spec: '§4',
    files: { credentials: `[dev]\n${keys(CRED)}` },
    env: { AWS_ACCESS_KEY_ID: key(ENV) },
    profile: 'dev',
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: "env keys shadow AWS_PROFILE's role profile (no STS call)",
    spec: '§4',
    files: { config: roleProfile('r', 'source_profile = src\n'), credentials: `[src]\n${aliceKeys}` },
    env: { ...envKeys(), AWS_PROFILE: 'r' },
    want: found(ENV, 'env'),
    role: { calls: [] },
  },
  {
    name: 'env keys shadow IMDS',
    spec: '§4',
    env: envKeys(),
    imds: {},
    want: found(ENV, 'env'),
  },
  {
    name: 'env: AWS_ACCOUNT_ID is the account id',
    spec: '§4',
    env: { ...envKeys(), AWS_ACCOUNT_ID: '123456789012' },
    want: found(ENV, 'env', { accountId: '123456789012' }),
  },

  // ----- §5 credentials file -------------------------------------------------------------------
  {
    name: 'credentials file: aws_session_token',
    spec: '§5',
    files: { credentials: `[default]\n${keys(CRED)}aws_session_token = ${token(CRED)}\n` },
    want: found(CRED, 'shared-credentials-file', { token: token(CRED) }),
  },
  {
    name: 'credentials file: aws_security_token beats aws_session_token',
    spec: '§5',
    files: { credentials: `[default]\n${keys(CRED)}aws_session_token = ${token(CRED)}\naws_security_token = ${token(OTHER)}\n` },
    want: found(CRED, 'shared-credentials-file', { token: token(OTHER) }),
  },
  {
    name: 'credentials file: no aws_access_key_id → NEXT to the config file',
    spec: '§5',
    files: {
      credentials: `[default]\naws_secret_access_key = ${secret(CRED)}\nregion = eu-west-1\n`,
      config: `[default]\n${keys(CONF)}`,
    },
    want: found(CONF, 'config-file'),
  },
  {
    name: 'credentials file: key id without secret is FATAL even though the config file has keys',
    spec: '§5',
    files: { credentials: `[default]\naws_access_key_id = ${key(CRED)}\n`, config: `[default]\n${keys(CONF)}` },
    want: PARTIAL,
  },
  {
    name: 'credentials file: aws_account_id is the account id',
    spec: '§5',
    files: { credentials: `[default]\n${keys(CRED)}aws_account_id = 123456789012\n` },
    want: found(CRED, 'shared-credentials-file', { accountId: '123456789012' }),
  },

  // ----- §6 config file and credential_process ----------------------------------------------
  {
    name: 'config file: [profile dev]',
    spec: '§6',
    files: { config: `[profile dev]\n${keys(CONF)}aws_session_token = ${token(CONF)}\n` },
    profile: 'dev',
    want: found(CONF, 'config-file', { token: token(CONF) }),
  },
  {
    name: 'config file: aws_security_token beats aws_session_token',
    spec: '§6',
    files: { config: `[default]\n${keys(CONF)}aws_session_token = ${token(CONF)}\naws_security_token = ${token(OTHER)}\n` },
    want: found(CONF, 'config-file', { token: token(OTHER) }),
  },
  {
    name: 'config file: key id without secret is FATAL',
    spec: '§6',
    files: { config: `[default]\naws_access_key_id = ${key(CONF)}\n`, boto: `[Credentials]\n${keys(BOTO)}` },
    want: PARTIAL,
  },
  {
    name: 'config file: secret only → NEXT',
    spec: '§6',
    files: { config: `[default]\naws_secret_access_key = ${secret(CONF)}\n`, boto: `[Credentials]\n${keys(BOTO)}` },
    want: found(BOTO, 'boto-config'),
  },
  {
    name: 'config file: secret only in the config file does not complete a key id elsewhere',
    spec: '§6',
    files: {
      credentials: `[dev]\naws_access_key_id = ${key(CRED)}\n`,
      config: `[profile dev]\naws_secret_access_key = ${secret(CONF)}\n`,
    },
    profile: 'dev',
    want: PARTIAL,
  },
  {
    name: 'credential_process beats config-file keys',
    spec: '§6',
    files: withProcess(processJson(PROC), 0, keys(CONF)),
    want: found(PROC, 'custom-process'),
  },
  {
    name: 'credentials-file keys beat credential_process (which is not run)',
    spec: '§6',
    files: { ...withProcess('not json', 1), credentials: `[default]\n${keys(CRED)}` },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'credential_process in the credentials file counts (merged view)',
    spec: '§6',
    files: {
      credentials: `[default]\ncredential_process = sh {HOME}/proc.sh\n`,
      other: { 'proc.sh': processScript(processJson(PROC)) },
    },
    want: found(PROC, 'custom-process'),
  },

  // ----- §10 credential_process ---------------------------------------------------------------
  {
    name: 'process: session token and future expiration',
    spec: '§10',
    files: withProcess(processJson(PROC, { SessionToken: token(PROC), Expiration: FUTURE })),
    want: found(PROC, 'custom-process', { token: token(PROC), expiration: FUTURE }),
  },
  {
    name: 'process: AccountId from the output',
    spec: '§10',
    files: withProcess(processJson(PROC, { AccountId: '123456789012' }), 0, 'aws_account_id = 999999999999\n'),
    want: found(PROC, 'custom-process', { accountId: '123456789012' }),
  },
  {
    name: "process: the profile's aws_account_id is the fallback AccountId",
    spec: '§10',
    files: withProcess(processJson(PROC), 0, 'aws_account_id = 999999999999\n'),
    want: found(PROC, 'custom-process', { accountId: '999999999999' }),
  },
  {
    name: 'process: the command is split shell-style (quotes)',
    spec: '§10',
    files: {
      config: `[default]\ncredential_process = sh -c 'cat "{HOME}/dir with space/out.json"'\n`,
      other: { 'dir with space/out.json': processJson(PROC) },
    },
    want: found(PROC, 'custom-process'),
  },
  {
    name: 'process: non-zero exit is FATAL',
    spec: '§10',
    files: { ...withProcess(processJson(PROC), 1), boto: `[Credentials]\n${keys(BOTO)}` },
    want: RETRIEVAL,
  },
  {
    name: 'process: junk output is FATAL',
    spec: '§10',
    files: { ...withProcess('this is not json'), boto: `[Credentials]\n${keys(BOTO)}` },
    want: fail('JSONDecodeError', 3),
  },
  {
    name: 'process: empty output is FATAL',
    spec: '§10',
    files: withProcess(''),
    want: fail('JSONDecodeError', 3),
  },
  {
    name: 'process: a JSON array is FATAL',
    spec: '§10',
    files: withProcess('[1]'),
    want: fail('AttributeError', 3),
  },
  {
    name: 'process: Version 2 is FATAL',
    spec: '§10',
    files: withProcess(processJson(PROC, { Version: 2 })),
    want: RETRIEVAL,
  },
  {
    name: 'process: Version "1" (a string) is FATAL',
    spec: '§10',
    files: withProcess(processJson(PROC, { Version: '1' })),
    want: RETRIEVAL,
  },
  {
    name: 'process: missing Version is FATAL',
    spec: '§10',
    files: withProcess(JSON.stringify({ AccessKeyId: key(PROC), SecretAccessKey: secret(PROC) })),
    want: RETRIEVAL,
  },
  {
    name: 'process: Version true is accepted (Python: True == 1)',
    spec: '§10',
    files: withProcess(processJson(PROC, { Version: true })),
    want: found(PROC, 'custom-process'),
  },
  {
    name: 'process: missing SecretAccessKey is FATAL',
    spec: '§10',
    files: withProcess(JSON.stringify({ Version: 1, AccessKeyId: key(PROC) })),
    want: RETRIEVAL,
  },
  {
    name: 'process: missing AccessKeyId is FATAL',
    spec: '§10',
    files: withProcess(JSON.stringify({ Version: 1, SecretAccessKey: secret(PROC) })),
    want: RETRIEVAL,
  },
  {
    name: 'process: past Expiration is FATAL',
    spec: '§10',
    files: withProcess(processJson(PROC, { SessionToken: token(PROC), Expiration: PAST })),
    want: fail('RuntimeError', 3),
  },
  {
    name: 'process: unparseable Expiration is FATAL',
    spec: '§10',
    files: withProcess(processJson(PROC, { Expiration: 'soon' })),
    want: fail('ParserError', 3),
  },
  {
    name: 'process: a command that does not exist is FATAL',
    spec: '§10',
    files: { config: `[default]\ncredential_process = {HOME}/no-such-helper --json\n` },
    want: fail('FileNotFoundError', 3),
  },
  {
    name: 'process: unbalanced quotes are FATAL',
    spec: '§10',
    files: { config: `[default]\ncredential_process = sh -c 'echo\n` },
    want: fail('ValueError', 3),
  },
  {
    name: 'process: an empty credential_process is FATAL',
    spec: '§10',
    files: { config: `[default]\ncredential_process =\n`, boto: `[Credentials]\n${keys(BOTO)}` },
    want: fail('IndexError', 3),
  },

  // ----- §7 assume-role: errors before any STS call -----------------------------------------
  {
    name: 'role: both source_profile and credential_source is FATAL',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\ncredential_source = Environment\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: INVALID,
  },
  {
    name: 'role: both, even when both are bogus (checked first)',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = nope\ncredential_source = bogus\n') },
    profile: 'r',
    want: INVALID,
  },
  {
    name: 'role: neither source_profile nor credential_source is FATAL',
    spec: '§7',
    files: { config: roleProfile('r', '') },
    profile: 'r',
    want: PARTIAL,
  },
  {
    name: 'role: role_arn in the credentials file triggers assume-role (merged view)',
    spec: '§7',
    files: { credentials: `[r]\nrole_arn = ${ROLES.deploy}\n` },
    profile: 'r',
    want: PARTIAL,
  },
  {
    name: 'role: source_profile naming a missing profile is FATAL',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = nope\n') },
    profile: 'r',
    want: INVALID,
  },
  {
    name: 'role: source_profile = default when there is no default profile is FATAL',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = default\n') },
    profile: 'r',
    want: INVALID,
  },
  {
    name: 'role: unknown credential_source is FATAL',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = Ec2Metadata\n') },
    profile: 'r',
    want: INVALID,
  },
  {
    name: 'role: credential_source is case-sensitive ("environment")',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = environment\n') },
    env: aliceEnv,
    profile: 'r',
    want: INVALID,
  },
  {
    name: 'role: credential_source Environment without env keys is FATAL',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = Environment\n'), credentials: `[default]\n${keys(CRED)}` },
    profile: 'r',
    want: RETRIEVAL,
  },
  {
    name: 'role: credential_source Environment with partial env keys is FATAL (partial)',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = Environment\n') },
    env: { AWS_ACCESS_KEY_ID: ALICE.accessKeyId },
    profile: 'r',
    want: PARTIAL,
  },
  {
    name: 'role: credential_source Ec2InstanceMetadata with IMDS disabled is FATAL',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = Ec2InstanceMetadata\n') },
    profile: 'r',
    want: RETRIEVAL,
  },
  {
    name: 'role: credential_source EcsContainer without container variables is FATAL',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = EcsContainer\n') },
    profile: 'r',
    want: RETRIEVAL,
  },
  {
    name: 'role: a source profile without credentials is FATAL',
    spec: '§7',
    files: { config: `${roleProfile('r', 'source_profile = src\n')}[profile src]\nregion = eu-west-1\n` },
    profile: 'r',
    want: INVALID,
  },
  {
    name: 'role: source profile key id with its secret only in the config file is partial (files read separately)',
    spec: '§7',
    files: {
      config: `${roleProfile('r', 'source_profile = src\n')}[profile src]\naws_secret_access_key = ${ALICE.secretAccessKey}\n`,
      credentials: `[src]\naws_access_key_id = ${ALICE.accessKeyId}\n`,
    },
    profile: 'r',
    want: PARTIAL,
  },
  {
    name: 'role: source profile with a failing credential_process is FATAL',
    spec: '§7',
    files: {
      config: `${roleProfile('r', 'source_profile = src\n')}[profile src]\ncredential_process = sh {HOME}/proc.sh\n`,
      other: { 'proc.sh': processScript('', 2, 'no session') },
    },
    profile: 'r',
    want: RETRIEVAL,
  },
  {
    name: 'role: a self-reference without static keys is a cycle',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = r\n') },
    profile: 'r',
    want: LOOP,
  },
  {
    name: 'role: a → b → a is a cycle',
    spec: '§7',
    files: {
      config: `[profile a]\nrole_arn = ${ROLES.deploy}\nsource_profile = b\n[profile b]\nrole_arn = ${ROLES.admin}\nsource_profile = a\n`,
    },
    profile: 'a',
    want: LOOP,
  },
  {
    name: 'role: a → b → c → b is a cycle',
    spec: '§7',
    files: {
      config:
        `[profile a]\nrole_arn = ${ROLES.deploy}\nsource_profile = b\n` +
        `[profile b]\nrole_arn = ${ROLES.admin}\nsource_profile = c\n` +
        `[profile c]\nrole_arn = ${ROLES.locked}\nsource_profile = b\n`,
    },
    env: { AWS_PROFILE: 'a' },
    want: LOOP,
  },
  {
    name: 'role: a → b → b where b has no static keys is a cycle',
    spec: '§7',
    files: {
      config: `[profile a]\nrole_arn = ${ROLES.admin}\nsource_profile = b\n[profile b]\nrole_arn = ${ROLES.deploy}\nsource_profile = b\n`,
    },
    profile: 'a',
    want: LOOP,
  },
  {
    name: 'role: a profile with web_identity_token_file is not an assume-role profile',
    spec: '§7',
    files: {
      config: `[default]\nrole_arn = ${ROLES.deploy}\nweb_identity_token_file = {HOME}/token\n`,
      other: { token: 'not-a-real-jwt' },
    },
    // Both then run AssumeRoleWithWebIdentity (unsigned) against the refused port.
    env: { AWS_MAX_ATTEMPTS: '1' },
    want: fail('EndpointConnectionError', 6),
    role: { calls: [], unreachable: true },
  },

  // ----- §10 assume-role-with-web-identity against the STS rig --------------------------------
  {
    name: 'web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN + AWS_ROLE_SESSION_NAME',
    spec: '§10',
    files: { other: { token: WEB.token } },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/token', AWS_ROLE_ARN: ROLES.web, AWS_ROLE_SESSION_NAME: 'ci-run-42' },
    want: ASSUMED,
    role: { calls: [{ ...WEB_CALL, roleSessionName: 'ci-run-42' }] },
  },
  {
    name: 'web identity: env token file without a session name (generated names are not compared)',
    spec: '§10',
    files: { other: { token: WEB.token } },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/token', AWS_ROLE_ARN: ROLES.web },
    want: ASSUMED,
    role: { calls: [WEB_CALL] },
  },
  {
    name: 'web identity: web_identity_token_file, role_arn and role_session_name in the profile',
    spec: '§10',
    files: { config: `[default]\n${webProfileBody}role_session_name = from-profile\n`, other: { token: WEB.token } },
    want: ASSUMED,
    role: { calls: [{ ...WEB_CALL, roleSessionName: 'from-profile' }] },
  },
  {
    name: 'web identity: each setting on its own (token file from the profile, role and name from env)',
    spec: '§10',
    files: { config: `[default]\nweb_identity_token_file = {HOME}/token\nrole_session_name = from-profile\n`, other: { token: WEB.token } },
    env: { AWS_ROLE_ARN: ROLES.web, AWS_ROLE_SESSION_NAME: 'env-name' },
    want: ASSUMED,
    role: { calls: [{ ...WEB_CALL, roleSessionName: 'env-name' }] },
  },
  {
    name: 'web identity: role_arn in the profile without its token file there makes an assume-role profile',
    spec: '§10',
    files: { config: `[default]\nrole_arn = ${ROLES.web}\n`, other: { token: WEB.token } },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/token' },
    // The assume-role link comes first and finds neither source_profile nor credential_source.
    want: PARTIAL,
    role: { calls: [] },
  },
  {
    name: 'web identity: the env settings are ignored under --profile',
    spec: '§10',
    files: { credentials: `[p]\n${keys(CRED)}`, other: { token: WEB.token } },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/token', AWS_ROLE_ARN: ROLES.web },
    profile: 'p',
    want: found(CRED, 'shared-credentials-file'),
    role: { calls: [] },
  },
  {
    name: 'web identity: the env settings still count under AWS_PROFILE (and beat its static keys)',
    spec: '§10',
    files: { credentials: `[p]\n${keys(CRED)}`, other: { token: WEB.token } },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/token', AWS_ROLE_ARN: ROLES.web, AWS_PROFILE: 'p' },
    want: ASSUMED,
    role: { calls: [WEB_CALL] },
  },
  {
    name: 'web identity: a token file without role_arn is FATAL',
    spec: '§10',
    files: { config: `[default]\nweb_identity_token_file = {HOME}/token\n`, credentials: `[default]\n${keys(CRED)}`, other: { token: WEB.token } },
    want: INVALID,
    role: { calls: [] },
  },
  {
    name: 'web identity: an empty AWS_WEB_IDENTITY_TOKEN_FILE counts as unset',
    spec: '§10',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '', AWS_ROLE_ARN: ROLES.web },
    want: found(CRED, 'shared-credentials-file'),
    role: { calls: [] },
  },
  {
    name: 'web identity: beats static keys in the same profile (and in the credentials file)',
    spec: '§10',
    files: { config: `[default]\n${webProfileBody}${keys(CONF)}`, credentials: `[default]\n${keys(CRED)}`, other: { token: WEB.token } },
    want: ASSUMED,
    role: { calls: [WEB_CALL] },
  },
  {
    name: 'web identity: env keys still win over it',
    spec: '§10',
    files: { config: `[default]\n${webProfileBody}`, other: { token: WEB.token } },
    env: envKeys(),
    want: found(ENV, 'env'),
    role: { calls: [] },
  },
  {
    name: 'web identity: an assume-role profile comes first, even with AWS_WEB_IDENTITY_TOKEN_FILE set',
    spec: '§10',
    files: { config: roleProfile('r', 'source_profile = src\n'), credentials: `[src]\n${aliceKeys}`, other: { token: WEB.token } },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/token', AWS_ROLE_ARN: ROLES.web, AWS_PROFILE: 'r' },
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'web identity: a source_profile that uses web identity (role chain)',
    spec: '§10',
    files: {
      config: `[profile r]\nrole_arn = ${ROLES.admin}\nsource_profile = w\nrole_session_name = second-hop\n[profile w]\n${webProfileBody}`,
      other: { token: WEB.token },
    },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [WEB_CALL, { roleArn: ROLES.admin, signer: 'previous', roleSessionName: 'second-hop' }] },
  },
  {
    name: 'web identity: a source_profile with web identity and static keys uses web identity',
    spec: '§10',
    files: {
      config: `[profile r]\nrole_arn = ${ROLES.admin}\nsource_profile = w\n[profile w]\n${webProfileBody}${aliceKeys}`,
      other: { token: WEB.token },
    },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [WEB_CALL, { roleArn: ROLES.admin, signer: 'previous' }] },
  },
  {
    name: 'web identity: a source_profile ignores AWS_WEB_IDENTITY_TOKEN_FILE',
    spec: '§10',
    files: { config: roleProfile('r', 'source_profile = src\n'), credentials: `[src]\n${aliceKeys}`, other: { token: WEB.token } },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/token', AWS_ROLE_ARN: ROLES.web },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'web identity: a token STS does not accept is FATAL',
    spec: '§10',
    files: { config: `[default]\n${webProfileBody}`, credentials: `[default]\n${keys(CRED)}`, other: { token: 'not-a-token-the-rig-knows' } },
    want: fail('InvalidIdentityTokenException', 4),
    role: { calls: [{ ...WEB_CALL, fixtureToken: false }] },
  },
  {
    name: 'web identity: a missing token file is FATAL',
    spec: '§10',
    files: { config: `[default]\nrole_arn = ${ROLES.web}\nweb_identity_token_file = {HOME}/no-such-token\n`, credentials: `[default]\n${keys(CRED)}` },
    want: fail('FileNotFoundError', 3),
    role: { calls: [] },
  },
  {
    name: 'web identity: a role that does not trust the provider is FATAL',
    spec: '§10',
    files: { config: `[default]\nrole_arn = ${ROLES.deploy}\nweb_identity_token_file = {HOME}/token\n`, other: { token: WEB.token } },
    want: fail('ClientError', 4),
    role: { calls: [{ ...WEB_CALL, roleArn: ROLES.deploy }] },
  },

  // ----- §7 assume-role against the STS rig -------------------------------------------------
  {
    name: 'role: source_profile with static keys in the credentials file',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'role: AWS_PROFILE selects the role profile',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\n'), credentials: `[src]\n${aliceKeys}` },
    env: { AWS_PROFILE: 'r' },
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'role: source profile keys in the config file',
    spec: '§7',
    files: { config: `${roleProfile('r', 'source_profile = src\n')}[profile src]\n${aliceKeys}` },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'role: role_session_name, external_id and duration_seconds are sent',
    spec: '§7',
    files: {
      config: `[profile p]\nrole_arn = ${ROLES.partner}\nsource_profile = src\nrole_session_name = case-session\nexternal_id = ${FIXTURE.partnerExternalId}\nduration_seconds = 900\n`,
      credentials: `[src]\n${aliceKeys}`,
    },
    profile: 'p',
    want: ASSUMED,
    role: {
      calls: [
        {
          roleArn: ROLES.partner,
          signer: ALICE.accessKeyId,
          externalId: FIXTURE.partnerExternalId,
          durationSeconds: 900,
          roleSessionName: 'case-session',
        },
      ],
    },
  },
  {
    name: 'role: a non-integer duration_seconds is dropped silently',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\nduration_seconds = 1h\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'role: duration_seconds = 900.0 is not an integer and is dropped',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\nduration_seconds = 900.0\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: "role: duration_seconds = 7_200 is an integer to Python's int() and is sent",
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\nduration_seconds = 7_200\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId, durationSeconds: 7200 }] },
  },
  {
    name: 'role: mfa_serial sends SerialNumber and TokenCode',
    spec: '§7',
    files: {
      config: `[profile m]\nrole_arn = ${ROLES.mfaAdmin}\nsource_profile = src\nmfa_serial = ${ALICE.mfaSerial}\n`,
      credentials: `[src]\n${aliceKeys}`,
    },
    profile: 'm',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.mfaAdmin, signer: ALICE.accessKeyId, mfa: true }], mfaCode: ALICE.mfaCode },
  },
  {
    name: 'role: a self-reference with static keys assumes its own role with its own keys',
    spec: '§7',
    files: { credentials: `[r]\n${aliceKeys}role_arn = ${ROLES.deploy}\nsource_profile = r\n` },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: "role: a source profile's own role_arn is ignored when it has static keys",
    spec: '§7',
    files: {
      config: `${roleProfile('r', 'source_profile = src\n')}[profile src]\nrole_arn = ${ROLES.admin}\nsource_profile = src\n`,
      credentials: `[src]\n${aliceKeys}`,
    },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'role: chain a → b → keys makes two calls, the second signed by the first session',
    spec: '§7',
    files: {
      config: `[profile a]\nrole_arn = ${ROLES.admin}\nsource_profile = b\n[profile b]\nrole_arn = ${ROLES.deploy}\nsource_profile = src\n`,
      credentials: `[src]\n${aliceKeys}`,
    },
    profile: 'a',
    want: ASSUMED,
    role: {
      calls: [
        { roleArn: ROLES.deploy, signer: ALICE.accessKeyId },
        { roleArn: ROLES.admin, signer: 'previous' },
      ],
    },
  },
  {
    name: 'role: source profile with credential_process',
    spec: '§7',
    files: {
      config: `${roleProfile('r', 'source_profile = src\n')}[profile src]\ncredential_process = sh {HOME}/proc.sh\n`,
      other: {
        'proc.sh': processScript(JSON.stringify({ Version: 1, AccessKeyId: ALICE.accessKeyId, SecretAccessKey: ALICE.secretAccessKey })),
      },
    },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'role: credential_source Environment with an empty AWS_ACCESS_KEY_ID is FATAL',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = Environment\n') },
    env: { ...aliceEnv, AWS_PROFILE: 'r', AWS_ACCESS_KEY_ID: '' },
    want: RETRIEVAL,
  },
  {
    name: 'role: credential_source Environment works under --profile (env link disabled)',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = Environment\n') },
    env: aliceEnv,
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'role: credential_source Ec2InstanceMetadata signs with the IMDS keys',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = Ec2InstanceMetadata\n') },
    profile: 'r',
    imds: {},
    want: ASSUMED,
    role: {
      calls: [{ roleArn: ROLES.deploy, signer: 'source-session' }],
      sourceSession: 'imds',
    },
  },
  {
    name: 'role: credential_source EcsContainer signs with the container keys',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source = EcsContainer\n') },
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{CONTAINER}/creds' },
    profile: 'r',
    container: true,
    want: ASSUMED,
    role: {
      calls: [{ roleArn: ROLES.deploy, signer: 'source-session' }],
      sourceSession: 'container',
    },
  },
  {
    name: "role: the role profile's region is the session region",
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\nregion = eu-west-1\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }], region: null },
  },
  {
    name: 'role: no region at all with a configured STS endpoint cannot be signed (botocore NoRegionError)',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: fail('NoRegionError', 5),
    role: { calls: [], region: null },
    deviation: {
      reason:
        'botocore cannot sign for a configured STS endpoint without a region; awsrole signs for us-east-1, ' +
        "as botocore itself does for STS's global endpoint when no endpoint is configured (spec §7)",
      awsrole: ASSUMED,
      calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }],
    },
  },
  {
    name: 'role: AWS_REGION is ignored by botocore (still no region)',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\n'), credentials: `[src]\n${aliceKeys}` },
    env: { AWS_REGION: 'eu-west-1' },
    profile: 'r',
    want: fail('NoRegionError', 5),
    role: { calls: [], region: null },
    deviation: {
      reason: 'awsrole reads AWS_REGION after AWS_DEFAULT_REGION (and defaults to us-east-1); botocore ignores AWS_REGION',
      awsrole: ASSUMED,
      calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }],
    },
  },
  {
    name: "role: the role's trust policy refuses the caller",
    spec: '§7',
    files: { config: `[profile l]\nrole_arn = ${ROLES.locked}\nsource_profile = src\n`, credentials: `[src]\n${aliceKeys}` },
    profile: 'l',
    want: fail('ClientError', 4),
    role: { calls: [{ roleArn: ROLES.locked, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'role: a wrong MFA code is refused by STS',
    spec: '§7',
    files: {
      config: `[profile m]\nrole_arn = ${ROLES.mfaAdmin}\nsource_profile = src\nmfa_serial = ${ALICE.mfaSerial}\n`,
      credentials: `[src]\n${aliceKeys}`,
    },
    profile: 'm',
    want: fail('ClientError', 4),
    role: { calls: [{ roleArn: ROLES.mfaAdmin, signer: ALICE.accessKeyId, mfa: true }], mfaCode: '000000' },
  },
  {
    name: 'role: a wrong external_id is refused by STS',
    spec: '§7',
    files: {
      config: `[profile p]\nrole_arn = ${ROLES.partner}\nsource_profile = src\nexternal_id = not-the-right-id\n`,
      credentials: `[src]\n${aliceKeys}`,
    },
    profile: 'p',
    want: fail('ClientError', 4),
    role: { calls: [{ roleArn: ROLES.partner, signer: ALICE.accessKeyId, externalId: 'not-the-right-id' }] },
  },
  {
    name: "role: duration_seconds above the role's maximum is refused by STS",
    spec: '§7',
    files: {
      config: `[profile p]\nrole_arn = ${ROLES.partner}\nsource_profile = src\nexternal_id = ${FIXTURE.partnerExternalId}\nduration_seconds = 7200\n`,
      credentials: `[src]\n${aliceKeys}`,
    },
    profile: 'p',
    want: fail('ClientError', 4),
    role: {
      calls: [{ roleArn: ROLES.partner, signer: ALICE.accessKeyId, externalId: FIXTURE.partnerExternalId, durationSeconds: 7200 }],
    },
  },
  {
    name: 'role: a chained hop over 1 h is refused by STS',
    spec: '§7',
    files: {
      config:
        `[profile a]\nrole_arn = ${ROLES.admin}\nsource_profile = b\nduration_seconds = 7200\n` +
        `[profile b]\nrole_arn = ${ROLES.deploy}\nsource_profile = src\n`,
      credentials: `[src]\n${aliceKeys}`,
    },
    profile: 'a',
    want: fail('ClientError', 4),
    role: {
      calls: [
        { roleArn: ROLES.deploy, signer: ALICE.accessKeyId },
        { roleArn: ROLES.admin, signer: 'previous', durationSeconds: 7200 },
      ],
    },
  },
  {
    name: 'role: STS unreachable is a network error',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\n'), credentials: `[src]\n${aliceKeys}` },
    env: { AWS_MAX_ATTEMPTS: '1' },
    profile: 'r',
    want: fail('EndpointConnectionError', 6),
    role: { calls: [], unreachable: true },
  },

  // ----- §8 AWS_CREDENTIAL_FILE ---------------------------------------------------------------
  {
    name: 'AWS_CREDENTIAL_FILE: AWSAccessKeyId/AWSSecretKey',
    spec: '§8',
    files: { credentialFile: `AWSAccessKeyId=${key(EC2F)}\nAWSSecretKey=${secret(EC2F)}\n` },
    want: found(EC2F, 'ec2-credentials-file'),
  },
  {
    name: 'AWS_CREDENTIAL_FILE: spaces around = are trimmed, other lines ignored',
    spec: '§8',
    files: { credentialFile: `# legacy\nAWSAccessKeyId = ${key(EC2F)}\nnot a pair\nAWSSecretKey = ${secret(EC2F)}\n` },
    want: found(EC2F, 'ec2-credentials-file'),
  },
  {
    name: 'AWS_CREDENTIAL_FILE: a missing file is FATAL',
    spec: '§8',
    files: { boto: `[Credentials]\n${keys(BOTO)}` },
    env: { AWS_CREDENTIAL_FILE: '{HOME}/no-such-file' },
    want: fail('ConfigNotFound', 5),
  },
  {
    name: 'AWS_CREDENTIAL_FILE="" is a missing file: FATAL',
    spec: '§8',
    env: { AWS_CREDENTIAL_FILE: '' },
    want: fail('ConfigNotFound', 5),
  },
  {
    name: 'AWS_CREDENTIAL_FILE: a missing AWSSecretKey is FATAL',
    spec: '§8',
    files: { credentialFile: `AWSAccessKeyId=${key(EC2F)}\n`, boto: `[Credentials]\n${keys(BOTO)}` },
    want: fail('KeyError', 3),
  },
  {
    name: 'AWS_CREDENTIAL_FILE: no AWSAccessKeyId → NEXT',
    spec: '§8',
    files: { credentialFile: `AWSSecretKey=${secret(EC2F)}\n`, boto: `[Credentials]\n${keys(BOTO)}` },
    want: found(BOTO, 'boto-config'),
  },
  {
    name: 'AWS_CREDENTIAL_FILE: names are case-sensitive',
    spec: '§8',
    files: { credentialFile: `awsaccesskeyid=${key(EC2F)}\nAWSSecretKey=${secret(EC2F)}\n` },
    want: NONE,
  },
  {
    name: 'AWS_CREDENTIAL_FILE expands ~',
    spec: '§8',
    files: { other: { 'legacy/creds': `AWSAccessKeyId=${key(EC2F)}\nAWSSecretKey=${secret(EC2F)}\n` } },
    env: { AWS_CREDENTIAL_FILE: '~/legacy/creds' },
    want: found(EC2F, 'ec2-credentials-file'),
  },
  {
    name: 'AWS_CREDENTIAL_FILE does not expand $HOME: FATAL missing file',
    spec: '§8',
    files: { other: { 'legacy/creds': `AWSAccessKeyId=${key(EC2F)}\nAWSSecretKey=${secret(EC2F)}\n` } },
    env: { AWS_CREDENTIAL_FILE: '$HOME/legacy/creds' },
    want: fail('ConfigNotFound', 5),
  },

  // ----- §8 boto2 --------------------------------------------------------------------------------
  {
    name: 'boto: ~/.boto [Credentials]',
    spec: '§8',
    files: { boto: `[Credentials]\n${keys(BOTO)}` },
    want: found(BOTO, 'boto-config'),
  },
  {
    name: 'boto: BOTO_CONFIG file',
    spec: '§8',
    files: { botoConfig: `[Credentials]\n${keys(BOTOCFG)}`, boto: `[Credentials]\n${keys(BOTO)}` },
    want: found(BOTOCFG, 'boto-config'),
  },
  {
    name: 'boto: a missing BOTO_CONFIG file → NEXT, no fallback to ~/.boto',
    spec: '§8',
    files: { boto: `[Credentials]\n${keys(BOTO)}` },
    env: { BOTO_CONFIG: '{HOME}/no-such-boto' },
    want: NONE,
  },
  {
    name: 'boto: BOTO_CONFIG="" → NEXT, no fallback to ~/.boto',
    spec: '§8',
    files: { boto: `[Credentials]\n${keys(BOTO)}` },
    env: { BOTO_CONFIG: '' },
    want: NONE,
  },
  {
    name: 'boto: BOTO_CONFIG expands ~',
    spec: '§8',
    files: { other: { 'b/boto.cfg': `[Credentials]\n${keys(BOTOCFG)}` } },
    env: { BOTO_CONFIG: '~/b/boto.cfg' },
    want: found(BOTOCFG, 'boto-config'),
  },
  {
    name: 'boto: [credentials] (lower case) is not [Credentials]',
    spec: '§8',
    files: { boto: `[credentials]\n${keys(BOTO)}` },
    want: NONE,
  },
  {
    name: 'boto: a missing secret is FATAL',
    spec: '§8',
    files: { boto: `[Credentials]\naws_access_key_id = ${key(BOTO)}\n` },
    want: PARTIAL,
  },
  {
    name: 'boto: no aws_access_key_id → NEXT',
    spec: '§8',
    files: { botoConfig: `[Credentials]\naws_secret_access_key = ${secret(BOTOCFG)}\n` },
    want: NONE,
  },
  {
    name: 'boto: a session token in the file is ignored',
    spec: '§8',
    files: { boto: `[Credentials]\n${keys(BOTO)}aws_session_token = ${token(BOTO)}\n` },
    want: found(BOTO, 'boto-config'),
  },
  {
    name: 'boto: a parse error is FATAL',
    spec: '§8',
    files: { botoConfig: `[Credentials]\n${keys(BOTOCFG)}aws_access_key_id = ${key(OTHER)}\n` },
    want: PARSE,
  },
  {
    name: 'boto: the keys are case-insensitive',
    spec: '§8',
    files: { boto: `[Credentials]\nAWS_ACCESS_KEY_ID = ${key(BOTO)}\nAWS_SECRET_ACCESS_KEY = ${secret(BOTO)}\n` },
    want: found(BOTO, 'boto-config'),
  },

  // ----- §9 IMDS (loopback rig only) ---------------------------------------------------------
  {
    name: 'IMDS: credentials from the rig (IMDSv2)',
    spec: '§9',
    imds: {},
    want: IMDS_FOUND,
  },
  {
    name: 'IMDS: AWS_EC2_METADATA_DISABLED=TRUE (any case) disables it',
    spec: '§9',
    env: { AWS_EC2_METADATA_DISABLED: 'TRUE' },
    imds: {},
    want: NONE,
  },
  {
    name: 'IMDS: AWS_EC2_METADATA_DISABLED=1 does not disable it',
    spec: '§9',
    env: { AWS_EC2_METADATA_DISABLED: '1' },
    imds: {},
    want: IMDS_FOUND,
  },
  {
    name: 'IMDS: token 403 falls back to IMDSv1',
    spec: '§9',
    imds: { modes: { token: 403 } },
    want: IMDS_FOUND,
  },
  {
    name: 'IMDS: token 404 falls back to IMDSv1',
    spec: '§9',
    imds: { modes: { token: 404 } },
    want: IMDS_FOUND,
  },
  {
    name: 'IMDS: token 400 → NEXT',
    spec: '§9',
    imds: { modes: { token: 400 } },
    want: NONE,
  },
  {
    name: 'IMDS: AWS_EC2_METADATA_V1_DISABLED and no token is FATAL',
    spec: '§9',
    env: { AWS_EC2_METADATA_V1_DISABLED: 'true' },
    imds: { modes: { token: 404 } },
    want: fail('MetadataRetrievalError', 3),
  },
  {
    name: 'IMDS: IMDSv2-only server works with a token',
    spec: '§9',
    imds: { v1Allowed: false },
    want: IMDS_FOUND,
  },
  {
    name: 'IMDS: an error body (no keys) → NEXT',
    spec: '§9',
    imds: { modes: { credentials: 'error-body' } },
    want: NONE,
  },
  {
    name: 'IMDS: garbage credentials → NEXT',
    spec: '§9',
    imds: { modes: { credentials: 'garbage' } },
    want: NONE,
  },
  {
    name: 'IMDS: empty role list → NEXT',
    spec: '§9',
    imds: { modes: { roles: 'empty' } },
    want: NONE,
  },
  {
    name: 'IMDS: ec2_metadata_service_endpoint in the profile',
    spec: '§9',
    files: { config: `[default]\nec2_metadata_service_endpoint = {IMDS}\n` },
    imds: { endpointEnv: false },
    want: IMDS_FOUND,
  },
  {
    name: 'IMDS: an invalid endpoint is FATAL, even with IMDS disabled and env keys',
    spec: '§9',
    env: { ...envKeys(), AWS_EC2_METADATA_SERVICE_ENDPOINT: 'not-a-url' },
    want: fail('InvalidIMDSEndpointError', 5),
  },
  {
    name: 'IMDS: an unknown endpoint mode is FATAL, even with IMDS disabled and env keys',
    spec: '§9',
    env: { ...envKeys(), AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'ipv5' },
    want: fail('InvalidIMDSEndpointModeError', 5),
  },
  {
    name: 'IMDS: endpoint mode is case-insensitive (IPv6 is valid)',
    spec: '§9',
    env: { ...envKeys(), AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' },
    want: found(ENV, 'env'),
  },

  // ----- §10 container ---------------------------------------------------------------------------
  {
    name: 'container: AWS_CONTAINER_CREDENTIALS_FULL_URI on loopback',
    spec: '§10',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{CONTAINER}/creds' },
    container: true,
    want: CONTAINER_FOUND,
  },
  {
    name: 'container: a FULL_URI host that is not allowed is FATAL',
    spec: '§10',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://192.0.2.1/creds' },
    want: fail('ValueError', 5),
  },
  {
    name: 'container: a failing endpoint is FATAL (IMDS is not tried)',
    spec: '§10',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{REFUSED}/creds' },
    imds: {},
    want: fail('CredentialRetrievalError', 6),
  },
  {
    name: 'container: keys from the files win over the container',
    spec: '§10',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://192.0.2.1/creds' },
    want: found(CRED, 'shared-credentials-file'),
  },

  // ----- nothing at all ---------------------------------------------------------------------------
  {
    name: 'nothing anywhere → NoCredentials',
    spec: '§0',
    want: NONE,
  },
  {
    name: 'nothing anywhere, IMDS enabled but the rig has no role → NoCredentials',
    spec: '§9',
    imds: { modes: { roles: 404 } },
    want: NONE,
  },

  // ----- issue 10: the fidelity classes the held-out botocore comparison found ---------------------
  // Times botocore accepts: dateutil's parser reads every Expiration (env, credential_process,
  // container, IMDS); a time without a zone or a value that is not a string fails (TypeError).
  ...(
    [
      ["Python's str(datetime)", '2099-01-02 03:04:05+00:00'],
      ['a space before UTC', '2099-01-02T03:04:05 UTC'],
      ['the basic form', '20990102T030405Z'],
      ['an offset without a colon', '2099-01-02T04:04:05+0100'],
      ['a fraction of a second, lower-case t and z', '2099-01-02t03:04:05.000z'],
      ['an RFC 2822 date with an offset (date -R)', 'Fri, 02 Jan 2099 03:04:05 +0000'],
      ["date -u's own form", 'Fri Jan  2 03:04:05 UTC 2099'],
    ] as const
  ).map(
    ([what, time]): ChainCase => ({
      name: `env: AWS_CREDENTIAL_EXPIRATION as ${what} is a time`,
      spec: '§4',
      env: { ...envKeys(), AWS_CREDENTIAL_EXPIRATION: time },
      want: found(ENV, 'env', { expiration: FUTURE }),
    }),
  ),
  {
    name: 'env: AWS_CREDENTIAL_EXPIRATION as a date alone is FATAL (no time zone)',
    spec: '§4',
    env: { ...envKeys(), AWS_CREDENTIAL_EXPIRATION: '2099-01-02' },
    want: fail('TypeError', 3),
  },
  {
    name: "process: Expiration as Python's str(datetime) is a time",
    spec: '§10',
    files: withProcess(processJson(PROC, { SessionToken: token(PROC), Expiration: '2099-01-02 03:04:05+00:00' })),
    want: found(PROC, 'custom-process', { token: token(PROC), expiration: FUTURE }),
  },
  {
    name: 'process: a number for Expiration is FATAL',
    spec: '§10',
    files: withProcess(processJson(PROC, { Expiration: 4070919845 })),
    want: fail('TypeError', 3),
  },
  {
    name: 'process: Expiration without a time zone is FATAL',
    spec: '§10',
    files: withProcess(processJson(PROC, { Expiration: '2099-01-02T03:04:05' })),
    want: fail('TypeError', 3),
  },
  {
    name: 'process: a null Expiration means static keys',
    spec: '§10',
    files: withProcess(processJson(PROC, { Expiration: null })),
    want: found(PROC, 'custom-process'),
  },
  {
    name: "container: Expiration as Python's str(datetime) is a time",
    spec: '§10',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{CONTAINER}/creds' },
    container: true,
    containerCredentials: { Expiration: '2030-01-01 06:00:00+00:00' },
    want: CONTAINER_FOUND,
  },
  {
    name: 'container: a number for Expiration is FATAL',
    spec: '§10',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{CONTAINER}/creds' },
    container: true,
    containerCredentials: { Expiration: 4070919845 },
    want: fail('TypeError', 3),
  },
  {
    name: "IMDS: Expiration as Python's str(datetime) is a time (not extended: static stability reads only IMDS's own format)",
    spec: '§9',
    imds: { credentials: fixtureCredentials({ Expiration: '2030-01-01 06:00:00+00:00' }) },
    want: IMDS_FOUND,
  },
  {
    name: 'IMDS: a number for Expiration is FATAL',
    spec: '§9',
    imds: { credentials: fixtureCredentials({ Expiration: 4070919845 as unknown as ImdsCredentialDocument['Expiration'] }) },
    want: fail('TypeError', 3),
  },
  // Expired credentials from a source: botocore refreshes them at once, gets the same, and fails ("still expired").
  {
    name: 'container: credentials that expired already are FATAL ("still expired")',
    spec: '§10',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '{CONTAINER}/creds' },
    container: true,
    containerCredentials: { Expiration: PAST },
    want: fail('RuntimeError', 3),
  },
  {
    name: 'IMDS: an expired Expiration not in IMDS\'s own format is FATAL ("still expired": not extended)',
    spec: '§9',
    imds: { credentials: fixtureCredentials({ Expiration: '2001-01-02 03:04:05+00:00' }) },
    want: fail('RuntimeError', 3),
  },
  // Empty values botocore treats as unset.
  {
    name: 'web identity: an empty AWS_ROLE_SESSION_NAME gets a generated name',
    spec: '§10',
    files: { other: { token: WEB.token } },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/token', AWS_ROLE_ARN: ROLES.web, AWS_ROLE_SESSION_NAME: '' },
    want: ASSUMED,
    role: { calls: [WEB_CALL] },
  },
  {
    name: 'web identity: an empty role_session_name in the profile gets a generated name',
    spec: '§10',
    files: { config: `[default]\n${webProfileBody}role_session_name =\n`, other: { token: WEB.token } },
    want: ASSUMED,
    role: { calls: [WEB_CALL] },
  },
  {
    name: 'role: an empty role_session_name gets a generated name',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\nrole_session_name =\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'role: an empty duration_seconds is dropped (int() refuses it)',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\nduration_seconds =\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: ASSUMED,
    role: { calls: [{ roleArn: ROLES.deploy, signer: ALICE.accessKeyId }] },
  },
  {
    name: 'web identity: an empty web_identity_token_file in the profile is unset',
    spec: '§10',
    files: { config: '[default]\nweb_identity_token_file =\n', credentials: `[default]\n${keys(CRED)}` },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'files: an empty AWS_CONFIG_FILE reads no config file',
    spec: '§1',
    files: { config: `[default]\n${keys(CONF)}`, credentials: `[default]\n${keys(CRED)}` },
    env: { AWS_CONFIG_FILE: '' },
    want: found(CRED, 'shared-credentials-file'),
  },
  {
    name: 'files: an empty AWS_SHARED_CREDENTIALS_FILE reads no credentials file',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}` },
    env: { AWS_SHARED_CREDENTIALS_FILE: '' },
    want: NONE,
  },
  {
    name: 'role: an empty source_profile is not unset: a profile "" that does not exist',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile =\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: INVALID,
  },
  {
    name: 'role: an empty credential_source is not unset: not a valid source',
    spec: '§7',
    files: { config: roleProfile('r', 'credential_source =\n') },
    env: aliceEnv,
    profile: 'r',
    want: INVALID,
  },
  {
    name: 'role: an empty external_id is not unset: sent, and refused by parameter validation',
    spec: '§7',
    files: { config: roleProfile('r', 'source_profile = src\nexternal_id =\n'), credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: fail('ParamValidationError', 5),
  },
  {
    name: 'web identity: an empty AWS_ROLE_ARN is no role ARN',
    spec: '§10',
    files: { other: { token: WEB.token } },
    env: { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/token', AWS_ROLE_ARN: '' },
    want: INVALID,
  },
  {
    name: 'container: an empty AWS_CONTAINER_CREDENTIALS_FULL_URI is set, and no URL botocore allows',
    spec: '§8',
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: '' },
    want: fail('ValueError', 5),
  },
  {
    name: 'role: an empty role_arn with a source_profile is not unset: refused by parameter validation',
    spec: '§7',
    files: { config: '[profile r]\nrole_arn =\nsource_profile = src\n', credentials: `[src]\n${aliceKeys}` },
    profile: 'r',
    want: fail('ParamValidationError', 5),
  },
  {
    name: 'files: an empty AWS_PROFILE is unset, so AWS_DEFAULT_PROFILE names the profile',
    spec: '§1',
    files: { credentials: `[default]\n${keys(CRED)}\n[p]\n${keys(CONF)}` },
    env: { AWS_PROFILE: '', AWS_DEFAULT_PROFILE: 'p' },
    want: found(CONF, 'shared-credentials-file'),
  },
  {
    name: 'env: an empty AWS_ACCOUNT_ID is unset',
    spec: '§4',
    env: { ...envKeys(), AWS_ACCOUNT_ID: '' },
    want: found(ENV, 'env'),
  },
  // Settings checked only when the chain reaches IMDS (botocore int()-parses the timeout and
  // checks the endpoint's host and mode up front; the rest fails at the first request).
  ...(
    [
      ['AWS_METADATA_SERVICE_TIMEOUT=0', { AWS_METADATA_SERVICE_TIMEOUT: '0' }],
      ['AWS_METADATA_SERVICE_TIMEOUT=-1', { AWS_METADATA_SERVICE_TIMEOUT: '-1' }],
      ['a huge AWS_METADATA_SERVICE_TIMEOUT', { AWS_METADATA_SERVICE_TIMEOUT: '99999999999' }],
      ['an endpoint with an out-of-range port', { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:99999/' }],
      ['an endpoint with a port that is not a number', { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:abc/' }],
      ['an ftp endpoint', { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'ftp://127.0.0.1/' }],
    ] as const
  ).map(
    ([what, env]): ChainCase => ({
      name: `IMDS: ${what} does not matter when env keys answer first`,
      spec: '§9',
      env: { ...envKeys(), ...env },
      want: found(ENV, 'env'),
    }),
  ),
  // Other settings botocore reads only when a later link needs them: env keys answer first.
  ...(
    [
      ['an AWS_CONTAINER_CREDENTIALS_FULL_URI host that is not allowed', { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://192.0.2.1/creds' }],
      ['an AWS_CONTAINER_CREDENTIALS_RELATIVE_URI without a leading /', { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: 'creds' }],
      ['AWS_STS_REGIONAL_ENDPOINTS=bogus', { AWS_STS_REGIONAL_ENDPOINTS: 'bogus' }],
      ['AWS_DEFAULT_REGION with a space', { AWS_DEFAULT_REGION: 'eu west 1' }],
      ['AWS_MAX_ATTEMPTS=abc', { AWS_MAX_ATTEMPTS: 'abc' }],
      ['AWS_RETRY_MODE=bogus', { AWS_RETRY_MODE: 'bogus' }],
      ['AWS_EC2_METADATA_V1_DISABLED=bogus', { AWS_EC2_METADATA_V1_DISABLED: 'bogus' }],
      ['AWS_USE_FIPS_ENDPOINT=bogus', { AWS_USE_FIPS_ENDPOINT: 'bogus' }],
      ['AWS_CREDENTIAL_FILE that is a folder', { AWS_CREDENTIAL_FILE: '{HOME}' }],
      ['AWS_WEB_IDENTITY_TOKEN_FILE without AWS_ROLE_ARN', { AWS_WEB_IDENTITY_TOKEN_FILE: '{HOME}/missing-token' }],
      ['HTTPS_PROXY that is no URL', { HTTPS_PROXY: '::not a proxy::' }],
      ['AWS_CA_BUNDLE that is missing', { AWS_CA_BUNDLE: '{HOME}/missing.pem' }],
    ] as const
  ).map(
    ([what, env]): ChainCase => ({
      name: `settings: ${what} does not matter when env keys answer first`,
      spec: '§4',
      env: { ...envKeys(), ...env },
      want: found(ENV, 'env'),
    }),
  ),
  {
    name: 'settings: a broken credential_process in the profile does not matter when env keys answer first',
    spec: '§4',
    files: { config: `[default]\ncredential_process = sh -c 'echo\n` },
    env: envKeys(),
    want: found(ENV, 'env'),
  },
  {
    name: 'IMDS: AWS_METADATA_SERVICE_TIMEOUT=0 is FATAL when the chain reaches IMDS',
    spec: '§9',
    env: { AWS_METADATA_SERVICE_TIMEOUT: '0' },
    imds: {},
    want: fail('HTTPClientError', 5),
  },
  {
    name: 'IMDS: a timeout Python cannot int() is FATAL up front, even when env keys answer',
    spec: '§9',
    env: { ...envKeys(), AWS_METADATA_SERVICE_TIMEOUT: '1.5' },
    want: fail('ValueError', 5),
  },
  {
    name: 'IMDS: a number of attempts Python cannot int() is FATAL up front, even when env keys answer',
    spec: '§9',
    env: { ...envKeys(), AWS_METADATA_SERVICE_NUM_ATTEMPTS: 'two' },
    want: fail('ValueError', 5),
  },
  {
    name: 'IMDS: an empty AWS_METADATA_SERVICE_NUM_ATTEMPTS is FATAL up front too (int() of "")',
    spec: '§9',
    env: { ...envKeys(), AWS_METADATA_SERVICE_NUM_ATTEMPTS: '' },
    want: fail('ValueError', 5),
  },
];
