/**
 * Where the portal and SSO-OIDC are, as botocore resolves the `sso` and `sso-oidc` clients:
 * the configured endpoint of the selected profile (src/sts/settings.ts), else the regional
 * default for sso_region.
 */
import type { SharedConfig } from '../config/shared-config.js';
import type { Deps } from '../deps.js';
import { checkedRegionName, dnsSuffix, serviceEndpoint, type ConfiguredEndpoint } from '../sts/settings.js';

export interface SsoEndpoints {
  portal: ConfiguredEndpoint;
  oidc: ConfiguredEndpoint;
}

/** `profile` is the selected one (botocore's clients use the session's profile, even for a source_profile's SSO). */
export function ssoEndpoints(env: Deps['env'], config: SharedConfig, profile: string, ssoRegion: string, regionFrom: string): SsoEndpoints {
  const region = checkedRegionName(ssoRegion, regionFrom);
  const from = `sso_region ${region}`;
  return {
    portal: serviceEndpoint(env, config, profile, 'sso', { url: `https://portal.sso.${region}.${dnsSuffix(region)}`, from }),
    oidc: serviceEndpoint(env, config, profile, 'sso_oidc', { url: `https://oidc.${region}.${dnsSuffix(region)}`, from }),
  };
}
