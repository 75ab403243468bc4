/** The long-running-process seam in Deps: loopback servers, timers, signals, and their fakes. */
import { describe, expect, it } from 'vitest';
import { listen, nodeHttpClient, onSignal, setTimer } from '../../src/deps.js';
import { HttpFailure, type ServedRequest } from '../../src/http.js';
import { fakeClock } from './fake-clock.js';
import { fakeSignals } from './fake-signals.js';

describe('deps.listen', () => {
  it('serves HTTP on a free loopback port until closed', async () => {
    const seen: ServedRequest[] = [];
    const server = await listen(
      async (request) => {
        seen.push(request);
        return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
      },
      { host: '127.0.0.1', port: 0 },
    );
    const url = `http://127.0.0.1:${server.port}/credentials?x=1`;
    try {
      const answer = await nodeHttpClient({ method: 'GET', url, headers: { authorization: 'token' }, timeoutMs: 5000 });
      expect(answer).toEqual({ status: 200, body: '{"ok":true}' });
      expect(seen).toMatchObject([{ method: 'GET', url: '/credentials?x=1', body: '' }]);
      expect(seen[0]?.headers['authorization']).toBe('token');
    } finally {
      await server.close();
    }
    await expect(nodeHttpClient({ method: 'GET', url, headers: {}, timeoutMs: 5000 })).rejects.toBeInstanceOf(HttpFailure);
  });

  it('answers 500 with an empty body when the handler rejects, and keeps serving', async () => {
    let calls = 0;
    const server = await listen(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return { status: 204, body: '' };
      },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const url = `http://127.0.0.1:${server.port}/`;
      expect(await nodeHttpClient({ method: 'PUT', url, headers: {}, timeoutMs: 5000 })).toEqual({ status: 500, body: '' });
      expect(await nodeHttpClient({ method: 'GET', url, headers: {}, timeoutMs: 5000 })).toEqual({ status: 204, body: '' });
    } finally {
      await server.close();
    }
  });

  it('closes once, however often close() is called', async () => {
    const server = await listen(async () => ({ status: 200, body: '' }), { host: '127.0.0.1', port: 0 });
    await Promise.all([server.close(), server.close()]);
    await server.close();
  });
});

describe('deps.setTimer and deps.onSignal', () => {
  it('a cancelled timer never fires', async () => {
    const fired: string[] = [];
    const cancel = setTimer(1, () => fired.push('cancelled'));
    cancel();
    await new Promise<void>((resolve) => setTimer(5, resolve));
    expect(fired).toEqual([]);
  });

  it('onSignal subscribes to the process and unsubscribes', () => {
    const before = process.listenerCount('SIGUSR2');
    const unsubscribe = onSignal(['SIGUSR2', 'SIGHUP'], () => undefined);
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    unsubscribe();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });
});

describe('fakeClock', () => {
  it('fires due timers in time order (ties in the order set), with now() at each one', async () => {
    const clock = fakeClock(new Date('2030-01-01T00:00:00Z'));
    const fired: string[] = [];
    const record = (name: string) => () => fired.push(`${name}@${clock.now().toISOString()}`);
    clock.deps.setTimer(3000, record('c'));
    clock.deps.setTimer(1000, record('a'));
    clock.deps.setTimer(1000, record('b'));
    const cancel = clock.deps.setTimer(2000, record('cancelled'));
    clock.deps.setTimer(10_000, record('later'));
    cancel();
    await clock.advance(5000);
    expect(fired).toEqual(['a@2030-01-01T00:00:01.000Z', 'b@2030-01-01T00:00:01.000Z', 'c@2030-01-01T00:00:03.000Z']);
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:05.000Z');
    expect(clock.pending()).toBe(1);
  });

  it('sleep resolves on advance, and a timer set by a sleeper fires within the same advance', async () => {
    const start = new Date('2030-01-01T00:00:00Z');
    const clock = fakeClock(start);
    const steps: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.deps.sleep(1000);
        steps.push(clock.now().getTime() - start.getTime());
      }
    })();
    await clock.advance(2500);
    expect(steps).toEqual([1000, 2000]);
    await clock.advance(500);
    await loop;
    expect(steps).toEqual([1000, 2000, 3000]);
  });
});

describe('fakeSignals', () => {
  it('sends a signal to the handlers subscribed to it until they unsubscribe', () => {
    const signals = fakeSignals();
    const got: string[] = [];
    const unsubscribe = signals.onSignal(['SIGINT', 'SIGTERM'], (signal) => got.push(signal));
    signals.send('SIGTERM');
    signals.send('SIGHUP');
    expect(signals.listeners('SIGINT')).toBe(1);
    unsubscribe();
    signals.send('SIGINT');
    expect(got).toEqual(['SIGTERM']);
    expect(signals.listeners('SIGINT')).toBe(0);
  });
});
