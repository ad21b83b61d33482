/** Case 011: a replay and /health do not wait behind the reader's parked XREAD BLOCK. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { isEntry, openRawSse } from '../helpers/raw-sse.ts';
import { type RedisServer, startRedis } from '../helpers/redis-server.ts';
import { range, report, seqOf, tally } from '../helpers/tally.ts';

const KEY = 'sse:chain-feed';
/** Far longer than any bound below: a request queued behind the BLOCK would show at once. */
const BLOCK_MS = 20_000;

/** Whether the gateway's reader connection is parked in a blocking XREAD right now. */
async function readerIsBlocked(redis: RedisServer): Promise<boolean> {
  const list = (await redis.client.call('CLIENT', 'LIST')) as string;
  return list
    .split('\n')
    .some((line) => line.includes('name=sse-gateway:reader') && / flags=\w*b/.test(line));
}

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`case 011 on ${runtime}: the blocking read is isolated`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;
    const ids: string[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      gateway = await startGateway(runtime, {
        REDIS_URL: redis.url,
        READ_BLOCK_MS: String(BLOCK_MS),
        HEARTBEAT_MS: '30000',
      });
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 15_000, 'health');
      for (let seq = 0; seq <= 100; seq++) {
        const json = `{"symbol":"SPX","seq":${seq}}`;
        ids.push((await redis.client.xadd(KEY, '*', 'json', json)) as string);
      }
    });

    afterAll(async () => {
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    test('a 100-entry replay starts within 300 ms and /health answers within 200 ms', async () => {
      await waitUntil(() => readerIsBlocked(redis), 10_000, 'the reader parked in XREAD BLOCK');
      const startedAt = performance.now();
      const sse = openRawSse({
        port: gateway.port,
        path: '/sse/chain-feed',
        headers: { 'Last-Event-ID': ids[0] as string },
      });
      const health = fetch(`${gateway.url}/health`).then((response) => {
        const ms = performance.now() - startedAt;
        return { status: response.status, ms };
      });
      await sse.waitFor(() => sse.events.some(isEntry), 5000, 'the first replayed entry');
      const firstMs = performance.now() - startedAt;
      await sse.waitFor(() => sse.events.filter(isEntry).length >= 100, 5000, '100 entries');
      const allMs = performance.now() - startedAt;
      const { status, ms: healthMs } = await health;
      const still = await readerIsBlocked(redis);
      sse.reset();
      const got = sse.events.filter(isEntry).map((e) => seqOf(e.data));
      report(`case 011 on ${runtime}`, tally(range(1, 100), got), {
        'first entry ms': Math.round(firstMs),
        'all 100 ms': Math.round(allMs),
        'health ms': Math.round(healthMs),
      });
      expect(got).toEqual(range(1, 100));
      expect(firstMs).toBeLessThan(300);
      expect(status).toBe(200);
      expect(healthMs).toBeLessThan(200);
      expect(still).toBe(true); // the read stayed parked: nothing above waited for it
    });

    test('the gateway holds two Redis connections, however many clients it serves', async () => {
      const count = async () => {
        const list = (await redis.client.call('CLIENT', 'LIST')) as string;
        return list.split('\n').filter((line) => line.includes('name=sse-gateway')).length;
      };
      const before = await count();
      const clients = Array.from({ length: 200 }, (_, i) =>
        openRawSse({
          port: gateway.port,
          path: '/sse/chain-feed',
          headers: { 'Last-Event-ID': ids[i % 100] as string },
          keepEvents: false,
        }),
      );
      for (const sse of clients) {
        await sse.waitFor(() => sse.stats.events >= 2, 10_000, 'a replayed entry');
      }
      const during = await count();
      for (const sse of clients) sse.reset();
      console.log(`[summary] case 011 on ${runtime}: redis connections ${before} -> ${during}`);
      expect(before).toBe(2);
      expect(during).toBe(2);
    });
  });
}
