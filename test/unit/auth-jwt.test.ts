/** JWT verification: algorithms, keys, time claims, rejection of forged and malformed tokens. */
import { beforeAll, describe, expect, test } from 'bun:test';
import {
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { createAuthenticator, type Authenticator, type AuthOptions } from '../../src/auth/index.ts';
import { GatewayError } from '../../src/errors.ts';
import { createSelfSignedCert } from '../helpers/certs.ts';

const SECRET = 'test-secret-of-at-least-thirty-two-bytes!';
const NOW_MS = Date.UTC(2026, 0, 1);
const NOW_S = NOW_MS / 1000;

type Alg = 'HS256' | 'RS256' | 'ES256' | 'none';
type Header = Record<string, unknown> & { alg: Alg };

const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

/** Signs a compact JWT with node:crypto, independently of the code under test. */
function signJwt(header: Header, payload: object, key: KeyObject | string | null): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const data = Buffer.from(input);
  let signature = '';
  if (header.alg === 'HS256') {
    signature = b64url(
      createHmac('sha256', key as string)
        .update(data)
        .digest(),
    );
  }
  if (header.alg === 'RS256') signature = b64url(sign('sha256', data, key as KeyObject));
  if (header.alg === 'ES256') {
    const options = { key: key as KeyObject, dsaEncoding: 'ieee-p1363' as const };
    signature = b64url(sign('sha256', data, options));
  }
  return `${input}.${signature}`;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();
const jwk = (key: KeyObject, kid: string): object => ({ ...key.export({ format: 'jwk' }), kid });

function build(options: Partial<AuthOptions>): Authenticator {
  const auth = createAuthenticator({ tokens: [], now: () => NOW_MS, ...options });
  if (auth === null) throw new Error('expected auth to be configured');
  return auth;
}

function withBearer(token: string): [Request, URL] {
  const url = new URL('http://gw.test/sse');
  return [new Request(url, { headers: { authorization: `Bearer ${token}` } }), url];
}

/** Resolves to the GatewayError a rejected authentication carries, failing otherwise. */
async function rejection(auth: Authenticator, token: string): Promise<GatewayError> {
  try {
    await auth.authenticate(...withBearer(token));
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    expect(error.message).not.toContain(token);
    expect(String(error.cause ?? '')).not.toContain(token);
    return error;
  }
  throw new Error('authentication unexpectedly succeeded');
}

describe('JWT algorithms and keys', () => {
  let hs: Authenticator;
  beforeAll(() => {
    hs = build({ jwtSecret: SECRET });
  });

  test('accepts an HS256 token signed with the configured secret', async () => {
    const token = signJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'u1', exp: NOW_S + 60 }, SECRET);
    const principal = await hs.authenticate(...withBearer(token));
    expect(principal.key).toMatch(/^sub:[0-9a-f]{16}$/);
    expect(principal.expiresAtMs).toBe((NOW_S + 60) * 1000);
  });

  test('accepts an RS256 token checked with an SPKI PEM public key', async () => {
    const auth = build({ jwtPublicKeyPem: pem(rsa.publicKey) });
    const token = signJwt({ alg: 'RS256' }, { sub: 'u1' }, rsa.privateKey);
    expect((await auth.authenticate(...withBearer(token))).key).toMatch(/^sub:/);
  });

  test('accepts an RS256 token checked with a PKCS#1 PEM public key', async () => {
    const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const auth = build({ jwtPublicKeyPem: pkcs1 });
    const token = signJwt({ alg: 'RS256' }, {}, rsa.privateKey);
    expect((await auth.authenticate(...withBearer(token))).key).toMatch(/^jwt:[0-9a-f]{16}$/);
  });

  test('accepts an ES256 token checked with an EC P-256 PEM public key', async () => {
    const auth = build({ jwtPublicKeyPem: pem(ec.publicKey) });
    const token = signJwt({ alg: 'ES256' }, { sub: 'u2' }, ec.privateKey);
    expect((await auth.authenticate(...withBearer(token))).key).toMatch(/^sub:/);
  });

  test('accepts an ES256 token checked with the key of a PEM certificate', async () => {
    const cert = createSelfSignedCert();
    try {
      const auth = build({ jwtPublicKeyPem: cert.cert });
      const token = signJwt({ alg: 'ES256' }, { sub: 'u3' }, createPrivateKey(cert.key));
      expect((await auth.authenticate(...withBearer(token))).key).toMatch(/^sub:/);
    } finally {
      cert.cleanup();
    }
  });

  test('picks the JWKS key named by the token kid', async () => {
    const auth = build({ jwks: { keys: [jwk(rsa.publicKey, 'r1'), jwk(ec.publicKey, 'e1')] } });
    const rs = signJwt({ alg: 'RS256', kid: 'r1' }, { sub: 'a' }, rsa.privateKey);
    const es = signJwt({ alg: 'ES256', kid: 'e1' }, { sub: 'b' }, ec.privateKey);
    expect((await auth.authenticate(...withBearer(rs))).key).toMatch(/^sub:/);
    expect((await auth.authenticate(...withBearer(es))).key).toMatch(/^sub:/);
  });

  test('rejects a token whose kid names no JWKS key', async () => {
    const auth = build({ jwks: { keys: [jwk(rsa.publicKey, 'r1')] } });
    const token = signJwt({ alg: 'RS256', kid: 'r2' }, {}, rsa.privateKey);
    expect((await rejection(auth, token)).message).toContain('kid');
  });

  test('rejects a token without kid when only a JWKS is configured', async () => {
    const auth = build({ jwks: { keys: [jwk(rsa.publicKey, 'r1')] } });
    const token = signJwt({ alg: 'RS256' }, {}, rsa.privateKey);
    expect((await rejection(auth, token)).message).toContain('needs a kid');
  });

  test('rejects a token whose kid names a key of another algorithm', async () => {
    const auth = build({ jwks: { keys: [jwk(rsa.publicKey, 'r1'), jwk(ec.publicKey, 'e1')] } });
    const token = signJwt({ alg: 'ES256', kid: 'r1' }, {}, ec.privateKey);
    expect((await rejection(auth, token)).message).toContain('does not match the key');
  });

  test('rejects a token signed by another key', async () => {
    const auth = build({ jwtPublicKeyPem: pem(rsa.publicKey) });
    const token = signJwt({ alg: 'RS256' }, {}, otherRsa.privateKey);
    expect((await rejection(auth, token)).message).toContain('signature is wrong');
  });

  test('rejects an HS256 token signed with another secret', async () => {
    const token = signJwt({ alg: 'HS256' }, {}, `${SECRET}-but-different`);
    expect((await rejection(hs, token)).message).toContain('signature is wrong');
  });

  test('rejects alg none, even with claims that would otherwise pass', async () => {
    const token = signJwt({ alg: 'none', typ: 'JWT' }, { sub: 'admin' }, null);
    expect((await rejection(hs, token)).message).toContain('not accepted');
  });

  test('rejects an HS256 token keyed with the public PEM (algorithm confusion)', async () => {
    const publicPem = pem(rsa.publicKey);
    const auth = build({ jwtPublicKeyPem: publicPem });
    const token = signJwt({ alg: 'HS256' }, { sub: 'admin' }, publicPem);
    expect((await rejection(auth, token)).message).toContain('HS256');
  });

  test('rejects an RS256 token when the configured PEM key is EC', async () => {
    const auth = build({ jwtPublicKeyPem: pem(ec.publicKey) });
    const token = signJwt({ alg: 'RS256' }, {}, rsa.privateKey);
    expect((await rejection(auth, token)).message).toContain('does not match the key');
  });

  test('rejects a header with a crit parameter it cannot honour', async () => {
    const token = signJwt({ alg: 'HS256', crit: ['exp'] }, {}, SECRET);
    expect((await rejection(hs, token)).message).toContain('header is not accepted');
  });
});

describe('JWT time claims', () => {
  const auth = build({ jwtSecret: SECRET });
  const token = (payload: object): string => signJwt({ alg: 'HS256' }, payload, SECRET);

  test('rejects a token whose exp has passed', async () => {
    expect((await rejection(auth, token({ exp: NOW_S - 1 }))).message).toContain('expired');
  });

  test('rejects a token whose exp is exactly now', async () => {
    expect((await rejection(auth, token({ exp: NOW_S }))).message).toContain('expired');
  });

  test('rejects a token whose nbf is in the future', async () => {
    expect((await rejection(auth, token({ nbf: NOW_S + 5 }))).message).toContain('nbf');
  });

  test('accepts a token whose nbf has been reached', async () => {
    const principal = await auth.authenticate(...withBearer(token({ nbf: NOW_S })));
    expect(principal.expiresAtMs).toBeUndefined();
  });

  test('rejects an exp that is not a number', async () => {
    expect((await rejection(auth, token({ exp: `${NOW_S + 60}` }))).message).toContain('exp');
  });
});

describe('malformed JWTs', () => {
  const auth = build({ jwtSecret: SECRET });
  const valid = signJwt({ alg: 'HS256' }, { sub: 'u' }, SECRET);
  const [h, p, s] = valid.split('.') as [string, string, string];
  const cases: [string, string, string][] = [
    ['three parts that are not base64url JSON', 'abc.def.ghi', 'not a well-formed JWT'],
    ['a header that is JSON null', `${b64url('null')}.${p}.${s}`, 'header is invalid'],
    [
      'a header with typ other than JWT',
      `${b64url('{"alg":"HS256","typ":"xml"}')}.${p}.${s}`,
      'header is not accepted',
    ],
    [
      'a payload changed after signing',
      `${h}.${b64url('{"sub":"admin"}')}.${s}`,
      'signature is wrong',
    ],
    ['an empty signature', `${h}.${p}.`, 'signature is wrong'],
    ['a signature with padding', `${h}.${p}.${s}=`, 'not a well-formed JWT'],
  ];
  for (const [name, token, reason] of cases) {
    test(`rejects ${name}`, async () => {
      expect((await rejection(auth, token)).message).toContain(reason);
    });
  }
});
