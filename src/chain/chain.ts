import { AwsroleError, ChainSkip, ConfigError, CredentialError } from '../errors.js';
import type { Deps } from '../deps.js';
import { loadSharedConfig } from '../config/load.js';
import { profileExists, type SharedConfig } from '../config/shared-config.js';
import { assumeRoleLink } from './assume-role.js';
import { botoConfigLink } from './boto-config.js';
import { configFileLink } from './config-file.js';
import { containerLink } from './container.js';
import { credentialsFileLink } from './credentials-file.js';
import { ec2CredentialsFileLink } from './ec2-credentials-file.js';
import { envLink } from './env.js';
import { explicitLink } from './explicit.js';
import { imdsLink } from './imds.js';
import { imdsSettingsFromContext } from './imds-settings.js';
import { processLink } from './process.js';
import { webIdentityLink } from './web-identity.js';
import { describeShadowed } from './shadows.js';
import { isProfileFlag, type ChainContext, type ExplicitParams, type Link, type ProfileFlag, type ProfileSelection, type Resolution, type RoleAssumer, type TraceEntry, type WebIdentityAssumer } from './types.js';
import { displayPath } from '../config/paths.js';
import { shown } from '../output/shown.js';

/** botocore's real order (spec §0). */
export const LINKS: readonly Link[] = [
  explicitLink,
  envLink,
  assumeRoleLink,
  webIdentityLink,
  credentialsFileLink,
  processLink,
  configFileLink,
  ec2CredentialsFileLink,
  botoConfigLink,
  containerLink,
  imdsLink,
];

/** --profile, then AWS_DEFAULT_PROFILE, then AWS_PROFILE (botocore's order); set-but-empty counts. */
export function selectProfile(env: Deps['env'], flag: string | undefined, flagName: ProfileFlag = '--profile'): ProfileSelection {
  if (flag !== undefined) return { name: flag, from: flagName };
  const fromDefault = env['AWS_DEFAULT_PROFILE'];
  if (fromDefault !== undefined) return { name: fromDefault, from: 'AWS_DEFAULT_PROFILE' };
  const fromProfile = env['AWS_PROFILE'];
  if (fromProfile !== undefined) return { name: fromProfile, from: 'AWS_PROFILE' };
  return { name: 'default', from: 'default' };
}

/** A profile that was asked for by name must exist, before any link runs (botocore: ProfileNotFound). */
export function checkProfileExists(deps: Deps, config: SharedConfig, profile: ProfileSelection): void {
  if (profile.from === 'default' || profileExists(config, profile.name)) return;
  const files = [config.configPath, config.credentialsPath].map((path) => displayPath(path, deps.env, deps.homedir)).join(' or ');
  throw new ConfigError(
    `profile ${shown(profile.name)} (from ${profile.from}) is in neither ${files}`,
    isProfileFlag(profile.from) ? `check the name (${profile.from}), or add the profile with \`aws configure --profile NAME\`` : `fix or unset ${profile.from}`,
  );
}

/** An error that stopped the chain, with the trace up to that point. */
export class ChainError extends AwsroleError {
  constructor(
    cause: AwsroleError,
    readonly trace: TraceEntry[],
  ) {
    super(cause.message, cause.exitCode, cause.hint);
    this.name = cause.name;
  }
}

export interface ResolveOptions {
  deps: Deps;
  profile?: string | undefined;
  /** The flag that gave `profile`, for messages. */
  profileFlag?: ProfileFlag | undefined;
  explicit?: ExplicitParams | undefined;
  assumeRole: RoleAssumer;
  assumeRoleWithWebIdentity?: WebIdentityAssumer | undefined;
  config?: SharedConfig | undefined;
}

export async function createChainContext(options: ResolveOptions): Promise<ChainContext> {
  const config = options.config ?? (await loadSharedConfig(options.deps));
  const profile = selectProfile(options.deps.env, options.profile, options.profileFlag);
  checkProfileExists(options.deps, config, profile);
  const context: ChainContext = {
    deps: options.deps,
    profile,
    config,
    explicit: options.explicit,
    assumeRole: options.assumeRole,
    assumeRoleWithWebIdentity: options.assumeRoleWithWebIdentity,
  };
  // botocore reads the IMDS settings while building the chain: a bad one is fatal even when an earlier link wins.
  imdsSettingsFromContext(context);
  return context;
}

export async function resolveCredentials(options: ResolveOptions): Promise<Resolution> {
  const context = await createChainContext(options);
  return runChain(context, LINKS);
}

export async function runChain(context: ChainContext, links: readonly Link[]): Promise<Resolution> {
  const trace: TraceEntry[] = [];
  for (const [index, link] of links.entries()) {
    try {
      const found = await link.resolve(context);
      const later = links.slice(index + 1);
      const shadows = later.map((next) => describeShadowed(context, next.name)).filter((text): text is string => text !== undefined);
      trace.push({ link: link.name, outcome: 'found', detail: found.detail, ...(shadows.length > 0 ? { shadows } : {}) });
      for (const next of later) trace.push({ link: next.name, outcome: 'not-tried', detail: describeShadowed(context, next.name) ?? 'not needed' });
      return { credentials: found.credentials, source: link.name, profile: context.profile, trace };
    } catch (error) {
      if (error instanceof ChainSkip) {
        trace.push({ link: link.name, outcome: 'skipped', detail: error.reason });
        continue;
      }
      const failure = error instanceof AwsroleError ? error : new AwsroleError(String((error as Error).message), 1);
      trace.push({ link: link.name, outcome: 'failed', detail: failure.message });
      throw new ChainError(new AwsroleError(`${link.name}: ${failure.message}`, failure.exitCode, failure.hint), trace);
    }
  }
  throw new ChainError(
    new CredentialError(
      `no credentials found (profile ${context.profile.name}); tried ${links.map((link) => link.name).join(', ')}`,
      'set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, add keys to ~/.aws/credentials, or pick a profile with --profile; `awsrole whoami --explain` shows each link',
    ),
    trace,
  );
}
