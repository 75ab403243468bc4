/**
 * Any connection to an address outside loopback fails at once, so no test can reach real AWS
 * or an instance metadata service. Loaded before every test file (vitest setupFiles) and, via
 * NODE_OPTIONS=--import, into every CLI process a test starts (test/support/cli.ts).
 * Plain JavaScript so that a spawned `node` can load it as it is.
 */
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

/** @param {string | undefined} host */
export function isLoopbackHost(host) {
  return host === undefined || host === '' || LOOPBACK.test(host);
}

/** @param {unknown[]} args */
function targetHost(args) {
  const [first, second] = args;
  const options = Array.isArray(first) ? first[0] : first;
  if (typeof options === 'object' && options !== null) {
    // http passes `path: null` for TCP; only a real string is a Unix socket.
    return { host: options.host ?? undefined, path: typeof options.path === 'string' && options.path !== '' };
  }
  if (typeof options === 'string' && Number.isNaN(Number(options))) return { host: undefined, path: true };
  return { host: typeof second === 'string' ? second : undefined, path: false };
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const { host, path } = targetHost(args);
  if (!path && !isLoopbackHost(host)) {
    throw new Error(`network guard: a test tried to connect to ${host ?? '(unknown)'}; tests may only use loopback`);
  }
  return originalConnect.apply(this, args);
};
