/**
 * Issue 10, fidelity: credentials a source hands out already expired stop the chain, whatever
 * the source (botocore refreshes them at once, gets the same, and fails: "still expired").
 */
import { describe, expect, it } from 'vitest';
import { ChainError, runChain } from '../../src/chain/chain.js';
import { defineLink, type Link } from '../../src/chain/types.js';
import { ExitCode } from '../../src/errors.js';
import { linkContext } from '../support/link.js';
import { testDeps } from '../support/deps.js';
import { makeHome } from '../support/cli.js';

const NOW = new Date('2026-12-03T12:00:00Z');

function source(expiration: Date | undefined): Link<'sso'> {
  return defineLink({
    name: 'sso',
    resolve: async () => ({ credentials: { accessKeyId: 'ASIAEXPIRED0000001', secretAccessKey: 's', sessionToken: 't', expiration }, detail: 'a role of profile x' }),
  });
}

describe('expired credentials from any link', () => {
  it('are refused with exit 3, naming the source and when they expired', async () => {
    const home = await makeHome();
    try {
      const context = linkContext(testDeps(home.dir, { now: () => NOW }));
      const error = await runChain(context, [source(new Date('2026-12-03T11:59:59Z'))]).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ChainError);
      expect((error as ChainError).exitCode).toBe(ExitCode.noCredentials);
      expect((error as ChainError).message).toBe('sso: the credentials from a role of profile x expired at 2026-12-03T11:59:59Z');
      expect((error as ChainError).trace).toEqual([{ link: 'sso', outcome: 'failed', detail: 'the credentials from a role of profile x expired at 2026-12-03T11:59:59Z' }]);
    } finally {
      await home.cleanup();
    }
  });

  it.each([
    ['a future expiry', new Date('2026-12-03T12:00:01Z')],
    ['no expiry (long-term keys)', undefined],
  ])('%s passes', async (_what, expiration) => {
    const home = await makeHome();
    try {
      const resolution = await runChain(linkContext(testDeps(home.dir, { now: () => NOW })), [source(expiration)]);
      expect(resolution.source).toBe('sso');
    } finally {
      await home.cleanup();
    }
  });
});
