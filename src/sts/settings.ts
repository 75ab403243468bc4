import { shown } from '../domain/text.js';
import { ConfigError, UsageError } from '../errors.js';
import { mergedProfile, stringValue, type SharedConfig } from '../config/shared-config.js';
import type { Deps } from '../deps.js';
import { isTrimmedTrue } from '../config/boolean.js';

export interface StsSettings {
  /** Region for signing. */
  region: string;
  /** Full endpoint URL. */
  endpoint: string;
  /** Where the endpoint came from, for --explain and errors. */
  endpointFrom: string;
  /** Per-attempt timeout, ms. */
  timeoutMs: number;
  maxAttempts: number;
}

export interface StsFlags {
  region?: string | undefined;
  endpointUrl?: string | undefined;
}

const LEGACY_GLOBAL_REGIONS = new Set([
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-northeast-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
]);

interface RegionSetting {
  region: string;
  from: string;
}

function regionSetting(env: Deps['env'], config: SharedConfig | undefined, profile: string, flag?: string): RegionSetting | undefined {
  if (flag) return { region: flag, from: '--region' };
  for (const name of ['AWS_DEFAULT_REGION', 'AWS_REGION']) {
    const value = env[name];
    if (value) return { region: value, from: name };
  }
  const fromProfile = config === undefined ? undefined : stringValue(mergedProfile(config, profile), 'region');
  return fromProfile ? { region: fromProfile, from: `region in profile ${profile}` } : undefined;
}

/** --region, AWS_DEFAULT_REGION, AWS_REGION, then the profile's region. */
export function resolveRegion(env: Deps['env'], config: SharedConfig | undefined, profile: string, flag?: string): string | undefined {
  return regionSetting(env, config, profile, flag)?.region;
}

/** botocore's check: a region becomes part of a host name. */
const VALID_REGION = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

function checkedRegion(setting: RegionSetting | undefined): string | undefined {
  if (setting === undefined || VALID_REGION.test(setting.region)) return setting?.region;
  const message = `${setting.from} ${shown(setting.region)} is not a valid region name`;
  const hint = 'a region looks like eu-west-1 (a comment after the value in the config file is part of the value)';
  throw setting.from === '--region' ? new UsageError(message, hint) : new ConfigError(message, hint);
}

/** A service as botocore's ConfiguredEndpointProvider names it: AWS_ENDPOINT_URL_<ID> and `<id>` in a services section. */
export type ServiceId = 'sts' | 'sso' | 'sso_oidc';

export interface ConfiguredEndpoint {
  url: string;
  from: string;
}

/**
 * botocore's configured endpoint for a client of the selected profile: AWS_ENDPOINT_URL_<ID>,
 * AWS_ENDPOINT_URL, `<id>.endpoint_url` of the profile's services section, the profile's endpoint_url.
 */
export function configuredEndpoint(env: Deps['env'], config: SharedConfig | undefined, profile: string, service: ServiceId = 'sts'): ConfiguredEndpoint | undefined {
  const section = config === undefined ? undefined : mergedProfile(config, profile);
  if (isTrimmedTrue(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) || isTrimmedTrue(stringValue(section, 'ignore_configured_endpoint_urls'))) return undefined;
  const serviceVar = `AWS_ENDPOINT_URL_${service.toUpperCase()}`;
  const fromServiceVar = env[serviceVar];
  if (fromServiceVar) return { url: fromServiceVar, from: serviceVar };
  const fromVar = env['AWS_ENDPOINT_URL'];
  if (fromVar) return { url: fromVar, from: 'AWS_ENDPOINT_URL' };
  const servicesName = stringValue(section, 'services');
  if (servicesName !== undefined && config !== undefined) {
    const services = config.services.get(servicesName);
    if (services === undefined) throw new ConfigError(`profile ${profile} names services ${servicesName}, which is not in the config file`, `add [services ${servicesName}] or remove services = from the profile`);
    const block = services[service];
    if (typeof block === 'object' && block['endpoint_url']) return { url: block['endpoint_url'], from: `[services ${servicesName}] ${service}.endpoint_url` };
  }
  const fromProfile = stringValue(section, 'endpoint_url');
  if (fromProfile) return { url: fromProfile, from: `endpoint_url of profile ${profile}` };
  return undefined;
}

/** The configured endpoint checked to be an http(s) URL, else `fallback` (from a region) with where it came from. */
export function serviceEndpoint(env: Deps['env'], config: SharedConfig | undefined, profile: string, service: ServiceId, fallback: ConfiguredEndpoint): ConfiguredEndpoint {
  const configured = configuredEndpoint(env, config, profile, service);
  return configured === undefined ? fallback : { url: checkUrl(configured.url, configured.from, false), from: configured.from };
}

/** A region that goes into a host name, from a file setting named by `from`: botocore's check. */
export function checkedRegionName(region: string, from: string): string {
  return checkedRegion({ region, from }) ?? region;
}

/** amazonaws.com, or amazonaws.com.cn in the China regions. */
export function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

function defaultEndpoint(env: Deps['env'], config: SharedConfig | undefined, profile: string, region: string | undefined): string {
  if (region === undefined) return 'https://sts.amazonaws.com';
  const section = config === undefined ? undefined : mergedProfile(config, profile);
  const mode = (env['AWS_STS_REGIONAL_ENDPOINTS'] ?? stringValue(section, 'sts_regional_endpoints') ?? 'regional').toLowerCase();
  if (mode === 'legacy' && LEGACY_GLOBAL_REGIONS.has(region)) return 'https://sts.amazonaws.com';
  return `https://sts.${region}.${dnsSuffix(region)}`;
}

function checkUrl(url: string, from: string, flag: boolean): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return url;
  } catch {
    // fall through to the error
  }
  const message = `${from} ${shown(url)} is not an http(s) URL`;
  throw flag ? new UsageError(message, 'pass a URL like https://sts.eu-west-1.amazonaws.com') : new ConfigError(message, `fix ${from}`);
}

function positiveNumber(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function resolveStsSettings(env: Deps['env'], config: SharedConfig | undefined, profile: string, flags: StsFlags = {}): StsSettings {
  const region = checkedRegion(regionSetting(env, config, profile, flags.region));
  const configured = flags.endpointUrl ? { url: flags.endpointUrl, from: '--endpoint-url' } : configuredEndpoint(env, config, profile);
  const endpoint = configured ? checkUrl(configured.url, configured.from, configured.from === '--endpoint-url') : defaultEndpoint(env, config, profile, region);
  return {
    region: region ?? 'us-east-1',
    endpoint,
    endpointFrom: configured?.from ?? (region === undefined ? 'the global endpoint (no region set)' : `region ${region}`),
    timeoutMs: positiveNumber(env['AWSROLE_STS_TIMEOUT'], 10) * 1000,
    maxAttempts: Math.floor(positiveNumber(env['AWSROLE_STS_MAX_ATTEMPTS'], 3)),
  };
}
