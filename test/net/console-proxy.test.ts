/**
 * The sign-in federation endpoint is an AWS endpoint too: `console` sends both its STS call and
 * getSigninToken through HTTP_PROXY (plain http rigs: absolute-form requests), and NO_PROXY
 * sends them past it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyRig } from '../rigs/proxy-server.js';
import { runInProcess } from '../support/in-process.js';
import { useConsoleRigs } from '../console/rigs.js';

let proxy: ProxyRig;
beforeAll(async () => {
  proxy = await startProxyServer();
});
afterAll(async () => {
  await proxy.close();
});

describe('console through a proxy', () => {
  const rigs = useConsoleRigs();
  const env = (extra: Record<string, string>): Record<string, string> => ({
    ...rigs.home.env,
    AWS_ENDPOINT_URL_STS: rigs.sts.url,
    AWS_ENDPOINT_URL_SIGNIN: rigs.federation.url,
    AWS_REGION: 'us-west-2',
    ...extra,
  });

  it('AssumeRole and getSigninToken both go through HTTP_PROXY', async () => {
    proxy.requests.length = 0;
    const result = await runInProcess(['console', '--profile', 'deploy', '--print'], env({ HTTP_PROXY: proxy.url }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(proxy.requests.map((request) => `${request.method} ${request.target.split('?')[0] ?? ''}`)).toEqual([`POST ${rigs.sts.url}/`, `GET ${rigs.federation.url}/federation`]);
  });

  it('NO_PROXY=127.0.0.1: both direct', async () => {
    proxy.requests.length = 0;
    const result = await runInProcess(['console', '--profile', 'deploy', '--print', '--refresh'], env({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }));
    expect(result.code).toBe(0);
    expect(proxy.requests).toEqual([]);
  });
});
