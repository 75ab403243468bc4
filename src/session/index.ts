/**
 * The session: what every command and the programmatic API do before they act. It loads the
 * shared config once, selects and checks the profile once, and wires the remote services once;
 * the provider chain and the commands then work from it.
 */
import { LINKS } from '../chain/links.js';
import { runChain } from '../chain/chain.js';
import { imdsSettingsFromContext } from '../chain/imds-settings.js';
import type { ChainContext, ChainServices, ExplicitParams, ProfileFlag, ProfileSelection, Resolution, WebIdentityAssumer } from '../chain/types.js';
import { isRoleProfile, sourceProfileChain } from '../chain/assume-role.js';
import { loadSharedConfig } from '../config/load.js';
import { mergedProfile, stringValue, type SharedConfig } from '../config/shared-config.js';
import { UsageError } from '../errors.js';
import type { Deps } from '../deps.js';
import { maskKeyId } from '../output/mask.js';
import { terminalSafe } from '../domain/text.js';
import { networkFor } from '../net/network.js';
import { createStsCaller, type StsCaller } from '../sts/client.js';
import { assumeRoleWithWebIdentity } from '../sts/operations.js';
import type { HopRecord } from '../sts/role-assumer.js';
import { resolveRegion, resolveStsSettings, type StsFlags } from '../sts/settings.js';
import { ssoRoleFetcher } from '../sso/role-credentials.js';
import { shapedRoleAssumer, type HopOverrides, type TopHop } from './hops.js';
import { checkProfileExists, selectProfile } from './profile.js';
import { describeSessionParams, originNames, type SessionParams } from './session-params.js';

export type { HopOverrides, TopHop } from './hops.js';

export interface SessionOptions extends StsFlags {
  profile?: string | undefined;
  /** Which flag gave `profile` (default --profile), for messages; any of them turns the env link off. */
  profileFlag?: ProfileFlag | undefined;
  /** botocore's explicit parameters: the first link of the chain. */
  explicit?: ExplicitParams | undefined;
  /** Skip the caches (--refresh). */
  refresh?: boolean | undefined;
  /** An MFA code for the first hop that needs one (or the hop of overrides.serialNumber). */
  tokenCode?: string | undefined;
  /** Flag values for the hop they aim at. */
  overrides?: HopOverrides | undefined;
  topHop?: TopHop | undefined;
  /** Session parameters from flags (checked), for the top hop; the environment and profile keys are read here. */
  sessionParams?: SessionParams | undefined;
}

export interface Session {
  readonly deps: Deps;
  readonly config: SharedConfig;
  readonly profile: ProfileSelection;
  /** --region, AWS_DEFAULT_REGION, AWS_REGION, then the profile's: the region handed on with the credentials. */
  readonly region: string | undefined;
  /** The AssumeRole hops made so far, innermost first. */
  readonly hops: readonly HopRecord[];
  readonly services: ChainServices;
  /** STS as this profile configures it; created on first use, so a command that never calls STS never loads the SDK. */
  sts(): StsCaller;
  /** Runs the provider chain for the profile. */
  resolveCredentials(): Promise<Resolution>;
  /** The same config and options for another profile, named by `from` (mfa: the long-term root of a role profile). */
  forProfile(name: string, from: ProfileFlag): Session;
}

function debugResolution(deps: Deps, resolution: Resolution, hops: readonly HopRecord[]): void {
  if (deps.debug === undefined) return;
  deps.debug(`profile ${resolution.profile.name} (from ${resolution.profile.from})`);
  for (const entry of resolution.trace) deps.debug(`chain ${entry.link}: ${entry.outcome}: ${entry.detail}`);
  for (const hop of hops) deps.debug(`AssumeRole ${hop.request.roleArn} (session ${hop.request.roleSessionName}${describeSessionParams(hop.request)}) via ${hop.via}`);
  deps.debug(`credentials: key ${maskKeyId(resolution.credentials.accessKeyId)}, ${resolution.credentials.sessionToken ? 'with' : 'without'} a session token`);
}

function webIdentityAssumer(deps: Deps, sts: () => StsCaller): WebIdentityAssumer {
  return async (request) => {
    const assumed = await assumeRoleWithWebIdentity(sts(), request);
    deps.debug?.(`AssumeRoleWithWebIdentity ${request.roleArn} (session ${request.roleSessionName}) via sts${assumed.subject ? `, subject ${assumed.subject}` : ''}`);
    return assumed.credentials;
  };
}

/** A --token-code that no hop could use would be dropped silently: refused before anything is sent. */
function checkTokenCodeHasDevice(config: SharedConfig, profile: ProfileSelection, options: SessionOptions): void {
  if (options.tokenCode === undefined || options.overrides?.serialNumber !== undefined) return;
  const hasDevice = sourceProfileChain(config, profile.name).some((name) => {
    const section = mergedProfile(config, name);
    return isRoleProfile(section) && stringValue(section, 'mfa_serial') !== undefined;
  });
  if (hasDevice) return;
  throw new UsageError(`--token-code: no MFA device for this role: add mfa_serial to profile ${profile.name} or pass --serial-number`);
}

/** Session-parameter flags go on the profile's role hop: when the chain made none, they were not sent, and that is said. */
function warnUnusedSessionParams(deps: Deps, options: SessionOptions, profile: string, hops: readonly HopRecord[]): void {
  if (options.topHop === 'role-arn' || hops.some((hop) => hop.request.profile === profile)) return;
  const unused = originNames(options.sessionParams ?? {});
  if (unused.length === 0) return;
  deps.stderr.write(`awsrole: warning: ${terminalSafe(`${unused.join(', ')} not sent: no role was assumed for profile ${profile}`)}\n`);
}

function createSession(deps: Deps, config: SharedConfig, profile: ProfileSelection, options: SessionOptions): Session {
  checkProfileExists(deps, config, profile);
  checkTokenCodeHasDevice(config, profile, options);
  let caller: StsCaller | undefined;
  const sts = (): StsCaller => (caller ??= createStsCaller(resolveStsSettings(deps.env, config, profile.name, options), deps, networkFor(deps, config, profile.name)));
  const hops: HopRecord[] = [];
  const services: ChainServices = {
    assumeRole: shapedRoleAssumer({
      deps,
      sts,
      profile: profile.name,
      topHop: options.topHop ?? 'profile',
      overrides: options.overrides ?? {},
      config,
      sessionParams: options.sessionParams ?? {},
      refresh: options.refresh === true,
      tokenCode: options.tokenCode,
      hops,
    }),
    assumeRoleWithWebIdentity: webIdentityAssumer(deps, sts),
    ssoRoleCredentials: ssoRoleFetcher({ deps, config, profile: profile.name, refresh: options.refresh === true }),
  };
  const context: ChainContext = { deps, profile, config, explicit: options.explicit, services, links: LINKS };
  return {
    deps,
    config,
    profile,
    region: resolveRegion(deps.env, config, profile.name, options.region),
    hops,
    services,
    sts,
    async resolveCredentials() {
      // botocore reads the IMDS settings while building the chain: a bad one is fatal even when an earlier link wins.
      imdsSettingsFromContext(context);
      const resolution = await runChain(context);
      debugResolution(deps, resolution, hops);
      warnUnusedSessionParams(deps, options, profile.name, hops);
      return resolution;
    },
    forProfile: (name, from) => createSession(deps, config, { name, from }, options),
  };
}

/** Loads the shared config and opens a session for the selected profile (which must exist when named). */
export async function openSession(deps: Deps, options: SessionOptions = {}): Promise<Session> {
  const config = await loadSharedConfig(deps);
  return createSession(deps, config, selectProfile(deps.env, options.profile, options.profileFlag), options);
}
