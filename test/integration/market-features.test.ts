/** Snapshot, maxRate, since, where and history gaps, against a real Redis and gateway. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type GatewayProcess, type Runtime, startGateway } from '../helpers/gateway-process.ts';
import { waitUntil } from '../helpers/ports.ts';
import { type RedisServer, publish, startRedis } from '../helpers/redis-server.ts';
import { type SseConnection, openSse } from '../helpers/sse-client.ts';

const CHAIN = 'sse:chain-feed';
const quote = (symbol: string, strike: number, seq: number, extra: object = {}) => ({
  symbol,
  expiry: '2026-12-19',
  strike,
  right: 'C',
  seq,
  ...extra,
});
const seqs = (sse: SseConnection) => sse.entries().map((e) => JSON.parse(e.data).seq as number);

for (const runtime of ['bun', 'node'] as Runtime[]) {
  describe(`market-data features on ${runtime}`, () => {
    let redis: RedisServer;
    let gateway: GatewayProcess;
    const open: SseConnection[] = [];
    const connect = async (path: string, headers: Record<string, string> = {}) => {
      const sse = await openSse(`${gateway.url}${path}`, headers);
      open.push(sse);
      await sse.waitForEvents(1, 5000, (e) => e.type === 'connected');
      return sse;
    };

    beforeAll(async () => {
      redis = await startRedis();
      // Entries written before the gateway starts must reach snapshots (cache refilled).
      await publish(redis.client, CHAIN, quote('SNAP', 100, 1));
      await publish(redis.client, CHAIN, quote('SNAP', 105, 2));
      await publish(redis.client, CHAIN, quote('SNAP', 100, 3));
      gateway = await startGateway(runtime, { REDIS_URL: redis.url, HEARTBEAT_MS: '1000' });
      await waitUntil(async () => (await fetch(`${gateway.url}/health`)).ok, 10_000, 'health');
    });

    afterAll(async () => {
      for (const sse of open) sse.close();
      await gateway?.stop('SIGKILL');
      await redis?.stop();
    });

    test('snapshot=1 sends the newest entry per instrument, then live, with no gap', async () => {
      const sse = await connect('/sse/chain-feed?symbols=SNAP&snapshot=1');
      await sse.waitForEvents(2);
      expect(seqs(sse)).toEqual([2, 3]); // strike 105 (seq 2), then strike 100's latest (seq 3)
      await publish(redis.client, CHAIN, quote('SNAP', 105, 4));
      await sse.waitForEvents(3);
      expect(seqs(sse)).toEqual([2, 3, 4]);
      expect(JSON.parse(sse.events[0]?.data ?? '{}').snapshot).toBe(true);
    });

    test('snapshot and live meet with no gap or duplicate while publishing', async () => {
      let seq = 100;
      let running = true;
      const writer = (async () => {
        while (running) await publish(redis.client, CHAIN, quote('FLOW', seq % 7, ++seq));
      })();
      await Bun.sleep(30);
      const sse = await connect('/sse/chain-feed?symbols=FLOW&snapshot=1');
      await sse.waitForEvents(40, 10_000);
      running = false;
      await writer;
      await sse.waitForEvents(1, 5000, (e) => e.data.includes(`"seq":${seq}`));
      // Seven strikes in turn: the newest per strike are the last seven written before the
      // client attached, so snapshot plus live must be one unbroken run up to the last seq.
      const got = seqs(sse);
      const first = got[0] as number;
      expect(got).toEqual(Array.from({ length: seq - first + 1 }, (_, i) => first + i));
      expect(got.length).toBeGreaterThan(7);
    });

    test('maxRate limits updates per instrument and ends on the latest value', async () => {
      const limited = await connect('/sse/chain-feed?symbols=RATE&maxRate=2');
      const full = await connect('/sse/chain-feed?symbols=RATE');
      for (let seq = 1; seq <= 40; seq++) {
        await publish(redis.client, CHAIN, quote('RATE', 1, seq));
        await Bun.sleep(10);
      }
      await full.waitForEvents(40);
      await limited.waitForEvents(1, 5000, (e) => e.data.includes('"seq":40'));
      const got = seqs(limited);
      expect(got.at(-1)).toBe(40);
      expect(got.length).toBeLessThanOrEqual(5); // ~0.4 s of publishing at 2/s, plus the last
      expect(got).toEqual([...got].sort((a, b) => a - b));
      expect(seqs(full)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    test('since replays from a point in time, then continues live', async () => {
      await publish(redis.client, CHAIN, quote('SINCE', 1, 1));
      await Bun.sleep(5);
      const from = Date.now();
      await Bun.sleep(5);
      await publish(redis.client, CHAIN, quote('SINCE', 1, 2));
      await publish(redis.client, CHAIN, quote('SINCE', 1, 3));
      const sse = await connect(
        `/sse/chain-feed?symbols=SINCE&since=${new Date(from).toISOString()}`,
      );
      await sse.waitForEvents(2);
      await publish(redis.client, CHAIN, quote('SINCE', 1, 4));
      await sse.waitForEvents(3);
      expect(seqs(sse)).toEqual([2, 3, 4]);
      const byEpoch = await connect(`/sse/chain-feed?symbols=SINCE&since=${from}`);
      await byEpoch.waitForEvents(3);
      expect(seqs(byEpoch)).toEqual([2, 3, 4]);
    });

    test('where filters on payload fields, with alternatives and several conditions', async () => {
      const sse = await connect('/sse/chain-feed?symbols=WHERE&where=expiry:2026-12-19,right:C|P');
      await publish(redis.client, CHAIN, quote('WHERE', 1, 1));
      await publish(redis.client, CHAIN, quote('WHERE', 1, 2, { expiry: '2027-01-15' }));
      await publish(redis.client, CHAIN, quote('WHERE', 1, 3, { right: 'P' }));
      await publish(redis.client, CHAIN, quote('WHERE', 1, 4, { right: 'X' }));
      await publish(redis.client, CHAIN, quote('WHERE', 1, 5));
      await sse.waitForEvents(3);
      await Bun.sleep(100); // a wrongly delivered entry would arrive in this window
      expect(seqs(sse)).toEqual([1, 3, 5]);
    });

    test('a resume point that was trimmed away gets a gap event first (case 004)', async () => {
      const key = 'sse:timeseries';
      const ids: string[] = [];
      for (let seq = 1; seq <= 10; seq++) ids.push(await publish(redis.client, key, { seq }));
      await redis.client.xtrim(key, 'MAXLEN', 5);
      const sse = await connect('/sse/timeseries', { 'Last-Event-ID': ids[1] as string });
      await sse.waitForEvents(5);
      const gap = sse.events.find((e) => e.type === 'gap');
      expect(JSON.parse(gap?.data ?? '{}')).toEqual({
        stream: 'timeseries',
        reason: 'trimmed',
        requested: ids[1],
        resumedFrom: ids[5],
        missed: null,
      });
      expect(gap?.id).toBeUndefined();
      expect(sse.events.indexOf(gap!)).toBeLessThan(
        sse.events.findIndex((e) => e.type === 'timeseries'),
      );
      expect(seqs(sse)).toEqual([6, 7, 8, 9, 10]);
      // Boundary: the cursor's own entry was the last one trimmed. Redis cannot tell us
      // whether anything after it went, so a gap may be announced; the entries are exact.
      const boundary = await connect('/sse/timeseries', { 'Last-Event-ID': ids[4] as string });
      await boundary.waitForEvents(5);
      expect(seqs(boundary)).toEqual([6, 7, 8, 9, 10]);
      const inside = await connect('/sse/timeseries', { 'Last-Event-ID': ids[6] as string });
      await inside.waitForEvents(3);
      expect(inside.events.some((e) => e.type === 'gap')).toBe(false);
      expect(seqs(inside)).toEqual([8, 9, 10]);
    });

    test('rejects malformed feature parameters with invalid_query', async () => {
      for (const query of [
        'maxRate=0',
        'maxRate=abc',
        'snapshot=yes',
        'since=tomorrow',
        'since=-5',
        'since=Dec%204%202026',
        'where=x',
        'symbols=SPX&symbols=QQQ',
      ]) {
        const response = await fetch(`${gateway.url}/sse/chain-feed?${query}`);
        expect(response.status).toBe(400);
        const { error } = await response.json();
        expect(error.code).toBe('invalid_query');
        if (query.startsWith('symbols')) expect(error.message).toContain('more than once');
      }
    });
  });
}
