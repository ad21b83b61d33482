/** JWT claims (streams, symbols, sub) become the principal; bad key material fails at start-up. */
import { describe, expect, test } from 'bun:test';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { createAuthenticator, type Principal } from '../../src/auth/index.ts';
import { GatewayError } from '../../src/errors.ts';

const SECRET = 'claims-test-secret-that-is-32-bytes-or-more';
const b64url = (value: string): string => Buffer.from(value).toString('base64url');

function hs256(payload: object, secret = SECRET): string {
  const input = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

async function principalOf(payload: object): Promise<Principal> {
  const auth = createAuthenticator({ tokens: [], jwtSecret: SECRET });
  const url = new URL('http://gw.test/sse');
  const request = new Request(url, { headers: { authorization: `Bearer ${hs256(payload)}` } });
  if (auth === null) throw new Error('expected auth to be configured');
  return auth.authenticate(request, url);
}

/** The code of the GatewayError thrown by `run`, failing if it does not throw one. */
async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('JWT claims', () => {
  test('reads streams and symbols given as arrays, upper-casing symbols', async () => {
    const principal = await principalOf({ streams: ['chain-feed'], symbols: ['spx', 'QQQ'] });
    expect(principal.streams).toEqual(['chain-feed']);
    expect(principal.symbols).toEqual(['SPX', 'QQQ']);
  });

  test('reads streams and symbols given as comma-separated strings', async () => {
    const principal = await principalOf({ streams: 'chain-feed, timeseries,', symbols: 'spx,Spx' });
    expect(principal.streams).toEqual(['chain-feed', 'timeseries']);
    expect(principal.symbols).toEqual(['SPX']);
  });

  test('leaves streams and symbols unset when the claims are absent', async () => {
    const principal = await principalOf({ sub: 'u' });
    expect(principal.streams).toBeUndefined();
    expect(principal.symbols).toBeUndefined();
  });

  test('keeps an empty claim as an empty list, which allows nothing', async () => {
    expect((await principalOf({ streams: [], symbols: '' })).streams).toEqual([]);
  });

  test('rejects a streams claim that is neither a string nor a list of strings', async () => {
    expect(await codeOf(() => principalOf({ streams: 42 }))).toBe('unauthorized');
    expect(await codeOf(() => principalOf({ symbols: ['SPX', 1] }))).toBe('unauthorized');
  });

  test('derives the same key from two tokens of one subject and issuer', async () => {
    const first = await principalOf({ sub: 'alice', iss: 'idp', exp: 4102444800 });
    const second = await principalOf({ sub: 'alice', iss: 'idp', jti: 'other' });
    expect(first.key).toBe(second.key);
    expect(first.key).not.toContain('alice');
  });

  test('derives different keys for one subject of two issuers', async () => {
    const first = await principalOf({ sub: 'alice', iss: 'idp-a' });
    const second = await principalOf({ sub: 'alice', iss: 'idp-b' });
    expect(first.key).not.toBe(second.key);
  });
});

describe('JWT configuration', () => {
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const ed = generateKeyPairSync('ed25519');
  const spki = (key: typeof ed.publicKey): string =>
    key.export({ type: 'spki', format: 'pem' }).toString();

  test('refuses an HS256 secret shorter than 32 bytes', async () => {
    expect(await codeOf(() => createAuthenticator({ tokens: [], jwtSecret: 'short' }))).toBe(
      'invalid_config',
    );
  });

  test('refuses a PEM that is not a public key', async () => {
    const run = (): unknown => createAuthenticator({ tokens: [], jwtPublicKeyPem: 'nonsense' });
    expect(await codeOf(run)).toBe('invalid_config');
  });

  test('refuses an RSA key under 2048 bits and a key of an unsupported type', async () => {
    for (const pem of [spki(rsa1024.publicKey), spki(ed.publicKey)]) {
      expect(await codeOf(() => createAuthenticator({ tokens: [], jwtPublicKeyPem: pem }))).toBe(
        'invalid_config',
      );
    }
  });

  test('refuses a JWKS without a usable key, and one with a duplicate kid', async () => {
    const weak = { ...rsa1024.publicKey.export({ format: 'jwk' }), kid: 'w' };
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const good = { ...ec.export({ format: 'jwk' }), kid: 'k' };
    const jwksCases = [
      {},
      { keys: [weak, { kty: 'oct', k: 'c2VjcmV0', kid: 'h' }] },
      {
        keys: [good, good],
      },
    ];
    for (const jwks of jwksCases) {
      expect(await codeOf(() => createAuthenticator({ tokens: [], jwks }))).toBe('invalid_config');
    }
  });

  test('skips JWKS keys meant for encryption but keeps the signing ones', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sig = { ...publicKey.export({ format: 'jwk' }), kid: 's', use: 'sig' };
    const enc = { ...publicKey.export({ format: 'jwk' }), kid: 'e', use: 'enc' };
    const auth = createAuthenticator({ tokens: [], jwks: { keys: [sig, enc] } });
    const es256 = (kid: string): string => {
      const input = `${b64url(`{"alg":"ES256","kid":"${kid}"}`)}.${b64url('{}')}`;
      const key = { key: privateKey, dsaEncoding: 'ieee-p1363' as const };
      return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
    };
    const attempt = (kid: string): Promise<Principal> | undefined => {
      const url = new URL('http://gw.test/sse');
      const headers = { authorization: `Bearer ${es256(kid)}` };
      return auth?.authenticate(new Request(url, { headers }), url);
    };
    expect((await attempt('s'))?.key).toMatch(/^jwt:/);
    expect(await codeOf(() => attempt('e'))).toBe('unauthorized');
  });
});
