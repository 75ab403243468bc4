/**
 * IMDS settings as botocore resolves them (spec §9): each from its environment variable
 * first, then the selected profile's key (botocore's merged view, where the credentials
 * file wins key by key), then the default.
 *
 * botocore checks some of these when it builds the credential resolver, before any link runs:
 * a timeout or attempt count Python's int() rejects, an endpoint with an invalid host, an
 * unknown endpoint mode is fatal even when env keys would have won (`imdsSettingsFromContext`
 * up front does the same). The rest fails only when the chain reaches IMDS
 * (`checkReachable`): a timeout out of range, an endpoint whose port or scheme cannot be used.
 */
import { isIPv6 } from 'node:net';
import { displayPath } from '../config/paths.js';
import { stringValue, type SharedConfig } from '../config/shared-config.js';
import { ConfigError } from '../errors.js';
import type { ChainContext } from './types.js';
import { pythonInt } from '../config/python-int.js';

export const IMDS_IPV4_ENDPOINT = 'http://169.254.169.254/';
export const IMDS_IPV6_ENDPOINT = 'http://[fd00:ec2::254]/';

import type { Env } from '../domain/env.js';
import { isTrue } from '../config/boolean.js';

/** Where one setting's value came from, for messages: `AWS_METADATA_SERVICE_TIMEOUT` or `metadata_service_timeout in profile dev (/home/a/.aws/config)`. */
export interface SettingValue {
  value: string;
  from: string;
}

/** The selected profile's keys, as botocore's scoped config sees them. */
export type ProfileKeys = (key: string) => SettingValue | undefined;

export interface ImdsSettings {
  /** The raw value of AWS_EC2_METADATA_DISABLED when it is `true` in any case; else undefined. */
  disabledBy: string | undefined;
  /** Per request (botocore: connect and read). */
  timeoutMs: number;
  /** Tries per request; 0 makes no request at all (as botocore's range(0)). */
  attempts: number;
  /** Base URL; request paths are appended after a `/`. */
  baseUrl: string;
  /** How the base URL was chosen, for the trace. */
  endpointFrom: string;
  /** No IMDSv1 fallback: a missing token is fatal. */
  v1Disabled: boolean;
  v1DisabledFrom: string;
  /** Where timeout and attempts came from (for "set X" hints). */
  timeoutFrom: string;
  /** The timeout as written, for the message when it is out of range. */
  timeoutText: string;
  attemptsFrom: string;
}

const DEFAULT_TIMEOUT_SECONDS = 1;
const DEFAULT_ATTEMPTS = 1;
const MAX_TIMEOUT_SECONDS = Math.floor(2_147_483_647 / 1000);

/** Profile keys from botocore's merged view: the credentials file wins over the config file. */
export function profileKeys(
  config: SharedConfig,
  profileName: string,
  display: (path: string) => string = (path) => path,
): ProfileKeys {
  const fromCredentials = config.credentialsProfiles.get(profileName);
  const fromConfig = config.configProfiles.get(profileName);
  return (key) => {
    const credentialsValue = stringValue(fromCredentials, key);
    if (credentialsValue !== undefined) {
      return { value: credentialsValue, from: `${key} in profile ${profileName} (${display(config.credentialsPath)})` };
    }
    const configValue = stringValue(fromConfig, key);
    if (configValue !== undefined) {
      return { value: configValue, from: `${key} in profile ${profileName} (${display(config.configPath)})` };
    }
    return undefined;
  };
}

export function imdsSettingsFromContext(context: ChainContext): ImdsSettings {
  const { env, homedir } = context.deps;
  const display = (path: string): string => displayPath(path, env, homedir);
  return resolveImdsSettings(env, profileKeys(context.config, context.profile.name, display));
}

function lookup(env: Env, variable: string, profile: ProfileKeys | undefined, key: string): SettingValue | undefined {
  const fromEnv = env[variable];
  // botocore: a variable that is set counts even when empty.
  if (fromEnv !== undefined) return { value: fromEnv, from: variable };
  return profile?.(key);
}

/** Resolves and validates every IMDS setting; throws ConfigError as botocore would fail. */
export function resolveImdsSettings(env: Env, profile?: ProfileKeys): ImdsSettings {
  const disabled = env['AWS_EC2_METADATA_DISABLED'];
  const timeout = lookup(env, 'AWS_METADATA_SERVICE_TIMEOUT', profile, 'metadata_service_timeout');
  const attempts = lookup(env, 'AWS_METADATA_SERVICE_NUM_ATTEMPTS', profile, 'metadata_service_num_attempts');
  const timeoutSeconds = timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : parsePythonInt(timeout, 'a whole number of seconds');
  const endpoint = resolveEndpoint(env, profile);
  const v1 = lookup(env, 'AWS_EC2_METADATA_V1_DISABLED', profile, 'ec2_metadata_v1_disabled');
  return {
    disabledBy: disabled !== undefined && isTrue(disabled) ? disabled : undefined,
    timeoutMs: timeoutSeconds * 1000,
    attempts: attempts === undefined ? DEFAULT_ATTEMPTS : parsePythonInt(attempts, 'a whole number of attempts'),
    baseUrl: endpoint.url,
    endpointFrom: endpoint.from,
    v1Disabled: v1 !== undefined && isTrue(v1.value),
    v1DisabledFrom: v1 === undefined ? 'default' : `${v1.from}=${v1.value}`,
    timeoutFrom: timeout?.from ?? 'default',
    timeoutText: timeout?.value ?? String(DEFAULT_TIMEOUT_SECONDS),
    attemptsFrom: attempts?.from ?? 'default',
  };
}

/** A whole number as botocore reads it (Python's int()), or a ConfigError naming the setting. */
function parsePythonInt(setting: SettingValue, what: string): number {
  const value = pythonInt(setting.value);
  if (value === undefined) {
    throw new ConfigError(
      `${setting.from} = ${JSON.stringify(setting.value)} is not ${what}`,
      `set ${setting.from.split(' ')[0] ?? setting.from} to a whole number such as 1 or 2`,
    );
  }
  return value;
}

/**
 * What botocore finds wrong only when it reaches IMDS (an HTTPClientError or
 * InvalidIMDSEndpointError then): a timeout out of range, an endpoint whose port or scheme
 * cannot be used. Called by the link before its first request.
 */
export function checkReachable(settings: ImdsSettings): void {
  const seconds = settings.timeoutMs / 1000;
  if (seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new ConfigError(
      `${settings.timeoutFrom} = ${JSON.stringify(settings.timeoutText)} is out of range: the timeout must be 1 to ${MAX_TIMEOUT_SECONDS} seconds`,
      'the default is 1 (second)',
    );
  }
  const problem = reachProblem(settings.baseUrl);
  if (problem !== undefined) {
    throw new ConfigError(
      `${settings.endpointFrom} = ${JSON.stringify(settings.baseUrl)} is not a usable IMDS endpoint: ${problem}`,
      'write a base URL such as http://169.254.169.254/ or http://[fd00:ec2::254]/',
    );
  }
}

function reachProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a URL (is the port a number from 0 to 65535?)';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'awsrole reaches IMDS over http or https only';
  return undefined;
}

interface Endpoint {
  url: string;
  from: string;
}

/** botocore's _select_base_url and resolve_imds_endpoint_mode: the endpoint beats the mode. */
function resolveEndpoint(env: Env, profile: ProfileKeys | undefined): Endpoint {
  const mode = lookup(env, 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE', profile, 'ec2_metadata_service_endpoint_mode');
  const useIpv6 = lookup(env, 'AWS_IMDS_USE_IPV6', profile, 'imds_use_ipv6');
  let ipv6 = false;
  let modeFrom = 'default';
  if (mode !== undefined) {
    const lowered = mode.value.toLowerCase();
    if (lowered !== 'ipv4' && lowered !== 'ipv6') {
      throw new ConfigError(
        `${mode.from} = ${JSON.stringify(mode.value)} is not an IMDS endpoint mode`,
        'use ipv4 or ipv6 (any case)',
      );
    }
    ipv6 = lowered === 'ipv6';
    modeFrom = `${mode.from}=${mode.value}`;
  } else if (useIpv6 !== undefined && isTrue(useIpv6.value)) {
    ipv6 = true;
    modeFrom = `${useIpv6.from}=${useIpv6.value}`;
  }

  const custom = lookup(env, 'AWS_EC2_METADATA_SERVICE_ENDPOINT', profile, 'ec2_metadata_service_endpoint');
  // botocore ignores an empty endpoint (it tests truthiness) and falls back to the mode.
  if (custom !== undefined && custom.value !== '') {
    validateEndpoint(custom);
    return { url: custom.value, from: custom.from };
  }
  return ipv6
    ? { url: IMDS_IPV6_ENDPOINT, from: `endpoint mode ipv6 (${modeFrom})` }
    : { url: IMDS_IPV4_ENDPOINT, from: mode === undefined ? 'default endpoint' : `endpoint mode ipv4 (${modeFrom})` };
}

function validateEndpoint(endpoint: SettingValue): void {
  const problem = endpointProblem(endpoint.value);
  if (problem !== undefined) {
    throw new ConfigError(
      `${endpoint.from} = ${JSON.stringify(endpoint.value)} is not a valid IMDS endpoint: ${problem}`,
      'write a base URL such as http://169.254.169.254/ or http://[fd00:ec2::254]/',
    );
  }
}

/** botocore's is_valid_uri (hostname rules on Python's urlsplit): checked up front; the port and scheme only when IMDS is reached (checkReachable). */
export function endpointProblem(url: string): string | undefined {
  if (/[\t\r\n]/.test(url)) return 'it contains a tab or line break';
  const hostname = pythonHostname(url);
  if (hostname === undefined) return 'it has no host (write scheme://host/)';
  if (!isValidHostname(hostname) && !isIPv6(hostname)) return `"${hostname}" is not a valid host name`;
  return undefined;
}

/** The `hostname` Python's urllib.parse.urlsplit would give, lower-cased; undefined for None. */
function pythonHostname(url: string): string | undefined {
  let rest = url;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url);
  if (scheme !== null) rest = url.slice(scheme[0].length);
  if (!rest.startsWith('//')) return undefined;
  const afterSlashes = rest.slice(2);
  const end = afterSlashes.search(/[/?#]/);
  const netloc = end === -1 ? afterSlashes : afterSlashes.slice(0, end);
  const hostinfo = netloc.slice(netloc.lastIndexOf('@') + 1);
  let hostname: string;
  const open = hostinfo.indexOf('[');
  if (open !== -1) {
    const bracketed = hostinfo.slice(open + 1);
    const close = bracketed.indexOf(']');
    hostname = close === -1 ? bracketed : bracketed.slice(0, close);
  } else {
    const colon = hostinfo.indexOf(':');
    hostname = colon === -1 ? hostinfo : hostinfo.slice(0, colon);
  }
  return hostname === '' ? undefined : hostname.toLowerCase();
}

function isValidHostname(hostname: string): boolean {
  if (hostname.length > 255) return false;
  const trimmed = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  return /^((?!-)[A-Z\d-]{1,63}(?<!-)\.)*((?!-)[A-Z\d-]{1,63}(?<!-))$/i.test(trimmed);
}
