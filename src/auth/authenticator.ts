/** The request authenticator: finds the token, then checks it as a static token or a JWT. */
import { GatewayError } from '../errors.ts';
import { createJwtVerifier, type JwtOptions } from './jwt.ts';
import type { Principal } from './principal.ts';
import { createStaticTokenVerifier } from './static-tokens.ts';
import { extractToken } from './token-source.ts';

/** Auth configuration as values: the caller reads `AUTH_*` files and passes their contents. */
export type AuthOptions = JwtOptions & {
  /** `AUTH_TOKENS`, split on commas; `[]` when unset. */
  tokens: readonly string[];
};

/** Checks one request; resolves to its principal or rejects with `GatewayError('unauthorized')`. */
export type Authenticator = {
  authenticate(request: Request, url: URL): Promise<Principal>;
};

/**
 * Builds the authenticator, or returns `null` when no auth is configured (every request
 * passes). Bad key material throws `GatewayError('invalid_config')` here, at start-up.
 */
export function createAuthenticator(options: AuthOptions): Authenticator | null {
  const { tokens } = options;
  const staticTokens = tokens.length === 0 ? null : createStaticTokenVerifier(tokens);
  const jwt = createJwtVerifier(options);
  if (staticTokens === null && jwt === null) return null;

  return {
    async authenticate(request, url) {
      const found = extractToken(request, url);
      if (found === null) {
        throw new GatewayError(
          'unauthorized',
          'a token is required: send "Authorization: Bearer <token>", ' +
            'an access_token cookie or a token query parameter',
        );
      }
      const { token } = found;
      const principal = staticTokens?.(token) ?? null;
      if (principal !== null) return principal;
      // Only something shaped like a JWT goes to the verifier, so a wrong static token
      // gets a plain answer rather than a JWT parsing error.
      if (jwt !== null && token.split('.').length === 3) return jwt(token);
      throw new GatewayError('unauthorized', 'the token is not valid');
    },
  };
}
