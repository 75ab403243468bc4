/** Helpers for testing one chain link in process: a minimal context and the link's outcome. */
import type { ChainContext, LinkResult } from '../../src/chain/types.js';
import type { Section, SharedConfig } from '../../src/config/shared-config.js';
import type { Deps } from '../../src/deps.js';
import { AwsroleError, ChainSkip } from '../../src/errors.js';

/** A context for profile `default` with the given sections, and no STS. */
export function linkContext(deps: Deps, config?: Section, credentials?: Section): ChainContext {
  const shared: SharedConfig = {
    configPath: '/home/tester/.aws/config',
    credentialsPath: '/home/tester/.aws/credentials',
    configProfiles: new Map(config === undefined ? [] : [['default', config]]),
    credentialsProfiles: new Map(credentials === undefined ? [] : [['default', credentials]]),
    services: new Map(),
  };
  return {
    deps,
    profile: { name: 'default', from: 'default' },
    config: shared,
    assumeRole: async () => {
      throw new Error('no STS in a link test');
    },
  };
}

export type Outcome =
  | { kind: 'found'; result: LinkResult }
  | { kind: 'skip'; reason: string }
  | { kind: 'error'; error: AwsroleError };

/** Found, skipped (NEXT) or an awsrole error (FATAL); anything else is a bug and is rethrown. */
export async function outcomeOf(run: () => Promise<LinkResult>): Promise<Outcome> {
  try {
    return { kind: 'found', result: await run() };
  } catch (error) {
    if (error instanceof ChainSkip) return { kind: 'skip', reason: error.reason };
    if (error instanceof AwsroleError) return { kind: 'error', error };
    throw error;
  }
}

/** Everything a user could read about the outcome: detail, reason, or message and hint. */
export function textOf(outcome: Outcome): string {
  if (outcome.kind === 'found') return outcome.result.detail;
  if (outcome.kind === 'skip') return outcome.reason;
  return `${outcome.error.message} ${outcome.error.hint ?? ''}`;
}
