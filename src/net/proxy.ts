/**
 * Which proxy a request goes through, as botocore decides it (docs/networks.md): the proxy
 * variables read as Python's urllib.request.getproxies_environment() reads them, NO_PROXY
 * matched as urllib's proxy_bypass_environment() matches it (botocore's get_environ_proxies),
 * and the proxy URL completed and its credentials taken as botocore's ProxyConfiguration does.
 * Pure functions: no I/O, nothing loaded.
 */
import type { Env } from '../domain/env.js';
import { terminalSafe } from '../domain/text.js';

/** A setting's value inside a message: as it is, but on one line and unable to act on a terminal. */
export function inline(text: string): string {
  return terminalSafe(text.replace(/\n/g, '\\n'));
}

/** One `<scheme>_proxy` value and the variable it came from (`https_proxy`, `HTTPS_PROXY`...). */
export interface ProxySetting {
  value: string;
  from: string;
}

/**
 * urllib's getproxies_environment(): every non-empty `*_proxy` variable, any case, keyed by its
 * lower-cased prefix; then a second pass in which a variable whose `_proxy` suffix is
 * lower-case wins, and an empty one of those removes the scheme. Under CGI (REQUEST_METHOD set)
 * HTTP_PROXY is dropped (CVE-2016-1000110) unless its suffix is lower-case.
 */
export function proxiesFromEnv(env: Env): Map<string, ProxySetting> {
  const proxies = new Map<string, ProxySetting>();
  for (const [name, value] of Object.entries(env)) {
    if (value && name.toLowerCase().endsWith('_proxy')) proxies.set(name.slice(0, -6).toLowerCase(), { value, from: inline(name) });
  }
  if (env['REQUEST_METHOD'] !== undefined) proxies.delete('http');
  for (const [name, value] of Object.entries(env)) {
    if (!name.endsWith('_proxy')) continue;
    const scheme = name.slice(0, -6).toLowerCase();
    if (value) proxies.set(scheme, { value, from: inline(name) });
    else proxies.delete(scheme);
  }
  return proxies;
}

/** urllib's _splitport: `host:digits` → host; anything else is all host. */
function hostWithoutPort(netloc: string): string {
  const match = /^(.*):([0-9]*)$/s.exec(netloc);
  return match !== null && match[2] !== '' ? (match[1] ?? netloc) : netloc;
}

/**
 * urllib's proxy_bypass_environment(netloc): NO_PROXY `*` (exactly) bypasses everything; else
 * each comma-separated entry, trimmed, leading dots dropped, lower-cased, matches the host (with
 * or without its port) exactly or as a domain suffix. No CIDR ranges: urllib has none.
 */
export function bypassesProxy(netloc: string, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  if (noProxy === '*') return true;
  const host = netloc.toLowerCase();
  const hostOnly = hostWithoutPort(host);
  for (const entry of noProxy.split(',')) {
    const name = entry.trim().replace(/^\.+/, '').toLowerCase();
    if (entry.trim() === '') continue;
    if (hostOnly === name || host === name) return true;
    if (hostOnly.endsWith(`.${name}`) || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** A proxy to send through, ready to use. */
export interface Proxy {
  /** http: or https: URL of the proxy (path ignored). */
  url: URL;
  /** `Basic …` when the URL has both a user name and a password (botocore's rule), else undefined. */
  authorization: string | undefined;
  /** The URL with any password masked, for messages and --debug. */
  shown: string;
  /** The variable it came from. */
  from: string;
}

/** botocore's _fix_proxy_url: `host:port` and `//host:port` become http:// URLs. */
function completedProxyUrl(value: string): string {
  if (value.startsWith('http:') || value.startsWith('https:')) return value;
  return value.startsWith('//') ? `http:${value}` : `http://${value}`;
}

/** The proxy URL as it may be shown: the password replaced by `****`. */
export function maskedProxyUrl(url: URL): string {
  const user = url.username === '' ? '' : `${url.username}${url.password === '' ? '' : ':****'}@`;
  return `${url.protocol}//${user}${url.host}`;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Parses a proxy setting; `invalid` says why when it is no http(s) URL (the request then fails naming the variable). */
export function parseProxy(setting: ProxySetting): Proxy | { invalid: string } {
  let url: URL;
  try {
    url = new URL(completedProxyUrl(setting.value));
  } catch {
    return { invalid: `${setting.from} is not a proxy URL (like http://proxy.example.com:3128)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { invalid: `${setting.from}: proxy URL ${inline(maskedProxyUrl(url))} is not http:// or https://` };
  // botocore sends Basic credentials only when both parts are there, percent-decoded.
  const authorization = url.username !== '' && url.password !== '' ? `Basic ${Buffer.from(`${decoded(url.username)}:${decoded(url.password)}`, 'utf8').toString('base64')}` : undefined;
  return { url, authorization, shown: maskedProxyUrl(url), from: setting.from };
}

/** The proxy choice for one request, with why, for --debug. */
export type ProxyChoice = { proxy: Proxy } | { direct: string } | { invalid: string };

/**
 * botocore's choice for a request to `url`: no proxy when NO_PROXY matches the URL's host[:port],
 * else the `<scheme>_proxy` setting of the URL's scheme (https → HTTPS_PROXY, http → HTTP_PROXY).
 */
export function proxyFor(url: URL, env: Env): ProxyChoice {
  const proxies = proxiesFromEnv(env);
  const noProxy = proxies.get('no');
  if (bypassesProxy(url.host, noProxy?.value)) return { direct: `${noProxy?.from ?? 'NO_PROXY'} matches ${url.host}` };
  const setting = proxies.get(url.protocol.replace(/:$/, ''));
  if (setting === undefined) return { direct: `no ${url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'}` };
  const parsed = parseProxy(setting);
  return 'invalid' in parsed ? parsed : { proxy: parsed };
}
