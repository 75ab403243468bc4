/** Helpers for testing one chain link in process: a minimal context and the link's outcome. */
import { expect } from 'vitest';
import { LINKS } from '../../src/chain/links.js';
import type { ChainContext, LinkResult } from '../../src/chain/types.js';
import type { Section, SharedConfig } from '../../src/config/shared-config.js';
import { nodeHttpClient, type Deps } from '../../src/deps.js';
import type { HttpClient, HttpRequest } from '../../src/http.js';
import { noWait, testDeps, type TestDeps } from './deps.js';
import { LOAD_SLACK_MS } from './cli.js';
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
    services: {
      assumeRole: async () => {
        throw new Error('no STS in a link test');
      },
    },
    links: LINKS,
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

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type RecordingClient = HttpClient & { calls: HttpRequest[] };

/** The real HTTP client, refusing (loudly) anything that is not loopback, and recording calls. */
export function loopbackOnly(http: HttpClient = nodeHttpClient): RecordingClient {
  const calls: HttpRequest[] = [];
  const guarded = async (request: HttpRequest) => {
    const host = new URL(request.url).hostname;
    if (!LOOPBACK_HOSTS.has(host)) throw new Error(`test tried to reach a non-loopback address: ${request.url}`);
    calls.push(request);
    return http(request);
  };
  return Object.assign(guarded, { calls });
}

export interface LinkDeps extends TestDeps {
  http: RecordingClient;
}

/** Deps for a link test: exactly `env` (no defaults added), a fixed clock, sleeps recorded and not waited. */
export function linkDeps(env: Record<string, string | undefined>, overrides: Partial<Omit<Deps, 'env' | 'stdout' | 'stderr' | 'http'>> & { http?: RecordingClient | undefined } = {}): LinkDeps {
  const http = overrides.http ?? loopbackOnly();
  const deps = testDeps('/home/tester', {
    now: () => new Date('2030-01-01T00:00:00Z'),
    random: () => 0,
    sleep: noWait,
    ...overrides,
    http,
  });
  return Object.assign(deps, { env, http });
}

/** The expected outcome of a row that does not find credentials. */
export type NotFound = { skip: RegExp } | { error: new (...args: never[]) => AwsroleError; message: RegExp };

/** Asserts a skip with its reason, or an error of the class and message the row names. */
export function expectNotFound(outcome: Outcome, want: NotFound): void {
  if ('skip' in want) {
    expect(outcome.kind, textOf(outcome)).toBe('skip');
    expect(textOf(outcome)).toMatch(want.skip);
    return;
  }
  expect(outcome.kind, textOf(outcome)).toBe('error');
  if (outcome.kind !== 'error') return;
  expect(outcome.error).toBeInstanceOf(want.error);
  expect(outcome.error.message).toMatch(want.message);
}

/**
 * A wait a row may bound: `min` proves the wait happened, `max` (plus LOAD_SLACK_MS: a loaded
 * machine only adds to a wait) that nothing far longer did; the message says which timeout ran out.
 */
export interface ElapsedBounds {
  min?: number;
  max?: number;
}

export function expectElapsed(elapsed: number, bounds: ElapsedBounds | undefined): void {
  if (bounds?.min !== undefined) expect(elapsed).toBeGreaterThanOrEqual(bounds.min);
  if (bounds?.max !== undefined) expect(elapsed).toBeLessThan(bounds.max + LOAD_SLACK_MS);
}
