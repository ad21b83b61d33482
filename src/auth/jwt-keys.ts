/** Turns a PEM public key or a JWKS into WebCrypto verification keys, validated at start-up. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { GatewayError } from '../errors.ts';

/** The asymmetric algorithms the gateway accepts (the contract names RS256 and ES256). */
export type AsymmetricAlg = 'RS256' | 'ES256';

/** A verification key bound to exactly one algorithm, so a token cannot pick another. */
export type VerificationKey = { alg: AsymmetricAlg; key: Promise<CryptoKey> };

const IMPORT_PARAMS = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
} as const;

/**
 * Parses `AUTH_JWT_PUBLIC_KEY_FILE` contents: SPKI or PKCS#1 PEM, or an X.509 certificate.
 * node:crypto parses synchronously on both runtimes, so a bad key fails at start-up.
 */
export function keyFromPem(pem: string): VerificationKey {
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey(pem);
  } catch (cause) {
    throw new GatewayError(
      'invalid_config',
      'AUTH_JWT_PUBLIC_KEY_FILE does not hold a PEM public key (RSA or EC P-256)',
      { cause },
    );
  }
  const alg = algOf(keyObject);
  if (alg === null) {
    throw new GatewayError(
      'invalid_config',
      'AUTH_JWT_PUBLIC_KEY_FILE must hold an RSA key of 2048+ bits (RS256) or EC P-256 (ES256)',
    );
  }
  return toVerificationKey(keyObject, alg);
}

/**
 * Parses `AUTH_JWKS_FILE` contents (`{"keys":[...]}`) into keys by `kid`. Keys without a `kid`,
 * for encryption, of other algorithms or of weaker sizes are skipped; none usable is an error.
 */
export function keysFromJwks(jwks: object): Map<string, VerificationKey> {
  const keys: unknown = (jwks as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) {
    throw new GatewayError('invalid_config', 'AUTH_JWKS_FILE must be a JSON object with "keys"');
  }
  const byKid = new Map<string, VerificationKey>();
  for (const jwk of keys) {
    if (typeof jwk !== 'object' || jwk === null) continue;
    const { kid, use, alg } = jwk as { kid?: unknown; use?: unknown; alg?: unknown };
    if (typeof kid !== 'string' || (use !== undefined && use !== 'sig')) continue;
    if (alg !== undefined && alg !== 'RS256' && alg !== 'ES256') continue;
    if (byKid.has(kid)) {
      throw new GatewayError('invalid_config', `AUTH_JWKS_FILE has two keys with kid "${kid}"`);
    }
    let keyObject: KeyObject;
    try {
      keyObject = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch {
      continue; // A key type node:crypto cannot read (e.g. "oct") is not one we could verify.
    }
    const keyAlg = algOf(keyObject);
    if (keyAlg === null || (alg !== undefined && alg !== keyAlg)) continue;
    byKid.set(kid, toVerificationKey(keyObject, keyAlg));
  }
  if (byKid.size === 0) {
    throw new GatewayError(
      'invalid_config',
      'AUTH_JWKS_FILE has no usable key: one needs a "kid" and RSA 2048+ (RS256) or EC P-256',
    );
  }
  return byKid;
}

/** RS256 for RSA of 2048 bits or more, ES256 for EC P-256; `null` for anything else. */
function algOf(keyObject: KeyObject): AsymmetricAlg | null {
  const details = keyObject.asymmetricKeyDetails;
  const type = keyObject.asymmetricKeyType;
  if (type === 'rsa' && (details?.modulusLength ?? 0) >= 2048) return 'RS256';
  if (type === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  return null;
}

function toVerificationKey(keyObject: KeyObject, alg: AsymmetricAlg): VerificationKey {
  // Re-export only the public parameters, so WebCrypto never sees key_ops, ext or private parts.
  const jwk = keyObject.export({ format: 'jwk' });
  const key = crypto.subtle.importKey('jwk', jwk, IMPORT_PARAMS[alg], false, ['verify']);
  // Surfaced when a request awaits it; this only keeps an early rejection from crashing.
  key.catch(() => undefined);
  return { alg, key };
}
