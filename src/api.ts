/**
 * The programmatic API: the same chain and STS plumbing as the CLI, for Node programs.
 *
 *   import { resolveCredentials } from 'awsrole';
 *   const { credentials, source, trace } = await resolveCredentials({ profile: 'prod' });
 */
import { homedir } from 'node:os';
import type { Credentials, ExplicitParams, LinkName, ProfileSelection, TraceEntry } from './chain/types.js';
import { realDeps } from './deps.js';
import { openSession } from './session/index.js';
import { type SessionParamOptions, sessionParamsFromOptions } from './session/session-params.js';

export type { Credentials, ExplicitParams, LinkName, ProfileSelection, SessionParamOptions, TraceEntry };
export { AwsroleError, ExitCode } from './errors.js';

/**
 * `sourceIdentity`, `tags`, `transitiveTagKeys`, `policy`: AssumeRole's session parameters for
 * the profile's own role hop, as --source-identity, --tag, --transitive-tag and --policy (they
 * win over AWS_SOURCE_IDENTITY/AWS_SESSION_TAGS/AWS_TRANSITIVE_TAGS and the profile's keys).
 */
export interface ResolveCredentialsOptions extends SessionParamOptions {
  /** Like --profile: names the profile and turns the env link off. */
  profile?: string | undefined;
  /** botocore's explicit parameters: the first link of the chain. */
  credentials?: ExplicitParams | undefined;
  /** The environment to read instead of process.env (HOME included). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** For role profiles: STS region, endpoint, cache bypass, MFA code. */
  region?: string | undefined;
  endpointUrl?: string | undefined;
  refresh?: boolean | undefined;
  tokenCode?: string | undefined;
}

export interface ResolvedCredentials {
  credentials: Credentials;
  source: LinkName;
  profile: ProfileSelection;
  trace: TraceEntry[];
}

/** Resolves credentials exactly as `awsrole export` does; throws AwsroleError (with exitCode) on failure. */
export async function resolveCredentials(options: ResolveCredentialsOptions = {}): Promise<ResolvedCredentials> {
  const base = realDeps();
  const env = options.env ?? base.env;
  const deps = { ...base, env, homedir: env['HOME'] ?? homedir(), promptSecret: undefined };
  const session = await openSession(deps, {
    profile: options.profile,
    profileFlag: 'the profile option',
    explicit: options.credentials,
    region: options.region,
    endpointUrl: options.endpointUrl,
    refresh: options.refresh,
    tokenCode: options.tokenCode,
    sessionParams: sessionParamsFromOptions(options),
  });
  const resolution = await session.resolveCredentials();
  return { credentials: resolution.credentials, source: resolution.source, profile: resolution.profile, trace: resolution.trace };
}
