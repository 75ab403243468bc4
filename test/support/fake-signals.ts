/** Signals for in-process tests: deps.onSignal that the test triggers with send(). */
import type { Deps } from '../../src/deps.js';

export interface FakeSignals {
  onSignal: Deps['onSignal'];
  /** Calls every handler subscribed to this signal, as the process would on `kill -SIG`. */
  send(signal: NodeJS.Signals): void;
  /** How many handlers listen for this signal now (a command must unsubscribe when done). */
  listeners(signal: NodeJS.Signals): number;
}

export function fakeSignals(): FakeSignals {
  const subscriptions = new Set<{ signals: readonly NodeJS.Signals[]; handler: (signal: NodeJS.Signals) => void }>();
  const matching = (signal: NodeJS.Signals) => [...subscriptions].filter((subscription) => subscription.signals.includes(signal));
  return {
    onSignal: (signals, handler) => {
      const subscription = { signals, handler };
      subscriptions.add(subscription);
      return () => void subscriptions.delete(subscription);
    },
    send: (signal) => {
      for (const subscription of matching(signal)) subscription.handler(signal);
    },
    listeners: (signal) => matching(signal).length,
  };
}
