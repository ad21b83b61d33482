/** JWT verification (HS256, RS256, ES256) on Hono's JWT utilities, which use WebCrypto. */
import { decodeHeader, verify } from 'hono/utils/jwt/jwt';
import { JwtHeaderInvalid, JwtTokenSignatureMismatched } from 'hono/utils/jwt/types';
import { GatewayError } from '../errors.ts';
import { readListClaim, readSymbolsClaim } from './claims.ts';
import { keyFromPem, keysFromJwks, type VerificationKey } from './jwt-keys.ts';
import { hashKey, type Principal } from './principal.ts';

/** Key material for JWTs, as file contents (the caller reads the files). */
export type JwtOptions = {
  /** HS256 secret, used as its UTF-8 bytes; at least 32 bytes (RFC 7518 section 3.2). */
  jwtSecret?: string;
  /** PEM public key or certificate: RSA (RS256) or EC P-256 (ES256). */
  jwtPublicKeyPem?: string;
  /** A parsed JWKS document; the token's `kid` header picks the key. */
  jwks?: object;
  /** Clock for `exp` and `nbf`, in epoch ms; tests pass a fixed one. Default `Date.now`. */
  now?: () => number;
};

/** Verifies a compact JWT and returns its principal; throws `unauthorized` otherwise. */
export type JwtVerifier = (token: string) => Promise<Principal>;

const MIN_SECRET_BYTES = 32;

/** Builds a verifier from whichever key material is set; `null` when none is. */
export function createJwtVerifier(options: JwtOptions): JwtVerifier | null {
  const { jwtSecret, jwtPublicKeyPem, jwks, now = Date.now } = options;
  if (jwtSecret === undefined && jwtPublicKeyPem === undefined && jwks === undefined) return null;
  if (jwtSecret !== undefined && new TextEncoder().encode(jwtSecret).length < MIN_SECRET_BYTES) {
    throw new GatewayError(
      'invalid_config',
      `AUTH_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes for HS256; ` +
        'generate one with `openssl rand -base64 48`',
    );
  }
  const secretKey = jwtSecret === undefined ? undefined : importSecret(jwtSecret);
  const pemKey = jwtPublicKeyPem === undefined ? undefined : keyFromPem(jwtPublicKeyPem);
  const jwksKeys = jwks === undefined ? undefined : keysFromJwks(jwks);

  /** The key a token may be checked with, chosen by our configuration, never by the token. */
  const keyFor = (alg: unknown, kid: unknown): Promise<CryptoKey> => {
    if (alg === 'HS256') {
      if (secretKey === undefined) throw reject('HS256 tokens are not accepted here');
      return secretKey;
    }
    if (alg !== 'RS256' && alg !== 'ES256') throw reject('token algorithm is not accepted');
    let chosen: VerificationKey | undefined;
    if (typeof kid === 'string' && jwksKeys !== undefined) {
      chosen = jwksKeys.get(kid);
      if (chosen === undefined) throw reject('token kid matches no configured key');
    } else {
      chosen = pemKey;
      if (chosen === undefined) throw reject('token needs a kid that names a JWKS key');
    }
    if (chosen.alg !== alg) throw reject('token algorithm does not match the key');
    return chosen.key;
  };

  return async (token) => {
    let header: unknown;
    try {
      header = decodeHeader(token);
    } catch {
      throw reject('token is not a well-formed JWT');
    }
    if (typeof header !== 'object' || header === null) throw reject('token header is invalid');
    const { alg, kid } = header as { alg?: unknown; kid?: unknown };
    const key = await keyFor(alg, kid).catch((cause: unknown) => {
      if (cause instanceof GatewayError) throw cause;
      throw new GatewayError('internal', 'a configured JWT key could not be imported', { cause });
    });
    let payload: Record<string, unknown>;
    try {
      // Hono checks the header (alg equals ours, typ JWT or absent, no crit) and signature;
      // exp and nbf are checked below against our clock, with messages that omit the token.
      const options = { alg: alg as 'HS256' | 'RS256' | 'ES256', exp: false, nbf: false };
      payload = await verify(token, key, { ...options, iat: false });
    } catch (error) {
      // Hono's error messages contain the token, so neither they nor the cause are kept.
      if (error instanceof JwtTokenSignatureMismatched) throw reject('token signature is wrong');
      if (error instanceof JwtHeaderInvalid) {
        throw reject('token header is not accepted: typ must be JWT or absent, no crit');
      }
      throw reject('token is not a well-formed JWT');
    }
    return toPrincipal(token, payload, now());
  };
}

function toPrincipal(token: string, payload: Record<string, unknown>, nowMs: number): Principal {
  const { exp, nbf, sub, iss } = payload;
  if (exp !== undefined && !isNumericDate(exp)) throw reject('token exp is not a number');
  if (nbf !== undefined && !isNumericDate(nbf)) throw reject('token nbf is not a number');
  if (exp !== undefined && exp * 1000 <= nowMs) throw reject('token has expired');
  if (nbf !== undefined && nbf * 1000 > nowMs) throw reject('token is not valid yet (nbf)');
  const principal: Principal = {
    key:
      typeof sub === 'string'
        ? hashKey('sub', `${typeof iss === 'string' ? iss : ''}\u0000${sub}`)
        : hashKey('jwt', token),
  };
  const streams = readListClaim(payload, 'streams');
  const symbols = readSymbolsClaim(payload);
  if (streams !== undefined) principal.streams = streams;
  if (symbols !== undefined) principal.symbols = symbols;
  if (exp !== undefined) principal.expiresAtMs = exp * 1000;
  return principal;
}

function importSecret(secret: string): Promise<CryptoKey> {
  const bytes = new TextEncoder().encode(secret);
  const params = { name: 'HMAC', hash: 'SHA-256' };
  const key = crypto.subtle.importKey('raw', bytes, params, false, ['verify']);
  key.catch(() => undefined); // Surfaced when a request awaits it; never an unhandled rejection.
  return key;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function reject(message: string): GatewayError {
  return new GatewayError('unauthorized', message);
}
