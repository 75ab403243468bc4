/**
 * Local AWS federation endpoint (`/federation` on 127.0.0.1) for console sign-in tests:
 *
 * - `?Action=getSigninToken&Session=JSON[&SessionDuration=N]` checks the Session JSON against the
 *   STS rig's model (the issued key, secret and token, not expired), refuses what AWS refuses
 *   (GetSessionToken sessions; SessionDuration outside 900–43200, with a federation-token session,
 *   or over 1 h for a chained role) and answers `{"SigninToken": "..."}`;
 * - `?Action=login&Issuer=…&Destination=…&SigninToken=…` shows a page with the token and the
 *   destination (ids `signin-token`, `destination`, `issuer`) instead of redirecting.
 *
 * Every request is recorded. Sign-in tokens contain TOKENCANARY, so leak checks see them.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Session, StsModel } from './sts-model.js';

/** One request as the rig saw it (the Session parameter parsed, when there was one). */
export interface FederationCall {
  action: string;
  params: Record<string, string>;
  session?: { sessionId?: unknown; sessionKey?: unknown; sessionToken?: unknown };
  status: number;
  /** Why the rig refused, for the test's failure messages. */
  refusal?: string;
  /** getSigninToken: the token it issued. */
  signinToken?: string;
}

export interface IssuedSignin {
  session: Session;
  sessionDuration: number | undefined;
}

export interface FederationRig {
  /** `http://127.0.0.1:PORT` (what AWS_ENDPOINT_URL_SIGNIN is set to). */
  readonly url: string;
  readonly calls: readonly FederationCall[];
  /** Sign-in tokens issued, with the session they stand for. */
  readonly issued: ReadonlyMap<string, IssuedSignin>;
  /** Answers the next getSigninToken requests with this HTTP status (until cleared with undefined). */
  failWith(status: number | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

class Refusal extends Error {}

const ROLE_DURATION = { min: 900, max: 43200, chained: 3600 };

function parseSession(text: string | undefined): { sessionId: string; sessionKey: string; sessionToken: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    throw new Refusal('Session is not JSON');
  }
  const fields = parsed as Record<string, unknown>;
  const keys = Object.keys(fields ?? {}).sort().join(',');
  if (keys !== 'sessionId,sessionKey,sessionToken') throw new Refusal(`Session has fields ${keys}`);
  if (typeof fields['sessionId'] !== 'string' || typeof fields['sessionKey'] !== 'string' || typeof fields['sessionToken'] !== 'string') {
    throw new Refusal('Session fields are not strings');
  }
  return { sessionId: fields['sessionId'], sessionKey: fields['sessionKey'], sessionToken: fields['sessionToken'] };
}

function checkDuration(session: Session, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < ROLE_DURATION.min || seconds > ROLE_DURATION.max) throw new Refusal(`SessionDuration ${text}`);
  if (session.kind === 'federation') throw new Refusal('SessionDuration with a federation-token session');
  if (session.chained && seconds > ROLE_DURATION.chained) throw new Refusal('SessionDuration over 1 h for a chained role');
  return seconds;
}

export async function startFederationServer(model: StsModel, now: () => Date = () => new Date()): Promise<FederationRig> {
  const calls: FederationCall[] = [];
  const issued = new Map<string, IssuedSignin>();
  const sockets = new Set<Socket>();
  let failure: number | undefined;

  const signinToken = (call: FederationCall): string => {
    const given = parseSession(call.params['Session']);
    call.session = given;
    const session = model.sessions.get(given.sessionId);
    if (session === undefined || session.secretAccessKey !== given.sessionKey || session.sessionToken !== given.sessionToken) throw new Refusal('unknown credentials');
    if (now().getTime() >= session.expiration.getTime()) throw new Refusal('expired credentials');
    if (session.kind === 'session-token') throw new Refusal('a GetSessionToken session');
    const token = `SIGNIN-TOKENCANARY-${randomBytes(24).toString('base64url')}`;
    issued.set(token, { session, sessionDuration: checkDuration(session, call.params['SessionDuration']) });
    call.signinToken = token;
    return JSON.stringify({ SigninToken: token });
  };

  const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const loginPage = (params: Record<string, string>): string => {
    const token = params['SigninToken'] ?? '';
    if (!issued.has(token)) throw new Refusal('unknown SigninToken');
    const row = (id: string, value: string): string => `<dt>${id}</dt><dd id="${id}">${escape(value)}</dd>`;
    return `<!doctype html><html><head><title>federation rig: signed in</title></head><body><dl>${row('signin-token', token)}${row('destination', params['Destination'] ?? '')}${row('issuer', params['Issuer'] ?? '')}</dl></body></html>`;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const params = Object.fromEntries(url.searchParams);
    const call: FederationCall = { action: params['Action'] ?? '', params, status: 0 };
    calls.push(call);
    const answer = (status: number, type: string, body: string): void => {
      call.status = status;
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    try {
      if (req.method !== 'GET' || url.pathname !== '/federation') throw new Refusal(`${req.method ?? ''} ${url.pathname}`);
      if (call.action === 'getSigninToken') {
        if (failure !== undefined) return answer(failure, 'text/plain', 'rig: failure on request');
        return answer(200, 'application/json', signinToken(call));
      }
      if (call.action === 'login') return answer(200, 'text/html; charset=utf-8', loginPage(params));
      throw new Refusal(`Action ${call.action}`);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      call.refusal = error.message;
      return answer(400, 'text/plain', 'Bad Request');
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    issued,
    failWith: (status) => void (failure = status),
    reset: () => {
      calls.length = 0;
      failure = undefined;
    },
    close: async () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
