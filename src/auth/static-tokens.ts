/** Static bearer tokens (AUTH_TOKENS), compared in constant time. */
import { timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors.ts';
import { hashKey, sha256, type Principal } from './principal.ts';

/** Checks a presented token against the configured ones; `null` when none matches. */
export type StaticTokenVerifier = (token: string) => Principal | null;

/**
 * Compares two strings without a timing signal on where they differ or how long they are:
 * both sides are hashed to 32 bytes first, so `timingSafeEqual` never sees unequal lengths.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * Builds the verifier for `AUTH_TOKENS`. Empty entries (a trailing comma) are ignored, but a
 * list with no usable token fails, so a blank variable can never switch auth off by mistake.
 */
export function createStaticTokenVerifier(tokens: readonly string[]): StaticTokenVerifier {
  const usable = tokens.map((token) => token.trim()).filter((token) => token !== '');
  if (usable.length === 0) {
    throw new GatewayError(
      'invalid_config',
      'AUTH_TOKENS is set but holds no token: give comma-separated tokens or unset it',
    );
  }
  const digests = usable.map((token) => sha256(token));
  return (token) => {
    const presented = sha256(token);
    let matched = false;
    // Visit every digest even after a match, so the time taken does not reveal which one.
    for (const digest of digests) matched = timingSafeEqual(presented, digest) || matched;
    return matched ? { key: hashKey('tok', token) } : null;
  };
}
