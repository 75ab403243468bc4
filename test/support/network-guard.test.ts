import * as http from 'node:http';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './network-guard.mjs';
import { makeHome, runCli } from './cli.js';

describe('network guard (loaded for every test file)', () => {
  it.each(['127.0.0.1', '::1', 'localhost', '127.1.2.3'])('allows %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['169.254.169.254', '169.254.170.2', 'sts.amazonaws.com', '10.0.0.1', 'fd00:ec2::254'])('refuses %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  // TEST-NET-1 (192.0.2.0/24) is reserved for documentation: even if the guard broke, nothing real answers.
  it('makes a request outside loopback fail before any packet leaves', async () => {
    const attempt = new Promise((resolve, reject) => {
      const request = http.request({ host: '192.0.2.1', path: '/latest/api/token', method: 'PUT', timeout: 50 }, resolve);
      request.on('error', reject);
      request.end();
    });
    await expect(attempt).rejects.toThrow(/network guard/);
  });
});

describe('network guard in the CLI processes tests start', () => {
  it('stops the CLI from reaching an address outside loopback (IMDS and STS)', async () => {
    const home = await makeHome({ '.aws/credentials': '[default]\naws_access_key_id = AKIDGUARD00000000001\naws_secret_access_key = guardSECRETCANARY\n' });
    try {
      const env: Record<string, string> = { ...home.env, AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://192.0.2.1/', AWS_SHARED_CREDENTIALS_FILE: home.path('none') };
      delete env['AWS_EC2_METADATA_DISABLED'];
      const imds = await runCli(['whoami', '--explain'], env);
      // The guard's error is not one awsrole expects: the run fails as an internal error.
      expect(imds.code).toBe(1);
      expect(imds.stderr).toContain('network guard: a test tried to connect to 192.0.2.1');
      const sts = await runCli(['whoami'], { ...home.env, AWS_ENDPOINT_URL_STS: 'http://192.0.2.1' });
      expect(sts.code).not.toBe(0);
      expect(sts.stderr).toContain('network guard');
    } finally {
      await home.cleanup();
    }
  });
});
