/** Case 014 with CORS_ORIGINS=https://app.example: streams, JSON errors and preflight. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { type SseConnection, openSse } from '../helpers/sse-client.ts';

const APP = 'https://app.example';
const EVIL = 'https://evil.example';
const TOKEN = 'tok-cors-6d0e2b8f41a9';
const CHAIN = 'sse:chain-feed';

/** The CORS-related headers of a response, for comparing two responses' policies. */
function corsHeaders(headers: Headers): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name.startsWith('access-control-') || name === 'vary') picked[name] = value;
  }
  return picked;
}

const varyHasOrigin = (headers: Headers) =>
  (headers.get('vary') ?? '').split(',').some((v) => v.trim().toLowerCase() === 'origin');

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`CORS allow-list on ${runtime}`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;
    const open: SseConnection[] = [];
    const connect = async (path: string, headers: Record<string, string>) => {
      const sse = await openSse(`${gateway.url}${path}`, headers);
      open.push(sse);
      if (sse.status === 200) await sse.waitForEvents(1, 5000, (e) => e.type === 'connected');
      return sse;
    };
    const fromApp = { Origin: APP, Cookie: `access_token=${TOKEN}` };
    const expectAppAllowed = (headers: Headers) => {
      expect(headers.get('access-control-allow-origin')).toBe(APP);
      expect(headers.get('access-control-allow-credentials')).toBe('true');
      expect(varyHasOrigin(headers)).toBe(true);
    };
    const preflight = (origin: string) =>
      fetch(`${gateway.url}/sse/chain-feed?symbols=SPX`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'last-event-id, authorization, cache-control',
        },
      });

    beforeAll(async () => {
      redis = await startRedis();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        CORS_ORIGINS: APP,
        AUTH_TOKENS: TOKEN,
      });
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 10_000, 'health');
    });

    afterAll(async () => {
      for (const sse of open) sse.close();
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    test('echoes the allowed origin with credentials on a stream, and entries flow', async () => {
      const sse = await connect('/sse/chain-feed?symbols=SPX', fromApp);
      expect(sse.status).toBe(200);
      expectAppAllowed(sse.headers);
      const id = await publish(redis.client, CHAIN, { symbol: 'SPX', n: 1 });
      await sse.waitForEvents(1, 5000, (e) => e.id === id);
      sse.close();
    });

    test('sends the same CORS headers on a resumed stream', async () => {
      const first = await publish(redis.client, CHAIN, { symbol: 'SPX', n: 2 });
      const next = await publish(redis.client, CHAIN, { symbol: 'SPX', n: 3 });
      const resuming = { ...fromApp, 'Last-Event-ID': first };
      const sse = await connect('/sse/chain-feed?symbols=SPX', resuming);
      expect(sse.status).toBe(200);
      expectAppAllowed(sse.headers);
      const [event] = await sse.waitForEvents(1, 5000);
      expect(event?.id).toBe(next);
      sse.close();
    });

    test('puts the same CORS headers on streams, JSON routes and JSON errors', async () => {
      const stream = await connect('/sse/chain-feed', fromApp);
      stream.close();
      const health = await fetch(`${gateway.url}/health`, { headers: { Origin: APP } });
      await health.arrayBuffer();
      const unauthorized = await connect('/sse/chain-feed', { Origin: APP });
      const unknown = await connect('/sse/nope', fromApp);
      const badQuery = await connect('/sse/chain-feed?symbols=,', fromApp);
      expect([unauthorized.status, unknown.status, badQuery.status]).toEqual([401, 404, 400]);
      expectAppAllowed(stream.headers);
      for (const other of [health, unauthorized, unknown, badQuery]) {
        expect(corsHeaders(other.headers)).toEqual(corsHeaders(stream.headers));
      }
      // A fetch-based client must be able to read why it was refused and when to retry.
      const exposed = unauthorized.headers.get('access-control-expose-headers')?.toLowerCase();
      expect(exposed).toContain('www-authenticate');
      expect(exposed).toContain('retry-after');
    });

    test('gives another origin no Access-Control-Allow-Origin on streams or errors', async () => {
      const cookie = `access_token=${TOKEN}`;
      const sse = await connect('/sse/chain-feed', { Origin: EVIL, Cookie: cookie });
      expect(sse.headers.get('access-control-allow-origin')).toBeNull();
      expect(sse.headers.get('access-control-allow-credentials')).toBeNull();
      expect(varyHasOrigin(sse.headers)).toBe(true);
      sse.close();
      const denied = await connect('/sse/chain-feed', { Origin: EVIL });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
      const opaque = await connect('/sse/chain-feed', { Origin: 'null', Cookie: cookie });
      expect(opaque.headers.get('access-control-allow-origin')).toBeNull();
      opaque.close();
    });

    test('allows in a preflight every header a resuming client sends', async () => {
      const response = await preflight(APP);
      expect([200, 204]).toContain(response.status);
      expectAppAllowed(response.headers);
      const methods = (response.headers.get('access-control-allow-methods') ?? '').toUpperCase();
      expect(methods.split(',').map((m) => m.trim())).toContain('GET');
      const allowed = (response.headers.get('access-control-allow-headers') ?? '')
        .toLowerCase()
        .split(',')
        .map((h) => h.trim());
      for (const header of ['last-event-id', 'authorization', 'cache-control']) {
        expect(allowed).toContain(header);
      }
    });

    test('answers a preflight from another origin without allowing it', async () => {
      const response = await preflight(EVIL);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('access-control-allow-headers')).toBeNull();
    });
  });
}
