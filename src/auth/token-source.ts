/** Finds the one credential of a request: Authorization header, then cookie, then query. */
import { GatewayError } from '../errors.ts';

/** Where a token came from; useful in logs and metrics (never log the token itself). */
export type TokenSource = 'header' | 'cookie' | 'query';

/** The name of the cookie and of the query parameter that may carry a token. */
export const TOKEN_COOKIE = 'access_token';
export const TOKEN_QUERY_PARAM = 'token';

/**
 * Returns the token of the first source present, or `null` when no source is present.
 * A present but unusable source (another scheme, an empty value) is an error: falling back to
 * a later source would let a stale cookie or URL silently override what the client sent.
 */
export function extractToken(
  request: Request,
  url: URL,
): { source: TokenSource; token: string } | null {
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    if (match?.[1] === undefined) {
      throw new GatewayError(
        'unauthorized',
        'Authorization header must be "Bearer <token>" with exactly one token',
      );
    }
    return { source: 'header', token: match[1] };
  }
  const cookie = readCookie(request.headers.get('cookie'), TOKEN_COOKIE);
  if (cookie !== undefined) return { source: 'cookie', token: nonEmpty(cookie, 'cookie') };
  const query = url.searchParams.get(TOKEN_QUERY_PARAM);
  if (query !== null) return { source: 'query', token: nonEmpty(query, 'query') };
  return null;
}

/** The first cookie called `name`, percent-decoded and unquoted; `undefined` when absent. */
function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    try {
      return decodeURIComponent(value);
    } catch {
      return value; // Not percent-encoded after all; the verifier decides whether it is valid.
    }
  }
  return undefined;
}

function nonEmpty(token: string, source: 'cookie' | 'query'): string {
  if (token.trim() === '') {
    const where = source === 'cookie' ? `cookie ${TOKEN_COOKIE}` : `parameter ${TOKEN_QUERY_PARAM}`;
    throw new GatewayError('unauthorized', `the ${where} is present but empty`);
  }
  return token;
}
