/** Removes credentials from URLs before they reach a log line. */

/** Query parameters whose values are always replaced (compared case-insensitively). */
const SECRET_PARAMS = new Set([
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'authorization',
  'jwt',
  'key',
  'api_key',
  'apikey',
  'password',
  'secret',
]);

/** Default cap on a redacted URL, in UTF-16 code units. */
export const REDACTED_URL_MAX_LENGTH = 512;

/**
 * Replaces the values of credential query parameters (`token`, `access_token`, ...) with
 * `[REDACTED]` and user info (`user:pass@`) with `[REDACTED]@`, then caps the length.
 * Works on absolute URLs and on path-and-query strings; never throws.
 */
export function redactUrl(url: string, maxLength = REDACTED_URL_MAX_LENGTH): string {
  const hashAt = url.indexOf('#');
  const withoutFragment = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = withoutFragment.indexOf('?');
  const base = queryAt === -1 ? withoutFragment : withoutFragment.slice(0, queryAt);
  let redacted = base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?@]*@/i, '$1[REDACTED]@');
  if (queryAt !== -1) {
    const params = withoutFragment
      .slice(queryAt + 1)
      .split('&')
      .map(redactParam);
    redacted += `?${params.join('&')}`;
  }
  if (redacted.length <= maxLength) return redacted;
  return `${redacted.slice(0, Math.max(0, maxLength))}...[truncated]`;
}

function redactParam(param: string): string {
  const eq = param.indexOf('=');
  const rawName = eq === -1 ? param : param.slice(0, eq);
  let name = rawName.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape cannot hide a secret name better than the raw text does.
  }
  if (!SECRET_PARAMS.has(name.trim().toLowerCase())) return param;
  return `${rawName}=[REDACTED]`;
}
