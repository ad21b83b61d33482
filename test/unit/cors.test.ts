/** CORS policy (case 014): exact-origin echo with credentials, never `*` with credentials. */
import { describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createCors, createCorsPolicy } from '../../src/http/cors.ts';
import { GatewayError } from '../../src/errors.ts';

const APP = 'https://app.example';
const EVIL = 'https://evil.example';

/** A stand-in for the gateway's routes: a stream, a JSON route, an error, a redirect. */
function appWith(origins?: string[]): Hono {
  const app = new Hono();
  app.use('*', createCors(origins));
  app.get('/sse/:stream', () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('retry: 2000\n\n'));
      },
    });
    const headers = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
    return new Response(body, { headers });
  });
  app.get('/health', (c) => c.json({ status: 'ok', clients: 0 }, 200, { vary: 'Accept-Encoding' }));
  app.get('/denied', () => {
    throw new GatewayError('unauthorized', 'a token is required');
  });
  app.get('/moved', () => Response.redirect('https://gw.test/health', 302));
  app.onError((error, c) => {
    const gatewayError = error instanceof GatewayError ? error : new GatewayError('internal', 'x');
    return c.json(gatewayError.toBody(), gatewayError.status as 401 | 500);
  });
  return app;
}

const cors = (response: Response): Record<string, string | null> => ({
  origin: response.headers.get('access-control-allow-origin'),
  credentials: response.headers.get('access-control-allow-credentials'),
  expose: response.headers.get('access-control-expose-headers'),
  vary: response.headers.get('vary'),
});

async function get(app: Hono, path: string, origin?: string): Promise<Response> {
  const headers: Record<string, string> = { accept: 'text/event-stream', cookie: 'access_token=t' };
  if (origin !== undefined) headers.origin = origin;
  const response = await app.request(path, { headers });
  await response.body?.cancel();
  return response;
}

function preflight(app: Hono, origin: string): Promise<Response> {
  return Promise.resolve(
    app.request('/sse/chain-feed?symbols=SPX', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'last-event-id, authorization, cache-control',
      },
    }),
  );
}

describe('CORS with an allow-list', () => {
  const app = appWith([APP]);

  test('echoes an allowed origin with credentials and Vary: Origin on a stream', async () => {
    const response = await get(app, '/sse/chain-feed?symbols=SPX', APP);
    expect(response.status).toBe(200);
    expect(cors(response)).toEqual({
      origin: APP,
      credentials: 'true',
      expose: 'retry-after, www-authenticate',
      vary: 'Origin',
    });
  });

  test('sends no Access-Control-Allow-Origin to an origin not on the list', async () => {
    const response = await get(app, '/sse/chain-feed', EVIL);
    const none = { origin: null, credentials: null, expose: null };
    expect(cors(response)).toEqual({ ...none, vary: 'Origin' });
  });

  test('does not allow the opaque origin "null"', async () => {
    expect(cors(await get(app, '/sse/chain-feed', 'null')).origin).toBeNull();
  });

  test('answers a preflight with 204, GET, resume and auth headers and a max-age', async () => {
    const response = await preflight(app, APP);
    expect(response.status).toBe(204);
    const allowHeaders = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const header of ['last-event-id', 'authorization', 'cache-control', 'content-type']) {
      expect(allowHeaders.split(/\s*,\s*/)).toContain(header);
    }
    expect(response.headers.get('access-control-allow-methods')).toContain('GET');
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(cors(response).origin).toBe(APP);
    expect(cors(response).credentials).toBe('true');
  });

  test('answers a preflight from a foreign origin without allowing it', async () => {
    const response = await preflight(app, EVIL);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  test('gives a stream, a JSON route, an error and a 404 the same CORS headers', async () => {
    const stream = cors(await get(app, '/sse/chain-feed', APP));
    const denied = await get(app, '/denied', APP);
    expect(denied.status).toBe(401);
    expect(cors(denied)).toEqual(stream);
    expect(cors(await get(app, '/nowhere', APP))).toEqual(stream);
    // The JSON route had its own Vary, which must be kept next to Origin.
    const json = cors(await get(app, '/health', APP));
    expect(json).toEqual({ ...stream, vary: 'Accept-Encoding, Origin' });
  });

  test('decorates a redirect (its headers are mutable on Bun)', async () => {
    const response = await get(app, '/moved', APP);
    expect(response.status).toBe(302);
    expect(cors(response).origin).toBe(APP);
  });

  test('decorates a redirect on Node, where its headers are immutable', () => {
    // Node freezes Response.redirect headers (Bun 1.4.5 does not), so only Node takes the
    // middleware's copy-then-decorate path; the child proves it is Node, not a bun shim.
    const script = [
      "import { Hono } from 'hono';",
      "import { createCors } from './src/http/cors.ts';",
      'const app = new Hono();',
      `app.use('*', createCors(['${APP}']));`,
      "app.get('/moved', () => Response.redirect('https://gw.test/health', 302));",
      `const res = await app.request('/moved', { headers: { origin: '${APP}' } });`,
      "let frozen = false; try { Response.redirect('https://x.test').headers.set('a', 'b'); }",
      'catch { frozen = true; }',
      'console.log(JSON.stringify({ runtime: process.release.name, bun: !!process.versions.bun,',
      "  frozen, status: res.status, origin: res.headers.get('access-control-allow-origin') }));",
    ].join('\n');
    const args = ['--import', 'tsx', '--input-type=module', '--eval', script];
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawnSync('node', args, { cwd: root, encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({
      runtime: 'node',
      bun: false,
      frozen: true,
      status: 302,
      origin: APP,
    });
  });
});

describe('CORS with the default wildcard', () => {
  const app = appWith();

  test('allows any origin with * and never with credentials', async () => {
    for (const origin of [APP, EVIL, undefined]) {
      const response = await get(app, '/sse/chain-feed', origin);
      expect(cors(response).origin).toBe('*');
      expect(cors(response).credentials).toBeNull();
    }
  });

  test('answers a preflight with * and no credentials', async () => {
    const response = await preflight(app, EVIL);
    expect(response.status).toBe(204);
    expect(cors(response).origin).toBe('*');
    expect(cors(response).credentials).toBeNull();
  });
});

describe('createCorsPolicy', () => {
  test('matches a configured origin written with case, default port and trailing slash', () => {
    const policy = createCorsPolicy(['HTTPS://App.Example:443/']);
    expect(policy.headersFor(APP)['access-control-allow-origin']).toBe(APP);
  });

  test('refuses * mixed with origins, a path, and a non-http origin', () => {
    for (const origins of [['*', APP], [`${APP}/app`], ['file:///tmp'], ['app.example']]) {
      expect(() => createCorsPolicy(origins)).toThrow(GatewayError);
    }
  });

  test('allows no origin at all with an empty list', () => {
    expect(createCorsPolicy([]).headersFor(APP)).toEqual({ vary: 'Origin' });
  });

  test('appends Origin to an existing Vary only once', () => {
    const headers = new Headers({ vary: 'Accept-Encoding' });
    const policy = createCorsPolicy([APP]);
    policy.apply(headers, APP);
    policy.apply(headers, APP);
    expect(headers.get('vary')).toBe('Accept-Encoding, Origin');
  });
});
