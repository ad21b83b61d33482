/** CORS for every response (streams, JSON errors, preflight) from one policy, per case 014. */
import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../errors.ts';

/** Methods and request headers a preflight allows; fetch-based SSE clients send them all. */
const ALLOW_METHODS = 'GET, OPTIONS';
const ALLOW_HEADERS = 'authorization, cache-control, content-type, last-event-id';
/** Response headers a cross-origin script may read: a typed client needs Retry-After. */
const EXPOSE_HEADERS = 'retry-after, www-authenticate';
/** How long a browser may cache a preflight, in seconds (Chromium caps it at 7200). */
const MAX_AGE_SECONDS = '7200';

/** One CORS decision, shared by the middleware and by code that builds responses itself. */
export type CorsPolicy = {
  /** The CORS headers of an actual (non-preflight) response for this request origin. */
  headersFor(origin: string | null | undefined): Record<string, string>;
  /** Adds those headers to `headers`, appending to any `Vary` already there. */
  apply(headers: Headers, origin: string | null | undefined): void;
  /** Hono middleware: answers OPTIONS with 204 and decorates every other response. */
  middleware: MiddlewareHandler;
};

/**
 * Builds the policy for `CORS_ORIGINS`. `['*']` allows any origin without credentials
 * (`Access-Control-Allow-Origin: *`); a list of origins echoes an allowed one exactly, with
 * `Access-Control-Allow-Credentials: true` and `Vary: Origin`; other origins get no CORS
 * headers, so browsers keep the response from their pages. An empty list allows none.
 * @throws GatewayError `invalid_config` for an entry that is not an http(s) origin or mixes `*`.
 */
export function createCorsPolicy(origins: readonly string[] = ['*']): CorsPolicy {
  const wildcard = origins.length === 1 && origins[0]?.trim() === '*';
  const allowed = wildcard ? new Set<string>() : new Set(origins.map(normalizeOrigin));

  const headersFor = (origin: string | null | undefined): Record<string, string> => {
    const expose = { 'access-control-expose-headers': EXPOSE_HEADERS };
    if (wildcard) return { 'access-control-allow-origin': '*', ...expose };
    if (origin == null || !allowed.has(origin)) return { vary: 'Origin' };
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      ...expose,
      vary: 'Origin',
    };
  };

  const apply = (headers: Headers, origin: string | null | undefined): void => {
    for (const [name, value] of Object.entries(headersFor(origin))) {
      if (name === 'vary') appendVary(headers, value);
      else headers.set(name, value);
    }
  };

  const middleware: MiddlewareHandler = async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      const headers = new Headers();
      apply(headers, origin);
      if (headers.has('access-control-allow-origin')) {
        headers.set('access-control-allow-methods', ALLOW_METHODS);
        headers.set('access-control-allow-headers', ALLOW_HEADERS);
        headers.set('access-control-max-age', MAX_AGE_SECONDS);
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    try {
      apply(c.res.headers, origin);
    } catch {
      // Some responses (Response.redirect, fetch results) have immutable headers: copy once.
      const copy = new Response(c.res.body, c.res);
      apply(copy.headers, origin);
      c.res = copy;
    }
  };

  return { headersFor, apply, middleware };
}

/** Shorthand for `createCorsPolicy(origins).middleware`. */
export function createCors(origins: readonly string[] = ['*']): MiddlewareHandler {
  return createCorsPolicy(origins).middleware;
}

/** `https://App.example:443/` becomes `https://app.example`, the form browsers send. */
function normalizeOrigin(entry: string): string {
  const trimmed = entry.trim();
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {
    url = undefined;
  }
  const isOrigin =
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    (url.pathname === '/' || url.pathname === '') &&
    url.search === '' &&
    url.hash === '';
  if (!isOrigin || url === undefined) {
    const hint = trimmed === '*' ? '"*" must be the only entry' : 'use e.g. https://app.example';
    const message = `CORS_ORIGINS entry "${trimmed}" is not an origin: ${hint}`;
    throw new GatewayError('invalid_config', message);
  }
  return url.origin;
}

function appendVary(headers: Headers, value: string): void {
  const current = headers.get('vary');
  if (current === null) headers.set('vary', value);
  else if (!current.split(',').some((v) => v.trim().toLowerCase() === value.toLowerCase())) {
    headers.set('vary', `${current}, ${value}`);
  }
}
