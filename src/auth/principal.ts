/** Who a request belongs to once authenticated, and the stable, non-secret key that names it. */
import { createHash } from 'node:crypto';

/** The authenticated holder of a token; never contains the token itself. */
export type Principal = {
  /**
   * Stable id for per-token limits and logs: `tok:` + 16 hex chars of SHA-256 of a static
   * token, `sub:` + a hash of the JWT's `iss` and `sub`, or `jwt:` + a hash of a JWT without
   * `sub`. Safe to log; it cannot be turned back into a high-entropy token.
   */
  key: string;
  /** Stream names the holder may read; `undefined` means every configured stream. */
  streams?: string[];
  /** Upper-cased symbols the holder may receive; `undefined` means every symbol. */
  symbols?: string[];
  /** When the credential expires (JWT `exp`, epoch ms); the stream must end then. */
  expiresAtMs?: number;
};

/** SHA-256 digest of a UTF-8 string (node:crypto is synchronous on both Bun and Node). */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** A short, prefixed, non-reversible id derived from secret or personal material. */
export function hashKey(prefix: 'tok' | 'sub' | 'jwt', material: string): string {
  return `${prefix}:${sha256(material).toString('hex').slice(0, 16)}`;
}
