/** Where STS calls go (spec §12): pure settings, no network. */
import { describe, expect, it } from 'vitest';
import type { Section, SharedConfig } from '../../src/config/shared-config.js';
import { AwsroleError } from '../../src/errors.js';
import { resolveStsSettings, type StsFlags } from '../../src/sts/settings.js';

function config(profile: Section = {}, services: Record<string, Section> = {}): SharedConfig {
  return {
    configPath: '/home/t/.aws/config',
    credentialsPath: '/home/t/.aws/credentials',
    configProfiles: new Map([['p', profile]]),
    credentialsProfiles: new Map(),
    services: new Map(Object.entries(services)),
  };
}

interface Row {
  name: string;
  env?: Record<string, string>;
  profile?: Section;
  services?: Record<string, Section>;
  flags?: StsFlags;
  endpoint: string;
  region: string;
  from?: string;
}

const ROWS: Row[] = [
  { name: 'no region: the global endpoint, signed for us-east-1', endpoint: 'https://sts.amazonaws.com', region: 'us-east-1' },
  { name: 'a region: the regional endpoint by default', env: { AWS_DEFAULT_REGION: 'eu-west-1' }, endpoint: 'https://sts.eu-west-1.amazonaws.com', region: 'eu-west-1' },
  { name: 'AWS_DEFAULT_REGION beats AWS_REGION', env: { AWS_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'us-west-2' }, endpoint: 'https://sts.eu-west-1.amazonaws.com', region: 'eu-west-1' },
  { name: "AWS_REGION beats the profile's region", env: { AWS_REGION: 'us-west-2' }, profile: { region: 'eu-west-1' }, endpoint: 'https://sts.us-west-2.amazonaws.com', region: 'us-west-2' },
  { name: '--region beats everything', env: { AWS_DEFAULT_REGION: 'eu-west-1' }, flags: { region: 'ap-south-1' }, endpoint: 'https://sts.ap-south-1.amazonaws.com', region: 'ap-south-1' },
  { name: 'China regions use amazonaws.com.cn', flags: { region: 'cn-north-1' }, endpoint: 'https://sts.cn-north-1.amazonaws.com.cn', region: 'cn-north-1' },
  { name: 'legacy mode: the global endpoint for the legacy regions', env: { AWS_STS_REGIONAL_ENDPOINTS: 'legacy' }, flags: { region: 'us-east-1' }, endpoint: 'https://sts.amazonaws.com', region: 'us-east-1' },
  { name: 'legacy mode: regional for the others', env: { AWS_STS_REGIONAL_ENDPOINTS: 'legacy' }, flags: { region: 'af-south-1' }, endpoint: 'https://sts.af-south-1.amazonaws.com', region: 'af-south-1' },
  { name: 'legacy mode from the profile', profile: { sts_regional_endpoints: 'legacy', region: 'eu-west-1' }, endpoint: 'https://sts.amazonaws.com', region: 'eu-west-1' },
  { name: '--endpoint-url first', env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:2' }, flags: { endpointUrl: 'http://127.0.0.1:1' }, endpoint: 'http://127.0.0.1:1', region: 'us-east-1', from: '--endpoint-url' },
  { name: 'AWS_ENDPOINT_URL_STS beats AWS_ENDPOINT_URL', env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:2', AWS_ENDPOINT_URL: 'http://127.0.0.1:3' }, endpoint: 'http://127.0.0.1:2', region: 'us-east-1', from: 'AWS_ENDPOINT_URL_STS' },
  { name: 'AWS_ENDPOINT_URL beats the config file', env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:3' }, profile: { endpoint_url: 'http://127.0.0.1:5' }, endpoint: 'http://127.0.0.1:3', region: 'us-east-1', from: 'AWS_ENDPOINT_URL' },
  {
    name: '[services] sts.endpoint_url beats the profile endpoint_url',
    profile: { services: 'dev', endpoint_url: 'http://127.0.0.1:5' },
    services: { dev: { sts: { endpoint_url: 'http://127.0.0.1:4' } } },
    endpoint: 'http://127.0.0.1:4',
    region: 'us-east-1',
    from: '[services dev] sts.endpoint_url',
  },
  { name: "the profile's endpoint_url", profile: { endpoint_url: 'http://127.0.0.1:5' }, endpoint: 'http://127.0.0.1:5', region: 'us-east-1', from: 'endpoint_url of profile p' },
  {
    name: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns the configured ones off',
    env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:2', AWS_DEFAULT_REGION: 'eu-west-1' },
    endpoint: 'https://sts.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
  },
  {
    name: 'ignore_configured_endpoint_urls in the profile, but never --endpoint-url',
    profile: { ignore_configured_endpoint_urls: 'true', endpoint_url: 'http://127.0.0.1:5' },
    flags: { endpointUrl: 'http://127.0.0.1:1' },
    endpoint: 'http://127.0.0.1:1',
    region: 'us-east-1',
  },
];

describe('resolveStsSettings (spec §12)', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const settings = resolveStsSettings(row.env ?? {}, config(row.profile, row.services), 'p', row.flags);
    expect({ endpoint: settings.endpoint, region: settings.region }).toEqual({ endpoint: row.endpoint, region: row.region });
    if (row.from !== undefined) expect(settings.endpointFrom).toBe(row.from);
  });

  it.each([
    ['a profile naming a missing [services] section', { services: 'nope' }, {}, 5],
    ['an endpoint that is not a URL, from a flag', {}, { endpointUrl: 'sts.example' }, 2],
    ['an endpoint that is not a URL, from the file', { endpoint_url: 'ftp://x' }, {}, 5],
    ['a region with a comment in it', { region: 'us-east-1 # N. Virginia' }, {}, 5],
  ] as const)('%s → exit %d', (_name, profile, flags, code) => {
    const attempt = (): unknown => resolveStsSettings({}, config(profile), 'p', flags);
    expect(attempt).toThrow(AwsroleError);
    try {
      attempt();
    } catch (error) {
      expect((error as AwsroleError).exitCode).toBe(code);
    }
  });

  it('timeouts and attempts come from AWSROLE_STS_TIMEOUT / AWSROLE_STS_MAX_ATTEMPTS, else 10 s and 3', () => {
    expect(resolveStsSettings({}, config(), 'p')).toMatchObject({ timeoutMs: 10_000, maxAttempts: 3 });
    expect(resolveStsSettings({ AWSROLE_STS_TIMEOUT: '2', AWSROLE_STS_MAX_ATTEMPTS: '5' }, config(), 'p')).toMatchObject({ timeoutMs: 2000, maxAttempts: 5 });
  });
});
