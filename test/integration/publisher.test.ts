// The demo publisher against a real redis-server: entry shape, keys, numbering, trimming, rate.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { freePort, waitFor } from '../../src/demo/child-process.ts';
import { createMarket } from '../../src/demo/option-model.ts';
import { createPublisher, type PublisherOptions } from '../../src/demo/publisher.ts';
import { createRandom } from '../../src/demo/random.ts';
import { type RedisServer, startRedisServer } from '../../src/demo/redis-server.ts';
import { GatewayError } from '../../src/errors.ts';

let server: RedisServer;
let redis: Redis;
let prefixCount = 0;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

/** A publisher on its own key prefix, so tests in this file never see each other's entries. */
function publisherFor(extra: Partial<PublisherOptions> = {}) {
  const prefix = `t${++prefixCount}:`;
  const publisher = createPublisher({
    redisUrl: server.url,
    prefix,
    ratePerSecond: 100,
    market: createMarket({ random: createRandom(prefixCount) }),
    ...extra,
  });
  return { prefix, publisher };
}

type Fields = Record<string, string>;
async function entries(key: string): Promise<{ id: string; fields: Fields }[]> {
  const rows = await redis.xrange(key, '-', '+');
  return rows.map(([id, flat]) => {
    const fields: Fields = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    return { id, fields };
  });
}

describe('demo publisher', () => {
  test('writes chain entries with a json payload and a symbol field under its prefix', async () => {
    const { prefix, publisher } = publisherFor();
    await publisher.connect();
    const before = Date.now();
    await publisher.publishBatch(40);
    await publisher.stop();
    const written = await entries(`${prefix}chain-feed`);
    expect(written).toHaveLength(40);
    for (const { fields } of written) {
      const payload = JSON.parse(fields.json ?? 'null') as Record<string, unknown>;
      expect(Object.keys(payload).sort()).toEqual(
        [
          'ask',
          'bid',
          'delta',
          'expiry',
          'gamma',
          'iv',
          'right',
          'seq',
          'strike',
          'symbol',
          'theta',
          'ts',
          'vega',
        ].sort(),
      );
      expect(fields.symbol).toBe(payload.symbol as string);
      expect(['SPX', 'QQQ']).toContain(fields.symbol ?? 'missing');
      expect(payload.ts as number).toBeGreaterThanOrEqual(before);
      expect(payload.expiry as string).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(await redis.keys(`${prefix}*`)).toEqual(
      expect.arrayContaining([`${prefix}chain-feed`, `${prefix}timeseries`]),
    );
    expect(await redis.keys('sse:*')).toEqual([]);
  });

  test('writes one time-series point per symbol when its interval is due', async () => {
    const { prefix, publisher } = publisherFor({ spotIntervalMs: 1000 });
    await publisher.connect();
    const t0 = Date.now();
    await publisher.publishBatch(1, t0);
    await publisher.publishBatch(1, t0 + 500);
    await publisher.publishBatch(1, t0 + 1000);
    await publisher.stop();
    const points = (await entries(`${prefix}timeseries`)).map((e) => JSON.parse(e.fields.json!));
    expect(points.map((p) => [p.symbol, p.seq, p.ts])).toEqual([
      ['SPX', 1, t0],
      ['QQQ', 1, t0],
      ['SPX', 2, t0 + 1000],
      ['QQQ', 2, t0 + 1000],
    ]);
    expect(publisher.counts).toEqual({ chain: 3, timeseries: 4 });
  });

  test("numbers each symbol's chain entries without holes, in stream order", async () => {
    const { prefix, publisher } = publisherFor();
    await publisher.connect();
    for (let i = 0; i < 5; i++) await publisher.publishBatch(200);
    await publisher.stop();
    const last: Record<string, number> = {};
    for (const { fields } of await entries(`${prefix}chain-feed`)) {
      const { symbol, seq } = JSON.parse(fields.json!) as { symbol: string; seq: number };
      expect(seq).toBe((last[symbol] ?? 0) + 1);
      last[symbol] = seq;
    }
    expect((last.SPX ?? 0) + (last.QQQ ?? 0)).toBe(1000);
  });

  test('trims its streams to about MAXLEN entries', async () => {
    const { prefix, publisher } = publisherFor({ maxLen: 100 });
    await publisher.connect();
    for (let i = 0; i < 10; i++) await publisher.publishBatch(300);
    await publisher.stop();
    // `MAXLEN ~` trims whole stream nodes (100 entries each by default), so allow one node more.
    const length = await redis.xlen(`${prefix}chain-feed`);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(300);
  });

  test('publishes at about the configured rate once started', async () => {
    const { prefix, publisher } = publisherFor({ ratePerSecond: 400 });
    await publisher.connect();
    const started = Date.now();
    publisher.start();
    await waitFor('200 published entries', () => publisher.counts.chain >= 200, 5000, 10);
    const elapsed = Date.now() - started;
    await publisher.stop();
    // 200 entries at 400/s take 0.5 s; a publisher that ignored the rate would be far quicker.
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(2000);
    expect(await redis.xlen(`${prefix}chain-feed`)).toBe(publisher.counts.chain);
  });

  test('refuses to start with redis_unavailable when nothing listens at REDIS_URL', async () => {
    const port = await freePort();
    const publisher = createPublisher({
      redisUrl: `redis://127.0.0.1:${port}`,
      prefix: 'none:',
      ratePerSecond: 1,
      market: createMarket({ random: createRandom(1) }),
    });
    const failure = await publisher.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).code).toBe('redis_unavailable');
  });
});
