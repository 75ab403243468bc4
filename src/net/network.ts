/**
 * How awsrole reaches AWS endpoints from this machine: the proxy variables and the CA bundle
 * (AWS_CA_BUNDLE, else the selected profile's ca_bundle, else REQUESTS_CA_BUNDLE, as botocore
 * resolves `verify`). Built from settings alone; the bundle file is read on the first https
 * request that needs it (src/http.ts), so commands that make no request pay nothing.
 */
import { mergedProfile, stringValue, type SharedConfig } from '../config/shared-config.js';
import type { Env } from '../domain/env.js';
import { inline } from './proxy.js';
import { ConfigError } from '../errors.js';

export interface CaBundleSetting {
  path: string;
  /** `AWS_CA_BUNDLE`, `ca_bundle of profile work`, `REQUESTS_CA_BUNDLE`. */
  from: string;
}

export interface Network {
  /** Where the proxy variables are read (deps.env). */
  env: Env;
  caBundle: CaBundleSetting | undefined;
  /** Reads the bundle file (deps.fs.readBytes): undefined when missing. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  /** --debug: which proxy and which CA bundle each request used. */
  debug?: ((line: string) => void) | undefined;
}

/** What a Network needs from Deps (a structural subset, so this file stays below deps.ts). */
export interface NetworkDeps {
  env: Env;
  fs: { readBytes(path: string): Promise<Uint8Array | undefined> };
  debug?: ((line: string) => void) | undefined;
}

/**
 * botocore: `verify` = the config variable ca_bundle (AWS_CA_BUNDLE, then the profile's
 * ca_bundle), else REQUESTS_CA_BUNDLE (Endpoint's _get_verify_value). An empty value is unset
 * here: botocore would take an empty AWS_CA_BUNDLE as "do not verify", which awsrole never does.
 */
export function caBundleSetting(env: Env, config: SharedConfig | undefined, profile: string | undefined): CaBundleSetting | undefined {
  const fromEnv = env['AWS_CA_BUNDLE'];
  if (fromEnv) return { path: fromEnv, from: 'AWS_CA_BUNDLE' };
  const section = config === undefined || profile === undefined ? undefined : mergedProfile(config, profile);
  const fromProfile = stringValue(section, 'ca_bundle');
  if (fromProfile) return { path: fromProfile, from: `ca_bundle of profile ${inline(profile ?? '')}` };
  const fromRequests = env['REQUESTS_CA_BUNDLE'];
  return fromRequests ? { path: fromRequests, from: 'REQUESTS_CA_BUNDLE' } : undefined;
}

/** The network of a command: proxies from the environment, the CA bundle of the selected profile (when known). */
export function networkFor(deps: NetworkDeps, config?: SharedConfig, profile?: string): Network {
  return { env: deps.env, caBundle: caBundleSetting(deps.env, config, profile), readFile: (path) => deps.fs.readBytes(path), debug: deps.debug };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle; a missing file, a folder or a file without one is exit 5, named. */
export async function loadCaBundle(network: Network, setting: CaBundleSetting): Promise<string[]> {
  const where = `${setting.from}: ${inline(setting.path)}`;
  const hint = `point ${setting.from} at a PEM file holding your CA certificate(s) (-----BEGIN CERTIFICATE-----)`;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await network.readFile(setting.path);
  } catch (error) {
    throw new ConfigError(`${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, hint);
  }
  if (bytes === undefined) throw new ConfigError(`${where} does not exist`, hint);
  const certificates = Buffer.from(bytes).toString('utf8').match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) throw new ConfigError(`${where} holds no certificate`, hint);
  return certificates;
}
