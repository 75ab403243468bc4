/**
 * Loaded before every test file: any in-process connection to an address outside loopback
 * fails the test at once, so no test can reach real AWS or an instance metadata service.
 * Child processes are guarded by their environment (loopback endpoints, IMDS disabled).
 */
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

export function isLoopbackHost(host: string | undefined): boolean {
  return host === undefined || host === '' || LOOPBACK.test(host);
}

type ConnectArgs = Parameters<net.Socket['connect']>;
const originalConnect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;

function targetHost(args: unknown[]): { host: string | undefined; path: boolean } {
  const [first, second] = args;
  const options = (Array.isArray(first) ? first[0] : first) as unknown;
  if (typeof options === 'object' && options !== null) {
    const record = options as { host?: string | null; path?: string | null };
    // http passes `path: null` for TCP; only a real string is a Unix socket.
    return { host: record.host ?? undefined, path: typeof record.path === 'string' && record.path !== '' };
  }
  if (typeof options === 'string' && Number.isNaN(Number(options))) return { host: undefined, path: true };
  return { host: typeof second === 'string' ? second : undefined, path: false };
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: ConnectArgs) {
  const { host, path } = targetHost(args as unknown[]);
  if (!path && !isLoopbackHost(host)) {
    throw new Error(`network guard: a test tried to connect to ${host ?? '(unknown)'}; tests may only use loopback`);
  }
  return originalConnect.apply(this, args as unknown[]);
} as net.Socket['connect'];
