import * as http from 'node:http';
import * as https from 'node:https';
import { HttpFailure, type HttpRequest, type HttpResponse } from './deps.js';

/** One request with a hard deadline; never goes through a proxy (IMDS must be direct). */
export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const url = new URL(request.url);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method: request.method, headers: request.headers, agent: false });
    const timer = setTimeout(() => {
      req.destroy(new HttpFailure('timeout', `no answer within ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(asFailure(error));
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(asFailure(error));
    });
    req.end();
  });
}

function asFailure(error: Error): HttpFailure {
  if (error instanceof HttpFailure) return error;
  return new HttpFailure('connect', error.message);
}
