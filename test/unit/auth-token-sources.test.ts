/** Where tokens come from, which source wins, and static tokens compared in constant time. */
import { describe, expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import {
  constantTimeEqual,
  createAuthenticator,
  type Authenticator,
} from '../../src/auth/index.ts';
import { GatewayError } from '../../src/errors.ts';

const GOOD = 'static-token-0123456789abcdef';
const OTHER = 'static-token-fedcba9876543210';
const SECRET = 'source-test-secret-that-is-32-bytes-or-more';

function staticAuth(tokens: string[] = [GOOD, OTHER]): Authenticator {
  const auth = createAuthenticator({ tokens });
  if (auth === null) throw new Error('expected auth to be configured');
  return auth;
}

type Sources = { header?: string; cookie?: string; query?: string };

function attempt(auth: Authenticator, { header, cookie, query }: Sources) {
  const url = new URL('http://gw.test/sse/chain-feed');
  if (query !== undefined) url.searchParams.set('token', query);
  const headers = new Headers();
  if (header !== undefined) headers.set('authorization', header);
  if (cookie !== undefined) headers.set('cookie', cookie);
  return auth.authenticate(new Request(url, { headers }), url);
}

/** The message of the `unauthorized` error `run` rejects with; it must not echo any token. */
async function refusal(run: Promise<unknown>, ...secrets: string[]): Promise<string> {
  try {
    await run;
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    expect(error.code).toBe('unauthorized');
    for (const secret of secrets) expect(error.message).not.toContain(secret);
    return error.message;
  }
  throw new Error('authentication unexpectedly succeeded');
}

describe('createAuthenticator', () => {
  test('returns null when neither tokens nor JWT keys are configured', () => {
    expect(createAuthenticator({ tokens: [] })).toBeNull();
  });

  test('refuses a token list that holds only blanks, rather than turning auth off', () => {
    expect(() => createAuthenticator({ tokens: [' ', ''] })).toThrow(GatewayError);
  });

  test('accepts static tokens and JWTs side by side', async () => {
    const auth = createAuthenticator({ tokens: [GOOD], jwtSecret: SECRET });
    if (auth === null) throw new Error('expected auth to be configured');
    const input = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.e30`;
    const jwt = `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
    expect((await attempt(auth, { header: `Bearer ${GOOD}` })).key).toMatch(/^tok:/);
    expect((await attempt(auth, { header: `Bearer ${jwt}` })).key).toMatch(/^jwt:/);
  });
});

describe('token sources', () => {
  const auth = staticAuth();

  test('asks for a token, naming every way to send one, when none is present', async () => {
    const message = await refusal(attempt(auth, {}));
    expect(message).toContain('Authorization');
    expect(message).toContain('access_token');
  });

  test('accepts a token from each source on its own', async () => {
    for (const sources of [
      { header: `Bearer ${GOOD}` },
      { header: `bearer   ${GOOD}` },
      { cookie: `theme=dark; access_token=${GOOD}; other=1` },
      { cookie: `access_token="${encodeURIComponent(GOOD)}"` },
      { query: GOOD },
    ]) {
      expect((await attempt(auth, sources)).key).toMatch(/^tok:[0-9a-f]{16}$/);
    }
  });

  test('uses the header over a cookie and a query parameter', async () => {
    const sources = { header: 'Bearer wrong', cookie: `access_token=${GOOD}`, query: GOOD };
    const run = attempt(auth, sources);
    expect(await refusal(run, 'wrong')).toBe('the token is not valid');
  });

  test('uses the cookie over a query parameter', async () => {
    const run = attempt(auth, { cookie: 'access_token=wrong', query: GOOD });
    expect(await refusal(run, 'wrong')).toBe('the token is not valid');
  });

  test('refuses an Authorization header of another scheme instead of falling back', async () => {
    const run = attempt(auth, { header: 'Basic dXNlcjpwYXNz', cookie: `access_token=${GOOD}` });
    expect(await refusal(run, 'dXNlcjpwYXNz')).toContain('Bearer');
  });

  test('refuses a Bearer header with no token or with two', async () => {
    await refusal(attempt(auth, { header: 'Bearer', query: GOOD }));
    await refusal(attempt(auth, { header: `Bearer ${GOOD} ${OTHER}` }), GOOD, OTHER);
  });

  test('refuses an empty cookie or query parameter instead of falling back', async () => {
    expect(await refusal(attempt(auth, { cookie: 'access_token=', query: GOOD }))).toContain(
      'empty',
    );
    expect(await refusal(attempt(auth, { query: '' }))).toContain('empty');
  });
});

describe('static tokens', () => {
  const auth = staticAuth();

  test('gives each token its own stable key that does not contain it', async () => {
    const first = await attempt(auth, { header: `Bearer ${GOOD}` });
    const again = await attempt(auth, { query: GOOD });
    const other = await attempt(auth, { header: `Bearer ${OTHER}` });
    expect(first.key).toBe(again.key);
    expect(first.key).not.toBe(other.key);
    expect(first.key).not.toContain(GOOD.slice(0, 8));
  });

  test('refuses prefixes, extensions and case changes of a valid token', async () => {
    // Unequal lengths reach timingSafeEqual only as equal-length digests, so none throws.
    for (const near of [GOOD.slice(0, -1), `${GOOD}x`, GOOD.toUpperCase(), 'x'.repeat(5000)]) {
      const message = await refusal(attempt(auth, { header: `Bearer ${near}` }));
      expect(message).toBe('the token is not valid');
    }
  });

  test('compares strings of any length without throwing', () => {
    expect(constantTimeEqual(GOOD, GOOD)).toBe(true);
    expect(constantTimeEqual(GOOD, `${GOOD}x`)).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });
});
