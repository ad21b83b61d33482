/** Long quiet periods, Redis outages and graceful shutdown, on both runtimes. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { openSse } from '../helpers/sse-client.ts';

const CHAIN = 'sse:chain-feed';

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`lifecycle on ${runtime}`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;
    const health = async () => {
      const response = await fetch(`${gateway.url}/health`);
      return { status: response.status, body: await response.json() };
    };

    beforeAll(async () => {
      redis = await startRedis();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        HEARTBEAT_MS: '30000',
        READ_BLOCK_MS: '500',
      });
      await waitUntil(async () => (await health()).status === 200, 10_000, 'healthy gateway');
    });

    afterAll(async () => {
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    test(
      'keeps a connection open through 11 s without any traffic',
      async () => {
        const sse = await openSse(`${gateway.url}/sse/chain-feed?symbols=QUIET`);
        await sse.waitForEvents(1, 5000, (e) => e.type === 'connected');
        await Bun.sleep(11_000);
        const id = await publish(redis.client, CHAIN, { symbol: 'QUIET', seq: 1 });
        const [event] = await sse.waitForEvents(1, 5000);
        expect(event?.id).toBe(id);
        expect(sse.comments).toEqual([]); // nothing was sent in between: no heartbeat hid it
        sse.close();
      },
      { timeout: 30_000 },
    );

    test('survives Redis going away: 503 while down, 200 after, clients kept', async () => {
      const sse = await openSse(`${gateway.url}/sse/chain-feed?symbols=OUT`);
      await sse.waitForEvents(1, 5000, (e) => e.type === 'connected');
      await publish(redis.client, CHAIN, { symbol: 'OUT', seq: 1 });
      await sse.waitForEvents(1);
      await redis.kill();
      await waitUntil(async () => (await health()).status === 503, 10_000, '503 while down');
      expect((await health()).body.status).not.toBe('ok');
      const during = await openSse(`${gateway.url}/sse/chain-feed?symbols=OUT`);
      expect(during.status).toBe(200);
      await redis.restart();
      await waitUntil(async () => (await health()).status === 200, 15_000, '200 after');
      await publish(redis.client, CHAIN, { symbol: 'OUT', seq: 2 });
      for (const client of [sse, during]) {
        const events = await client.waitForEvents(1, 10_000, (e) => e.data.includes('"seq":2'));
        expect(events.length).toBe(1);
        client.close();
      }
      expect(sse.entries().map((e) => JSON.parse(e.data).seq)).toEqual([1, 2]);
    }, 40_000);

    test('on SIGTERM tells clients to reconnect, then exits 0', async () => {
      const sse = await openSse(`${gateway.url}/sse/chain-feed`);
      await sse.waitForEvents(1, 5000, (e) => e.type === 'connected');
      const code = await gateway.stop('SIGTERM');
      await sse.ended;
      expect(sse.events.at(-1)?.type).toBe('shutdown');
      expect(code).toBe(0);
    });
  });
}
