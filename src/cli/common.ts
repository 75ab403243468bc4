import { createChainContext, runChain, selectProfile, LINKS } from '../chain/chain.js';
import type { AssumeRoleRequest, ExplicitParams, ProfileFlag, Resolution, RoleAssumer, WebIdentityAssumer } from '../chain/types.js';
import type { SharedConfig } from '../config/shared-config.js';
import { loadSharedConfig } from '../config/load.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { maskKeyId } from '../output/mask.js';
import { createStsCaller, type StsCaller } from '../sts/client.js';
import { createRoleAssumer, type HopRecord } from '../sts/role-assumer.js';
import { assumeRoleWithWebIdentity } from '../sts/operations.js';
import { resolveStsSettings, type StsFlags } from '../sts/settings.js';
import { ASSUME_ROLE_DURATION } from '../sts/validate.js';

/** Options every credential-producing command shares. */
export interface SourceOptions extends StsFlags {
  profile?: string | undefined;
  /** Explicit parameters from the programmatic API (the CLI reads them with --credentials-json -). */
  explicit?: ExplicitParams | undefined;
  /** Which hop the flags aim at: the selected role profile's (default), or a --role-arn hop on top. */
  topHop?: 'profile' | 'role-arn' | undefined;
  /** Which flag gave `profile` (default --profile), for messages. */
  profileFlag?: ProfileFlag | undefined;
  credentialsJson?: string | undefined;
  refresh?: boolean | undefined;
  tokenCode?: string | undefined;
}

/** Flag values that replace the selected role profile's own settings for its (last) hop. */
export type HopOverrides = Partial<Pick<AssumeRoleRequest, 'roleSessionName' | 'sessionNameGenerated' | 'externalId' | 'serialNumber' | 'durationSeconds' | 'policyArns'>>;

export interface ResolvedSource {
  resolution: Resolution;
  config: SharedConfig;
  /** Created on first use: commands that never call STS never load the SDK. */
  stsCaller(): StsCaller;
  assumeRole: RoleAssumer;
  hops: HopRecord[];
}

/** `--credentials-json -`: explicit params as a JSON object on stdin, so secrets never sit on argv. */
export async function readExplicitCredentials(deps: Deps, source: string | undefined): Promise<ExplicitParams | undefined> {
  if (source === undefined) return undefined;
  if (source !== '-') throw new UsageError('--credentials-json takes only "-" (read the JSON object from stdin)', 'pipe it in: … | awsrole export --credentials-json -');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await deps.readStdin());
  } catch {
    throw new UsageError('--credentials-json -: stdin is not a JSON object', 'send {"AccessKeyId": "...", "SecretAccessKey": "...", "SessionToken": "..."}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--credentials-json -: stdin is not a JSON object');
  const fields = parsed as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  return { accessKeyId: text('AccessKeyId'), secretAccessKey: text('SecretAccessKey'), sessionToken: text('SessionToken') };
}

function lazyStsCaller(deps: Deps, config: SharedConfig, profile: string, flags: StsFlags): () => StsCaller {
  let caller: StsCaller | undefined;
  return () => (caller ??= createStsCaller(resolveStsSettings(deps.env, config, profile, flags), deps));
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

function debugResolution(deps: Deps, resolution: Resolution, hops: HopRecord[]): void {
  if (deps.debug === undefined) return;
  deps.debug(`profile ${resolution.profile.name} (from ${resolution.profile.from})`);
  for (const entry of resolution.trace) deps.debug(`chain ${entry.link}: ${entry.outcome}: ${entry.detail}`);
  for (const hop of hops) deps.debug(`AssumeRole ${hop.request.roleArn} (session ${hop.request.roleSessionName}) via ${hop.via}`);
  deps.debug(`credentials: key ${maskKeyId(resolution.credentials.accessKeyId)}, ${resolution.credentials.sessionToken ? 'with' : 'without'} a session token`);
}

/**
 * A --token-code is good for one STS call, on the device it was read from: the --serial-number
 * (when given) or else the first hop that needs a code. Other MFA hops prompt or use a cached
 * MFA session.
 */
function oneTimeTokenCode(code: string | undefined, serial: string | undefined): (hopSerial: string) => string | undefined {
  let unused = code;
  return (hopSerial) => {
    if (unused === undefined || (serial !== undefined && hopSerial !== serial)) return undefined;
    const taken = unused;
    unused = undefined;
    return taken;
  };
}

/** A --duration over an hour on a chained hop is refused before STS is asked (it would refuse). */
function checkChainedDuration(hop: AssumeRoleRequest, overrides: HopOverrides): void {
  const seconds = overrides.durationSeconds;
  if (!hop.chained || seconds === undefined || seconds <= ASSUME_ROLE_DURATION.chainedMax) return;
  throw new UsageError(
    `--duration ${seconds}: the source credentials of ${hop.roleArn} came from another role, and AWS limits role chaining to 1 hour`,
    'pass --duration 3600 or less, or use long-term (or MFA-session) credentials as the source',
  );
}

/** Runs the provider chain for a command, with STS plumbing ready for role profiles. */
export async function resolveSource(deps: Deps, options: SourceOptions, overrides: HopOverrides = {}, loaded?: SharedConfig): Promise<ResolvedSource> {
  const config = loaded ?? (await loadSharedConfig(deps));
  const explicit = options.explicit ?? (await readExplicitCredentials(deps, options.credentialsJson));
  const hops: HopRecord[] = [];
  const profile = selectProfile(deps.env, options.profile, options.profileFlag);
  const stsCaller = lazyStsCaller(deps, config, profile.name, options);
  const tokenCodeFor = oneTimeTokenCode(options.tokenCode, overrides.serialNumber);
  const assumeRole: RoleAssumer = (source, request) => {
    // The hop the user aimed the flags at: the selected role profile's own, or the --role-arn hop on top.
    const isTopHop = request.profile === (options.topHop === 'role-arn' ? undefined : profile.name);
    const hop = isTopHop ? { ...request, ...withoutUndefined(overrides) } : request;
    if (isTopHop) checkChainedDuration(hop, overrides);
    return createRoleAssumer({ deps, caller: stsCaller(), refresh: options.refresh === true, tokenCodeFor, onHop: (done) => hops.push(done) })(source, hop);
  };
  const assumeWebIdentity: WebIdentityAssumer = async (request) => {
    const assumed = await assumeRoleWithWebIdentity(stsCaller(), request);
    deps.debug?.(`AssumeRoleWithWebIdentity ${request.roleArn} (session ${request.roleSessionName}) via sts${assumed.subject ? `, subject ${assumed.subject}` : ''}`);
    return assumed.credentials;
  };
  const context = await createChainContext({
    deps,
    profile: options.profile,
    profileFlag: options.profileFlag,
    explicit,
    assumeRole,
    assumeRoleWithWebIdentity: assumeWebIdentity,
    config,
  });
  const resolution = await runChain(context, LINKS);
  debugResolution(deps, resolution, hops);
  return { resolution, config, stsCaller, assumeRole, hops };
}
