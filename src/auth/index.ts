/** The auth building blocks the HTTP layer wires in; everything else in src/auth is internal. */
export { createAuthenticator, type Authenticator, type AuthOptions } from './authenticator.ts';
export { normalizeSymbol } from './claims.ts';
export { narrow, type Access } from './narrow.ts';
export type { Principal } from './principal.ts';
export { redactUrl, REDACTED_URL_MAX_LENGTH } from './redact.ts';
export { constantTimeEqual } from './static-tokens.ts';
export { extractToken, TOKEN_COOKIE, TOKEN_QUERY_PARAM, type TokenSource } from './token-source.ts';
