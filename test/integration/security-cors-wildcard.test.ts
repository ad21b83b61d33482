/** Case 014 with the default CORS_ORIGINS=*: any origin, never with credentials. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { openSse } from '../helpers/sse-client.ts';

const APP = 'https://app.example';
const EVIL = 'https://evil.example';

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`CORS with the default * on ${runtime}`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;

    beforeAll(async () => {
      redis = await startRedis();
      gateway = await startGateway(runtime, { REDIS_URL: redis.url });
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 10_000, 'health');
    });

    afterAll(async () => {
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    test('allows any origin on a stream and an error, never with credentials', async () => {
      const sse = await openSse(`${gateway.url}/sse/chain-feed`, { Origin: EVIL });
      expect(sse.status).toBe(200);
      sse.close();
      const error = await openSse(`${gateway.url}/sse/nope`, { Origin: APP });
      expect(error.status).toBe(404);
      for (const headers of [sse.headers, error.headers]) {
        expect(headers.get('access-control-allow-origin')).toBe('*');
        expect(headers.get('access-control-allow-credentials')).toBeNull();
      }
    });

    test('answers a preflight with * and without credentials', async () => {
      const response = await fetch(`${gateway.url}/sse/chain-feed`, {
        method: 'OPTIONS',
        headers: {
          Origin: APP,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'last-event-id',
        },
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect((response.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain(
        'last-event-id',
      );
    });
  });
}
