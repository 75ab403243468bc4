import * as http from 'node:http';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './network-guard.js';

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
