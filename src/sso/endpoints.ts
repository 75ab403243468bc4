/**
 * Where the portal and SSO-OIDC are, as botocore resolves the `sso` and `sso-oidc` clients:
 * the configured endpoint of the selected profile (src/sts/settings.ts), else the regional
 * default for sso_region.
 */
import type { SharedConfig } from '../config/shared-config.js';
import { networkFor, type Network, type NetworkDeps } from '../net/network.js';
import { checkedRegionName, dnsSuffix, serviceEndpoint, type ConfiguredEndpoint } from '../sts/settings.js';

/** An endpoint with the proxies and CA bundle (the selected profile's ca_bundle) its requests use. */
export interface SsoEndpoint extends ConfiguredEndpoint {
  network: Network;
}

export interface SsoEndpoints {
  portal: SsoEndpoint;
  oidc: SsoEndpoint;
}

/** `profile` is the selected one (botocore's clients use the session's profile, even for a source_profile's SSO). */
export function ssoEndpoints(deps: NetworkDeps, config: SharedConfig, profile: string, ssoRegion: string, regionFrom: string): SsoEndpoints {
  const region = checkedRegionName(ssoRegion, regionFrom);
  const from = `sso_region ${region}`;
  const network = networkFor(deps, config, profile);
  return {
    portal: { ...serviceEndpoint(deps.env, config, profile, 'sso', { url: `https://portal.sso.${region}.${dnsSuffix(region)}`, from }), network },
    oidc: { ...serviceEndpoint(deps.env, config, profile, 'sso_oidc', { url: `https://oidc.${region}.${dnsSuffix(region)}`, from }), network },
  };
}
