import { LINKS } from '../../chain/links.js';
import type { Credentials } from '../../domain/credentials.js';
import { terminalSafe } from '../../domain/text.js';
import type { Deps } from '../../deps.js';
import { CredentialError, UsageError } from '../../errors.js';
import { ALL_CREDENTIAL_VARIABLES, defaultFormat, parseFormat, renderEnv, type OutputFormat } from '../../output/index.js';
import { FULL_URI_VARIABLE, startEndpoint, TOKEN_VARIABLE, type CredentialEndpoint } from '../../server/endpoint.js';
import { createRefresher } from '../../server/refresher.js';
import type { Session } from '../../session/index.js';
import { defineCommand } from '../command.js';
import { ASSUME_OPTIONS, MFA_SYNONYM_OPTIONS } from '../option-sets.js';
import { obtainCredentials, type AssumeOptions } from './assume.js';
import { CONFLICTING, serverChildEnv } from './exec.js';

/** Variables that would win over the container link in every SDK: the printed lines remove them. */
const SHADOWING = [...new Set([...CONFLICTING, ...ALL_CREDENTIAL_VARIABLES])].filter(
  (name) => name !== FULL_URI_VARIABLE && name !== TOKEN_VARIABLE && name !== 'AWS_REGION' && name !== 'AWS_DEFAULT_REGION',
);

export interface Serving {
  endpoint: CredentialEndpoint;
  /** The first fetch's credentials and region (exec hands the region to the child). */
  credentials: Credentials;
  region: string | undefined;
  /** The first fetch's session: its config tells what else the served programs would find. */
  session: Session;
}

/** Both SDKs' container providers need a session token and an expiry: long-term keys cannot be served. */
function checkServable(credentials: Credentials, profile: string): Credentials {
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== '' && credentials.expiration !== undefined) return credentials;
  throw new CredentialError(
    `profile ${profile} gives long-term keys, and a credential endpoint serves only temporary credentials (a session token and an expiry)`,
    'use a role profile (role_arn), an SSO profile or --role-arn; or `awsrole exec` without --server',
  );
}

/** stdin holds at most one --credentials-json object: read once, handed to every refresh. */
function stdinOnce(deps: Deps): Deps {
  let text: Promise<string> | undefined;
  return { ...deps, readStdin: () => (text ??= deps.readStdin()) };
}

/**
 * Listens on 127.0.0.1 and fetches credentials at once (a prompt, an error and its exit code come
 * before anything is printed or run). Refreshes go through the same session path, without the one-time
 * --token-code (--code) and --refresh: the role cache and the MFA session cache answer, or the prompt asks.
 */
export async function startServing(deps: Deps, options: AssumeOptions, port = 0): Promise<Serving> {
  const reading = stdinOnce(deps);
  const later: AssumeOptions = { ...options, tokenCode: undefined, code: undefined, refresh: undefined };
  let firstSession: Session | undefined;
  const fetch = async (): Promise<Credentials> => {
    const obtained = await obtainCredentials(reading, firstSession === undefined ? options : later, { allowPlain: true });
    firstSession ??= obtained.session;
    return checkServable(obtained.credentials, obtained.session.profile.name);
  };
  const refresher = createRefresher(deps, fetch);
  // Listening first: a port in use costs no STS call and no MFA code.
  const endpoint = await listenOn(deps, refresher, port);
  try {
    const credentials = await refresher.prime();
    const session = firstSession as Session; // set by the fetch that just succeeded
    return { endpoint, credentials, region: session.region, session };
  } catch (error) {
    await endpoint.listener.close();
    throw error;
  }
}

async function listenOn(deps: Deps, refresher: Parameters<typeof startEndpoint>[1], port: number): Promise<CredentialEndpoint> {
  try {
    return await startEndpoint(deps, refresher, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new UsageError(`--port ${port}: cannot listen on 127.0.0.1:${port} (${code})`, 'pick another --port, or leave it out for a free one');
    throw error;
  }
}

function portFlag(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`--port: ${JSON.stringify(text)} is not a port (1 to 65535)`, 'leave --port out for a free port');
  return port;
}

type ServeFormat = Exclude<OutputFormat, 'process'>;

function serveFormat(deps: Deps, text: string | undefined): ServeFormat {
  const format = text === undefined ? defaultFormat(deps.env) : parseFormat(text);
  if (format === 'process') throw new UsageError('--format process: serve prints variables, not credentials', 'use sh, fish, powershell, cmd, dotenv or json');
  return format;
}

/** The two variables (and, for shells, the removal of the ones that would shadow them). */
export function renderEndpointVariables(format: ServeFormat, endpoint: CredentialEndpoint): string {
  const set: Array<[string, string]> = [
    [FULL_URI_VARIABLE, endpoint.url],
    [TOKEN_VARIABLE, endpoint.token],
  ];
  if (format === 'json') return `${JSON.stringify(Object.fromEntries(set), null, 2)}\n`;
  return renderEnv(format, { set, unset: SHADOWING });
}

/**
 * The SDKs try the default profile's sources (and ~/.boto's) before a container endpoint, as
 * botocore's chain does: one warning line when the served programs would find one of those instead.
 */
export function warnIfShadowed(deps: Deps, serving: Serving, servedEnv: Deps['env']): void {
  const { session } = serving;
  const context = { deps: { ...deps, env: servedEnv }, profile: { name: 'default', from: 'default' as const }, config: session.config, services: session.services, links: LINKS };
  const before = LINKS.slice(0, LINKS.findIndex((link) => link.name === 'container-role'));
  const offer = before.map((link) => link.describe?.(context)).find((described) => described !== undefined);
  if (offer !== undefined) deps.stderr.write(`awsrole: warning: ${terminalSafe(`programs would use ${offer} instead of the endpoint (the SDKs try it first)`)}\n`);
}

/**
 * Subscribed once serving starts: before that, Ctrl-C (at an MFA prompt, say) ends awsrole as usual.
 * It stays subscribed until the port is closed: a refresh's prompt or mfa_process that sees the same
 * signal then cancels itself and leaves the ending to serve (endBySignal dies only when nobody listens).
 */
function untilStopped(deps: Deps): { stopped: Promise<NodeJS.Signals>; unsubscribe: () => void } {
  let unsubscribe = (): void => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    unsubscribe = deps.onSignal(['SIGINT', 'SIGTERM'], resolve);
  });
  return { stopped, unsubscribe };
}

/** `awsrole serve`: a container-credentials endpoint for the shell it is evaluated in, until SIGINT or SIGTERM. */
export const serveCommand = defineCommand({
  name: 'serve',
  description: 'serve refreshing credentials on 127.0.0.1 for SDKs (container credentials); prints the variables',
  examples: ['eval "$(awsrole serve --profile prod &)"', 'awsrole serve --profile prod --port 9911 --format json'],
  options: [
    ...ASSUME_OPTIONS,
    ...MFA_SYNONYM_OPTIONS,
    { flags: '--port <port>', description: 'port on 127.0.0.1 (default: a free one)' },
    { flags: '--format <format>', description: 'sh, fish, powershell, cmd, dotenv, json (default from $SHELL)' },
  ],
  async run(deps, options) {
    const port = portFlag(options.port);
    const format = serveFormat(deps, options.format);
    const serving = await startServing(deps, options, port);
    const { endpoint } = serving;
    warnIfShadowed(deps, serving, serverChildEnv(deps.env, endpoint, serving.credentials, serving.region));
    const { stopped, unsubscribe } = untilStopped(deps);
    // Before stdout closes: when `eval` returns, the pid to stop is already on stderr.
    deps.stderr.write(`awsrole: ${terminalSafe(`serving credentials at ${endpoint.url} (pid ${deps.processes.pid}); stop with kill -TERM ${deps.processes.pid}`)}\n`);
    deps.stdout.write(renderEndpointVariables(format, endpoint));
    // `eval "$(awsrole serve … &)"` returns once stdout is closed, while the server runs on.
    deps.stdout.close?.();
    await stopped;
    try {
      await endpoint.listener.close();
    } finally {
      unsubscribe();
    }
  },
});
