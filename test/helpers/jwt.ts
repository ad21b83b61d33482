/** Test helper: JWT key material on disk and compact JWTs signed with node:crypto. */
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type JwtAlg = 'HS256' | 'RS256' | 'ES256';

/** What a test needs to sign tokens of one algorithm, and the env for a gateway to trust them. */
export type JwtIssuer = {
  alg: JwtAlg;
  /** For `startGateway`: AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY_FILE or AUTH_JWKS_FILE. */
  env: Record<string, string>;
  /** A token signed with the trusted key. */
  sign(payload: object): string;
  /** A token of the same algorithm (and `kid`) signed with a key the gateway does not trust. */
  signWithWrongKey(payload: object): string;
  cleanup(): void;
};

const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

/** Signs a compact JWT independently of the gateway's own JWT code. */
export function signJwt(
  header: { alg: JwtAlg; kid?: string },
  payload: object,
  key: KeyObject | string,
): string {
  const encoded = (part: object) => b64url(JSON.stringify(part));
  const input = `${encoded({ typ: 'JWT', ...header })}.${encoded(payload)}`;
  const data = Buffer.from(input);
  let signature: Buffer;
  if (header.alg === 'HS256') signature = createHmac('sha256', key).update(data).digest();
  else if (header.alg === 'RS256') signature = sign('sha256', data, key as KeyObject);
  else signature = sign('sha256', data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

/**
 * HS256 uses a random 48-byte secret; RS256 writes an SPKI PEM for AUTH_JWT_PUBLIC_KEY_FILE;
 * ES256 writes a JWKS with one P-256 key (`kid` "k1") for AUTH_JWKS_FILE.
 */
export function createJwtIssuer(alg: JwtAlg): JwtIssuer {
  const dir = mkdtempSync(join(tmpdir(), 'sse-gateway-jwt-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (alg === 'HS256') {
    const secret = b64url(Buffer.from(crypto.getRandomValues(new Uint8Array(48))));
    return {
      alg,
      env: { AUTH_JWT_SECRET: secret },
      sign: (payload) => signJwt({ alg }, payload, secret),
      signWithWrongKey: (payload) => signJwt({ alg }, payload, `${secret}-but-another-one`),
      cleanup,
    };
  }
  const pair = () =>
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const trusted = pair();
  const untrusted = pair();
  if (alg === 'RS256') {
    const file = join(dir, 'public.pem');
    writeFileSync(file, trusted.publicKey.export({ type: 'spki', format: 'pem' }));
    return {
      alg,
      env: { AUTH_JWT_PUBLIC_KEY_FILE: file },
      sign: (payload) => signJwt({ alg }, payload, trusted.privateKey),
      signWithWrongKey: (payload) => signJwt({ alg }, payload, untrusted.privateKey),
      cleanup,
    };
  }
  const file = join(dir, 'jwks.json');
  const jwk = { ...trusted.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg };
  writeFileSync(file, JSON.stringify({ keys: [jwk] }));
  return {
    alg,
    env: { AUTH_JWKS_FILE: file },
    sign: (payload) => signJwt({ alg, kid: 'k1' }, payload, trusted.privateKey),
    signWithWrongKey: (payload) => signJwt({ alg, kid: 'k1' }, payload, untrusted.privateKey),
    cleanup,
  };
}

/** Seconds since the epoch, as JWT time claims count them. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
