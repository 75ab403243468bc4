/**
 * Which CA bundle a request trusts (src/net/network.ts caBundleSetting): AWS_CA_BUNDLE, the
 * selected profile's ca_bundle, REQUESTS_CA_BUNDLE, against botocore's own resolution of
 * `verify` (test/net/botocore_ca_bundle.py). One deliberate difference: an empty value.
 */
import { describe, expect, it } from 'vitest';
import { loadSharedConfig } from '../../src/config/load.js';
import { caBundleSetting } from '../../src/net/network.js';
import { makeHome, spawnCollect } from '../support/cli.js';
import { testDeps } from '../support/deps.js';
import { pythonEnv, usePython } from '../support/python.js';

interface Case {
  name: string;
  env: Record<string, string>;
  config: string;
  want: string | true;
  from?: string;
}

const CASES: Case[] = [
  { name: 'nothing: Node/certifi defaults', env: {}, config: '[default]\nregion = eu-west-1\n', want: true },
  { name: 'AWS_CA_BUNDLE', env: { AWS_CA_BUNDLE: '/env.pem' }, config: '', want: '/env.pem', from: 'AWS_CA_BUNDLE' },
  { name: 'the profile ca_bundle', env: {}, config: '[default]\nca_bundle = /profile.pem\n', want: '/profile.pem', from: 'ca_bundle of profile default' },
  { name: 'AWS_CA_BUNDLE wins over ca_bundle', env: { AWS_CA_BUNDLE: '/env.pem' }, config: '[default]\nca_bundle = /profile.pem\n', want: '/env.pem', from: 'AWS_CA_BUNDLE' },
  { name: 'the selected profile, not default', env: { AWS_PROFILE: 'work' }, config: '[default]\nca_bundle = /d.pem\n[profile work]\nca_bundle = /w.pem\n', want: '/w.pem', from: 'ca_bundle of profile work' },
  { name: 'REQUESTS_CA_BUNDLE last', env: { REQUESTS_CA_BUNDLE: '/requests.pem' }, config: '', want: '/requests.pem', from: 'REQUESTS_CA_BUNDLE' },
  { name: 'ca_bundle wins over REQUESTS_CA_BUNDLE', env: { REQUESTS_CA_BUNDLE: '/requests.pem' }, config: '[default]\nca_bundle = /profile.pem\n', want: '/profile.pem', from: 'ca_bundle of profile default' },
];

/** The setting for the case's selected profile, its config file loaded as awsrole loads it. */
async function ours(testCase: Case): Promise<{ path: string | true; from: string | undefined }> {
  const home = await makeHome({ '.aws/config': testCase.config });
  try {
    const deps = testDeps(home.dir, { env: testCase.env });
    const setting = caBundleSetting(deps.env, await loadSharedConfig(deps), testCase.env['AWS_PROFILE'] ?? 'default');
    return { path: setting?.path ?? true, from: setting?.from };
  } finally {
    await home.cleanup();
  }
}

describe('the CA bundle setting', () => {
  it.each(CASES)('$name', async (testCase) => {
    expect(await ours(testCase)).toEqual({ path: testCase.want, from: testCase.from });
  });

  it('an empty AWS_CA_BUNDLE is unset (botocore would turn certificate checks off)', () => {
    expect(caBundleSetting({ AWS_CA_BUNDLE: '' }, undefined, 'default')).toBeUndefined();
  });
});

describe.runIf(usePython('botocore', 'the CA bundle differential against botocore', 'the written expectations only'))('the same bundle as botocore', () => {
  it('botocore resolves verify the same way', async () => {
    const script = new URL('./botocore_ca_bundle.py', import.meta.url).pathname;
    const run = await spawnCollect('python3', [script], pythonEnv(), { input: JSON.stringify(CASES.map(({ env, config }) => ({ env, config }))) });
    expect(run.stderr).toBe('');
    const mine = await Promise.all(CASES.map(async (testCase) => (await ours(testCase)).path));
    expect(JSON.parse(run.stdout)).toEqual(mine);
  });
});
