import { createChainContext, runChain, selectProfile, LINKS } from '../chain/chain.js';
import type { AssumeRoleRequest, ExplicitParams, ProfileFlag, Resolution, RoleAssumer } from '../chain/types.js';
import type { SharedConfig } from '../config/shared-config.js';
import { loadSharedConfig } from '../config/load.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { maskKeyId } from '../output/mask.js';
import { createStsCaller, type StsCaller } from '../sts/client.js';
import { createRoleAssumer, type HopRecord } from '../sts/role-assumer.js';
import { resolveStsSettings, type StsFlags } from '../sts/settings.js';

/** Options every credential-producing command shares. */
export interface SourceOptions extends StsFlags {
  profile?: string | undefined;
  /** Explicit parameters from the programmatic API (the CLI reads them with --credentials-json -). */
  explicit?: ExplicitParams | undefined;
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

/** Runs the provider chain for a command, with STS plumbing ready for role profiles. */
export async function resolveSource(deps: Deps, options: SourceOptions, overrides: HopOverrides = {}, loaded?: SharedConfig): Promise<ResolvedSource> {
  const config = loaded ?? (await loadSharedConfig(deps));
  const explicit = options.explicit ?? (await readExplicitCredentials(deps, options.credentialsJson));
  const hops: HopRecord[] = [];
  const profile = selectProfile(deps.env, options.profile, options.profileFlag);
  const stsCaller = lazyStsCaller(deps, config, profile.name, options);
  const assumeRole: RoleAssumer = (source, request) => {
    const assumer = createRoleAssumer({ deps, caller: stsCaller(), refresh: options.refresh === true, tokenCode: options.tokenCode, onHop: (hop) => hops.push(hop) });
    const isTopHop = request.profile === profile.name;
    return assumer(source, isTopHop ? { ...request, ...withoutUndefined(overrides) } : request);
  };
  const context = await createChainContext({ deps, profile: options.profile, profileFlag: options.profileFlag, explicit, assumeRole, config });
  const resolution = await runChain(context, LINKS);
  debugResolution(deps, resolution, hops);
  return { resolution, config, stsCaller, assumeRole, hops };
}
