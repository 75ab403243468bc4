/**
 * The credential holder behind the local endpoint (aws-vault's CachedSessionProvider, smithy's
 * memoize): credentials are reused while more than 15 minutes remain, concurrent requests share
 * one fetch, and a failed refresh keeps serving credentials that are still valid.
 */
import { REFRESH_WINDOW_MS } from '../cache/cli-cache.js';
import type { Credentials } from '../domain/credentials.js';
import { isoSeconds } from '../domain/time.js';
import { terminalSafe } from '../domain/text.js';
import type { Deps } from '../deps.js';
import { AwsroleError } from '../errors.js';

/** Fetches credentials anew: the session's chain, with its caches and its token-code path. */
export type FetchCredentials = () => Promise<Credentials>;

/** What a request gets: credentials, or why there are none (never a secret). */
export type Answer = { kind: 'credentials'; credentials: Credentials } | { kind: 'unavailable'; message: string };

export interface Refresher {
  /** The first fetch, at start: its error is the command's (an exit code, before anything is served). */
  prime(): Promise<Credentials>;
  /** Credentials for one request, within `answerWithinMs` whatever the fetch does. */
  current(): Promise<Answer>;
}

export type RefresherDeps = Pick<Deps, 'now' | 'setTimer' | 'stderr'>;

/**
 * While still-valid credentials remain, a failed refresh is not tried again for this long: an
 * STS outage (or an unanswered MFA prompt) costs one attempt per interval, not one per request.
 * Once the credentials have expired, every request tries again.
 */
export const RETRY_AFTER_FAILURE_MS = 30_000;

/** SDKs give a container endpoint 1 s (the JS SDK) or 2 s (botocore): answer before the faster one gives up. */
export const ANSWER_WITHIN_MS = 800;

type Outcome = { credentials: Credentials } | { error: unknown };

/** A short reason for a request and for stderr: an AwsroleError's message is written to be shown; anything else is not. */
export function failureMessage(error: unknown): string {
  if (error instanceof AwsroleError) return error.message;
  return `internal error${error instanceof Error ? ` (${error.name})` : ''}`;
}

/** Resolves to the promise's value, or to undefined once `ms` have passed. */
function within<T>(deps: RefresherDeps, promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const cancel = deps.setTimer(ms, () => resolve(undefined));
    void promise.then((value) => {
      cancel();
      resolve(value);
    });
  });
}

export function createRefresher(deps: RefresherDeps, fetch: FetchCredentials, answerWithinMs = ANSWER_WITHIN_MS): Refresher {
  let held: Credentials | undefined;
  let inFlight: Promise<Outcome> | undefined;
  /** When the last refresh failed (ms since the epoch): no new attempt before RETRY_AFTER_FAILURE_MS while `held` is valid. */
  let failedAt: number | undefined;
  // One stderr line per outage, not one per request.
  const logged = { stale: false, failing: false };
  const remainingMs = (credentials: Credentials): number => (credentials.expiration === undefined ? Infinity : credentials.expiration.getTime() - deps.now().getTime());
  const backingOff = (): boolean => failedAt !== undefined && deps.now().getTime() - failedAt < RETRY_AFTER_FAILURE_MS;
  const log = (line: string): void => deps.stderr.write(`awsrole: ${terminalSafe(line)}\n`);

  const settle = (outcome: Outcome): Outcome => {
    inFlight = undefined;
    if ('credentials' in outcome) {
      held = outcome.credentials;
      failedAt = undefined;
      logged.stale = logged.failing = false;
    } else {
      failedAt = deps.now().getTime();
    }
    return outcome;
  };
  const refresh = (): Promise<Outcome> =>
    (inFlight ??= fetch().then(
      (credentials) => settle({ credentials }),
      (error: unknown) => settle({ error }),
    ));

  const stale = (credentials: Credentials, error: unknown): Answer => {
    if (!logged.stale) log(`could not refresh the credentials (${failureMessage(error)}); serving the current ones until ${isoSeconds(credentials.expiration ?? deps.now())}`);
    logged.stale = true;
    return { kind: 'credentials', credentials };
  };
  const failing = (error: unknown): Answer => {
    const message = failureMessage(error);
    if (!logged.failing) log(`could not fetch credentials: ${message}`);
    logged.failing = true;
    return { kind: 'unavailable', message };
  };

  return {
    async prime() {
      const outcome = await refresh();
      if ('error' in outcome) throw outcome.error;
      return outcome.credentials;
    },
    async current() {
      if (held !== undefined && remainingMs(held) > REFRESH_WINDOW_MS) return { kind: 'credentials', credentials: held };
      if (held !== undefined && remainingMs(held) > 0 && backingOff()) return { kind: 'credentials', credentials: held };
      const outcome = await within(deps, refresh(), answerWithinMs);
      if (outcome !== undefined && 'credentials' in outcome) return { kind: 'credentials', credentials: outcome.credentials };
      if (outcome === undefined) {
        // Still fetching (STS slow, or a prompt waiting for an MFA code): still-valid credentials meanwhile.
        if (held !== undefined && remainingMs(held) > 0) return { kind: 'credentials', credentials: held };
        return { kind: 'unavailable', message: 'credentials are still being fetched (an MFA code may be awaited on the terminal); try again' };
      }
      if (held !== undefined && remainingMs(held) > 0) return stale(held, outcome.error);
      return failing(outcome.error);
    },
  };
}
