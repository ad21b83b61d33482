/** The authenticator on Node.js: Hono's JWT code and node:crypto must behave as on Bun. */
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Runs in a Node child: signs one token per algorithm and authenticates each, plus a
// static token, and reports which runtime it really ran on (bun may shim `node` on PATH).
const SCRIPT = `
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { createAuthenticator } from './src/auth/index.ts';
const b64 = (v) => Buffer.from(v).toString('base64url');
const secret = 'node-runtime-secret-of-32-bytes-or-more';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = (k, kid) => ({ ...k.export({ format: 'jwk' }), kid });
const token = (alg, kid, signer) => {
  const input = b64(JSON.stringify({ alg, kid })) + '.' + b64(JSON.stringify({ sub: alg }));
  return input + '.' + b64(signer(Buffer.from(input)));
};
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ecKey = { key: ec.privateKey, dsaEncoding: 'ieee-p1363' };
const tokens = {
  HS256: token('HS256', undefined, (d) => createHmac('sha256', secret).update(d).digest()),
  RS256: token('RS256', 'r', (d) => sign('sha256', d, rsa.privateKey)),
  ES256: token('ES256', 'e', (d) => sign('sha256', d, ecKey)),
  forged: token('RS256', 'r', (d) => sign('sha256', d, stranger)),
  static: 'node-static-token',
};
const auth = createAuthenticator({
  tokens: ['node-static-token'],
  jwtSecret: secret,
  jwks: { keys: [jwk(rsa.publicKey, 'r'), jwk(ec.publicKey, 'e')] },
});
const url = new URL('http://gw.test/sse');
const results = {};
for (const [name, t] of Object.entries(tokens)) {
  const request = new Request(url, { headers: { authorization: 'Bearer ' + t } });
  const outcome = auth.authenticate(request, url);
  results[name] = await outcome.then((p) => p.key.split(':')[0], (e) => e.code);
}
const runtime = process.release.name;
console.log(JSON.stringify({ runtime, bun: process.versions.bun ?? null, results }));
`;

test('verifies HS256, RS256, ES256 and static tokens, and rejects a forgery, on Node', () => {
  const child = spawnSync('node', ['--import', 'tsx', '--input-type=module', '--eval', SCRIPT], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(child.stderr).toBe('');
  const report = JSON.parse(child.stdout) as { runtime: string; bun: string | null };
  expect(report).toEqual({
    runtime: 'node',
    bun: null,
    results: { HS256: 'sub', RS256: 'sub', ES256: 'sub', forged: 'unauthorized', static: 'tok' },
  } as typeof report);
});
